"""A branch secretary imports a roster from a phone: a file with one bad ID number is rejected
whole (the error table names the row, nothing is imported); the corrected file is imported; the
new member is found by the pinyin initials of their name."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from orglife.orgs import idcard
from orglife.orgs.models import Member, Organization

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = ["姓名", "性别", "公民身份号码", "人员类别", "入党日期", "转正日期", "所在党组织编码"]
BAD_ROW = 3  # the second data row, below the header in row 1


def newcomers() -> list[list]:
    """Three members for ZB01, with valid, unused ID numbers (region 110105 is not in the demo)."""
    people = [
        ("欧阳明", dt.date(1990, 3, 14), 11, "正式党员", dt.date(2015, 6, 30), dt.date(2016, 7, 1)),
        ("司马静", dt.date(1993, 9, 2), 22, "正式党员", dt.date(2018, 5, 20), dt.date(2019, 5, 21)),
        ("上官文", dt.date(2001, 1, 9), 33, "预备党员", dt.date.today() - dt.timedelta(days=60), None),
    ]
    rows = []
    for name, born, sequence, category, admitted, converted in people:
        number = idcard.make_id("110105", born, sequence)
        assert not Member.objects.filter(id_number=number).exists()
        gender = "男" if idcard.gender(number) == "male" else "女"
        rows.append([name, gender, number, category, admitted, converted, "ZB01"])
    return rows


def with_bad_checksum(number: str) -> str:
    wrong = next(c for c in "0123456789X" if c != number[-1])
    return number[:-1] + wrong


def save_roster(path, rows) -> str:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def upload(page, path: str) -> None:
    page.get_by_label("选择花名册文件（.xlsx）").set_input_files(path)
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_load_state()


def test_it_rejects_a_bad_file_whole_then_imports_the_corrected_one(phone, demo_data, login, tmp_path):
    page = phone
    branch = Organization.objects.get(code="ZB01")
    rows = newcomers()
    names = [row[0] for row in rows]
    before = Member.objects.filter(org=branch).count()
    bad = [list(row) for row in rows]
    bad[BAD_ROW - 2][2] = with_bad_checksum(rows[BAD_ROW - 2][2])

    login(page, "shuji")
    page.get_by_role("link", name=branch.name).first.click()
    expect(page.get_by_role("heading", name=branch.name)).to_be_visible()
    page.get_by_role("button", name="导入花名册").or_(page.get_by_role("link", name="导入花名册")).first.click()
    expect(page).to_have_url(re.compile(r"/orgs/ZB01/import/$"))

    # 1. One bad ID number: the whole file is refused and the error names the row and column.
    upload(page, save_roster(tmp_path / "花名册-有错.xlsx", bad))
    expect(page.get_by_role("heading", name=re.compile("导入失败"))).to_be_visible()
    expect(page.get_by_text("未导入任何数据").first).to_be_visible()
    error = page.locator("table tbody tr").filter(has_text="公民身份号码")
    expect(error).to_have_count(1)
    expect(error.locator("td").first).to_have_text(str(BAD_ROW))
    expect(error).to_contain_text("校验")

    for name in names:
        page.goto(f"/orgs/ZB01/members/?q={name}")
        expect(page.get_by_text("没有符合条件的党员")).to_be_visible()
    assert Member.objects.filter(org=branch).count() == before

    # 2. The corrected file goes in whole.
    page.goto("/orgs/ZB01/import/")
    upload(page, save_roster(tmp_path / "花名册.xlsx", rows))
    expect(page.get_by_role("heading", name=re.compile("导入成功"))).to_be_visible()
    created = page.locator("dl.facts dt", has_text="新增").locator("xpath=following-sibling::dd[1]")
    expect(created).to_have_text(re.compile(r"^\s*3\s*人"))
    assert Member.objects.filter(org=branch).count() == before + 3

    # 3. The roster finds a new member by the initials of their name (欧阳明 → oym).
    page.goto("/orgs/ZB01/members/")
    page.get_by_role("searchbox", name="搜索").fill("oym")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"q=oym"))
    expect(page.get_by_role("link", name="欧阳明", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="司马静", exact=True)).to_have_count(0)
