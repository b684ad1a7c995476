"""Roster import service and the xlsx builders (template, export, error report)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

import openpyxl
import pytest

from orglife.conftest import TODAY, member_data, new_id
from orglife.core.models import AuditEvent, Role
from orglife.orgs import idcard, roster_io, services
from orglife.orgs.models import Member, MemberOrgHistory, Organization, RosterImport
from orglife.orgs.roster_io import header_label, import_roster
from orglife.orgs.validation import FIELDS, LABELS, REQUIRED

# ---------------------------------------------------------------- helpers (also used by the
# view and command tests)


def workbook_bytes(table: Sequence[Sequence], title: str | None = None) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    if title:
        ws.title = title
    for row in table:
        ws.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def roster_file(
    *rows: dict, fields: Sequence[str] = FIELDS, headers: Sequence[str] | None = None
) -> io.BytesIO:
    """A roster sheet: one header row (the template's labels unless given), one row per dict."""
    head = list(headers) if headers is not None else [header_label(f) for f in fields]
    return workbook_bytes([head] + [[row.get(f) for f in fields] for row in rows])


def read_table(data: bytes, sheet: str | int = 0) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    ws = workbook[sheet] if isinstance(sheet, str) else workbook.worksheets[sheet]
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def run(fileobj, org, actor=None, filename="花名册.xlsx") -> RosterImport:
    return import_roster(actor=actor, org=org, fileobj=fileobj, filename=filename, today=TODAY)


def errors_at(record: RosterImport, column: str) -> list[list]:
    return [e for e in record.errors if e[1] == column]


def id_ending_in_x() -> str:
    for sequence in range(1, 1000):
        number = idcard.make_id("320102", dt.date(1988, 8, 8), sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit found")


ID = LABELS["id_number"]
ORG = LABELS["org"]


# ---------------------------------------------------------------- accepted imports


def test_it_creates_members(demo):
    a = member_data("ZB1", name="陈一")
    b = member_data(
        "ZB2",
        name="周二",
        category="probationary",
        full_member_on=None,
        admitted_on=dt.date(2026, 7, 1),
    )
    record = run(roster_file(a, b), demo.zz, actor=demo.officer)

    assert record.accepted, record.errors
    assert (record.rows, record.created, record.updated, record.unchanged) == (2, 2, 0, 0)
    chen = Member.objects.get(id_number=a["id_number"])
    assert chen.org == demo.zb1
    assert chen.name_initials == "cy"
    assert chen.id_reversed == a["id_number"][::-1]
    assert chen.gender == "male" and chen.birth_date == dt.date(1990, 5, 17)  # derived from the ID
    zhou = Member.objects.get(id_number=b["id_number"])
    assert zhou.category == "probationary" and zhou.org == demo.zb2
    assert (
        MemberOrgHistory.objects.filter(member=chen, org=demo.zb1, ended_on__isnull=True).count()
        == 1
    )
    assert RosterImport.objects.get().actor == demo.officer


def test_it_refreshes_member_counts(demo):
    run(roster_file(member_data("ZB1"), member_data("ZB2"), member_data("ZB2")), demo.zz)
    counts = dict(Organization.objects.values_list("code", "member_count"))
    assert counts["ZB1"] == 3  # two demo members + one imported
    assert counts["ZB2"] == 2


def test_it_writes_one_audit_event_per_member_and_one_for_the_import(demo):
    a, b = member_data("ZB1"), member_data("ZB1")
    before = AuditEvent.objects.count()
    record = run(roster_file(a, b), demo.zb1, actor=demo.secretary)

    created = AuditEvent.objects.filter(action="member.import_create")
    assert created.count() == 2
    event = created.get(target_id=str(Member.objects.get(id_number=a["id_number"]).pk))
    assert event.actor == demo.secretary and event.org_id == demo.zb1.pk
    assert event.changes["id_number"] == [None, a["id_number"]]
    summary = AuditEvent.objects.get(action="roster.import")
    assert summary.target_id == str(record.pk)
    assert summary.changes["created"] == [None, 2]
    assert AuditEvent.objects.count() == before + 3


def test_it_is_idempotent(demo):
    rows = [member_data("ZB1"), member_data("ZB1", name="欧阳修")]
    first = run(roster_file(*rows), demo.zb1)
    second = run(roster_file(*rows), demo.zb1)

    assert (first.created, first.unchanged) == (2, 0)
    assert (second.accepted, second.created, second.updated, second.unchanged) == (True, 0, 0, 2)
    assert AuditEvent.objects.filter(action="member.import_create").count() == 2
    assert not AuditEvent.objects.filter(action="member.import_update").exists()
    assert Member.objects.filter(org=demo.zb1).count() == 4


def test_it_updates_only_changed_members(demo):
    unchanged = roster_io.member_row(demo.m1)
    changed = roster_io.member_row(demo.m2) | {"phone": "13900001111", "work_unit": "后勤处 处长"}
    record = run(roster_file(unchanged, changed), demo.zb1, actor=demo.secretary)

    assert (record.created, record.updated, record.unchanged) == (0, 1, 1)
    m2 = Member.objects.get(pk=demo.m2.pk)
    assert m2.phone == "13900001111" and m2.work_unit == "后勤处 处长"
    event = AuditEvent.objects.get(action="member.import_update")
    assert event.target_id == str(m2.pk)
    assert event.changes == {
        "phone": ["13812345678", "13900001111"],
        "work_unit": ["", "后勤处 处长"],
    }


def test_it_refreshes_search_keys_and_timestamp_of_renamed_members(demo):
    before = Member.objects.get(pk=demo.m2.pk)
    row = roster_io.member_row(demo.m2) | {"name": "欧阳娜", "leading_cadre": "是"}
    assert run(roster_file(row), demo.zb1).updated == 1

    m2 = Member.objects.get(pk=demo.m2.pk)
    assert (m2.name, m2.name_initials, m2.leading_cadre) == ("欧阳娜", "oyn", True)
    assert m2.updated_at > before.updated_at
    assert Member.objects.get(pk=demo.m1.pk).updated_at == demo.m1.updated_at


def test_it_keeps_values_of_columns_the_file_leaves_out(demo):
    rows = [roster_io.member_row(demo.m1), roster_io.member_row(demo.m2)]
    record = run(roster_file(*rows, fields=REQUIRED), demo.zb1)

    assert record.accepted, record.errors
    assert (record.updated, record.unchanged) == (0, 2)
    assert Member.objects.get(pk=demo.m2.pk).phone == "13812345678"
    assert Member.objects.get(pk=demo.m1.pk).party_group == demo.xz1


def test_it_moves_a_member_between_branches(demo):
    row = roster_io.member_row(demo.m2) | {"org": "ZB2"}
    record = run(roster_file(row), demo.zz, actor=demo.officer)

    assert record.updated == 1
    m2 = Member.objects.get(pk=demo.m2.pk)
    assert m2.org == demo.zb2
    history = MemberOrgHistory.objects.filter(member=m2)
    assert history.get(org=demo.zb1).ended_on == TODAY
    assert history.get(org=demo.zb2).ended_on is None
    counts = dict(Organization.objects.values_list("code", "member_count"))
    assert (counts["ZB1"], counts["ZB2"]) == (1, 1)


def test_it_places_members_in_party_groups(demo):
    row = member_data("ZB1", party_group="XZ1")
    assert run(roster_file(row), demo.zb1).accepted
    assert Member.objects.get(id_number=row["id_number"]).party_group == demo.xz1


def test_it_accepts_a_party_group_code_in_place_of_the_branch(demo):
    row = member_data("ZB1") | {"org": "XZ1"}
    assert run(roster_file(row), demo.zb1, actor=demo.secretary).accepted
    member = Member.objects.get(id_number=row["id_number"])
    assert (member.org, member.party_group) == (demo.zb1, demo.xz1)


def test_it_accepts_full_width_digits_and_spaces(demo):
    number = new_id()
    wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    row = member_data(
        "ZB1",
        id_number=" " + wide + "\u3000",
        name="张\u3000三",
        phone="１３８ ００００ １１１１",
        admitted_on="２０１５年７月１日",
    ) | {"org": "ＺＢ１"}
    record = run(roster_file(row), demo.zb1)

    assert record.accepted, record.errors
    member = Member.objects.get(id_number=number)
    assert (member.name, member.phone, member.admitted_on) == (
        "张三",
        "13800001111",
        dt.date(2015, 7, 1),
    )


@pytest.mark.parametrize(
    "value",
    [
        44378,
        44378.0,
        "44378",
        "2021.7.1",
        "2021/7/1",
        "2021年7月1日",
        "2021-07-01",
        20210701,
        dt.datetime(2021, 7, 1),
    ],
)
def test_it_reads_dates_as_excel_and_people_write_them(demo, value):
    row = member_data("ZB1", admitted_on=value, full_member_on=None)
    record = run(roster_file(row), demo.zb1)

    assert record.accepted, record.errors
    assert Member.objects.get(id_number=row["id_number"]).admitted_on == dt.date(2021, 7, 1)


def test_it_accepts_a_lower_case_x_check_digit(demo):
    number = id_ending_in_x()
    record = run(roster_file(member_data("ZB1", id_number=number.lower())), demo.zb1)

    assert record.accepted, record.errors
    assert Member.objects.filter(id_number=number).exists()


def test_it_reads_numbers_excel_made_of_phone_cells(demo):
    row = member_data("ZB1", phone=13812345678.0)
    assert run(roster_file(row), demo.zb1).accepted
    assert Member.objects.get(id_number=row["id_number"]).phone == "13812345678"


def test_it_matches_headers_with_stars_full_width_characters_and_spaces(demo):
    headers = ["姓 名＊", "公民身份号码*", "人员类别（必填）", "入党日期 *", "所在党组织编码\u3000"]
    row = member_data("ZB1")
    record = run(roster_file(row, fields=REQUIRED, headers=headers), demo.zb1)

    assert record.accepted, record.errors
    assert Member.objects.filter(id_number=row["id_number"]).exists()


def test_it_ignores_extra_columns(demo):
    row = member_data("ZB1") | {"note": "备注内容", "seq": 1}
    record = run(
        roster_file(
            row,
            fields=["seq", *FIELDS, "note"],
            headers=["序号", *(header_label(f) for f in FIELDS), "备注"],
        ),
        demo.zb1,
    )

    assert record.accepted, record.errors
    assert record.created == 1


def test_it_finds_the_header_below_a_title_row(demo):
    row = member_data("ZB1")
    table = [
        ["第一党支部党员花名册"],
        [header_label(f) for f in FIELDS],
        [row.get(f) for f in FIELDS],
    ]
    record = run(workbook_bytes(table), demo.zb1)

    assert record.accepted, record.errors
    assert record.created == 1


def test_it_skips_blank_rows_and_reports_excel_row_numbers(demo):
    good = member_data("ZB1")
    bad = member_data("ZB1") | {"org": "NOPE"}
    table = [
        [header_label(f) for f in FIELDS],
        [good.get(f) for f in FIELDS],
        [None] * len(FIELDS),
        ["", "  ", "\u3000"],
        [bad.get(f) for f in FIELDS],
    ]
    record = run(workbook_bytes(table), demo.zb1)

    assert record.rows == 2
    assert record.errors == [[5, ORG, "党组织编码“NOPE”不存在"]]


def test_it_reads_the_roster_sheet_even_when_another_sheet_is_active(demo):
    workbook = openpyxl.Workbook()
    workbook.active.title = "填写说明"
    workbook.active.append(["说明文字"])
    ws = workbook.create_sheet(roster_io.SHEET_TITLE)
    row = member_data("ZB1")
    ws.append([header_label(f) for f in FIELDS])
    ws.append([row.get(f) for f in FIELDS])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)

    assert run(out, demo.zb1).created == 1


# ---------------------------------------------------------------- rejected imports


def test_it_creates_nothing_when_any_row_is_wrong(demo):
    good = member_data("ZB1")
    number = new_id()
    # Any check character but the right one (a fixed "0" is sometimes the right one).
    wrong = "1" if number[-1] != "1" else "2"
    bad = member_data("ZB1", id_number=number[:-1] + wrong, category="党员", admitted_on="去年")
    before = (
        Member.objects.count(),
        AuditEvent.objects.filter(action__startswith="member.").count(),
    )
    record = run(roster_file(good, bad), demo.zb1)

    assert not record.accepted
    assert (record.created, record.updated, record.unchanged) == (0, 0, 0)
    assert (
        Member.objects.count(),
        AuditEvent.objects.filter(action__startswith="member.").count(),
    ) == before
    assert not Member.objects.filter(id_number=good["id_number"]).exists()
    # every problem of the bad row is kept, in column order
    assert [e[1] for e in record.errors] == [ID, LABELS["category"], LABELS["admitted_on"]]
    assert {e[0] for e in record.errors} == {3}
    assert AuditEvent.objects.get(action="roster.import_rejected").target_id == str(record.pk)


def test_it_reports_bad_check_digits(demo):
    number = new_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    record = run(roster_file(member_data("ZB1", id_number=wrong)), demo.zb1)

    assert record.errors == [[2, ID, "公民身份号码校验位错误，请核对号码"]]


def test_it_reports_both_rows_of_a_duplicate_id(demo):
    number = new_id()
    record = run(
        roster_file(
            member_data("ZB1"),
            member_data("ZB1", id_number=number),
            member_data("ZB2", id_number=number.lower()),
        ),
        demo.zz,
    )

    assert not record.accepted
    assert record.errors == [
        [3, ID, "公民身份号码在文件中重复出现（与第4行相同）"],
        [4, ID, "公民身份号码在文件中重复出现（与第3行相同）"],
    ]
    assert not Member.objects.filter(id_number=number).exists()


def test_it_reports_unknown_branch_codes(demo):
    record = run(roster_file(member_data("ZB9")), demo.zb1)
    assert errors_at(record, ORG) == [[2, ORG, "党组织编码“ZB9”不存在"]]


def test_it_refuses_branches_outside_the_imported_org(demo):
    record = run(roster_file(member_data("ZB1"), member_data("ZB3")), demo.zz)

    assert record.errors == [[3, ORG, "党组织“第三党支部”（ZB3）不属于“测试党总支”，不能在此导入"]]
    assert Member.objects.filter(org=demo.zb1).count() == 2


def test_it_refuses_party_groups_outside_the_imported_org(demo):
    record = run(roster_file(member_data("ZB2", party_group="XZ1")), demo.zb2)
    assert record.errors == [[2, LABELS["party_group"], "党小组编码“XZ1”不属于“第二党支部”"]]


def test_it_refuses_to_take_over_a_member_of_another_org(demo):
    row = roster_io.member_row(demo.m3) | {"org": "ZB1"}
    record = run(roster_file(row), demo.zz)

    assert record.errors == [
        [2, ID, "该公民身份号码已登记在本组织范围以外的党员名下（请办理组织关系转接）"]
    ]
    assert Member.objects.get(pk=demo.m3.pk).org == demo.zb3


def test_it_checks_the_actors_own_scope(demo):
    # a non-recursive grant on the general branch does not cover its branches
    services.grant_role(
        actor=None, user=demo.outsider, org=demo.zz, role=Role.MANAGER, recursive=False
    )
    record = run(roster_file(member_data("ZB1")), demo.zz, actor=demo.outsider)
    assert record.errors == [[2, ORG, "党组织“第一党支部”（ZB1）不在您可管理的范围内"]]


def test_it_refuses_a_full_member_on_date_for_a_probationary_member(demo):
    row = member_data(
        "ZB1",
        category="预备党员",
        admitted_on=dt.date(2026, 6, 1),
        full_member_on=dt.date(2026, 9, 1),
    )
    record = run(roster_file(row), demo.zb1)
    assert record.errors == [[2, LABELS["full_member_on"], "预备党员不应填写转正日期"]]


def test_it_refuses_a_birth_date_that_contradicts_the_id(demo):
    row = member_data("ZB1", birth_date=dt.date(1991, 5, 17))
    record = run(roster_file(row), demo.zb1)
    assert record.errors == [
        [2, LABELS["birth_date"], "出生日期与公民身份号码不符（号码中为1990-05-17）"]
    ]


def test_it_explains_an_id_number_excel_turned_into_a_number(demo):
    row = member_data("ZB1", id_number=float(new_id()[:17] + "1"))
    record = run(roster_file(row), demo.zb1)
    assert len(record.errors) == 1
    assert record.errors[0][:2] == [2, ID] and "文本" in record.errors[0][2]


def test_it_refuses_missing_required_columns_with_one_error(demo):
    fields = [f for f in FIELDS if f not in ("id_number", "admitted_on")]
    record = run(roster_file(member_data("ZB1"), member_data("ZB1"), fields=fields), demo.zb1)

    assert not record.accepted
    assert record.errors == [
        [1, "表头", "缺少必填列：公民身份号码、入党日期（请使用导入模板的列名）"]
    ]


def test_it_refuses_repeated_columns(demo):
    record = run(roster_file(member_data("ZB1"), fields=[*FIELDS, "name"]), demo.zb1)
    assert record.errors == [[1, "表头", "列名重复：姓名"]]


def test_it_refuses_a_sheet_without_a_header(demo):
    record = run(workbook_bytes([["a", "b"], [1, 2]]), demo.zb1)
    assert record.errors[0][:2] == [1, "表头"] and "未找到表头" in record.errors[0][2]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([], "文件是空的：没有任何内容，请使用导入模板填写"),
        ([[None], [None]], "文件是空的：没有任何内容，请使用导入模板填写"),
        ([[header_label(f) for f in FIELDS]], "文件中没有党员数据：表头以下都是空行"),
        (
            [[header_label(f) for f in FIELDS], [None] * 3, ["  "]],
            "文件中没有党员数据：表头以下都是空行",
        ),
    ],
)
def test_it_refuses_an_empty_file(demo, table, message):
    record = run(workbook_bytes(table), demo.zb1)

    assert not record.accepted and record.rows == 0
    assert [e[2] for e in record.errors] == [message]


