"""API tests: one bearer-token client per persona, on the shared `demo` personas."""

from __future__ import annotations

import json

from django.test import Client

from orglife.core.models import ApiToken


class ApiClient:
    """The Django test client with a bearer token and JSON bodies."""

    def __init__(self, user=None, token: str | None = None):
        self.client = Client()
        self.token = token or (ApiToken.issue(user) if user is not None else None)

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get("/api/v1" + path, params, **self._headers())

    def post(self, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body, default=str)
        return self.client.post("/api/v1" + path, data, content_type="application/json", **self._headers())

    def patch(self, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body, default=str)
        return self.client.patch("/api/v1" + path, data, content_type="application/json", **self._headers())


def errors(response) -> dict[str, str]:
    body = response.json()
    return {e["field"]: e["message"] for e in body["errors"]}
