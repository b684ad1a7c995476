"""Exams on a phone: a member opens the demo exam, answers half, reloads and finds the answers and
the remaining time, finishes, submits and sees the score; a second member fails and the branch
secretary finds the education-talk to-do with the organizational-life talks."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orglife.orgs import services
from orglife.orgs.models import Member
from orglife.study.exam_models import Attempt, Exam

pytestmark = pytest.mark.django_db(transaction=True)


def answer(page, a, right: bool) -> None:
    q = a.question
    box = page.locator(f"#question-{q.pk}")
    if q.kind == "fill":
        for i, variants in enumerate(q.answer):
            box.locator("input[type=text]").nth(i).fill(variants[0] if right else "不知道")
        box.locator("input[type=text]").last.press("Tab")
    elif q.kind == "judge":
        value = ("1" if q.answer[0] else "0") if right else ("0" if q.answer[0] else "1")
        box.locator(f"input[value='{value}']").check()
    elif q.kind == "single":
        value = q.answer[0] if right else (q.answer[0] + 1) % len(q.options)
        box.locator(f"input[value='{value}']").check()
    else:
        for i in q.answer if right else q.answer[:1]:
            box.locator(f"input[value='{i}']").check()
    expect(page.locator(f"#status-{q.pk}")).to_contain_text("已保存")


def remaining(page) -> int:
    text = page.locator("#remaining").inner_text()
    m = re.match(r"(\d+) 分 (\d+) 秒", text)
    return int(m.group(1)) * 60 + int(m.group(2))


def test_a_member_takes_the_exam_on_a_phone_and_a_failing_member_gets_a_talk(phone, new_context, demo_data, login):
    exam = Exam.objects.get(org__code="ZB01")
    Exam.objects.filter(pk=exam.pk).update(attempts_allowed=1)  # one try: a fail goes straight to the secretary

    login(phone, "dangyuan")
    phone.goto("/me/")
    phone.get_by_role("link", name="我的考试与答题闯关").click()
    expect(phone.get_by_text(exam.title)).to_be_visible()
    phone.get_by_role("button", name="去考试").click()
    phone.get_by_role("button", name="开始考试").click()
    expect(phone).to_have_url(re.compile(r"/study/attempts/\d+/$"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    attempt = Attempt.objects.get(member__user__username="dangyuan")
    answers = list(attempt.answers.select_related("question"))
    half = len(answers) // 2
    for a in answers[:half]:
        answer(phone, a, right=True)
    before = remaining(phone)
    phone.wait_for_timeout(1500)
    phone.reload()
    after = remaining(phone)
    assert 0 < after < before <= 30 * 60
    expect(phone.locator("#answered")).to_have_text(str(half))
    first = answers[0].question
    if first.kind in ("single", "judge"):
        value = first.answer[0] if first.kind == "single" else ("1" if first.answer[0] else "0")
        expect(phone.locator(f"#question-{first.pk} input[value='{value}']")).to_be_checked()
    for a in answers[half:]:
        answer(phone, a, right=True)
    phone.once("dialog", lambda d: d.accept())
    phone.get_by_role("button", name="交卷").click()
    expect(phone.locator("#score")).to_have_text("100.0")
    expect(phone.get_by_text("及格", exact=True)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # A second member answers everything wrong.
    other = Member.objects.filter(org__code="ZB01", user__isnull=True).order_by("id")[8]
    user = get_user_model().objects.create_user(username="dangyuan2", password="orglife-demo-2026")
    services.member_link_user(actor=None, member=other, user=user)
    second = new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True).new_page()
    login(second, "dangyuan2")
    second.goto(f"/study/exams/{exam.pk}/take/")
    second.get_by_role("button", name="开始考试").click()
    attempt = Attempt.objects.get(member=other)
    for a in attempt.answers.select_related("question"):
        answer(second, a, right=False)
    second.once("dialog", lambda d: d.accept())
    second.get_by_role("button", name="交卷").click()
    expect(second.locator("#score")).to_have_text("0.0")
    expect(second.get_by_text("不及格", exact=True)).to_be_visible()

    secretary = new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True).new_page()
    login(secretary, "shuji")
    secretary.goto("/orgs/ZB01/talks/")
    expect(secretary.get_by_text(re.compile(f"{exam.title}.*未及格")).first).to_be_visible()
    expect(secretary.get_by_text(other.name).first).to_be_visible()
