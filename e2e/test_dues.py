"""A branch secretary records a month of dues from an xlsx on a phone: downloads the month's list,
fills it in; a file with one short payment is refused whole (the row is named, nothing recorded);
the corrected file is imported; then the secretary sees who is in arrears."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orglife.dues.models import DuesPayment
from orglife.orgs.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def fill(template: str, out: str, paid: int, short_row: int | None = None) -> list[str]:
    """Mark the first `paid` members as paid today in cash; short_row pays 0.01 less than due."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["党费交纳名单"]
    names = []
    for index, row in enumerate(sheet.iter_rows(min_row=2, max_row=paid + 1), start=2):
        due = row[3].value
        row[4].value = due if index != short_row else round(float(due) - 0.01, 2)
        row[5].value = timezone.localdate()
        row[6].value = "现金"
        names.append(row[0].value)
    workbook.save(out)
    return names


def upload(page, path: str) -> None:
    page.get_by_label("选择党费交纳名单（.xlsx）").set_input_files(path)
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_load_state()


def test_secretary_records_a_month_from_xlsx_then_sees_arrears(phone, demo_data, login, tmp_path):
    page = phone
    branch = Organization.objects.get(code="ZB01")
    month = timezone.localdate().replace(day=1)
    login(page, "shuji")
    page.goto(f"/orgs/{branch.code}/")
    page.get_by_role("navigation", name="组织生活").get_by_role("link", name="党费").click()
    expect(page.get_by_role("heading", name=f"{month.year}年{month.month}月党费")).to_be_visible()

    page.get_by_role("button", name="导入交纳名单").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载本月名单模板").click()
    template = tmp_path / "模板.xlsx"
    info.value.save_as(template)

    # 1. One payment 0.01 short: the whole file is refused and the row is named.
    names = fill(str(template), str(tmp_path / "有错.xlsx"), paid=5, short_row=4)
    upload(page, str(tmp_path / "有错.xlsx"))
    expect(page.get_by_role("heading", name="导入失败")).to_be_visible()
    error = page.locator("table tbody tr").filter(has_text="不能少于应交金额")
    expect(error).to_have_count(1)
    expect(error.locator("td").first).to_have_text("4")
    assert not DuesPayment.objects.filter(org=branch, month=month).exists()

    # 2. The corrected file goes in whole.
    page.get_by_role("button", name="重新导入").click()
    fill(str(template), str(tmp_path / "改正.xlsx"), paid=5)
    upload(page, str(tmp_path / "改正.xlsx"))
    expect(page.get_by_role("heading", name="导入成功")).to_be_visible()
    assert DuesPayment.objects.filter(org=branch, month=month).count() == 5

    # 3. The month page shows them as paid; the arrears list names the member four months behind.
    page.get_by_role("button", name="查看本组织党费").click()
    row = page.locator("table tbody tr").filter(has_text=names[0])
    expect(row.get_by_text("已交")).to_be_visible()
    page.get_by_role("link", name=re.compile("连续3个月以上未交 1 人")).click()
    expect(page.get_by_role("heading", name="欠缴党费名单")).to_be_visible()
    behind = page.locator("table tbody tr")
    expect(behind).to_have_count(1)
    expect(behind.first).to_contain_text("4 个月")
    first_unpaid = (month - dt.timedelta(days=1)).replace(day=1)
    for _ in range(3):
        first_unpaid = (first_unpaid - dt.timedelta(days=1)).replace(day=1)
    expect(behind.first).to_contain_text(f"{first_unpaid.year}年{first_unpaid.month}月")