def zip_bytes() -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    out.seek(0)
    return out


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (b"", "文件是空的"),
        ("姓名,公民身份号码\n张三,110101199005170011\n".encode(), "不是 Excel（.xlsx）格式"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel（.xls）"),
        (b"PK\x03\x04garbage that is not a zip", "文件已损坏"),
        (None, "文件已损坏"),  # a real zip without a workbook in it
    ],
)
def test_it_refuses_files_that_are_not_xlsx(demo, payload, needle):
    fileobj = zip_bytes() if payload is None else io.BytesIO(payload)
    record = run(fileobj, demo.zb1, filename="名单.xlsx")

    assert not record.accepted
    assert len(record.errors) == 1 and needle in record.errors[0][2]
    assert record.errors[0][0] is None


def test_it_refuses_files_over_the_size_limit(demo, settings):
    data = roster_file(*(member_data("ZB1") for _ in range(3))).getvalue()
    settings.ORGLIFE_MAX_UPLOAD_BYTES = len(data) - 1
    record = run(io.BytesIO(data), demo.zb1)

    assert not record.accepted
    assert record.errors[0][2].startswith("文件过大")
    assert Member.objects.count() == 3


def test_it_rolls_back_everything_when_a_write_fails(demo, monkeypatch):
    from django.db import IntegrityError

    def fail(ids):
        raise IntegrityError("simulated concurrent write")

    monkeypatch.setattr(roster_io.services, "refresh_counts", fail)
    row = member_data("ZB1")
    record = run(
        roster_file(row, roster_io.member_row(demo.m2) | {"phone": "13900009999"}), demo.zb1
    )

    assert not record.accepted
    assert record.errors == [[None, "", roster_io.CONFLICT]]
    assert not Member.objects.filter(id_number=row["id_number"]).exists()
    assert Member.objects.get(pk=demo.m2.pk).phone == "13812345678"
    assert not AuditEvent.objects.filter(action__startswith="member.import").exists()
    assert not AuditEvent.objects.filter(action="roster.import").exists()


