import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orglife.core.models import ACTION_LABELS, AuditEvent
from orglife.inspection import problem_services as ps
from orglife.inspection.models import Problem, ProblemEvent, ProblemStatus
from orglife.orgs.services import ServiceError

from .problems import problem, rectified, signed_off

pytestmark = pytest.mark.django_db
D = dt.date(2030, 6, 30)


def actions(p):
    return list(ProblemEvent.objects.filter(problem=p).values_list("action", flat=True))


def test_the_whole_flow_open_rectifying_submitted_signed_off(demo):
    p = problem(demo.zb1, actor=demo.secretary, responsible=demo.m1)
    assert p.status == ProblemStatus.OPEN
    m1 = ps.measure_add(actor=demo.secretary, problem=p, text="整改一", deadline=dt.date(2030, 3, 1), owner=demo.m2)
    m2 = ps.measure_add(actor=demo.secretary, problem=p, text="整改二", deadline=D, weight=3)
    p.refresh_from_db()
    assert p.status == ProblemStatus.RECTIFYING and p.deadline == D
    ps.measure_complete(actor=demo.secretary, measure=m1, evidence="已完成", done_on=dt.date(2026, 1, 1))
    ps.measure_complete(actor=demo.secretary, measure=m2, evidence="已完成")
    ps.problem_submit(actor=demo.secretary, problem=p)
    ps.problem_sign_off(actor=demo.officer, problem=p)
    p.refresh_from_db()
    assert p.status == ProblemStatus.SIGNED_OFF and p.signed_off_at is not None
    assert actions(p) == ["create", "measure_add", "measure_add", "measure_complete", "measure_complete", "submit",
                          "sign_off"]
    audited = set(AuditEvent.objects.filter(target_type="inspection.problem", target_id=str(p.pk)).values_list("action", flat=True))
    assert audited == {"problem.create", "problem.measure_add", "problem.measure_complete", "problem.submit",
                       "problem.sign_off"}
    assert audited <= set(ACTION_LABELS)


def test_submit_needs_a_measure_and_all_of_them_done(demo):
    p = problem(demo.zb1)
    with pytest.raises(ServiceError, match="至少一项整改措施"):
        ps.problem_submit(actor=None, problem=p)
    m = ps.measure_add(actor=None, problem=p, text="整改", deadline=D)
    with pytest.raises(ServiceError, match="还有整改措施未完成"):
        ps.problem_submit(actor=None, problem=Problem.objects.get(pk=p.pk))
    ps.measure_complete(actor=None, measure=m, evidence="完成")
    ps.problem_submit(actor=None, problem=Problem.objects.get(pk=p.pk))


def test_return_needs_a_reason_and_goes_back_to_rectifying(demo):
    p = rectified(demo.zb1)
    ps.problem_submit(actor=None, problem=p)
    with pytest.raises(ServiceError, match="请写明退回理由"):
        ps.problem_return(actor=demo.officer, problem=p, reason="  ")
    ps.problem_return(actor=demo.officer, problem=p, reason="佐证不足")
    p.refresh_from_db()
    assert p.status == ProblemStatus.RECTIFYING
    assert ProblemEvent.objects.get(problem=p, action="return").reason == "佐证不足"
    ps.measure_add(actor=None, problem=p, text="补充佐证", deadline=D)  # measures may be added again


@pytest.mark.parametrize("status,call,message", [
    ("open", lambda p: ps.problem_sign_off(actor=None, problem=p), "只能对已提交销号的问题"),
    ("open", lambda p: ps.problem_return(actor=None, problem=p, reason="x"), "只能对已提交销号的问题"),
    ("open", lambda p: ps.problem_reopen(actor=None, problem=p, reason="x"), "回头看只能针对已销号的问题"),
    ("submitted", lambda p: ps.problem_submit(actor=None, problem=p), "不能提交销号"),
    ("submitted", lambda p: ps.measure_add(actor=None, problem=p, text="x", deadline=D), "不能再修改整改措施"),
    ("submitted", lambda p: ps.problem_reopen(actor=None, problem=p, reason="x"), "回头看只能针对已销号的问题"),
    ("signed_off", lambda p: ps.problem_sign_off(actor=None, problem=p), "只能对已提交销号的问题"),
    ("signed_off", lambda p: ps.problem_return(actor=None, problem=p, reason="x"), "只能对已提交销号的问题"),
    ("signed_off", lambda p: ps.problem_submit(actor=None, problem=p), "不能提交销号"),
    ("signed_off", lambda p: ps.measure_add(actor=None, problem=p, text="x", deadline=D), "不能再修改整改措施"),
])
def test_each_illegal_transition_is_refused_in_chinese(demo, status, call, message):
    p = {"open": lambda: problem(demo.zb1), "submitted": lambda: ps.problem_submit(actor=None, problem=rectified(demo.zb1)),
         "signed_off": lambda: signed_off(demo.zb1)}[status]()
    before = ProblemEvent.objects.count()
    with pytest.raises(ServiceError, match=message):
        call(p)
    assert ProblemEvent.objects.count() == before
    assert Problem.objects.get(pk=p.pk).status == status


