"""民主评议党员 pages."""

from django.urls import path

from . import appraisal_views as v

urlpatterns = [
    path("orgs/<str:code>/appraisals/", v.appraisal_list, name="appraisal_list"),
    path("orgs/<str:code>/appraisals/new/", v.appraisal_new, name="appraisal_new"),
    path("appraisals/<int:pk>/", v.appraisal_detail, name="appraisal_detail"),
    path("appraisals/<int:pk>/self/", v.appraisal_self, name="appraisal_self"),
    path("appraisals/<int:pk>/comments/", v.appraisal_comment, name="appraisal_comment"),
    path("appraisals/<int:pk>/advance/", v.appraisal_advance, name="appraisal_advance"),
    path("appraisals/<int:pk>/grades/", v.appraisal_grades, name="appraisal_grades"),
    path("appraisal-steps/<int:step_pk>/done/", v.appraisal_step_done, name="appraisal_step_done"),
    path("appraisal-participants/<int:participant_pk>/close/", v.appraisal_step_close, name="appraisal_step_close"),
    path("me/appraisals/", v.appraisal_mine, name="appraisal_mine"),
]
