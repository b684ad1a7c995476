"""谈心谈话, 双重组织生活 and to-do pages."""

from django.urls import path

from . import talk_views

urlpatterns: list = [
    path("orgs/<str:code>/talks/", talk_views.talk_list, name="talk_list"),
    path("orgs/<str:code>/talks/new/", talk_views.talk_new, name="talk_new"),
    path("orgs/<str:code>/talks/todos/new/", talk_views.talk_todo_new, name="talk_todo_new"),
    path("talks/<int:pk>/", talk_views.talk_detail, name="talk_detail"),
    path("orgs/<str:code>/dual-life/", talk_views.dual_life_report, name="dual_life"),
    path("orgs/<str:code>/todos/", talk_views.org_todos, name="org_todos"),
]
