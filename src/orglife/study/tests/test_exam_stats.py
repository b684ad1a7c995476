"""Exam statistics for an organization and its subtree: participation, average, pass rate,
correct rate per question and tag; chart, xlsx; bounded queries."""

import io

import openpyxl
import pytest
from django.urls import reverse

from orglife.conftest import make_member
from orglife.study import exam_demo, exam_queries, exam_services

pytestmark = pytest.mark.django_db


def take(exam, member, right: int):
    attempt = exam_services.attempt_start(member=member, exam=exam)
    for i, a in enumerate(attempt.answers.select_related("question")):
        q = a.question
        if i < right:
            response = [v[0] for v in q.answer] if q.kind == "fill" else q.answer
        else:
            response = ["错"] * len(q.answer) if q.kind == "fill" else [not q.answer[0]] if q.kind == "judge" else \
                [(q.answer[0] + 1) % len(q.options)]
        exam_services.answer_save(attempt=attempt, question_id=q.pk, response=response)
    return exam_services.attempt_submit(attempt=attempt)


@pytest.fixture
def exam(demo):
    questions = exam_demo.seed_bank(demo.dw)[:10]
    return exam_demo.seed_exam(demo.dw, questions, attempts=2)


def test_rows_count_the_subtree_only(demo, exam):
    take(exam, demo.m1, 10)
    take(exam, demo.m2, 4)
    take(exam, demo.m3, 8)  # ZB3, outside ZZ
    (row,) = exam_queries.exam_rows(demo.zz, [exam])
    assert (row.audience, row.participants, row.passed) == (2, 2, 1)
    assert str(row.average) == "70.0" and row.pass_rate == 0.5
    (top,) = exam_queries.exam_rows(demo.dw, [exam])
    assert (top.audience, top.participants, top.passed) == (3, 3, 2)


def test_best_attempt_counts(demo, exam):
    take(exam, demo.m1, 3)
    take(exam, demo.m1, 9)
    (row,) = exam_queries.exam_rows(demo.zb1, [exam])
    assert row.participants == 1 and str(row.average) == "90.0" and row.passed == 1


def test_question_rows_find_weak_questions_and_tags(demo, exam):
    for m in (demo.m1, demo.m2, demo.m3, make_member("ZB1", name="甲"), make_member("ZB1", name="乙")):
        take(exam, m, 5)  # the first five right, the rest wrong
    rows, tags = exam_queries.question_rows(demo.dw, exam)
    assert len(rows) == 10 and rows[0].rate == 0 and rows[-1].rate == 1
    assert all(r.suspicious for r in rows[:5]) and not any(r.suspicious for r in rows[5:])
    assert tags[0].rate <= tags[-1].rate


def test_the_stats_page_shows_a_chart_and_exports(client, demo, exam):
    take(exam, demo.m1, 10)
    client.force_login(demo.secretary)
    page = client.get(reverse("exam_stats", args=["ZB1"])).content.decode()
    assert "<svg" in page and "党章党规知识测试" in page and "100%" in page
    book = client.get(reverse("exam_stats_xlsx", args=["ZB1"]))
    ws = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert ws["A2"].value == "党章党规知识测试" and ws["E2"].value == 1
    detail = client.get(reverse("exam_question_stats", args=["ZB1", exam.pk])).content.decode()
    assert "<svg" in detail and "知识点" in detail
    book = client.get(reverse("exam_question_stats_xlsx", args=["ZB1", exam.pk]))
    assert openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames == ["试题正确率", "知识点"]


def test_the_stats_pages_run_a_fixed_number_of_queries(client, demo, exam, django_assert_max_num_queries):
    take(exam, demo.m1, 5)
    client.force_login(demo.officer)
    with django_assert_max_num_queries(10):
        client.get(reverse("exam_stats", args=["ZZ"]))
    with django_assert_max_num_queries(10):
        client.get(reverse("exam_question_stats", args=["ZZ", exam.pk]))
    for i in range(6):
        take(exam, make_member("ZB2", name=f"党员{i}"), i)
    other = exam_demo.seed_exam(demo.zz, exam_demo.seed_bank(demo.zz)[:4], title="第二次测试")
    take(other, demo.m2, 2)
    with django_assert_max_num_queries(10):
        client.get(reverse("exam_stats", args=["ZZ"]))
    with django_assert_max_num_queries(10):
        client.get(reverse("exam_question_stats", args=["ZZ", exam.pk]))


def test_an_exam_of_another_subtree_is_404(client, demo):
    other = exam_demo.seed_exam(demo.zb3, exam_demo.seed_bank(demo.zb3)[:3])
    client.force_login(demo.officer)
    assert client.get(reverse("exam_question_stats", args=["ZZ", other.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_personas_without_management_get_403(client, demo, exam, persona):
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("exam_stats", args=["ZB1"])).status_code == 403
    assert client.get(reverse("exam_stats_xlsx", args=["ZB1"])).status_code == 403
    assert client.get(reverse("exam_question_stats", args=["ZB1", exam.pk])).status_code == 403


def test_wrong_org_and_method(client, demo, exam):
    client.force_login(demo.secretary)
    assert client.get(reverse("exam_stats", args=["ZB2"])).status_code == 403
    assert client.post(reverse("exam_stats", args=["ZB1"])).status_code == 405
