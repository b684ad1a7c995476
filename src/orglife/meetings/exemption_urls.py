from django.urls import path

from . import exemption_views

urlpatterns = [
    path("orgs/<str:code>/exemptions/", exemption_views.exemption_list, name="exemption_list"),
    path("exemptions/<int:pk>/revoke/", exemption_views.exemption_revoke, name="exemption_revoke"),
]
