"""The ranking page of a run, recompute, finalize and the xlsx / PDF files."""

from __future__ import annotations

import io

import openpyxl
import pytest

from orglife.conftest import make_member
from orglife.evaluation import assessment_services as services
from orglife.evaluation.scorecard_models import RunStatus
from orglife.orgs import services as org_services
from orglife.orgs.models import OrgKind

from .assessment_helpers import make_run


def test_it_shows_the_ranking(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    body = client.get(f"/assessments/{run.pk}/").content.decode()
    assert "第一党支部" in body and "第二党支部" in body and "等次分布" in body and "确认定级" in body


def test_it_403s_for_outsider_member_and_branch_secretary(client, demo):
    run = make_run(demo)
    for user in (demo.outsider, demo.member, demo.secretary):
        client.force_login(user)
        assert client.get(f"/assessments/{run.pk}/").status_code == 403
        assert client.post(f"/assessments/{run.pk}/finalize/").status_code == 403
        assert client.post(f"/assessments/{run.pk}/compute/").status_code == 403
        assert client.get(f"/assessments/{run.pk}/ranking.xlsx").status_code == 403


def test_404_for_missing_run(client, demo):
    client.force_login(demo.officer)
    assert client.get("/assessments/999/").status_code == 404


def test_finalize_then_read_only(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    assert client.post(f"/assessments/{run.pk}/finalize/").status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.FINAL
    body = client.get(f"/assessments/{run.pk}/").content.decode()
    assert "确认定级" not in body and "已定级" in body
    r = client.post(f"/assessments/{run.pk}/compute/", follow=True)
    assert "已定级" in r.content.decode()


def test_wrong_methods(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    assert client.post(f"/assessments/{run.pk}/").status_code == 405
    assert client.get(f"/assessments/{run.pk}/finalize/").status_code == 405
    assert client.get(f"/assessments/{run.pk}/compute/").status_code == 405


def test_xlsx_has_ranking_and_details(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    r = client.get(f"/assessments/{run.pk}/ranking.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["排名", "得分明细"]
    names = {row[1] for row in wb["排名"].iter_rows(min_row=3, values_only=True)}
    assert names == {"第一党支部", "第二党支部"}
    assert any(row[2] == "三会一课落实率" for row in wb["得分明细"].iter_rows(values_only=True))


def test_pdf(client, demo):
    run = make_run(demo)
    client.force_login(demo.officer)
    r = client.get(f"/assessments/{run.pk}/ranking.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


def _branches(demo, n):
    for i in range(n):
        org_services.org_create(actor=None, parent=type(demo.zz).objects.get(pk=demo.zz.pk), code=f"QB{i}",
                                name=f"测试支部{i}", kind=OrgKind.BRANCH)


@pytest.mark.parametrize("extra", [0, 12])
def test_query_count_does_not_grow(client, demo, django_assert_max_num_queries, extra):
    _branches(demo, extra)
    make_member("ZB2", name="钱七")
    run = make_run(demo)
    client.force_login(demo.officer)
    with django_assert_max_num_queries(12):
        assert client.get(f"/assessments/{run.pk}/").status_code == 200


def test_compute_query_count_does_not_grow(demo, django_assert_max_num_queries):
    run = make_run(demo)
    with django_assert_max_num_queries(40) as small:
        services.run_compute(actor=demo.officer, run=run)
    _branches(demo, 15)
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        services.run_compute(actor=demo.officer, run=run)
    assert run.results.count() == 17


def test_wrong_org_is_403(client, demo):
    run = make_run(demo, org=demo.dw, actor=demo.admin)  # DW's run: ZZ's officer does not see DW
    client.force_login(demo.officer)
    assert client.get(f"/assessments/{run.pk}/").status_code == 403
    assert client.get(f"/assessments/{run.pk}/orgs/ZB1/").status_code == 403
    assert client.get(f"/assessments/{run.pk}/ranking.pdf").status_code == 403
    client.force_login(demo.admin)
    assert client.get(f"/assessments/{run.pk}/").status_code == 200
