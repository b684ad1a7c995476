"""Managers' exam pages: list, create (fixed or drawn), edit, publish, cancel, results, result list."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from orglife.core.models import AuditEvent
from orglife.study import exam_demo, exam_services
from orglife.study.exam_models import Exam, ExamStatus

pytestmark = pytest.mark.django_db


def form(**overrides):
    now = timezone.localtime()
    data = {"title": "季度测试", "description": "", "opens_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 20,
            "attempts_allowed": 1, "pass_mark": 60, "show_answers": "on", "mode": "fixed"}
    data.update(overrides)
    return data


def test_it_creates_a_fixed_exam_and_publishes_it(client, demo):
    questions = exam_demo.seed_bank(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(reverse("exam_new", args=["ZB1"]), form(question_ids=[q.pk for q in questions[:5]]))
    exam = Exam.objects.get()
    assert r.url == reverse("exam_detail", args=[exam.pk]) and exam.status == ExamStatus.DRAFT
    assert list(exam.paper.values_list("question_id", flat=True)) == [q.pk for q in questions[:5]]
    client.post(reverse("exam_publish", args=[exam.pk]))
    assert Exam.objects.get().status == ExamStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="exam.publish").exists()


def test_it_creates_a_drawn_exam(client, demo):
    exam_demo.seed_bank(demo.dw)
    client.force_login(demo.officer)
    r = client.post(reverse("exam_new", args=["ZZ"]), form(mode="drawn", rule_tag_0="党章", rule_difficulty_0="0",
                                                           rule_count_0="3", rule_tag_1="", rule_difficulty_1="3",
                                                           rule_count_1="1"))
    assert r.status_code == 302
    assert Exam.objects.get().rule == [{"tag": "党章", "difficulty": 0, "count": 3}, {"tag": "", "difficulty": 3, "count": 1}]


def test_a_bad_exam_keeps_what_was_typed(client, demo):
    exam_demo.seed_bank(demo.zb1)
    client.force_login(demo.secretary)
    r = client.post(reverse("exam_new", args=["ZB1"]), form(title="我的考试", mode="drawn", rule_tag_0="纪律",
                                                            rule_count_0="9"))
    page = r.content.decode()
    assert r.status_code == 200 and "题库中的题目不够" in page and 'value="我的考试"' in page
    r = client.post(reverse("exam_new", args=["ZB1"]), form(closes_at="2020-01-01T00:00"))
    assert "截止时间必须晚于开始时间" in r.content.decode()
    assert not Exam.objects.exists()


def test_results_are_shown_to_managers_and_the_list_is_published_explicitly(client, demo):
    exam = exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1))
    attempt = exam_services.attempt_start(member=demo.m1, exam=exam)
    exam_services.attempt_submit(attempt=attempt)
    client.force_login(demo.officer)  # a manager above the branch
    page = client.get(reverse("exam_detail", args=[exam.pk])).content.decode()
    assert "李四" in page and "不及格" in page and "公布成绩" not in page
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert "公布成绩" in client.get(reverse("exam_detail", args=[exam.pk])).content.decode()
    client.post(reverse("exam_results_publish", args=[exam.pk]))
    assert Exam.objects.get().results_snapshot[0]["name"] == "李四"
    book = client.get(reverse("exam_results_xlsx", args=[exam.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert ws["A2"].value == "李四" and ws["D2"].value == "不及格"


def test_the_results_page_runs_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):

    exam = exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1))
    client.force_login(demo.secretary)

    def take(member):
        exam_services.attempt_submit(attempt=exam_services.attempt_start(member=member, exam=exam))

    take(demo.m1)
    with django_assert_max_num_queries(14):
        client.get(reverse("exam_detail", args=[exam.pk]))
    from orglife.conftest import make_member as mk

    for i in range(8):
        take(mk("ZB1", name=f"党员{i}"))
    with django_assert_max_num_queries(14):
        client.get(reverse("exam_detail", args=[exam.pk]))


def test_cancel_only_before_anyone_answers(client, demo):
    exam = exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1))
    client.force_login(demo.secretary)
    exam_services.attempt_start(member=demo.m1, exam=exam)
    r = client.post(reverse("exam_cancel", args=[exam.pk]), follow=True)
    assert "不能取消" in r.content.decode() and Exam.objects.get().status == ExamStatus.PUBLISHED


def test_editing_keeps_the_form_values(client, demo):
    exam = exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1))
    client.force_login(demo.secretary)
    page = client.get(reverse("exam_edit", args=[exam.pk])).content.decode()
    assert 'value="党章党规知识测试"' in page
    data = form(title="新名称", question_ids=list(exam.paper.values_list("question_id", flat=True)), duration_minutes=30,
                attempts_allowed=2)
    assert client.post(reverse("exam_edit", args=[exam.pk]), data).status_code == 302
    assert Exam.objects.get().title == "新名称"


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_personas_without_management_get_403(client, demo, persona):
    exam = exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1))
    client.force_login(getattr(demo, persona))
    for url in (reverse("exam_new", args=["ZB1"]), reverse("exam_detail", args=[exam.pk]),
                reverse("exam_edit", args=[exam.pk]), reverse("exam_results_xlsx", args=[exam.pk])):
        assert client.get(url).status_code == 403
    for name in ("exam_publish", "exam_cancel", "exam_results_publish"):
        assert client.post(reverse(name, args=[exam.pk])).status_code == 403


def test_wrong_org_and_wrong_method(client, demo):
    exam = exam_demo.seed_exam(demo.zb3, exam_demo.seed_bank(demo.zb3))
    client.force_login(demo.secretary)
    assert client.get(reverse("exam_detail", args=[exam.pk])).status_code == 403
    assert client.get(reverse("exam_list", args=["ZB3"])).status_code == 403
    assert client.get(reverse("exam_publish", args=[exam.pk])).status_code == 405
    assert client.get(reverse("exam_results_publish", args=[exam.pk])).status_code == 405
    assert client.get(reverse("exam_detail", args=[999999])).status_code == 404


def test_the_list_shows_exams_to_viewers(client, demo):
    exam_demo.seed_exam(demo.zb1, exam_demo.seed_bank(demo.zb1))
    client.force_login(demo.officer)
    r = client.get(reverse("exam_list", args=["ZB1"]))
    assert r.status_code == 200 and "党章党规知识测试" in r.content.decode()
