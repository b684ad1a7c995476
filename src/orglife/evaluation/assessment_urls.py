"""考核评星 pages."""

from django.urls import path

from . import assessment_views as v

urlpatterns = [
    path("orgs/<str:code>/assessments/", v.assessment_list, name="assessment_list"),
    path("orgs/<str:code>/assessments/new/", v.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", v.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/compute/", v.assessment_compute, name="assessment_compute"),
    path("assessments/<int:pk>/finalize/", v.assessment_finalize, name="assessment_finalize"),
    path("assessments/<int:pk>/ranking.xlsx", v.assessment_xlsx, name="assessment_xlsx"),
    path("assessments/<int:pk>/ranking.pdf", v.assessment_pdf, name="assessment_pdf"),
    path("assessments/<int:pk>/orgs/<str:code>/", v.assessment_org, name="assessment_org"),
    path("assessments/<int:pk>/orgs/<str:code>/input/", v.assessment_input, name="assessment_input"),
    path("assessments/<int:pk>/orgs/<str:code>/grade/", v.assessment_grade, name="assessment_grade"),
]
