"""Issue an API token for a user: `python manage.py create_api_token USERNAME`.

The token is printed alone on stdout (so `TOKEN=$(python manage.py create_api_token shuji)`
works) and shown only this once: the database keeps its SHA-256 digest.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orglife.core import audit
from orglife.core.models import ApiToken


class Command(BaseCommand):
    help = "为用户签发 API 令牌（只显示这一次），用于 Authorization: Bearer TOKEN"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌")
        with transaction.atomic():
            token = ApiToken.issue(user)
            row = ApiToken.objects.get(digest=ApiToken.hash(token))
            audit.record(actor=None, action="api_token.issue", target=row, changes={"user": [None, user.get_username()]})
        self.stdout.write(token)
