"""Study on a phone: the secretary adds a self-study item with materials to the branch's 2026
study plan; the member finds it among their to-dos on a 375 px screen, reads the material, confirms
with a note; the class-hour report shows the member's hours go up and meet the minimum."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orglife.orgs.models import Member

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOPIC = "学习《党员教育管理工作条例》第三章"


def test_secretary_publishes_an_item_and_a_member_confirms_on_a_phone(page, phone, demo_data, login):
    dangyuan = Member.objects.get(user__username="dangyuan")
    today = timezone.localdate()
    due = today + dt.timedelta(days=2) if (today + dt.timedelta(days=2)).year == today.year else today

    login(page, "shuji")
    page.goto("/orgs/ZB01/")
    page.get_by_role("navigation", name="组织生活").get_by_role("link", name="学习计划").click()
    expect(page.get_by_role("heading", name=re.compile("学习计划"))).to_be_visible()
    page.get_by_text("添加学习事项", exact=True).first.click()
    page.get_by_label("学习形式").select_option("self_study")
    page.get_by_label("学习主题").fill(TOPIC)
    page.get_by_label("完成时限").fill(due.isoformat())
    page.get_by_label("学习对象").select_option("org")
    page.get_by_label("计入学时").fill("3")
    page.get_by_role("button", name="添加学习事项").click()
    expect(page.get_by_role("heading", name=TOPIC)).to_be_visible()
    page.get_by_text("添加学习资料", exact=True).click()
    page.get_by_label("资料形式").select_option("text")
    page.get_by_label("资料名称").fill("第三章 学习提纲")
    page.get_by_label("正文（文字资料）").fill("第三章 党员教育的内容：理论教育、党性教育、宗旨教育。")
    page.get_by_role("button", name="添加资料").click()
    expect(page.get_by_text("已添加学习资料")).to_be_visible()
    page.get_by_text("添加学习资料", exact=True).click()
    page.get_by_label("资料形式").select_option("file")
    page.get_by_label(re.compile("^文件")).set_input_files({"name": "条例原文.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="添加资料").click()
    expect(page.get_by_role("link", name="阅读 PDF")).to_be_visible()

    page.goto("/orgs/ZB01/study/hours/")
    row = page.get_by_role("row", name=re.compile(dangyuan.name))
    expect(row).to_contain_text("30.0")
    expect(row).to_contain_text("差 2.0")

    login(phone, "dangyuan")
    phone.goto("/me/")
    phone.get_by_role("link", name=re.compile(re.escape(TOPIC))).click()
    expect(phone.get_by_text("党员教育的内容：理论教育")).to_be_visible()
    pdf = phone.get_by_role("link", name="阅读 PDF").get_attribute("href")
    response = phone.request.get(pdf)
    assert response.ok and response.headers["content-type"] == "application/pdf" and response.body() == PDF
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_label("学习心得").fill("理解了党员教育的三方面内容，准备在支部研讨中交流。")
    phone.get_by_role("button", name="确认已完成自学").click()
    expect(phone.get_by_text("已确认完成自学，计入3.0学时")).to_be_visible()
    phone.get_by_role("link", name="我的学习").click()
    expect(phone.get_by_text("已获 33.0 学时")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    page.reload()
    row = page.get_by_role("row", name=re.compile(dangyuan.name))
    expect(row).to_contain_text("33.0")
    expect(row).to_contain_text("已达到")
