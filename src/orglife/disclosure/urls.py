from django.urls import path

from . import views

urlpatterns = [
    path("orgs/<str:code>/disclosure/", views.org_list, name="disclosure_list"),
    path("orgs/<str:code>/disclosure/new/", views.publish, name="disclosure_publish"),
    path("disclosure/<int:pk>/", views.detail, name="disclosure_detail"),
    path("disclosure/<int:pk>/withdraw/", views.withdraw, name="disclosure_withdraw"),
    path("public/<str:code>/", views.public_index, name="public_index"),
    path("public/<str:code>/<int:pk>/", views.public_detail, name="public_detail"),
]
