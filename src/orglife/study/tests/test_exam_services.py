import datetime as dt

import pytest
from django.utils import timezone

from orglife.core.models import AuditEvent
from orglife.meetings.models import TalkTodo
from orglife.orgs.services import ServiceError
from orglife.study import exam_demo, exam_queries, exam_services
from orglife.study.exam_models import Answer, Attempt, AttemptState, ExamStatus

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))


@pytest.fixture
def exam(demo):
    questions = exam_demo.seed_bank(demo.zb1)
    return exam_demo.seed_exam(demo.zb1, questions[:10], now=NOW, duration=30, attempts=1)


def key_response(question):
    if question.kind == "fill":
        return [variants[0] for variants in question.answer]
    return question.answer


def answer_all(attempt, right: int, now):
    for i, a in enumerate(attempt.answers.select_related("question")):
        q = a.question
        response = key_response(q) if i < right else ([True] if q.kind == "judge" and q.answer == [False] else
                                                       [False] if q.kind == "judge" else
                                                       ["错"] * len(q.answer) if q.kind == "fill" else
                                                       [(q.answer[0] + 1) % len(q.options)])
        exam_services.answer_save(attempt=attempt, question_id=q.pk, response=response, now=now)


def test_start_stores_the_paper_and_resumes_it(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    assert attempt.deadline == NOW + dt.timedelta(minutes=30)
    assert attempt.answers.count() == 10
    again = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW + dt.timedelta(minutes=5))
    assert again.pk == attempt.pk
    assert exam_services.remaining_seconds(again, NOW + dt.timedelta(minutes=5)) == 25 * 60


def test_deadline_is_the_exam_close_when_that_is_earlier(exam, demo):
    late_start = exam.closes_at - dt.timedelta(minutes=10)
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=late_start)
    assert attempt.deadline == exam.closes_at


def test_saved_answers_survive_a_reload(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    first = attempt.answers.select_related("question").first()
    exam_services.answer_save(attempt=attempt, question_id=first.question_id, response=key_response(first.question),
                              now=NOW + dt.timedelta(minutes=1))
    resumed = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW + dt.timedelta(minutes=2))
    assert resumed.answers.get(question_id=first.question_id).response == key_response(first.question)


def test_a_save_after_the_deadline_is_refused_and_what_was_saved_is_graded(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    answer_all(attempt, right=7, now=NOW + dt.timedelta(minutes=10))
    q = attempt.answers.first().question_id
    with pytest.raises(exam_services.Late) as info:
        exam_services.answer_save(attempt=attempt, question_id=q, response=None, now=NOW + dt.timedelta(minutes=30))
    graded = info.value.attempt
    assert graded.state == AttemptState.EXPIRED and graded.score == 70 and graded.passed
    assert Answer.objects.get(attempt=attempt, question_id=q).response is not None  # the late clear did not land


def test_a_submit_after_the_deadline_is_refused_with_a_message(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    answer_all(attempt, right=3, now=NOW + dt.timedelta(minutes=1))
    with pytest.raises(exam_services.Late) as info:
        exam_services.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(minutes=31))
    assert "考试时间已到" in info.value.errors["attempt"]
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.state == AttemptState.EXPIRED and graded.submitted_at == attempt.deadline and graded.score == 30


def test_submit_twice_is_harmless(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    answer_all(attempt, right=10, now=NOW + dt.timedelta(minutes=1))
    first = exam_services.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(minutes=2), actor=demo.member)
    second = exam_services.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(minutes=3), actor=demo.member)
    assert first.score == second.score == 100 and second.submitted_at == NOW + dt.timedelta(minutes=2)
    assert AuditEvent.objects.filter(action="exam.submit").count() == 1
    with pytest.raises(ServiceError):
        exam_services.answer_save(attempt=attempt, question_id=attempt.answers.first().question_id, response=None,
                                  now=NOW + dt.timedelta(minutes=4))


def test_overdue_attempts_are_graded_by_the_next_read(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    answer_all(attempt, right=6, now=NOW + dt.timedelta(minutes=1))
    assert exam_services.settle(now=NOW + dt.timedelta(minutes=29)) == 0
    assert exam_services.settle(now=NOW + dt.timedelta(minutes=31)) == 1
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.state == AttemptState.EXPIRED and graded.score == 60


def test_a_failing_member_gets_a_talk_to_do_for_the_secretary(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m2, exam=exam, now=NOW)
    answer_all(attempt, right=2, now=NOW + dt.timedelta(minutes=1))
    graded = exam_services.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(minutes=2))
    assert graded.passed is False
    todo = TalkTodo.objects.get(member=demo.m2)
    assert todo.org == demo.zb1 and "未及格" in todo.reason and graded.talk_todo == todo


