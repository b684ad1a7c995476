"""The member's side: my exams, the cover page, the paper (save as you go, resume), submit, result."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.study import exam_demo, exam_services
from orglife.study.exam_models import Answer, Attempt, AttemptState

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(demo):
    return exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1), attempts=1)


def login(client, user):
    client.force_login(user)
    return client


def test_it_lists_my_exams(client, demo, exam):
    r = login(client, demo.member).get(reverse("exam_mine"))
    assert r.status_code == 200
    assert exam.title in r.content.decode() and "去考试" in r.content.decode()


def test_my_exams_needs_a_member_record(client, demo, exam):
    assert login(client, demo.outsider).get(reverse("exam_mine")).status_code == 403


def test_it_starts_and_resumes_the_same_attempt(client, demo, exam):
    c = login(client, demo.member)
    r = c.post(reverse("exam_take", args=[exam.pk]))
    attempt = Attempt.objects.get(member=demo.m1)
    assert r.url == reverse("attempt_page", args=[attempt.pk])
    c.post(reverse("exam_take", args=[exam.pk]))
    assert Attempt.objects.filter(member=demo.m1).count() == 1
    page = c.get(reverse("attempt_page", args=[attempt.pk])).content.decode()
    assert "剩余时间" in page and 'data-seconds="' in page


def test_answers_saved_one_by_one_come_back_on_reload(client, demo, exam):
    c = login(client, demo.member)
    c.post(reverse("exam_take", args=[exam.pk]))
    attempt = Attempt.objects.get(member=demo.m1)
    single = attempt.answers.select_related("question").filter(question__kind="single").first()
    fill = attempt.answers.select_related("question").filter(question__kind="fill").first()
    save = reverse("attempt_save", args=[attempt.pk])
    r = c.post(save, {"question": single.question_id, f"q{single.question_id}": "2"}, HTTP_HX_REQUEST="true")
    assert "已保存" in r.content.decode()
    r = c.post(save, {"question": fill.question_id, f"q{fill.question_id}": "　季度 "})
    assert r.json()["saved"] is True and 0 < r.json()["remaining"] <= 30 * 60
    assert Answer.objects.get(pk=single.pk).response == [2]
    page = c.get(reverse("attempt_page", args=[attempt.pk])).content.decode()
    assert f'name="q{single.question_id}" value="2" checked' in page
    assert 'value="季度"' in page


def test_a_bad_answer_is_refused_clearly(client, demo, exam):
    c = login(client, demo.member)
    c.post(reverse("exam_take", args=[exam.pk]))
    attempt = Attempt.objects.get(member=demo.m1)
    single = attempt.answers.filter(question__kind="single").first()
    r = c.post(reverse("attempt_save", args=[attempt.pk]), {"question": single.question_id, f"q{single.question_id}": "9"})
    assert r.status_code == 400 and "格式" in r.json()["error"]
    r = c.post(reverse("attempt_save", args=[attempt.pk]), {"question": "x"})
    assert r.status_code == 400


def test_submit_grades_and_shows_the_score_and_twice_is_harmless(client, demo, exam):
    c = login(client, demo.member)
    c.post(reverse("exam_take", args=[exam.pk]))
    attempt = Attempt.objects.get(member=demo.m1)
    data = {}
    for a in attempt.answers.select_related("question"):
        q = a.question
        if q.kind == "judge":
            data[f"q{q.pk}"] = "1" if q.answer[0] else "0"
        elif q.kind == "fill":
            data[f"q{q.pk}"] = [v[0] for v in q.answer]
        else:
            data[f"q{q.pk}"] = [str(i) for i in q.answer]
    r = c.post(reverse("attempt_submit", args=[attempt.pk]), data, follow=True)
    assert "100.0" in r.content.decode() and "及格" in r.content.decode()
    r = c.post(reverse("attempt_submit", args=[attempt.pk]), {}, follow=True)
    assert Attempt.objects.get(pk=attempt.pk).score == 100
    assert "考试截止后可在此查看正确答案和解析" in r.content.decode()


def test_a_save_after_the_deadline_is_refused_and_graded(client, demo, exam):
    c = login(client, demo.member)
    c.post(reverse("exam_take", args=[exam.pk]))
    attempt = Attempt.objects.get(member=demo.m1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    q = attempt.answers.first().question_id
    r = c.post(reverse("attempt_save", args=[attempt.pk]), {"question": q, f"q{q}": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 409 and r["HX-Redirect"] == reverse("attempt_page", args=[attempt.pk])
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.EXPIRED
    r = c.post(reverse("attempt_submit", args=[attempt.pk]), follow=True)
    assert "考试时间已到" in r.content.decode() or "已交卷" not in r.content.decode()


def test_answers_show_after_the_close(client, demo, exam):
    c = login(client, demo.member)
    c.post(reverse("exam_take", args=[exam.pk]))
    attempt = Attempt.objects.get(member=demo.m1)
    exam_services.attempt_submit(attempt=attempt)
    type(exam).objects.filter(pk=exam.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = c.get(reverse("attempt_page", args=[attempt.pk])).content.decode()
    assert "正确答案" in page and "解析" in page


def test_someone_elses_attempt_is_403(client, demo, exam):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam)
    for user in (demo.secretary, demo.outsider, demo.officer):
        c = login(client, user)
        assert c.get(reverse("attempt_page", args=[attempt.pk])).status_code == 403
        assert c.post(reverse("attempt_save", args=[attempt.pk]), {"question": 1}).status_code == 403
        assert c.post(reverse("attempt_submit", args=[attempt.pk])).status_code == 403


def test_an_exam_outside_my_organization_is_403(client, demo):
    exam = exam_demo.seed_exam(demo.zb3, exam_demo.seed_bank(demo.zb3)[:5])
    c = login(client, demo.member)
    assert c.get(reverse("exam_take", args=[exam.pk])).status_code == 403
    assert c.post(reverse("exam_take", args=[exam.pk])).status_code == 403


def test_wrong_methods(client, demo, exam):
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam)
    c = login(client, demo.member)
    assert c.get(reverse("attempt_save", args=[attempt.pk])).status_code == 405
    assert c.get(reverse("attempt_submit", args=[attempt.pk])).status_code == 405
    assert c.post(reverse("exam_mine")).status_code == 405
    assert c.post(reverse("attempt_page", args=[attempt.pk])).status_code == 405


def test_anonymous_goes_to_login(client, exam):
    assert client.get(reverse("exam_take", args=[exam.pk])).status_code == 302


def test_an_answer_save_runs_a_handful_of_queries(client, demo, exam, django_assert_max_num_queries):
    c = login(client, demo.member)
    c.post(reverse("exam_take", args=[exam.pk]))
    attempt = Attempt.objects.get(member=demo.m1)
    q = attempt.answers.filter(question__kind="single").first().question_id
    with django_assert_max_num_queries(8):  # session, user, answer+question+owner, lock, update (+ savepoint)
        r = c.post(reverse("attempt_save", args=[attempt.pk]), {"question": q, f"q{q}": "1"}, HTTP_HX_REQUEST="true")
    assert "已保存" in r.content.decode()


def test_my_exams_runs_a_fixed_number_of_queries(client, demo, exam, django_assert_max_num_queries):
    c = login(client, demo.member)
    with django_assert_max_num_queries(10):
        c.get(reverse("exam_mine"))
    questions = exam_demo.seed_bank(demo.zz)[:4]
    for i in range(5):
        more = exam_demo.seed_exam(demo.zz, questions, title=f"测试{i}")
        exam_services.attempt_submit(attempt=exam_services.attempt_start(member=demo.m1, exam=more))
    with django_assert_max_num_queries(10):
        r = c.get(reverse("exam_mine"))
    assert r.content.decode().count("最好成绩") == 5
