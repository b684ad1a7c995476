"""The /api/v1/ ninja API. Each app contributes a router; auth is a bearer token."""

from __future__ import annotations

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from orglife.core.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="orglife API",
    version="1",
    description="党组织生活纪实平台接口。认证：Authorization: Bearer TOKEN（python manage.py create_api_token USERNAME）。",
    auth=BearerToken(),
    urls_namespace="api-1",
)

from orglife.orgs.api import router as orgs_router  # noqa: E402

api.add_router("/", orgs_router)
