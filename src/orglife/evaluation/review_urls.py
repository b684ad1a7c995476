"""述职评议 pages."""

from django.urls import path

from . import review_views as v

urlpatterns = [
    path("orgs/<str:code>/reviews/", v.review_list, name="review_list"),
    path("orgs/<str:code>/reviews/new/", v.review_new, name="review_new"),
    path("reviews/<int:pk>/", v.review_detail, name="review_detail"),
    path("reviews/<int:pk>/close/", v.review_close, name="review_close"),
    path("review-reports/<int:pk>/", v.review_report, name="review_report"),
    path("review-reports/<int:pk>/submit/", v.review_report_submit, name="review_report_submit"),
    path("review-reports/<int:pk>/score/", v.review_score, name="review_score"),
    path("review-reports/<int:pk>/feedback/", v.review_feedback, name="review_feedback"),
    path("review-reports/<int:pk>/file/", v.review_file, name="review_file"),
    path("me/reviews/", v.review_mine, name="review_mine"),
]
