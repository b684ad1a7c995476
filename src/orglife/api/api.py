"""The /api/v1/ ninja API. Each app contributes a router; auth is a bearer token."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from orglife.core.models import ApiToken

from .schemas import BODY, translate


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


# Error bodies: 400 {"errors": [{"field", "message"}]}, 401/403/404 {"detail"}, all in Chinese.


@api.exception_handler(ValidationError)
def request_invalid(request, exc: ValidationError):
    """Malformed parameters or body (ninja's 422) become 400 in the services' error shape."""
    errors, seen = [], set()
    for error in exc.errors:
        item = translate(error)
        if item["field"] not in seen:  # one message per field, as the services give
            seen.add(item["field"])
            errors.append(item)
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "未认证：请在 Authorization 头中提供有效的令牌（Bearer TOKEN）"}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        body = {"errors": [{"field": BODY, "message": "请求体不是有效的JSON"}]}
        return api.create_response(request, body, status=400)
    detail = {403: "您没有相应权限", 429: "请求过于频繁，请稍后再试"}.get(exc.status_code, str(exc))
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "对象不存在"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "您没有相应权限"}, status=403)


from orglife.disclosure.api import router as disclosure_router  # noqa: E402
from orglife.dues.api import router as dues_router  # noqa: E402
from orglife.evaluation.api import router as evaluation_router  # noqa: E402
from orglife.meetings.api import router as meetings_router  # noqa: E402
from orglife.meetings.compliance_api import router as compliance_router  # noqa: E402
from orglife.orgs.api import router as orgs_router  # noqa: E402
from orglife.recruitment.api import router as recruitment_router  # noqa: E402
from orglife.study.api import router as study_router  # noqa: E402

api.add_router("/", orgs_router)
api.add_router("/", meetings_router)
api.add_router("/", compliance_router)
api.add_router("/", dues_router)
api.add_router("/", recruitment_router)
api.add_router("/", study_router)
api.add_router("/", evaluation_router)
api.add_router("/", disclosure_router)
