from django.urls import path

from . import plan_views as v

urlpatterns = [
    path("plans/pending/", v.plan_pending, name="plan_pending"),
    path("orgs/<str:code>/plans/", v.plan_list, name="plan_list"),
    path("orgs/<str:code>/plans/generate/", v.plan_generate, name="plan_generate"),
    path("orgs/<str:code>/plans/<int:year>/", v.plan_detail, name="plan_detail"),
    path("orgs/<str:code>/plans/<int:year>/items/new/", v.plan_item_new, name="plan_item_new"),
    path("orgs/<str:code>/plans/<int:year>/items/<int:pk>/edit/", v.plan_item_edit, name="plan_item_edit"),
    path("orgs/<str:code>/plans/<int:year>/items/<int:pk>/delete/", v.plan_item_delete, name="plan_item_delete"),
    path("orgs/<str:code>/plans/<int:year>/submit/", v.plan_submit, name="plan_submit"),
    path("orgs/<str:code>/plans/<int:year>/return/", v.plan_return, name="plan_return"),
    path("orgs/<str:code>/plans/<int:year>/approve/", v.plan_approve, name="plan_approve"),
]
