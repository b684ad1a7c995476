"""组织生活会 / 民主生活会 workflow pages."""

from django.urls import path

from . import life_views as v

urlpatterns = [
    path("orgs/<str:code>/life-meetings/", v.life_list, name="life_list"),
    path("orgs/<str:code>/life-meetings/new/", v.life_new, name="life_new"),
    path("life-meetings/<int:pk>/", v.life_detail, name="life_detail"),
    path("life-meetings/<int:pk>/plan/", v.life_plan, name="life_plan"),
    path("life-meetings/<int:pk>/prep/", v.life_prep, name="life_prep"),
    path("life-meetings/<int:pk>/override/", v.life_override, name="life_override"),
    path("life-meetings/<int:pk>/problems/", v.life_problem, name="life_problem"),
    path("life-meetings/<int:pk>/report/", v.life_report, name="life_report"),
    path("life-meetings/<int:pk>/criticisms/<int:member_id>/", v.life_criticism, name="life_criticism"),
    path("life-meetings/<int:pk>/materials/<int:member_id>/", v.life_material, name="life_material"),
    path("life-meetings/<int:pk>/mine/", v.life_material_mine, name="life_material_mine"),
]
