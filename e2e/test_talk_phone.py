"""谈心谈话 on phones: the secretary records a talk with a member on a 375 px screen; the member
finds it under 我的 and reads the summary; the pages never scroll sideways."""

import re

import pytest
from playwright.sync_api import expect

from orglife.orgs.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_records_a_talk_and_the_member_reads_it(phone, new_context, demo_data, login):
    shuji = Member.objects.get(user__username="shuji")
    dangyuan = Member.objects.get(user__username="dangyuan")

    login(phone, "shuji")
    phone.goto("/orgs/ZB01/talks/")
    expect(phone.get_by_role("heading", name=re.compile("谈心谈话"))).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_text("记录谈心谈话").click()
    phone.get_by_label("谈话主题").fill("年终谈心")
    phone.get_by_label(shuji.name, exact=True).check()
    phone.get_by_label(dangyuan.name, exact=True).check()
    phone.get_by_label(re.compile("谈话要点")).fill("交流了学习和工作情况")
    phone.get_by_role("button", name="保存").click()
    expect(phone).to_have_url(re.compile(r"/talks/\d+/$"))
    expect(phone.get_by_text("交流了学习和工作情况")).to_be_visible()

    member = new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True).new_page()
    login(member, "dangyuan")
    member.goto("/me/")
    member.get_by_role("link", name=re.compile("年终谈心")).click()
    expect(member.get_by_text("交流了学习和工作情况")).to_be_visible()
    assert member.evaluate("document.documentElement.scrollWidth") <= 375