def test_it_runs_a_bounded_number_of_queries(demo, django_assert_max_num_queries):
    rows = [member_data("ZB1" if i % 2 else "ZB2", name=f"党员{i}") for i in range(300)]
    rows += [roster_io.member_row(demo.m2) | {"phone": "13900009999"}]
    data = roster_file(*rows).getvalue()
    # Per-row work would need hundreds of queries; batches of inserts/updates need a few dozen.
    with django_assert_max_num_queries(40):
        record = run(io.BytesIO(data), demo.zz)
    assert (record.created, record.updated) == (300, 1)


# ---------------------------------------------------------------- template, export, error report


def test_template_has_marked_headers_formats_and_notes():
    data = roster_io.template_xlsx()
    workbook = openpyxl.load_workbook(io.BytesIO(data))

    ws = workbook[roster_io.SHEET_TITLE]
    headers = [c.value for c in ws[1]]
    assert headers[FIELDS.index("name")] == "姓名*"
    assert headers[FIELDS.index("phone")] == "手机号码"
    assert [h for h in headers if h.endswith("*")] == [
        LABELS[f] + "*" for f in FIELDS if f in REQUIRED
    ]
    assert ws.max_row == 1  # no example row that could be imported by mistake
    date_col = openpyxl.utils.get_column_letter(FIELDS.index("admitted_on") + 1)
    id_col = openpyxl.utils.get_column_letter(FIELDS.index("id_number") + 1)
    assert ws.column_dimensions[date_col].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[id_col].number_format == "@"
    notes = [row[0] for row in read_table(data, roster_io.NOTE_TITLE)]
    assert "公民身份号码" in notes and "所在党组织编码" in notes


