"""An answer set back to "no problem" withdraws (撤销) its problem, unless rectification has begun."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orglife.core.models import AuditEvent
from orglife.inspection import campaign_services as cs
from orglife.inspection import problem_services as ps
from orglife.inspection.models import Answer, Problem, ProblemEvent, ProblemStatus

from .campaigns import launch, shipped

pytestmark = pytest.mark.django_db


def talks():
    return shipped().items.get(item_id="life.talks")


def say(campaign, org, problem: bool, text="委员之间未谈话", actor=None):
    return cs.answer_save(actor=actor, campaign=campaign, item=talks(), org=org, has_problem=problem,
                          description=text if problem else "已补谈")


def test_setting_an_answer_back_withdraws_its_problem_with_the_reason_in_its_history(demo):
    campaign = launch(demo.zz)
    problem = say(campaign, demo.zb1, True).problem
    answer = say(campaign, demo.zb1, False, actor=demo.secretary)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.WITHDRAWN and answer.problem_id == problem.pk and not answer.has_problem
    event = problem.events.get(action="withdraw")
    assert "自查作答改为无问题" in event.reason and "life.talks" in event.reason and event.actor == demo.secretary
    assert AuditEvent.objects.filter(action="problem.withdraw", target_id=str(problem.pk)).exists()
    answer_event = AuditEvent.objects.filter(action="campaign.answer").latest("id")
    assert answer_event.changes["problem_status"] == [problem.pk, "withdrawn"]


def test_a_problem_with_an_open_measure_can_still_be_withdrawn(demo):
    campaign = launch(demo.zz)
    problem = say(campaign, demo.zb1, True).problem
    ps.measure_add(actor=None, problem=problem, text="补谈", deadline=timezone.localdate() + dt.timedelta(days=9))
    say(campaign, demo.zb1, False)
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.WITHDRAWN


def test_reporting_the_problem_again_registers_a_new_one(demo):
    campaign = launch(demo.zz)
    first = say(campaign, demo.zb1, True).problem
    say(campaign, demo.zb1, False)
    again = say(campaign, demo.zb1, True, text="又发现未谈话")
    assert again.problem_id != first.pk and again.problem.status == ProblemStatus.OPEN
    assert Problem.objects.get(pk=first.pk).status == ProblemStatus.WITHDRAWN


def test_saying_no_problem_twice_withdraws_once(demo):
    campaign = launch(demo.zz)
    problem = say(campaign, demo.zb1, True).problem
    say(campaign, demo.zb1, False)
    say(campaign, demo.zb1, False)
    assert ProblemEvent.objects.filter(problem=problem, action="withdraw").count() == 1


def _rectified(problem, upto):
    measure = ps.measure_add(actor=None, problem=problem, text="补谈", deadline=timezone.localdate())
    ps.measure_complete(actor=None, measure=measure, evidence="已谈")
    if upto in ("submitted", "signed_off"):
        ps.problem_submit(actor=None, problem=problem)
    if upto == "signed_off":
        ps.problem_sign_off(actor=None, problem=problem)


@pytest.mark.parametrize("upto,message", [
    ("measure_done", "已有整改措施完成"), ("submitted", "已提交上级销号"), ("signed_off", "已销号")])
def test_once_rectification_has_begun_the_answer_change_is_refused(demo, upto, message):
    campaign = launch(demo.zz)
    answer = say(campaign, demo.zb1, True)
    problem = answer.problem
    _rectified(problem, upto)
    status = Problem.objects.get(pk=problem.pk).status
    with pytest.raises(cs.ServiceError, match=f"不能改为“无问题”.*{message}"):
        say(campaign, demo.zb1, False)
    assert Problem.objects.get(pk=problem.pk).status == status
    assert Answer.objects.get(pk=answer.pk).has_problem is True
    assert not ProblemEvent.objects.filter(action="withdraw").exists()


def test_withdraw_needs_a_reason_and_is_not_repeated(demo):
    problem = ps.problem_create(actor=None, org=demo.zb1, source="spot_check", description="x")
    with pytest.raises(cs.ServiceError, match="撤销理由"):
        ps.problem_withdraw(actor=None, problem=problem, reason=" ")
    ps.problem_withdraw(actor=None, problem=problem, reason="登记错误")
    with pytest.raises(cs.ServiceError, match="已撤销"):
        ps.problem_withdraw(actor=None, problem=problem, reason="再次")


def test_a_withdrawn_problem_takes_no_more_measures_evidence_or_submission(demo):
    problem = ps.problem_create(actor=None, org=demo.zb1, source="spot_check", description="x")
    measure = ps.measure_add(actor=None, problem=problem, text="m", deadline=timezone.localdate())
    ps.problem_withdraw(actor=None, problem=problem, reason="登记错误")
    with pytest.raises(cs.ServiceError, match="已撤销"):
        ps.measure_add(actor=None, problem=problem, text="m2", deadline=timezone.localdate())
    with pytest.raises(cs.ServiceError, match="已撤销"):
        ps.measure_complete(actor=None, measure=measure, evidence="e")
    with pytest.raises(cs.ServiceError, match="已撤销"):
        ps.evidence_add(actor=None, measure=measure, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    with pytest.raises(cs.ServiceError):
        ps.problem_submit(actor=None, problem=problem)
    with pytest.raises(cs.ServiceError):
        ps.problem_sign_off(actor=None, problem=problem)
    with pytest.raises(cs.ServiceError, match="回头看只能针对已销号"):
        ps.problem_reopen(actor=None, problem=problem, reason="r")


def test_the_automatic_items_re_answer_an_item_whose_problem_was_withdrawn(demo):
    campaign = launch(demo.zz)
    cs.answer_automatic(campaign=campaign, org=demo.zb1)
    auto = Answer.objects.filter(campaign=campaign, org=demo.zb1, has_problem=True, is_auto=True).first()
    assert auto is not None
    ps.problem_withdraw(actor=None, problem=auto.problem, reason="核查有误")
    cs.answer_automatic(campaign=campaign, org=demo.zb1)
    auto.refresh_from_db()
    assert auto.problem.status == ProblemStatus.OPEN  # the check still finds it: a new problem
