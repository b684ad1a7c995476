"""GET /api/v1/compliance and /api/v1/compliance/meetings."""

from __future__ import annotations

import datetime as dt

import pytest

from orglife.api.tests import ApiClient, errors
from orglife.meetings.tests.test_compliance_queries import record
from orglife.orgs import services
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db
YEAR = 2026


def rows(response) -> dict:
    assert response.status_code == 200, response.content
    return {(r["org"], r["kind"], r["period"]): r for r in response.json()["rows"]}


def test_it_gives_a_subtree_scoped_to_the_viewer(demo):
    record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day", "assembly"])
    r = ApiClient(demo.officer).get("/compliance", org="ZZ", year=YEAR, on="2026-11-30")
    got = rows(r)
    assert r.json()["count"] == 3  # ZB1, XZ1, ZB2
    assert {code for code, _, _ in got} == {"ZB1", "XZ1", "ZB2"}
    row = got[("ZB1", "theme_day", f"{YEAR}-11")]
    assert row == {"org": "ZB1", "kind": "theme_day", "period": f"{YEAR}-11", "required": 1, "held": 1,
                   "status": "met", "meetings": [], "rule": "meeting.theme_day",
                   "explanation": "按规定每月至少召开1次主题党日，2026-11已召开1次。"}
    assert got[("ZB2", "assembly", f"{YEAR}-Q4")]["status"] == "due"
    assert got[("ZB2", "assembly", f"{YEAR}-Q3")]["status"] == "missed"


def test_one_organization_lists_its_meetings(demo):
    meeting = record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day", "assembly"])
    got = rows(ApiClient(demo.secretary).get("/compliance", org="ZB1", year=YEAR, subtree="false", on="2026-11-30"))
    assert {code for code, _, _ in got} == {"ZB1"}
    assert got[("ZB1", "assembly", f"{YEAR}-Q4")]["meetings"] == [meeting.pk]
    r = ApiClient(demo.secretary).get("/compliance/meetings", org="ZB1", kind="assembly", period=f"{YEAR}-Q4")
    assert r.json() == [meeting.pk]


def test_on_defaults_to_today_and_judges_as_of_that_day(demo):
    got = rows(ApiClient(demo.secretary).get("/compliance", org="ZB1", year=YEAR, subtree="false", on="2026-01-15"))
    assert got[("ZB1", "theme_day", f"{YEAR}-01")]["status"] == "due"
    assert got[("ZB1", "theme_day", f"{YEAR}-02")]["status"] == "upcoming"
    assert rows(ApiClient(demo.secretary).get("/compliance", org="ZB1", year=YEAR))


def test_it_pages_organizations(demo):
    parent = Organization.objects.get(pk=demo.zz.pk)
    for i in range(4):
        services.org_create(actor=None, parent=parent, code=f"N{i}", name=f"支部{i}", kind="branch",
                            established_on=dt.date(2010, 1, 1))
        parent = Organization.objects.get(pk=demo.zz.pk)
    r = ApiClient(demo.admin).get("/compliance", org="DW", year=YEAR, limit=2, offset=2)
    assert r.json()["count"] == 8
    assert len({row["org"] for row in r.json()["rows"]}) == 2


def test_it_refuses_outsiders(demo):
    assert ApiClient().get("/compliance", org="ZB1", year=YEAR).status_code == 401
    assert ApiClient(demo.outsider).get("/compliance", org="ZB1", year=YEAR).status_code == 403
    assert ApiClient(demo.officer).get("/compliance", org="ZB3", year=YEAR).status_code == 403
    assert ApiClient(demo.officer).get("/compliance", org="NOPE", year=YEAR).status_code == 404
    r = ApiClient(demo.officer).get("/compliance/meetings", org="ZB3", kind="assembly", period="2026-Q1")
    assert r.status_code == 403


def test_bad_parameters_are_400_with_errors(demo):
    api = ApiClient(demo.admin)
    r = api.get("/compliance", org="DW", year="abc")
    assert r.status_code == 400
    assert errors(r) == {"year": "年度应为整数"}
    assert errors(api.get("/compliance", org="DW", year=1800)) == {"year": "年度不能小于2000"}
    assert errors(api.get("/compliance", year=YEAR))["org"].endswith("编码不能为空")
    assert errors(api.get("/compliance", org="DW", year=YEAR, on="2026-13-01")) == {
        "on": "判定日期格式不正确，应为YYYY-MM-DD"}
    assert errors(api.get("/compliance", org="DW", year=YEAR, subtree="maybe")) == {
        "subtree": "是否包含下级组织应为true或false"}
    r = api.get("/compliance/meetings", org="DW", kind="party", period="2026-Q5")
    assert r.status_code == 400
    assert set(errors(r)) == {"kind", "period"}
