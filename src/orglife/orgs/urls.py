from django.urls import path

from . import import_views, transfer_urls, views

urlpatterns = [
    path("me/", views.me, name="me"),
    path("orgs/", views.org_tree, name="org_tree"),
    path("orgs/<str:code>/", views.org_detail, name="org_detail"),
    path("orgs/<str:code>/children/", views.org_children, name="org_children"),
    path("orgs/<str:code>/members/", views.roster, name="roster"),
    path("orgs/<str:code>/members/new/", views.member_new, name="member_new"),
    path("orgs/<str:code>/audit/", views.org_audit, name="org_audit"),
    path("orgs/<str:code>/new/", views.org_new, name="org_new"),
    path("orgs/<str:code>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<str:code>/move/", views.org_move, name="org_move"),
    path("orgs/<str:code>/terms/new/", views.term_new, name="term_new"),
    path("orgs/<str:code>/posts/new/", views.post_new, name="post_new"),
    path("orgs/<str:code>/export.xlsx", import_views.roster_export, name="roster_export"),
    path("orgs/<str:code>/import/", import_views.roster_import, name="roster_import"),
    path("imports/<int:pk>/", import_views.import_result, name="import_result"),
    path("imports/<int:pk>/errors.xlsx", import_views.import_errors_xlsx, name="import_errors_xlsx"),
    path("roster-template.xlsx", import_views.roster_template, name="roster_template"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    *transfer_urls.urlpatterns,
]
