"""The compliance heat map, its drill-down, the xlsx export and the yearly book (PDF)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orglife.meetings.tests.test_compliance_queries import record
from orglife.orgs import services
from orglife.orgs.models import Organization

YEAR = 2026
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _today():
    with mock.patch("orglife.meetings.compliance_views.timezone.localdate", return_value=TODAY):
        yield


def page(client, user, code, **params):
    client.force_login(user)
    return client.get(reverse("compliance", args=[code]), params)


def cell(html: str, code: str, month: int) -> str:
    marker = f'data-org="{code}" data-month="{month}" data-status="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def test_it_shows_the_heat_map_of_the_subtree(client, demo):
    record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day"])
    response = page(client, demo.officer, "ZZ", kind="theme_day")
    assert response.status_code == 200
    html = response.content.decode()
    assert "测试党总支 · 2026年组织生活完成情况" in html
    assert cell(html, "ZB1", 11) == "met"
    assert cell(html, "ZB2", 11) == "due"
    assert cell(html, "ZB2", 10) == "missed"
    assert cell(html, "ZB2", 12) == "upcoming"
    assert "ZB3" not in html  # outside the officer's scope
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="heatmap-data"' in html


def test_all_kinds_show_the_worst_status_of_the_month(client, demo):
    record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day"])
    html = page(client, demo.officer, "ZZ").content.decode()
    assert cell(html, "ZB1", 11) == "met"  # November's monthly kinds were kept…
    assert cell(html, "ZB1", 12) == "due"  # …the Q4 assembly and party lecture show where Q4 closes


def test_drill_down_lists_kind_by_period_with_meeting_links(client, demo):
    meeting = record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day", "assembly"])
    html = page(client, demo.secretary, "ZB1").content.decode()
    assert "第一党支部 逐项明细" in html
    assert f'data-kind="主题党日" data-period="{YEAR}-11" data-status="met"' in html
    assert f'data-kind="支部党员大会" data-period="{YEAR}-Q4" data-status="met"' in html
    assert f"/meetings/{meeting.pk}/" in html
    assert "按规定每月至少召开1次主题党日，2026-11已召开1次。" in html
    assert "第一党小组" in html  # the branch's own 党小组 is in its heat map
    # Kind by month: the quarter's assembly colours all three months of Q4.
    for month in (10, 11, 12):
        assert f'data-kind="assembly" data-month="{month}" data-status="met"' in html
    assert 'data-kind="theme_day" data-month="10" data-status="missed"' in html
    assert 'data-kind="theme_day" data-month="12" data-status="upcoming"' in html


def test_it_refuses_people_outside_the_scope(client, demo):
    assert page(client, demo.outsider, "ZB1").status_code == 403
    assert page(client, demo.officer, "ZB3").status_code == 403
    assert page(client, demo.officer, "NOPE").status_code == 404
    client.logout()
    assert client.get(reverse("compliance", args=["ZB1"])).status_code == 302


def test_a_viewer_may_read(client, demo):
    services.grant_role(actor=None, user=demo.outsider, org=demo.zb3, role="viewer")
    assert page(client, demo.outsider, "ZB3").status_code == 200


def test_it_rejects_bad_parameters(client, demo):
    assert page(client, demo.admin, "DW", year="abc").status_code == 400
    assert page(client, demo.admin, "DW", year="1800").status_code == 400
    assert page(client, demo.admin, "DW", kind="party").status_code == 400
    client.force_login(demo.admin)
    assert client.post(reverse("compliance", args=["DW"])).status_code == 405


def test_it_pages_large_subtrees(client, demo):
    parent = Organization.objects.get(pk=demo.dw.pk)
    for i in range(55):
        services.org_create(actor=None, parent=parent, code=f"P{i:02d}", name=f"支部{i:02d}", kind="branch",
                            established_on=dt.date(2010, 1, 1))
        parent = Organization.objects.get(pk=demo.dw.pk)
    html = page(client, demo.admin, "DW").content.decode()
    assert "第 1 / 2 页" in html
    assert html.count('data-month="1" ') == 50
    html = page(client, demo.admin, "DW", page=2).content.decode()
    assert html.count('data-month="1" ') == 9  # 55 + ZB1, XZ1, ZB2, ZB3 = 59


def _queries(client, user, code) -> int:
    client.force_login(user)
    client.get(reverse("compliance", args=[code]))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("compliance", args=[code]), {"year": YEAR}).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_organizations_or_meetings(client, demo):
    before = _queries(client, demo.admin, "DW")
    zz = Organization.objects.get(pk=demo.zz.pk)
    for i in range(8):
        branch = services.org_create(actor=None, parent=zz, code=f"Q{i}", name=f"新支部{i}", kind="branch",
                                     established_on=dt.date(2010, 1, 1))
        zz = Organization.objects.get(pk=demo.zz.pk)
        for month in range(1, 12):
            record(branch, dt.date(YEAR, month, 3), ["theme_day", "assembly"])
    for month in range(1, 12):
        record(demo.zb1, dt.date(YEAR, month, 9), ["theme_day"])
    assert _queries(client, demo.admin, "DW") == before
    assert _queries(client, demo.admin, "ZB1") <= before + 6  # + the branch's own drill-down
