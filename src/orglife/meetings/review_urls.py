from django.urls import path

from . import review_views

urlpatterns = [
    path("records/pending/", review_views.record_pending, name="record_pending"),
    path("meetings/<int:pk>/approve/", review_views.record_approve, name="record_approve"),
    path("meetings/<int:pk>/return/", review_views.record_return, name="record_return"),
]
