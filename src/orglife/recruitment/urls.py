"""发展党员 pages."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("orgs/<str:code>/recruitment/", views.pipeline, name="recruitment_pipeline"),
    path("orgs/<str:code>/recruitment/new/", views.applicant_new, name="recruitment_applicant_new"),
    path("recruitment/<int:pk>/", views.applicant_detail, name="recruitment_applicant"),
    path("recruitment/<int:pk>/edit/", views.applicant_edit, name="recruitment_applicant_edit"),
    path("recruitment/<int:pk>/steps/", views.step_new, name="recruitment_step_new"),
    path("recruitment/<int:pk>/steps/<int:step_pk>/delete/", views.step_delete, name="recruitment_step_delete"),
    path("recruitment/<int:pk>/steps/<int:step_pk>/documents/", views.document_add, name="recruitment_document_add"),
    path("recruitment/<int:pk>/documents/<int:doc_pk>/", views.document_download, name="recruitment_document"),
    path("recruitment/<int:pk>/admit/", views.admit, name="recruitment_admit"),
    path("recruitment/<int:pk>/conclude/", views.conclude, name="recruitment_conclude"),
    path("recruitment/<int:pk>/withdraw/", views.withdraw, name="recruitment_withdraw"),
]
