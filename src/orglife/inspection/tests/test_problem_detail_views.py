import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from orglife.inspection import problem_services as ps
from orglife.inspection.models import Measure, MeasureEvidence, Problem, ProblemStatus

from .problems import problem, rectified, signed_off

pytestmark = pytest.mark.django_db


def post(client, user, name, pk, data=None, **kw):
    client.force_login(user)
    return client.post(reverse(name, args=[pk]), data or {}, **kw)


def test_the_detail_shows_measures_evidence_and_history(client, demo):
    p = problem(demo.zb1, responsible=demo.m1)
    m = ps.measure_add(actor=None, problem=p, text="建立会议记录审核制度", deadline=timezone.localdate() - dt.timedelta(days=1),
                       owner=demo.m2)
    ps.evidence_add(actor=None, measure=m, upload=SimpleUploadedFile("制度.pdf", b"%PDF-1.4 x"))
    client.force_login(demo.secretary)
    body = client.get(reverse("problem_detail", args=[p.pk])).content.decode()
    for text in ("建立会议记录审核制度", "王五", "制度.pdf", "已逾期", "登记问题", "添加整改措施", "李四"):
        assert text in body
    assert "销号审核" not in body


def test_the_branch_rectifies_and_submits_from_the_page(client, demo):
    p = problem(demo.zb1)
    r = post(client, demo.secretary, "measure_add", p.pk, {"text": "整改", "deadline": "2030-01-01", "weight": 2})
    assert r.status_code == 302
    m = Measure.objects.get()
    assert m.weight == 2
    pdf = SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 x")
    post(client, demo.secretary, "measure_complete", m.pk, {"evidence": "已建立制度", "file": pdf})
    m.refresh_from_db()
    assert m.done_on == timezone.localdate() and MeasureEvidence.objects.filter(measure=m).count() == 1
    assert "提交上级销号" in client.get(reverse("problem_detail", args=[p.pk])).content.decode()
    post(client, demo.secretary, "problem_submit", p.pk)
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.SUBMITTED


def test_a_refused_step_is_reported_not_raised(client, demo):
    p = problem(demo.zb1)
    r = post(client, demo.secretary, "problem_submit", p.pk, follow=True)
    assert "请先添加至少一项整改措施" in r.content.decode()
    r = post(client, demo.secretary, "measure_add", p.pk, {"text": "", "deadline": ""}, follow=True)
    assert "整改措施" in r.content.decode() and not Measure.objects.exists()


def test_the_officer_above_signs_off_returns_and_reopens(client, demo):
    p = rectified(demo.zb1)
    ps.problem_submit(actor=None, problem=p)
    client.force_login(demo.officer)
    assert "销号审核" in client.get(reverse("problem_detail", args=[p.pk])).content.decode()
    r = post(client, demo.officer, "problem_return", p.pk, {"reason": ""}, follow=True)
    assert "请写明退回理由" in r.content.decode()
    post(client, demo.officer, "problem_return", p.pk, {"reason": "佐证不足"})
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.RECTIFYING
    ps.problem_submit(actor=None, problem=Problem.objects.get(pk=p.pk))
    post(client, demo.officer, "problem_sign_off", p.pk)
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.SIGNED_OFF
    r = post(client, demo.officer, "problem_reopen", p.pk, {"reason": "问题反弹"})
    follow = Problem.objects.get(follows=p)
    assert r["Location"] == reverse("problem_detail", args=[follow.pk])
    body = client.get(reverse("problem_detail", args=[p.pk])).content.decode()
    assert "佐证不足" in body and "问题反弹" in body and f"问题 #{follow.pk}" in body


@pytest.mark.parametrize("name", ["problem_sign_off", "problem_return", "problem_reopen"])
@pytest.mark.parametrize("persona", ["secretary", "member", "outsider"])
def test_only_the_organization_above_reviews(client, demo, name, persona):
    p = signed_off(demo.zb1) if name == "problem_reopen" else ps.problem_submit(actor=None, problem=rectified(demo.zb1))
    before = Problem.objects.get(pk=p.pk).status
    assert post(client, getattr(demo, persona), name, p.pk, {"reason": "x"}).status_code == 403
    assert Problem.objects.get(pk=p.pk).status == before and Problem.objects.count() == 1


@pytest.mark.parametrize("persona,status", [("outsider", 403), ("member", 403), ("secretary", 200), ("officer", 200),
                                            ("admin", 200)])
def test_the_detail_is_scoped(client, demo, persona, status):
    p = problem(demo.zb1)
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("problem_detail", args=[p.pk])).status_code == status


def test_the_officer_cannot_see_a_branch_outside_the_scope(client, demo):
    p = problem(demo.zb3)
    client.force_login(demo.officer)
    assert client.get(reverse("problem_detail", args=[p.pk])).status_code == 403
    assert client.get(reverse("problem_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_writes_are_for_managers(client, demo, persona):
    p = problem(demo.zb1)
    m = ps.measure_add(actor=None, problem=p, text="整改", deadline=dt.date(2030, 1, 1))
    user = getattr(demo, persona)
    assert post(client, user, "measure_add", p.pk, {"text": "x", "deadline": "2030-01-01", "weight": 1}).status_code == 403
    assert post(client, user, "measure_complete", m.pk, {"evidence": "x"}).status_code == 403
    assert post(client, user, "evidence_add", m.pk, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}).status_code == 403
    assert post(client, user, "problem_submit", p.pk).status_code == 403
    assert Measure.objects.count() == 1 and Measure.objects.get().done_on is None


def test_evidence_download_is_scoped(client, demo):
    m = ps.measure_add(actor=None, problem=problem(demo.zb1), text="整改", deadline=dt.date(2030, 1, 1))
    item = ps.evidence_add(actor=None, measure=m, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    client.force_login(demo.outsider)
    assert client.get(reverse("evidence_download", args=[item.pk])).status_code == 403
    client.force_login(demo.officer)
    r = client.get(reverse("evidence_download", args=[item.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")


def test_actions_are_post_only(client, demo):
    p = problem(demo.zb1)
    client.force_login(demo.officer)
    for name in ("measure_add", "problem_submit", "problem_sign_off", "problem_return", "problem_reopen"):
        assert client.get(reverse(name, args=[p.pk])).status_code == 405
