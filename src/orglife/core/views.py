from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from . import audit
from .scope import grants


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    """Officers land on their organization tree; members on their own page."""
    if request.user.is_superuser or grants(request.user):
        return redirect("org_tree")
    if hasattr(request.user, "member"):
        return redirect("me")
    return render(request, "core/no_access.html", status=403)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; Django's validators apply (settings.AUTH_PASSWORD_VALIDATORS)."""

    template_name = "core/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("me")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(actor=self.request.user, action="user.password_change", target=self.request.user)
        messages.success(self.request, "密码已修改。")
        return response
