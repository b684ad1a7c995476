from django.urls import path

from . import campaign_views

urlpatterns = [
    path("orgs/<str:code>/campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/close/", campaign_views.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/summary.xlsx", campaign_views.campaign_xlsx, name="campaign_xlsx"),
    path("campaigns/<int:pk>/answer/<str:code>/", campaign_views.campaign_answer, name="campaign_answer"),
    path("campaigns/<int:pk>/mine/", campaign_views.campaign_answer_mine, name="campaign_answer_mine"),
    path("checklists/upload/", campaign_views.checklist_upload, name="checklist_upload"),
    path("checklists/template.xlsx", campaign_views.checklist_template, name="checklist_template"),
]
