"""Files: the compliance table as xlsx and a branch's yearly 组织生活纪实 book as PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from unittest import mock

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from orglife.meetings import reports
from orglife.meetings.models import Amendment, Attendance, Resolution
from orglife.meetings.tests.test_compliance_queries import record

YEAR = 2026
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _today():
    with mock.patch("orglife.meetings.compliance_views.timezone.localdate", return_value=TODAY):
        yield


def pdf_fonts(pdf: bytes) -> list[bytes]:
    """Font names of a PDF whose objects WeasyPrint writes into compressed object streams."""
    text = b""
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            text += zlib.decompress(m.group(1).rstrip(b"\r\n"))
        except zlib.error:
            continue
    return re.findall(rb"/BaseFont\s*/([^\s/]+)", text)


def test_xlsx_export(client, demo):
    record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day"])
    client.force_login(demo.officer)
    response = client.get(reverse("compliance_xlsx", args=["ZZ"]), {"year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("组织编码", "组织名称", "会议类型", "期间", "应召开", "已召开", "状态", "说明", "依据")
    assert ("ZB1", "第一党支部", "主题党日", f"{YEAR}-11", 1, 1, "已完成") in [r[:7] for r in rows]
    assert ("ZB2", "第二党支部", "主题党日", f"{YEAR}-10", 1, 0, "未完成") in [r[:7] for r in rows]
    assert not [r for r in rows[2:] if r[0] == "ZB3"]
    assert len(ws.conditional_formatting) == 1  # the status column is coloured by rule
    assert client.get(reverse("compliance_xlsx", args=["ZB3"])).status_code == 403
    assert client.get(reverse("compliance_xlsx", args=["ZZ"]), {"year": "x"}).status_code == 400


def test_book_pdf(client, demo):
    meeting = record(demo.zb1, dt.date(YEAR, 3, 5), ["theme_day", "assembly"], topic="学习党章")
    meeting.minutes = "书记传达上级精神，大家逐条学习。"
    meeting.save()
    Attendance.objects.create(meeting=meeting, member=demo.m1, voting_entitled=True, status="present")
    Attendance.objects.create(meeting=meeting, member=demo.m2, voting_entitled=True, status="on_leave", reason="出差")
    Resolution.objects.create(meeting=meeting, text="同意李四同志按期转正", yes=2)
    Amendment.objects.create(meeting=meeting, version=1, reason="补记发言", before={"minutes": "原记录"})
    record(demo.zb1, dt.date(YEAR, 1, 5), ["theme_day"], topic="新年第一课")
    record(demo.zb1, dt.date(YEAR, 2, 5), ["theme_day"], counted=False, topic="草稿会议")
    context = reports.book_context(demo.zb1, YEAR)
    assert [m["meeting"].topic for m in context["meetings"]] == ["新年第一课", "学习党章"]
    assert context["meetings"][1]["present"] == 1 and context["meetings"][1]["leave"] == 1
    client.force_login(demo.secretary)
    response = client.get(reverse("book_pdf", args=["ZB1"]), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert any(b"CJK" in name for name in pdf_fonts(response.content))  # Chinese, not boxes
    client.force_login(demo.officer)
    assert client.get(reverse("book_pdf", args=["ZB3"])).status_code == 403


def test_book_html_has_everything_the_record_holds(demo):
    meeting = record(demo.zb1, dt.date(YEAR, 3, 5), ["theme_day", "assembly"], topic="学习党章")
    meeting.minutes = "书记传达上级精神。"
    meeting.save()
    Attendance.objects.create(meeting=meeting, member=demo.m1, voting_entitled=True, status="present")
    Resolution.objects.create(meeting=meeting, text="同意李四同志按期转正", yes=2)
    Amendment.objects.create(meeting=meeting, version=1, reason="补记发言", before={"minutes": "原记录"})
    html = render_to_string("meetings/book_pdf.html", reports.book_context(demo.zb1, YEAR))
    for text in ("学习党章", "主题党日、支部党员大会", "李四", "书记传达上级精神。", "同意李四同志按期转正", "补记发言", "原记录",
                 "应到 1 人，实到 1 人"):
        assert text in html


def test_xlsx_refuses_a_subtree_too_large_for_a_sheet(client, demo):
    client.force_login(demo.admin)
    with mock.patch.object(reports, "XLSX_MAX_ORGS", 2):
        response = client.get(reverse("compliance_xlsx", args=["DW"]), {"year": YEAR})
    assert response.status_code == 400
    assert "请从下级组织分别导出" in response.content.decode()


def test_an_empty_year_still_makes_a_book(client, demo):
    client.force_login(demo.secretary)
    response = client.get(reverse("book_pdf", args=["ZB1"]), {"year": 2020})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "尚无已提交的会议记录" in render_to_string("meetings/book_pdf.html", reports.book_context(demo.zb1, 2020))


def test_book_shows_amendments_with_labels_and_names_not_keys(demo):
    meeting = record(demo.zb1, dt.date(YEAR, 4, 5), ["theme_day"], topic="四月主题党日")
    Amendment.objects.create(meeting=meeting, version=1, reason="主持人记错",
                             before={"host": demo.m2.pk, "kinds": ["theme_day", "party_lecture"]})
    html = render_to_string("meetings/book_pdf.html", reports.book_context(demo.zb1, YEAR))
    assert "原主持人" in html and "王五" in html and "主题党日、党课" in html
    assert ">host<" not in html and "party_lecture" not in html
