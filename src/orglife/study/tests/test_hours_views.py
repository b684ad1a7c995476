"""Class-hour pages: /orgs/<code>/study/hours/ (+ .xlsx) and /orgs/<code>/study/coverage/ (+ .xlsx)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orglife.conftest import make_member
from orglife.core.models import AuditEvent
from orglife.study import plan_services

from .plan_support import YEAR, published_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(demo):
    _p, it = published_plan(demo.zb1, hours="40")
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    return it


@pytest.mark.parametrize("name", ["study_hours", "study_hours_xlsx"])
@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZB1", 403), ("outsider", "ZB1", 403), ("secretary", "ZB3", 403), ("officer", "ZB3", 403),
    ("secretary", "ZB1", 200), ("officer", "ZZ", 200), ("admin", "DW", 200),
])
def test_the_report_is_scoped(client, demo, name, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse(name, args=[code])).status_code == status


def test_the_report_lists_who_is_short_and_by_how_much(client, demo, confirmed):
    client.force_login(demo.secretary)
    body = client.get(reverse("study_hours", args=["ZB1"]), {"year": YEAR}).content.decode()
    assert "李四" in body and "40.0" in body and "已达到" in body
    assert "王五" in body and "差 32.0" in body and "可信度 S" in body
    body = client.get(reverse("study_hours", args=["ZB1"]), {"year": YEAR, "short": "1"}).content.decode()
    assert "王五" in body and "李四" not in body


def test_officers_see_the_subtree(client, demo, confirmed):
    client.force_login(demo.officer)
    body = client.get(reverse("study_hours", args=["ZZ"]), {"subtree": "1"}).content.decode()
    assert "李四" in body and "含下级组织" in body
    client.force_login(demo.secretary)  # no subtree below a branch
    assert "含下级组织" not in client.get(reverse("study_hours", args=["ZB1"])).content.decode()


def test_the_xlsx_export(client, demo, confirmed):
    client.force_login(demo.secretary)
    r = client.get(reverse("study_hours_xlsx", args=["ZB1"]), {"year": YEAR})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2] == ("姓名", "所在组织", "身份", "已获学时", "应达学时", "差额", "是否达到")
    by_name = {row[0]: row for row in rows[3:]}
    assert by_name["李四"][3:] == (40.0, 32.0, 0.0, "已达到")
    assert by_name["王五"][5:] == (32.0, "未达到")
    assert AuditEvent.objects.filter(action="study.hours_export").exists()


def test_the_report_runs_a_bounded_number_of_queries(client, demo, confirmed, django_assert_max_num_queries):
    client.force_login(demo.officer)
    url = reverse("study_hours", args=["ZZ"])
    client.get(url, {"subtree": "1"})
    with django_assert_max_num_queries(30) as first:
        client.get(url, {"subtree": "1"})
    for i in range(25):
        make_member("ZB2", name=f"党员{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        r = client.get(url, {"subtree": "1"})
    assert r.context["count"] == 27


@pytest.mark.parametrize("name", ["study_coverage", "study_coverage_xlsx"])
@pytest.mark.parametrize("persona,code,status", [
    ("member", "ZZ", 403), ("outsider", "ZZ", 403), ("secretary", "ZZ", 403), ("officer", "DW", 403),
    ("officer", "ZZ", 200), ("admin", "DW", 200),
])
def test_coverage_is_scoped(client, demo, name, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse(name, args=[code])).status_code == status


def test_coverage_page_chart_and_xlsx(client, demo, confirmed):
    client.force_login(demo.admin)
    body = client.get(reverse("study_coverage", args=["DW"]), {"year": YEAR}).content.decode()
    assert "<svg" in body and "覆盖率 <strong>33%</strong>" in body and "测试党总支" in body and "50%" in body
    r = client.get(reverse("study_coverage_xlsx", args=["DW"]), {"year": YEAR})
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "组织编码"
    zz = next(row for row in rows if row[0] == "ZZ")
    assert zz[2:6] == (2, 1, 1, 0.5)
    assert rows[-1][:6] == ("合计", "测试党委", 3, 1, 2, 0.3333)


def test_coverage_runs_a_bounded_number_of_queries(client, demo, django_assert_max_num_queries):
    client.force_login(demo.admin)
    url = reverse("study_coverage", args=["DW"])
    client.get(url)
    with django_assert_max_num_queries(30) as first:
        client.get(url)
    for i in range(20):
        make_member("ZB2" if i % 2 else "ZB3", name=f"党员{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_wrong_methods(client, demo):
    client.force_login(demo.admin)
    for name in ("study_hours", "study_hours_xlsx", "study_coverage", "study_coverage_xlsx"):
        assert client.post(reverse(name, args=["DW"])).status_code == 405
