from django.urls import path

from . import views

urlpatterns = [
    path("orgs/<str:code>/problems/", views.ledger, name="ledger"),
    path("orgs/<str:code>/problems.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("orgs/<str:code>/problems.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("problems/sign-off/", views.signoff_queue, name="signoff_queue"),
    path("orgs/<str:code>/problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/measures/", views.measure_add, name="measure_add"),
    path("problems/<int:pk>/submit/", views.problem_submit, name="problem_submit"),
    path("problems/<int:pk>/sign-off/", views.problem_sign_off, name="problem_sign_off"),
    path("problems/<int:pk>/return/", views.problem_return, name="problem_return"),
    path("problems/<int:pk>/reopen/", views.problem_reopen, name="problem_reopen"),
    path("measures/<int:pk>/complete/", views.measure_complete, name="measure_complete"),
    path("measures/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
