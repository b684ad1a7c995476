"""发展党员 from application to probationary member: the early steps (application to 志愿书) are
seeded through the services; in the browser the secretary of ZB01 holds the branch assembly that
votes (attendance, the resolution counting written opinions, the locked record), links the vote
to the applicant's file, records the upper committee's approval and admits the applicant, who
then appears on the roster as a probationary member admitted on the day of the vote."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orglife.meetings.models import Meeting
from orglife.orgs.models import Member, Organization
from orglife.recruitment.models import Applicant
from orglife.recruitment.tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_moves_an_applicant_to_probationary_member(page, demo_data, login):
    branch = Organization.objects.get(code="ZB01")
    applicant = factories.through(factories.applicant(branch, name="孙晓红"))
    today = timezone.localdate()

    login(page, "shuji")
    # The pipeline shows the applicant waiting for the branch assembly.
    page.goto("/orgs/ZB01/")
    page.get_by_role("link", name="发展党员").click()
    row = page.get_by_role("row", name=re.compile("孙晓红"))
    expect(row).to_contain_text("15. 支部党员大会讨论")

    # The branch assembly: create, start, attendance, the vote, the record, submit.
    page.goto("/orgs/ZB01/meetings/new/")
    page.get_by_label("主题党日").uncheck()
    page.get_by_label("支部党员大会").check()
    page.get_by_label("主题", exact=True).fill("支部党员大会：讨论接收预备党员")
    page.get_by_label("地点").fill("高中部党员活动室")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="开始会议").click()
    meeting = Meeting.objects.get(topic="支部党员大会：讨论接收预备党员")
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    page.eval_on_selector_all("select[name^=status_]", "els => els.forEach(e => e.value = 'present')")
    page.get_by_role("button", name="保存").click()
    page.goto(f"/meetings/{meeting.pk}/")
    entitled = meeting.attendance.filter(voting_entitled=True).count()
    page.get_by_label("决议内容").fill("同意接收孙晓红同志为中共预备党员")
    page.get_by_label("赞成").fill(str(entitled - 1))
    page.get_by_label("弃权").fill("1")
    page.get_by_label(re.compile("接收预备党员或转正表决")).check()
    page.get_by_role("button", name="添加决议").click()
    expect(page.get_by_text("通过", exact=True)).to_be_visible()
    page.get_by_role("button", name="填写纪实").click()
    members = list(meeting.attendance.order_by("id").values_list("member_id", flat=True)[:2])
    page.get_by_label("主持人").select_option(str(members[0]))
    page.get_by_label("记录人").select_option(str(members[1]))
    page.get_by_label("议程").fill("讨论接收孙晓红同志为预备党员")
    page.get_by_label("会议记录").fill("介绍人介绍情况，党员逐一发表意见，无记名投票表决。")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交并锁定").click()
    expect(page.locator("#status")).to_contain_text("已锁定")

    # Back on the file: link the vote, record the approval, admit.
    page.goto(f"/recruitment/{applicant.pk}/")
    form = page.locator("#record-step")
    expect(form.get_by_role("heading", name="15. 支部党员大会讨论")).to_be_visible()
    expect(form.get_by_label(re.compile("表决决议"))).to_contain_text("同意接收孙晓红同志为中共预备党员")
    form.get_by_label(re.compile("表决决议")).select_option(str(meeting.resolutions.get().pk))
    form.get_by_role("button", name="记录").click()
    expect(page.get_by_text("已记录“支部党员大会讨论”")).to_be_visible()
    page.locator("#record-step select[name=step]").select_option(label="17. 上级党委审批")
    page.get_by_role("button", name="选择").click()
    page.locator("#record-step").get_by_label("日期").fill(today.isoformat())
    page.locator("#record-step").get_by_role("button", name="记录").click()
    page.get_by_role("button", name="接收为预备党员").click()
    expect(page.get_by_text("已接收孙晓红为预备党员")).to_be_visible()
    expect(page.locator("#status")).to_have_text("预备党员")
    expect(page.locator("#probation-end")).to_be_visible()

    member = Member.objects.get(name="孙晓红")
    assert member.category == "probationary" and member.admitted_on == meeting.held_on == today
    assert Applicant.objects.get(pk=applicant.pk).member_id == member.pk
    page.get_by_role("link", name=re.compile("预备党员，入党日期")).click()
    expect(page.get_by_text("孙晓红").first).to_be_visible()
