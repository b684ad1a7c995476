from django.contrib.auth import views as auth_views
from django.urls import include, path

from orglife.api.api import api
from orglife.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("", include("orglife.orgs.urls")),
    path("", include("orglife.meetings.urls")),
    path("", include("orglife.inspection.urls")),
    path("", include("orglife.dues.urls")),
    path("", include("orglife.recruitment.urls")),
    path("", include("orglife.study.urls")),
    path("", include("orglife.evaluation.urls")),
    path("", include("orglife.disclosure.urls")),
    path("api/v1/", api.urls),
]
