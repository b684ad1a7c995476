import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from orglife.core.models import AuditEvent
from orglife.inspection import export
from orglife.inspection import problem_services as ps

from .problems import problem, signed_off

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def get(client, user, code="ZZ", **params):
    client.force_login(user)
    return client.get(reverse("ledger_pdf", args=[code]), params)


def test_it_is_a_landscape_pdf_with_the_rows_measures_and_summary(client, demo):
    p = problem(demo.zb1, source="central_inspection", responsible=demo.m1, description="理论学习不深入")
    ps.measure_add(actor=None, problem=p, text="制定学习计划", deadline=dt.date(2030, 3, 1), owner=demo.m2)
    signed_off(demo.zb2)
    problem(demo.zb3, description="范围之外的问题")
    r = get(client, demo.officer)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "整改台账.pdf" in unquote(r["Content-Disposition"])
    reader = PdfReader(io.BytesIO(r.content))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    text = pdf_text(r)
    for expected in ("测试党总支整改台账", "问题来源", "整改措施", "销号日期", "巡视", "第一党支部",
                     "理论学习不深入", "制定学习计划", "王五", "2030-03-01", "已销号", "按期销号率", "全部问题"):
        assert expected in text, expected
    assert "范围之外的问题" not in text
    event = AuditEvent.objects.get(action="ledger.export", org=demo.zz)
    assert event.changes["format"] == [None, "pdf"]


def test_the_page_filters_apply(client, demo):
    problem(demo.zb1, source="petition", description="信访反映的问题")
    problem(demo.zb1, source="spot_check", description="暗访发现的问题")
    text = pdf_text(get(client, demo.secretary, "ZB1", source="petition"))
    assert "信访反映的问题" in text and "暗访发现的问题" not in text and "来源：信访举报" in text


def test_an_overdue_measure_is_marked(client, demo):
    p = problem(demo.zb1, description="逾期的问题")
    ps.measure_add(actor=None, problem=p, text="逾期措施", deadline=dt.date(2020, 1, 1))
    text = pdf_text(get(client, demo.secretary, "ZB1", status="overdue"))
    assert "逾期的问题" in text and "已逾期" in text


def test_withdrawn_problems_are_left_out_unless_asked_for(client, demo):
    p = problem(demo.zb1, description="登记错误的问题")
    ps.problem_withdraw(actor=None, problem=p, reason="自查答案已更正")
    problem(demo.zb1, description="真实的问题")
    text = pdf_text(get(client, demo.secretary, "ZB1"))
    assert "真实的问题" in text and "登记错误的问题" not in text
    assert "登记错误的问题" in pdf_text(get(client, demo.secretary, "ZB1", status="withdrawn"))


def test_too_many_problems_are_refused(client, demo, monkeypatch):
    monkeypatch.setattr(export, "PDF_MAX_ROWS", 1)
    problem(demo.zb1)
    problem(demo.zb1)
    r = get(client, demo.secretary, "ZB1")
    assert r.status_code == 400 and "筛选" in r.content.decode()


def test_the_query_count_does_not_grow_with_the_rows(client, demo, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            p = problem(demo.zb1)
            ps.measure_add(actor=None, problem=p, text="措施", deadline=dt.date(2030, 1, 1), owner=demo.m2)
    add(2)
    get(client, demo.officer)
    with django_assert_max_num_queries(40) as few:
        get(client, demo.officer)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert get(client, demo.officer).status_code == 200


@pytest.mark.parametrize("persona,code,status", [
    ("outsider", "ZB1", 403), ("member", "ZB1", 403), ("officer", "ZB3", 403), ("secretary", "ZZ", 403),
    ("admin", "NOPE", 404), ("secretary", "ZB1", 200), ("admin", "DW", 200),
])
def test_it_is_scoped(client, demo, persona, code, status):
    assert get(client, getattr(demo, persona), code).status_code == status


def test_anonymous_users_are_sent_to_login(client, demo):
    assert client.get(reverse("ledger_pdf", args=["ZB1"])).status_code == 302


def test_it_is_get_only(client, demo):
    client.force_login(demo.secretary)
    assert client.post(reverse("ledger_pdf", args=["ZB1"])).status_code == 405


def test_the_ledger_page_links_to_the_pdf_with_its_filters(client, demo):
    client.force_login(demo.secretary)
    body = client.get(reverse("ledger", args=["ZB1"]), {"source": "petition"}).content.decode()
    assert reverse("ledger_pdf", args=["ZB1"]) + "?source=petition" in body
