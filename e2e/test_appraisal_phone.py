"""民主评议党员 on phones: the secretary opens the year's evaluation, a member writes a self-
assessment, seven members vote by secret ballot on 375 px pages (each keeps a receipt), the
secretary closes the ballot and the tallies appear, the committee sets final grades (the 优秀 cap
refuses three of seven) and each member sees only their own result."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.orgs import idcard, services
from orglife.orgs.models import OrgKind

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Appraisal-e2e-2026"
NAMES = ["陈红", "李明", "王芳", "张伟", "刘洋", "赵静", "孙磊"]
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def branch(transactional_db):
    top = services.org_create(actor=None, parent=None, code="PYDW", name="评议测试党委", kind=OrgKind.COMMITTEE,
                              established_on=dt.date(2010, 1, 1))
    org = services.org_create(actor=None, parent=top, code="PY01", name="评议测试党支部", kind=OrgKind.BRANCH,
                              established_on=dt.date(2010, 1, 1))
    User = get_user_model()
    secretary = User.objects.create_user(username="pyshuji", password=PASSWORD)
    services.grant_role(actor=None, user=secretary, org=org, role=Role.MANAGER)
    for i, name in enumerate(NAMES):
        member = services.member_create(actor=None, today=timezone.localdate(), data={
            "name": name, "id_number": idcard.make_id("110101", dt.date(1970 + i, 3, 1 + i), 10 + 2 * i),
            "category": "full", "admitted_on": dt.date(2000, 7, 1), "full_member_on": dt.date(2001, 7, 1),
            "org": "PY01", "phone": "13800000000",
        })
        user = User.objects.create_user(username=f"py{i}", password=PASSWORD)
        services.member_link_user(actor=None, member=member, user=user)
    return org


def _narrow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_seven_members_vote_on_phones_and_the_committee_grades(branch, page, new_context, login):
    year = timezone.localdate().year
    sec = page
    login(sec, "pyshuji", PASSWORD)
    sec.goto("/orgs/PY01/")
    sec.get_by_role("link", name="民主评议党员").click()
    sec.get_by_text("开始民主评议", exact=True).first.click()
    sec.get_by_label("年度").fill(str(year))
    sec.get_by_role("button", name="开始民主评议").click()
    expect(sec.get_by_role("heading", name=f"{year}年度民主评议党员")).to_be_visible()
    expect(sec.get_by_test_id("stage")).to_have_text("个人自评")
    detail_url = sec.url

    # A member writes the 个人自评 on a phone, reaching it from 我的.
    first = new_context(**PHONE).new_page()
    login(first, "py0", PASSWORD)
    first.goto("/me/")
    first.get_by_role("link", name="我的民主评议").click()
    first.get_by_role("link", name=re.compile(f"{year}年度")).click()
    first.get_by_label(re.compile("个人自评")).fill("对照党员标准，学习还不够深入。")
    first.get_by_role("button", name="保存个人自评").click()
    expect(first.get_by_text("个人自评已保存")).to_be_visible()
    _narrow(first)

    sec.get_by_role("button", name="进入党员互评").click()
    expect(sec.get_by_test_id("stage")).to_have_text("党员互评")
    sec.get_by_role("button", name="开始民主测评").click()
    expect(sec.get_by_test_id("stage")).to_have_text("民主测评")

    # Seven members vote on phones. Everyone rates 陈红 and 李明 优秀, 孙磊 基本合格, the rest 合格.
    receipts = []
    for i in range(7):
        ctx = new_context(**PHONE)
        phone = ctx.new_page()
        login(phone, f"py{i}", PASSWORD)
        phone.goto(detail_url)
        phone.get_by_role("button", name="参加民主测评").click()
        fieldsets = phone.locator("fieldset")
        expect(fieldsets).to_have_count(7)
        for j in range(7):
            name = fieldsets.nth(j).locator("legend").inner_text().strip()
            grade = "优秀" if name in ("陈红", "李明") else "基本合格" if name == "孙磊" else "合格"
            fieldsets.nth(j).get_by_label(grade, exact=True).check()
        _narrow(phone)
        phone.get_by_role("button", name="提交选票").click()
        expect(phone.get_by_role("heading", name="投票成功")).to_be_visible()
        receipts.append(phone.get_by_test_id("receipt").inner_text())
        _narrow(phone)
        if i == 0:  # the receipt verifies
            phone.get_by_role("link", name="核对回执").click()
            phone.get_by_label("回执码").fill(receipts[0])
            phone.get_by_role("button", name="核对").click()
            expect(phone.get_by_text("该回执码对应的选票已计入")).to_be_visible()
            # and a second ballot is not possible
            phone.goto(detail_url)
            expect(phone.get_by_text("您已投票")).to_be_visible()
        ctx.close()
    assert len(set(receipts)) == 7

    # Before closing there is turnout, not tallies.
    sec.reload()
    expect(sec.get_by_text("已投票 7 / 7 人")).to_be_visible()
    expect(sec.get_by_role("columnheader", name="优秀")).to_have_count(0)
    sec.get_by_role("button", name="结束民主测评").click()
    expect(sec.get_by_test_id("stage")).to_have_text("组织评定")
    expect(sec.get_by_role("columnheader", name="优秀")).to_be_visible()
    expect(sec.get_by_role("row", name=re.compile("陈红"))).to_contain_text("7")

    # The committee sets final grades: three 优秀 of seven is over the cap (2).
    sec.get_by_role("button", name="评定等次").click()
    expect(sec.get_by_text("民主测评：优秀 7 · 合格 0 · 基本合格 0 · 不合格 0").first).to_be_visible()
    for name in NAMES:
        sec.get_by_label(f"{name}的等次").select_option(label="合格")
    for name in ("陈红", "李明", "王芳"):
        sec.get_by_label(f"{name}的等次").select_option(label="优秀")
        sec.get_by_label(f"{name}的评定理由").fill("民主测评得票较高，表现突出")
    sec.get_by_role("button", name="保存评定").click()
    expect(sec.get_by_role("alert")).to_contain_text("评为优秀的共 3 人")
    sec.get_by_label("王芳的等次").select_option(label="合格")
    sec.get_by_label("孙磊的等次").select_option(label="基本合格")
    sec.get_by_label("孙磊的评定理由").fill("学习不够主动，已指出不足")
    sec.get_by_role("button", name="保存评定").click()
    expect(sec.get_by_text("评定等次已保存")).to_be_visible()
    sec.get_by_role("button", name="完成评定并告知本人").click()
    expect(sec.get_by_test_id("stage")).to_have_text("已结束")
    expect(sec.get_by_role("row", name=re.compile("孙磊"))).to_contain_text("基本合格")

    # Each member sees their own result only.
    last = new_context(**PHONE).new_page()
    login(last, "py6", PASSWORD)
    last.goto(detail_url)
    expect(last.get_by_test_id("my-grade")).to_have_text("基本合格")
    expect(last.get_by_text("学习不够主动，已指出不足")).to_be_visible()
    expect(last.get_by_text("陈红")).to_have_count(0)
    _narrow(last)
    first.goto(detail_url)
    expect(first.get_by_test_id("my-grade")).to_have_text("优秀")
