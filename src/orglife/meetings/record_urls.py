"""Meeting records and QR sign-in."""

from django.urls import path

from . import views

urlpatterns = [
    path("orgs/<str:code>/meetings/", views.meeting_list, name="meeting_list"),
    path("orgs/<str:code>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/start/", views.meeting_start, name="meeting_start"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/submit/", views.meeting_submit, name="meeting_submit"),
    path("meetings/<int:pk>/amend/", views.meeting_amend, name="meeting_amend"),
    path("meetings/<int:pk>/guests/", views.guest_add, name="meeting_guest_add"),
    path("meetings/<int:pk>/resolutions/", views.resolution_add, name="meeting_resolution_add"),
    path("meetings/<int:pk>/follow-ups/", views.follow_up_add, name="meeting_follow_up_add"),
    path("meetings/<int:pk>/attachments/", views.attachment_add, name="meeting_attachment_add"),
    path(
        "meetings/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="meeting_attachment",
    ),
    path("meetings/<int:pk>/qr/", views.meeting_qr, name="meeting_qr"),
    path("meetings/<int:pk>/qr/live/", views.meeting_qr_live, name="meeting_qr_live"),
    path("meetings/<int:pk>/signin/", views.meeting_signin, name="meeting_signin"),
]
