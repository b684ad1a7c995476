from django.urls import path

from . import plan_views as v

urlpatterns = [
    path("orgs/<str:code>/study/", v.plan_detail, name="study_plan"),
    path("orgs/<str:code>/study/new/", v.plan_new, name="study_plan_new"),
    path("orgs/<str:code>/study/hours/", v.hours_report, name="study_hours"),
    path("orgs/<str:code>/study/hours.xlsx", v.hours_xlsx, name="study_hours_xlsx"),
    path("orgs/<str:code>/study/coverage/", v.hours_coverage, name="study_coverage"),
    path("orgs/<str:code>/study/coverage.xlsx", v.hours_coverage_xlsx, name="study_coverage_xlsx"),
    path("orgs/<str:code>/study/points/", v.points_page, name="study_points"),
    path("orgs/<str:code>/study/points/setting/", v.points_setting, name="study_points_setting"),
    path("study/plans/<int:pk>/publish/", v.plan_publish, name="study_plan_publish"),
    path("study/plans/<int:pk>/items/new/", v.item_new, name="study_item_new"),
    path("study/items/<int:pk>/", v.item_detail, name="study_item"),
    path("study/items/<int:pk>/edit/", v.item_edit, name="study_item_edit"),
    path("study/items/<int:pk>/delete/", v.item_delete, name="study_item_delete"),
    path("study/items/<int:pk>/confirm/", v.item_confirm, name="study_item_confirm"),
    path("study/items/<int:pk>/materials/new/", v.material_new, name="study_material_new"),
    path("study/materials/<int:pk>/file/", v.material_file, name="study_material_file"),
    path("study/materials/<int:pk>/delete/", v.material_delete, name="study_material_delete"),
    path("study/mine/", v.study_mine, name="study_mine"),
]
