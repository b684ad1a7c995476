from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from orglife.orgs import services

from . import ApiClient, errors

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [o["code"] for o in response.json()["items"]]


def test_it_requires_a_token(demo):
    r = ApiClient().get("/orgs")
    assert r.status_code == 401
    assert "令牌" in r.json()["detail"]


def test_it_rejects_an_unknown_token(demo):
    r = ApiClient(token="ol_not-a-real-token").get("/orgs")
    assert r.status_code == 401


def test_it_rejects_a_token_of_an_inactive_user(demo):
    api = ApiClient(demo.secretary)
    demo.secretary.is_active = False
    demo.secretary.save()
    assert api.get("/orgs").status_code == 401


def test_it_lists_the_officers_scope(demo):
    r = ApiClient(demo.officer).get("/orgs")
    assert r.status_code == 200
    body = r.json()
    assert codes(r) == ["ZZ", "ZB1", "XZ1", "ZB2"]
    assert body["count"] == 4
    zb1 = next(o for o in body["items"] if o["code"] == "ZB1")
    assert zb1["parent"] == "ZZ"
    assert zb1["kind"] == "branch" and zb1["kind_label"] == "党支部"
    assert zb1["member_count"] == 2
    assert "ZB3" not in codes(r)


def test_it_lists_everything_for_a_superuser(demo):
    root = get_user_model().objects.create_superuser("root", password="Secret-pass-2026")
    r = ApiClient(root).get("/orgs")
    assert codes(r) == ["DW", "ZZ", "ZB1", "XZ1", "ZB2", "ZB3"]
    assert r.json()["items"][0]["parent"] is None


def test_it_lists_nothing_for_an_outsider(demo):
    r = ApiClient(demo.outsider).get("/orgs")
    assert r.json() == {"count": 0, "limit": 50, "offset": 0, "items": []}


def test_it_filters_by_parent_and_kind(demo):
    api = ApiClient(demo.admin)
    assert codes(api.get("/orgs", parent="DW")) == ["ZZ", "ZB3"]
    assert codes(api.get("/orgs", parent="ZZ")) == ["ZB1", "ZB2"]
    assert codes(api.get("/orgs", kind="branch")) == ["ZB1", "ZB2", "ZB3"]
    assert codes(api.get("/orgs", parent="DW", kind="branch")) == ["ZB3"]
    # the officer sees only the in-scope children of DW
    assert codes(ApiClient(demo.officer).get("/orgs", parent="DW")) == ["ZZ"]


def test_it_paginates(demo):
    api = ApiClient(demo.admin)
    r = api.get("/orgs", limit=2, offset=2)
    assert r.json()["count"] == 6
    assert codes(r) == ["ZB1", "XZ1"]


def test_it_rejects_bad_filters_with_chinese_messages(demo):
    api = ApiClient(demo.admin)
    r = api.get("/orgs", kind="nonsense")
    assert r.status_code == 400
    assert errors(r)["kind"].startswith("组织类型的取值无效")
    r = api.get("/orgs", limit=0)
    assert r.status_code == 400
    assert errors(r) == {"limit": "每页条数不能小于1"}
    r = api.get("/orgs", limit="many")
    assert errors(r) == {"limit": "每页条数应为整数"}
    r = api.get("/orgs", parent="NOPE")
    assert r.status_code == 400
    assert errors(r) == {"parent": "组织编码“NOPE”不存在"}


def test_it_shows_an_org_in_scope(demo):
    services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2025, 3, 1))
    r = ApiClient(demo.officer).get("/orgs/ZB1")
    assert r.status_code == 200
    body = r.json()
    assert body["code"] == "ZB1" and body["parent"] == "ZZ"
    assert body["kind"] == "branch"
    assert body["member_count"] == 2 and body["full_member_count"] == 2
    assert body["children_count"] == 1  # 党小组 XZ1
    assert body["current_term"]["started_on"] == "2025-03-01"
    assert body["term_expires_on"] == body["current_term"]["expires_on"]
    assert body["effective_profile"] == "national"
    assert body["effective_profile_label"]


def test_it_sums_the_subtree(demo):
    body = ApiClient(demo.admin).get("/orgs/DW").json()
    assert body["member_count"] == 0
    assert body["subtree_member_count"] == 3
    assert body["parent"] is None
    assert body["current_term"] is None and body["term_expires_on"] is None


def test_it_forbids_an_org_out_of_scope(demo):
    r = ApiClient(demo.officer).get("/orgs/ZB3")
    assert r.status_code == 403
    assert r.json() == {"detail": "您没有该组织的相应权限"}


def test_it_404s_an_unknown_org(demo):
    r = ApiClient(demo.officer).get("/orgs/NOPE")
    assert r.status_code == 404
    assert r.json() == {"detail": "组织不存在"}


def test_openapi_lists_the_paths(demo):
    r = ApiClient().client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    paths = schema["paths"]
    assert {"/api/v1/orgs", "/api/v1/orgs/{code}", "/api/v1/members", "/api/v1/members/{member_id}"} <= set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/members"])
    assert {"get", "patch"} <= set(paths["/api/v1/members/{member_id}"])
    assert "BearerToken" in schema["components"]["securitySchemes"]
    member_in = schema["components"]["schemas"]["MemberIn"]
    assert "公民身份号码" in member_in["properties"]["id_number"]["description"]


def test_docs_page_renders(demo):
    r = ApiClient().client.get("/api/v1/docs")
    assert r.status_code == 200