def test_a_stale_object_is_judged_on_the_row_as_it_is_now(demo):
    p = rectified(demo.zb1)
    ps.problem_submit(actor=None, problem=p)
    stale = Problem.objects.get(pk=p.pk)
    ps.problem_sign_off(actor=None, problem=p)
    with pytest.raises(ServiceError):
        ps.problem_return(actor=None, problem=stale, reason="晚了")


def test_a_measure_is_completed_once_with_evidence(demo):
    p = problem(demo.zb1)
    m = ps.measure_add(actor=None, problem=p, text="整改", deadline=D)
    with pytest.raises(ServiceError, match="请填写完成情况"):
        ps.measure_complete(actor=None, measure=m, evidence="")
    with pytest.raises(ServiceError, match="不能晚于今天"):
        ps.measure_complete(actor=None, measure=m, evidence="x", done_on=dt.date(2099, 1, 1))
    ps.measure_complete(actor=None, measure=m, evidence="完成")
    with pytest.raises(ServiceError, match="已完成"):
        ps.measure_complete(actor=None, measure=m, evidence="再次")


@pytest.mark.parametrize("kw,field", [
    ({"source": "nope"}, "source"), ({"severity": "x"}, "severity"), ({"description": " "}, "description"),
])
def test_create_validates(demo, kw, field):
    with pytest.raises(ServiceError) as exc:
        problem(demo.zb1, **kw)
    assert field in exc.value.errors and not Problem.objects.exists()


def test_responsible_and_owner_belong_to_the_organization(demo):
    with pytest.raises(ServiceError, match="责任组织的党员"):
        problem(demo.zb1, responsible=demo.m3)
    p = problem(demo.zb1)
    with pytest.raises(ServiceError, match="责任组织的党员"):
        ps.measure_add(actor=None, problem=p, text="x", deadline=D, owner=demo.m3)
    with pytest.raises(ServiceError, match="权重"):
        ps.measure_add(actor=None, problem=p, text="x", deadline=D, weight=0)


def test_reopen_creates_a_linked_follow_up_and_keeps_the_history(demo):
    p = signed_off(demo.zb1)
    history = actions(p)
    with pytest.raises(ServiceError, match="回头看发现的问题"):
        ps.problem_reopen(actor=demo.officer, problem=p, reason="")
    follow = ps.problem_reopen(actor=demo.officer, problem=p, reason="问题反弹")
    p.refresh_from_db()
    assert p.status == ProblemStatus.SIGNED_OFF and p.reopened_at is not None and p.signed_off_at is not None
    assert actions(p) == [*history, "reopen"] and p.measures.count() == 1
    assert follow.follows == p and follow.status == ProblemStatus.OPEN and follow.org == p.org
    assert "问题反弹" in follow.description
    with pytest.raises(ServiceError, match="已在回头看中重新整改"):
        ps.problem_reopen(actor=demo.officer, problem=p, reason="再来")
    assert AuditEvent.objects.filter(action="problem.reopen", target_id=str(p.pk)).exists()


def test_evidence_files_are_sniffed(demo):
    p = problem(demo.zb1)
    m = ps.measure_add(actor=None, problem=p, text="整改", deadline=D)
    with pytest.raises(ServiceError, match="文件类型不支持"):
        ps.evidence_add(actor=None, measure=m, upload=SimpleUploadedFile("a.pdf", b"not a pdf"))
    item = ps.evidence_add(actor=None, measure=m, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    assert item.content_type == "application/pdf" and m.files.count() == 1


def test_evidence_is_size_checked(demo, settings):
    settings.ORGLIFE_MAX_UPLOAD_BYTES = 5
    m = ps.measure_add(actor=None, problem=problem(demo.zb1), text="整改", deadline=D)
    with pytest.raises(ServiceError, match="文件过大"):
        ps.evidence_add(actor=None, measure=m, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 xxxxx"))