def test_with_attempts_left_the_talk_waits_for_the_close(demo):
    questions = exam_demo.seed_bank(demo.zb1)
    exam = exam_demo.seed_exam(demo.zb1, questions[:10], now=NOW, attempts=2, days=1)
    attempt = exam_services.attempt_start(member=demo.m2, exam=exam, now=NOW)
    answer_all(attempt, right=2, now=NOW)
    exam_services.attempt_submit(attempt=attempt, now=NOW + dt.timedelta(minutes=1))
    assert not TalkTodo.objects.exists()
    assert exam_services.close_exams(now=NOW) == 0
    assert exam_services.close_exams(now=exam.closes_at) == 1
    assert exam_services.close_exams(now=exam.closes_at) == 0
    assert TalkTodo.objects.filter(member=demo.m2).count() == 1


def test_attempts_are_limited_and_windows_enforced(exam, demo):
    with pytest.raises(ServiceError, match="尚未开始"):
        exam_services.attempt_start(member=demo.m1, exam=exam, now=exam.opens_at - dt.timedelta(minutes=1))
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    exam_services.attempt_submit(attempt=attempt, now=NOW)
    with pytest.raises(ServiceError, match="用完"):
        exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    with pytest.raises(ServiceError, match="范围"):
        exam_services.attempt_start(member=demo.m3, exam=exam, now=NOW)
    with pytest.raises(ServiceError, match="截止"):
        exam_services.attempt_start(member=demo.m2, exam=exam, now=exam.closes_at)


def test_drawn_papers_follow_the_rule_and_differ_per_member(demo):
    exam_demo.seed_bank(demo.dw)
    exam = exam_services.exam_create(actor=None, org=demo.zz, data={
        "title": "抽题测试", "mode": "drawn", "rule": [{"tag": "党章", "difficulty": 0, "count": 3},
                                                    {"tag": "组织生活", "difficulty": 1, "count": 1}],
        "opens_at": NOW, "closes_at": NOW + dt.timedelta(days=1), "duration_minutes": 20, "attempts_allowed": 1,
        "pass_mark": 60})
    exam = exam_services.exam_publish(actor=None, exam=exam)
    papers = set()
    for member in (demo.m1, demo.m2):
        attempt = exam_services.attempt_start(member=member, exam=exam, now=NOW)
        qs = [a.question for a in attempt.answers.select_related("question")]
        assert len(qs) == 4 and len({q.pk for q in qs}) == 4
        assert sum("党章" in q.tags for q in qs) >= 3
        papers.add(tuple(q.pk for q in qs))
        assert [a.question_id for a in exam_services.attempt_start(member=member, exam=exam, now=NOW).answers.all()] == \
            [q.pk for q in qs]


def test_a_rule_the_bank_cannot_fill_is_refused(demo):
    exam_demo.seed_bank(demo.zb1)
    with pytest.raises(ServiceError) as info:
        exam_services.exam_create(actor=None, org=demo.zb1, data={
            "title": "x", "mode": "drawn", "rule": [{"tag": "纪律", "difficulty": 3, "count": 5}],
            "opens_at": NOW, "closes_at": NOW + dt.timedelta(days=1), "duration_minutes": 20,
            "attempts_allowed": 1, "pass_mark": 60})
    assert "只有2题" in info.value.errors["rule"]


def test_results_publish_needs_the_close_and_keeps_a_snapshot(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    answer_all(attempt, right=8, now=NOW)
    exam_services.attempt_submit(attempt=attempt, now=NOW)
    with pytest.raises(ServiceError, match="截止后"):
        exam_services.results_publish(actor=demo.secretary, exam=exam, now=NOW)
    published = exam_services.results_publish(actor=demo.secretary, exam=exam, now=exam.closes_at)
    assert published.results_snapshot == [{"name": "李四", "org": "第一党支部", "score": "80.0", "passed": True}]
    assert AuditEvent.objects.filter(action="exam.results_publish").count() == 1


def test_results_for_gives_the_best_attempt_per_exam(exam, demo):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    answer_all(attempt, right=9, now=NOW)
    exam_services.attempt_submit(attempt=attempt, now=NOW)
    results = exam_queries.results_for([demo.m1.pk, demo.m2.pk], 2026)
    assert list(results) == [demo.m1.pk]
    (r,) = results[demo.m1.pk]
    assert r.exam_id == exam.pk and r.passed and r.score == 90 and r.date == dt.date(2026, 11, 30)
    assert exam_queries.results_for([demo.m1.pk], 2025) == {}


def test_a_started_exam_keeps_its_paper(exam, demo):
    exam_services.attempt_start(member=demo.m1, exam=exam, now=NOW)
    data = {"title": exam.title, "mode": "fixed", "question_ids": [a.question_id for a in exam.paper.all()][:5],
            "opens_at": exam.opens_at, "closes_at": exam.closes_at, "duration_minutes": 30, "attempts_allowed": 1,
            "pass_mark": 60}
    with pytest.raises(ServiceError, match="不能再修改试卷"):
        exam_services.exam_update(actor=None, exam=exam, data=data)
    with pytest.raises(ServiceError):
        exam_services.exam_cancel(actor=None, exam=exam)
    assert exam.status == ExamStatus.PUBLISHED
