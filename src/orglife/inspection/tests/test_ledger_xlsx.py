import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orglife.core.models import AuditEvent
from orglife.inspection import problem_services as ps
from orglife.inspection.export import HEADER

from .problems import problem, signed_off

pytestmark = pytest.mark.django_db


def sheet(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_one_row_per_measure_in_the_filed_layout(client, demo):
    p = problem(demo.zb1, source="central_inspection", responsible=demo.m1, description="理论学习不深入")
    ps.measure_add(actor=None, problem=p, text="制定学习计划", deadline=dt.date(2030, 3, 1), owner=demo.m2)
    ps.measure_add(actor=None, problem=p, text="开展专题学习", deadline=dt.date(2030, 6, 1))
    signed_off(demo.zb2)
    problem(demo.zb3, description="范围之外")
    client.force_login(demo.officer)
    r = client.get(reverse("ledger_xlsx", args=["ZZ"]))
    assert r.status_code == 200 and "整改台账.xlsx" in unquote(r["Content-Disposition"])
    rows = sheet(r)
    assert "测试党总支整改台账" in rows[0][0] and list(rows[1]) == HEADER == [
        "序号", "问题来源", "责任组织", "问题描述", "整改措施", "责任人", "整改时限", "完成情况", "销号日期"]
    body = rows[2:]
    assert len(body) == 3
    assert body[0][:6] == (1, "巡视", "第一党支部", "理论学习不深入", "制定学习计划", "王五")
    assert body[0][6].date() == dt.date(2030, 3, 1) and body[0][7] == "整改中"
    assert body[1][0] == 1 and body[1][5] == "李四"  # no owner: the problem's responsible person
    assert body[2][0] == 2 and body[2][7].startswith("已完成") and body[2][8] is not None
    assert all("范围之外" not in (row[3] or "") for row in body)
    assert AuditEvent.objects.filter(action="ledger.export", org=demo.zz).exists()


def test_filters_apply_to_the_export(client, demo):
    problem(demo.zb1, source="petition")
    problem(demo.zb1, source="spot_check")
    client.force_login(demo.secretary)
    rows = sheet(client.get(reverse("ledger_xlsx", args=["ZB1"]), {"source": "petition"}))
    assert [row[1] for row in rows[2:]] == ["信访举报"]
    assert rows[2][7] == "未制定整改措施"


def test_too_many_rows_are_refused(client, demo, settings):
    settings.ORGLIFE_MAX_EXPORT_ROWS = 1
    problem(demo.zb1)
    problem(demo.zb1)
    client.force_login(demo.secretary)
    assert client.get(reverse("ledger_xlsx", args=["ZB1"])).status_code == 400


@pytest.mark.parametrize("persona,code,status", [("outsider", "ZB1", 403), ("member", "ZB1", 403),
                                                 ("officer", "ZB3", 403), ("admin", "NOPE", 404)])
def test_it_is_scoped(client, demo, persona, code, status):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("ledger_xlsx", args=[code])).status_code == status