def test_template_imports_as_no_data(demo):
    record = run(io.BytesIO(roster_io.template_xlsx()), demo.zb1)
    assert [e[2] for e in record.errors] == ["文件中没有党员数据：表头以下都是空行"]


def test_export_lists_the_subtree_and_reimports_unchanged(demo):
    data = roster_io.export_xlsx(demo.zz, demo.officer)
    table = read_table(data)

    assert table[0] == tuple(header_label(f) for f in FIELDS)
    ids = {row[FIELDS.index("id_number")] for row in table[1:]}
    assert ids == {demo.m1.id_number, demo.m2.id_number}  # not m3 (ZB3)
    li = next(row for row in table[1:] if row[0] == "李四")
    assert li[FIELDS.index("party_group")] == "XZ1"
    assert li[FIELDS.index("category")] == "正式党员"
    assert li[FIELDS.index("admitted_on")] == dt.datetime(2015, 7, 1)
    assert AuditEvent.objects.get(action="roster.export").changes == {
        "members": [None, 2],
        "masked": [None, 0],
    }

    record = run(io.BytesIO(data), demo.zz, actor=demo.officer)
    assert (record.accepted, record.created, record.updated, record.unchanged) == (True, 0, 0, 2)


def test_export_leaves_out_members_who_left(demo):
    services.member_update(
        actor=None, member=demo.m2, data={"status": "transferred_out"}, today=TODAY
    )
    ids = {
        row[FIELDS.index("id_number")]
        for row in read_table(roster_io.export_xlsx(demo.zb1, demo.secretary))[1:]
    }
    assert ids == {demo.m1.id_number}


def test_export_masks_personal_data_for_viewers_and_cannot_be_reimported(demo):
    services.grant_role(actor=None, user=demo.outsider, org=demo.zb1, role=Role.VIEWER)
    data = roster_io.export_xlsx(demo.zb1, demo.outsider)
    table = read_table(data)

    row = next(r for r in table[1:] if r[0] == "王五")
    assert row[FIELDS.index("id_number")] == demo.m2.masked_id != demo.m2.id_number
    assert row[FIELDS.index("phone")] == "138****5678"
    assert row[FIELDS.index("birth_date")] is None  # the masked digits are the birth date
    assert "不能用于导入" in read_table(data, "说明")[0][0]

    record = run(io.BytesIO(data), demo.zb1, actor=demo.secretary)
    assert not record.accepted
    assert {e[1] for e in record.errors} == {ID, LABELS["phone"]}


def test_error_report_lists_every_error():
    record = RosterImport(
        errors=[[None, "", "文件是空的"], [3, ID, "公民身份号码校验位错误，请核对号码"]]
    )
    assert read_table(roster_io.error_report_xlsx(record)) == [
        ("行号", "列", "问题"),
        (None, None, "文件是空的"),
        (3, ID, "公民身份号码校验位错误，请核对号码"),
    ]
