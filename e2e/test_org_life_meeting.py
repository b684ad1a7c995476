"""A 组织生活会 from notice to readiness to held to problems in the ledger: the secretary of ZB01
plans it and records the notice, the study session and the opinions; a member writes their
对照检查材料 on a phone; the readiness check blocks the start until the officer of 总支 ZZ01 lets
it go ahead with a reason; the secretary holds it, records a criticism and lists a problem, which
appears in the branch's rectification ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from orglife.core.models import Role
from orglife.inspection import life_services
from orglife.inspection.life_models import LifeMeeting
from orglife.inspection.models import Problem
from orglife.orgs import services
from orglife.orgs.models import Member, Organization

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "orglife-demo-2026"


@pytest.fixture
def officer(demo_data):
    user = get_user_model().objects.create_user(username="zongzhi01", password=PASSWORD)
    services.grant_role(actor=None, user=user, org=Organization.objects.get(code="ZZ01"), role=Role.MANAGER)
    return user


def test_an_org_life_meeting_from_notice_to_the_ledger(page, phone, officer, login):
    today = timezone.localdate()
    planned = (timezone.localtime() + dt.timedelta(days=20)).replace(hour=9, minute=0)
    login(page, "shuji")
    page.goto("/orgs/ZB01/")
    page.get_by_role("link", name="组织生活会", exact=True).click()
    page.get_by_label("会议主题").fill("年度专题组织生活会")
    page.get_by_label("计划召开时间").fill(planned.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("地点").fill("党员活动室")
    page.get_by_role("button", name="开始筹备").click()
    readiness = page.locator("#readiness")
    expect(readiness).to_contain_text("不能召开")
    expect(page.get_by_role("button", name="开始会议")).to_be_disabled()

    page.get_by_text("登记通知和报送").click()
    page.get_by_label("通知日期").fill(today.isoformat())
    page.get_by_label("通知内容").fill("定于下月召开2026年度组织生活会，请全体党员撰写对照检查材料。")
    page.get_by_label("方案报上级日期").fill(today.isoformat())
    page.get_by_role("button", name="保存通知和报送").click()
    for kind, summary in (("会前学习研讨", "集中学习党章和支部工作条例"), ("征求意见", "向群众发放征求意见表30份")):
        page.get_by_text("登记学习研讨或征求意见").click()
        page.locator("form[action$=\"/prep/\"] select[name=kind]").select_option(label=kind)
        page.get_by_label("日期", exact=True).fill(today.isoformat())
        page.get_by_label("内容摘要").fill(summary)
        page.get_by_role("button", name="登记", exact=True).click()
        expect(page.locator("article li", has_text=summary)).to_be_visible()
    expect(readiness.locator("[data-key=notice]")).to_contain_text("已通知")
    expect(readiness.locator("[data-key=study]")).to_contain_text("已登记")

    # Every other participant has written their material already (seeded); the member writes theirs.
    life = LifeMeeting.objects.get(meeting__topic="年度专题组织生活会")
    me = Member.objects.get(user__username="dangyuan")
    for i, other in enumerate(life_services.participants(life)):
        if other.pk != me.pk:
            life_services.material_save(actor=None, life=life, member=other,
                                        text=f"{other.name}的对照检查材料：本人第{i}条问题是学习不够深入，联系群众不够紧密。")
    login(phone, "dangyuan")
    phone.goto("/")
    phone.get_by_role("link", name="年度专题组织生活会：请提交对照检查材料").click()
    phone.get_by_label("对照检查材料").fill("我在理论学习上浅尝辄止，读原著少；服务学生和家长主动性不够，"
                                      "对家长反映的晚自习安排问题跟进不及时。今后每月精读一篇原文，每周走访两名学生家庭。")
    phone.get_by_role("button", name="保存材料").click()
    expect(phone.locator("#originality")).to_contain_text("未发现明显照搬")
    box = phone.locator("h1").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375

    page.reload()
    expect(readiness.locator("[data-key=materials]")).to_contain_text("32/32 人已提交")
    expect(readiness.locator("[data-key=talks]")).to_contain_text("尚未谈心谈话")
    expect(page.get_by_role("button", name="开始会议")).to_be_disabled()

    page2 = page.context.browser.new_page(base_url=page.url.split("/life-meetings")[0])
    login(page2, "zongzhi01")
    page2.goto(f"/life-meetings/{life.pk}/")
    page2.get_by_label("准予召开的理由").fill("谈心谈话已于上月集中开展，纸质记录待补录")
    page2.get_by_role("button", name="准予召开").click()
    expect(page2.locator("#readiness")).to_contain_text("上级已准予召开")
    page2.close()

    page.reload()
    page.get_by_role("button", name="开始会议").click()
    page.goto(f"/life-meetings/{life.pk}/")
    row = page.locator("#participants tr", has_text=me.name)
    row.get_by_text("记录").click()
    row.get_by_label("自我批评").fill("理论学习浅尝辄止")
    row.get_by_label("收到的批评意见").fill("书记：家访要坚持")
    row.get_by_role("button", name="保存").click()
    expect(page.locator("#participants tr", has_text=me.name)).to_contain_text("理论学习浅尝辄止")

    page.get_by_text("列入问题清单").first.click()
    page.get_by_label("问题描述").fill("部分党员理论学习浅尝辄止")
    page.get_by_label("责任人").select_option(label=me.name)
    page.get_by_role("button", name="列入问题清单").click()
    expect(page.locator("#problems")).to_contain_text("已销号 0/1")

    page.goto("/orgs/ZB01/problems/")
    expect(page.get_by_role("row").filter(has_text="部分党员理论学习浅尝辄止")).to_contain_text("组织生活会")
    assert Problem.objects.get(description="部分党员理论学习浅尝辄止").meeting_id == life.meeting_id
