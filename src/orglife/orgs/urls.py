from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.me, name="me"),
    path("orgs/", views.org_tree, name="org_tree"),
]
