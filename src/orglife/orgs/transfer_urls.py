from django.urls import path

from . import transfer_views as views

urlpatterns = [
    path("orgs/<str:code>/transfers/", views.transfer_list, name="transfer_list"),
    path("orgs/<str:code>/transfers/new/", views.transfer_new, name="transfer_new"),
    path("orgs/<str:code>/transfers/incoming/", views.transfer_incoming, name="transfer_incoming"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/approve/", views.transfer_approve, name="transfer_approve"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/refuse/", views.transfer_refuse, name="transfer_refuse"),
    path("transfers/<int:pk>/return/", views.transfer_return, name="transfer_return"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("transfers/<int:pk>/resubmit/", views.transfer_resubmit, name="transfer_resubmit"),
    path("transfers/<int:pk>/receipt/", views.transfer_receipt, name="transfer_receipt"),
    path("transfers/<int:pk>/letter.pdf", views.transfer_letter, name="transfer_letter"),
]
