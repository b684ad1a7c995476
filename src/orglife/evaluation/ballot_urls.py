"""Secret ballot pages: cast a ballot, check a receipt."""

from django.urls import path

from . import ballot_views as v

urlpatterns = [
    path("ballots/<int:pk>/vote/", v.ballot_vote, name="ballot_vote"),
    path("ballots/<int:pk>/receipt/", v.ballot_receipt, name="ballot_receipt"),
]
