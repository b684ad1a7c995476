"""答题闯关: managers set it up; members play levels with immediate feedback, unlock, retry."""

import pytest
from django.urls import reverse

from orglife.orgs.services import ServiceError
from orglife.study import exam_demo, quiz_services
from orglife.study.exam_models import QuizChallenge, QuizRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(demo):
    exam_demo.seed_bank(demo.zz)
    return quiz_services.quiz_create(actor=None, org=demo.zz, data={
        "title": "闯关", "tags": "", "levels": 2, "per_level": 3, "pass_count": 2, "active": True})


def right_post(question):
    if question.kind == "fill":
        return {f"q{question.pk}": [v[0] for v in question.answer]}
    if question.kind == "judge":
        return {f"q{question.pk}": "1" if question.answer[0] else "0"}
    return {f"q{question.pk}": [str(i) for i in question.answer]}


def test_a_level_gives_feedback_with_the_explanation_and_unlocks_the_next(client, demo, quiz):
    client.force_login(demo.member)
    page = client.get(reverse("quiz_detail", args=[quiz.pk])).content.decode()
    assert "开始闯关" in page and "通过第 1 关后解锁" in page
    assert client.post(reverse("quiz_level_start", args=[quiz.pk, 2]), follow=True).content.decode().count("请先通过第1关")
    r = client.post(reverse("quiz_level_start", args=[quiz.pk, 1]))
    run = QuizRun.objects.get()
    assert r.url == reverse("quiz_run", args=[run.pk])
    question = quiz_services.current_question(run)
    r = client.post(reverse("quiz_run", args=[run.pk]), {"question": question.pk, **right_post(question)})
    page = r.content.decode()
    assert "回答正确" in page and "解析" in page
    for _ in range(2):
        question = quiz_services.current_question(QuizRun.objects.get(pk=run.pk))
        r = client.post(reverse("quiz_run", args=[run.pk]), {"question": question.pk, **right_post(question)})
    assert "过关" in r.content.decode() and "进入第 2 关" in r.content.decode()
    assert quiz_services.cleared(quiz, demo.m1) == 1


def test_a_failed_level_can_be_retried_without_limit(client, demo, quiz):
    run = quiz_services.run_start(quiz=quiz, member=demo.m1, level=1)
    for qid in run.questions:
        run, question, right = quiz_services.run_answer(run=run, question_id=qid, response=[] or _wrong(qid))
    assert run.passed is False
    for _ in range(3):
        quiz_services.run_start(quiz=quiz, member=demo.m1, level=1)
    assert QuizRun.objects.filter(member=demo.m1, level=1).count() == 4
    with pytest.raises(ServiceError, match="请先通过第1关"):
        quiz_services.run_start(quiz=quiz, member=demo.m1, level=2)


def _wrong(qid):
    from orglife.study.exam_models import Question

    q = Question.objects.get(pk=qid)
    if q.kind == "fill":
        return ["错"] * len(q.answer)
    if q.kind == "judge":
        return [not q.answer[0]]
    if q.kind == "single":
        return [(q.answer[0] + 1) % len(q.options)]
    return [q.answer[0]]  # one of several right options: partial = wrong


def test_a_double_tap_does_not_count_twice(demo, quiz):
    run = quiz_services.run_start(quiz=quiz, member=demo.m1, level=1)
    qid = run.questions[0]
    run, _, first = quiz_services.run_answer(run=run, question_id=qid, response=_wrong(qid))
    run, _, again = quiz_services.run_answer(run=run, question_id=qid, response=_wrong(qid))
    assert first is again is False and len(run.results) == 1


def test_empty_answer_is_refused(client, demo, quiz):
    run = quiz_services.run_start(quiz=quiz, member=demo.m1, level=1)
    client.force_login(demo.member)
    r = client.post(reverse("quiz_run", args=[run.pk]), {"question": run.questions[0]}, follow=True)
    assert "请先作答" in r.content.decode()


def test_managers_create_and_edit(client, demo):
    exam_demo.seed_bank(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(reverse("quiz_list", args=["ZB1"]), {"title": "党章闯关", "tags": "党章", "levels": 3,
                                                          "per_level": 4, "pass_count": 3, "active": "on"})
    assert r.status_code == 302
    quiz = QuizChallenge.objects.get()
    assert quiz.tags == ["党章"]
    r = client.post(reverse("quiz_list", args=["ZB1"]), {"title": "纪律闯关", "tags": "纪律", "levels": 3,
                                                          "per_level": 5, "pass_count": 3, "active": "on"})
    assert "符合条件的题只有2道" in r.content.decode() and 'value="纪律闯关"' in r.content.decode()
    r = client.post(reverse("quiz_edit", args=[quiz.pk]), {"title": "改名", "tags": "", "levels": 2, "per_level": 3,
                                                            "pass_count": 2})
    assert r.status_code == 302 and not QuizChallenge.objects.get().active


def test_personas_and_wrong_org(client, demo, quiz):
    run = quiz_services.run_start(quiz=quiz, member=demo.m1, level=1)
    client.force_login(demo.outsider)
    assert client.get(reverse("quiz_detail", args=[quiz.pk])).status_code == 403
    assert client.get(reverse("quiz_run", args=[run.pk])).status_code == 403
    assert client.get(reverse("quiz_list", args=["ZZ"])).status_code == 403
    client.force_login(demo.member)
    assert client.get(reverse("quiz_list", args=["ZZ"])).status_code == 403
    assert client.get(reverse("quiz_edit", args=[quiz.pk])).status_code == 403
    client.force_login(demo.secretary)  # manages ZB1, not the 总支's challenge; has no member record
    assert client.get(reverse("quiz_edit", args=[quiz.pk])).status_code == 403
    assert client.get(reverse("quiz_run", args=[run.pk])).status_code == 403
    other = exam_demo.seed_quiz(demo.zb3) if exam_demo.seed_bank(demo.zb3) else None
    client.force_login(demo.member)
    assert client.get(reverse("quiz_detail", args=[other.pk])).status_code == 403


def test_wrong_methods(client, demo, quiz):
    client.force_login(demo.member)
    assert client.get(reverse("quiz_level_start", args=[quiz.pk, 1])).status_code == 405
    assert client.post(reverse("quiz_detail", args=[quiz.pk])).status_code == 405


def test_a_quiz_never_practises_the_questions_of_an_exam_still_open(demo, quiz):
    from orglife.study.exam_models import ExamQuestion

    questions = list(exam_demo.seed_bank(demo.zz))
    exam = exam_demo.seed_exam(demo.zz, questions[:4])
    on_paper = set(ExamQuestion.objects.filter(exam=exam).values_list("question_id", flat=True))
    assert on_paper and on_paper <= quiz_services.exam_reserved()
    for level in (1,):
        run = quiz_services.run_start(quiz=quiz, member=demo.m1, level=level)
        assert not on_paper & set(run.questions)  # its answer keys would be shown after each answer


def test_the_demo_quiz_is_playable_beside_the_demo_exam(demo):
    exam_demo.seed_demo(demo.zb1)
    quiz = QuizChallenge.objects.get(org=demo.zb1)
    run = quiz_services.run_start(quiz=quiz, member=demo.m1, level=1)
    assert len(run.questions) == quiz.per_level
