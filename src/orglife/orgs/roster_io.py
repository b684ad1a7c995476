"""Roster import and export: one xlsx layout in both directions.

An import is accepted whole or rejected whole. Reading and validating run outside any
transaction and use a fixed number of queries per file (prefetched organizations and members,
in chunks); only a file without a single error is written, in one transaction, with an audit
event per created or changed member and one for the import itself.

The same columns (validation.LABELS, required ones marked "*") are used by the template, the
export and the import, so a manager's export can be edited and imported again.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from orglife.core import audit
from orglife.core.models import AuditEvent
from orglife.core.scope import can_manage
from orglife.core.text import normalize, squeeze

from . import idcard, queries, search, services
from .models import (
    Category,
    Education,
    Gender,
    Member,
    MemberOrgHistory,
    Organization,
    OrgKind,
    RosterImport,
    Status,
)
from .validation import FIELDS, LABELS, REQUIRED, clean_member

log = logging.getLogger(__name__)

SHEET_TITLE = "党员花名册"
NOTE_TITLE = "填写说明"
DATE_FIELDS = ("birth_date", "admitted_on", "full_member_on")
TEXT_FIELDS = ("id_number", "phone", "org", "party_group")
CHOICE_FIELDS = {"gender": Gender, "category": Category, "education": Education, "status": Status}
# Headers people commonly write instead of the template's.
HEADER_ALIASES = {
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份证号码": "id_number",
    "手机": "phone",
    "手机号": "phone",
    "联系电话": "phone",
    "党组织编码": "org",
    "工作单位": "work_unit",
}
HEADERS = {label: f for f, label in LABELS.items()} | HEADER_ALIASES
HEADER_SCAN_ROWS = 10  # the header may sit below a title row or two
MAX_COLS = 100
MAX_ROWS = 50_000
CHUNK = 500  # ids per look-up query, rows per insert/update batch
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and password-protected workbooks
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_IMPORTED = "文件中有错误，未导入任何数据"
CONFLICT = "导入时党员数据被同时修改（例如另一人正在导入同一批党员），未导入任何数据，请重新导入"


# ---------------------------------------------------------------- reading the file


class FileRejected(Exception):
    """The file as a whole cannot be read: errors as [[row, column, message], ...]."""

    def __init__(self, message: str, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.errors = [[row, column, message]]


@dataclass
class Sheet:
    header_row: int
    columns: dict[str, int]  # field → 0-based column index
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, field → cell value)


def sniff(head: bytes) -> str | None:
    """Why these first bytes are not an xlsx file (None when they may be one)."""
    if not head:
        return "文件是空的"
    if head.startswith(OLE_MAGIC):
        return "这是旧版 Excel（.xls）文件或加密文件：请在 Excel 中“另存为”.xlsx 格式（不设密码）后再导入"
    if not head.startswith(ZIP_MAGIC):
        return "文件不是 Excel（.xlsx）格式，请使用导入模板填写后上传"
    return None


def max_upload_text() -> str:
    return f"{settings.ORGLIFE_MAX_UPLOAD_BYTES / 1024 / 1024:g} MB"


def read_upload(fileobj) -> bytes:
    """The file's bytes, refused when too large or not a zip container."""
    limit = settings.ORGLIFE_MAX_UPLOAD_BYTES
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise FileRejected(f"文件过大：不能超过 {max_upload_text()}")
    problem = sniff(data[:8])
    if problem:
        raise FileRejected(problem)
    return data


def header_field(value: Any) -> str | None:
    """Map a header cell to a field: full-width characters, spaces, "*" and "(必填)" allowed."""
    text = squeeze(value).strip("*")
    text = re.sub(r"\(必填\)$", "", text).strip("*")
    return HEADERS.get(text)


def _header_columns(cells: Sequence[Any]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    repeated: list[str] = []
    for index, value in enumerate(cells):
        name = header_field(value)
        if name is None:
            continue
        if name in columns:
            repeated.append(LABELS[name])
        else:
            columns[name] = index
    return columns, repeated


def _is_blank(values: Iterable[Any]) -> bool:
    return all(v is None or normalize(v) == "" for v in values)


def _pick_sheet(workbook):
    if SHEET_TITLE in workbook.sheetnames:
        return workbook[SHEET_TITLE]
    return workbook.worksheets[0]


def read_sheet(data: bytes) -> Sheet:
    """Parse the roster sheet; raise FileRejected for problems with the file as a whole."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # malformed uploads raise zipfile, XML and key errors alike
        log.info("unreadable roster upload", exc_info=True)
        raise FileRejected("无法读取文件：文件已损坏或不是 Excel（.xlsx）格式") from None
    try:
        return _read_rows(_pick_sheet(workbook))
    except FileRejected:
        raise
    except Exception:
        log.info("unreadable roster sheet", exc_info=True)
        raise FileRejected("无法读取文件内容：文件已损坏，请在 Excel 中重新保存后再导入") from None
    finally:
        workbook.close()


def _read_rows(ws) -> Sheet:
    ws.reset_dimensions()  # files written by other tools often declare wrong dimensions
    header_row, columns = 0, {}
    rows: list[tuple[int, dict[str, Any]]] = []
    seen_content = False
    for number, cells in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLS), start=1):
        if not header_row:
            seen_content = seen_content or not _is_blank(cells)
            if number > HEADER_SCAN_ROWS:
                if seen_content:
                    break  # content, but no header where one should be
                continue
            columns, repeated = _header_columns(cells)
            if columns:
                header_row = number
                _check_header(number, columns, repeated)
            continue
        values = {f: (cells[i] if i < len(cells) else None) for f, i in columns.items()}
        if _is_blank(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileRejected(f"数据行过多：一次最多导入 {MAX_ROWS} 行，请分批导入")
        rows.append((number, values))
    if not header_row:
        if not seen_content:
            raise FileRejected("文件是空的：没有任何内容，请使用导入模板填写")
        raise FileRejected(
            "未找到表头：第一行应为列名，如“姓名”“公民身份号码”（请使用导入模板）",
            row=1,
            column="表头",
        )
    if not rows:
        raise FileRejected("文件中没有党员数据：表头以下都是空行", row=header_row + 1)
    return Sheet(header_row=header_row, columns=columns, rows=rows)


def _check_header(number: int, columns: dict[str, int], repeated: list[str]) -> None:
    missing = [LABELS[f] for f in REQUIRED if f not in columns]
    if missing:
        raise FileRejected(
            "缺少必填列：" + "、".join(missing) + "（请使用导入模板的列名）",
            row=number,
            column="表头",
        )
    if repeated:
        raise FileRejected("列名重复：" + "、".join(repeated), row=number, column="表头")


# ---------------------------------------------------------------- validating


@dataclass
class Change:
    member: Member
    changes: dict[str, list]
    old_org_id: int | None = None


@dataclass
class Plan:
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[list] = field(default_factory=list)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _orgs_by_code(rows, existing: dict[str, Member]) -> dict[str, Organization]:
    """Every organization the file names, the parents of named party groups (a row may name its
    group in place of its branch) and the current ones of existing members (a left-out column
    keeps its value). Scope is checked later, by path."""
    codes = sorted({squeeze(v.get(f)) for _, v in rows for f in ("org", "party_group")} - {""})
    found: dict[str, Organization] = {}
    for member in existing.values():
        found[member.org.code] = member.org
        if member.party_group_id:
            found[member.party_group.code] = member.party_group
    codes = [c for c in codes if c not in found]
    for chunk in _chunks(codes):
        found.update((o.code, o) for o in Organization.objects.filter(code__in=chunk))
    paths = {o.path for o in found.values()}
    parents = {
        o.path[: -o.steplen] for o in found.values() if o.kind == OrgKind.PARTY_GROUP
    } - paths
    for chunk in _chunks(sorted(parents)):
        found.update((o.code, o) for o in Organization.objects.filter(path__in=chunk))
    return found


def _members_by_id(rows) -> dict[str, Member]:
    numbers = sorted({idcard.normalize_id(v.get("id_number")) for _, v in rows} - {""})
    members: dict[str, Member] = {}
    for chunk in _chunks(numbers):
        qs = Member.objects.filter(id_number__in=chunk).select_related("org", "party_group")
        members.update((m.id_number, m) for m in qs)
    return members


def _subtree_resolver(root: Organization, actor, orgs_by_code: dict[str, Organization]):
    """services.org_resolver over prefetched organizations, limited to the root's subtree."""
    allowed = None if actor is None else (lambda o: can_manage(actor, o))
    base = services.org_resolver(orgs_by_code=orgs_by_code, allowed=allowed)

    def resolve(org_code: str, group_code: str):
        named = orgs_by_code.get(org_code)
        if named is not None and not named.path.startswith(root.path):
            return (
                None,
                None,
                f"党组织“{named.name}”（{org_code}）不属于“{root.name}”，不能在此导入",
            )
        group = orgs_by_code.get(group_code) if group_code else None
        if group is not None and not group.path.startswith(root.path):
            return None, None, f"党小组编码“{group_code}”不属于“{root.name}”"
        return base(org_code, group_code)

    return resolve


def _cell(name: str, value: Any) -> Any:
    """Undo what Excel does to typed values: 13812345678.0 → 13812345678, 20210701 → text."""
    if isinstance(value, float) and value.is_integer():
        if name == "id_number" and abs(value) >= 1e15:
            return value  # digits already lost; _clean_row explains
        if name not in DATE_FIELDS:
            return int(value)
    if (
        name in DATE_FIELDS
        and isinstance(value, int)
        and not isinstance(value, bool)
        and value >= 10_000_000
    ):
        return str(value)
    return value


def member_row(member: Member, *, full: bool = True) -> dict[str, Any]:
    """A member as roster cells (the export's values; also the base of an update)."""
    row: dict[str, Any] = {}
    for name in FIELDS:
        if name in CHOICE_FIELDS:
            row[name] = getattr(member, f"get_{name}_display")() if getattr(member, name) else ""
        else:
            row[name] = getattr(member, name)
    row["leading_cadre"] = "是" if member.leading_cadre else "否"
    row["org"] = member.org.code
    row["party_group"] = member.party_group.code if member.party_group_id else ""
    if not full:
        row["id_number"] = member.masked_id
        row["phone"] = member.masked_phone
        row["birth_date"] = None  # the masked ID digits are the birth date
    return row


def _never_taken(number: str) -> bool:
    return False  # an ID already on file means "update that member", checked by scope below


def _clean_row(values, member: Member | None, *, root, resolve, today):
    # Columns the file leaves out keep the member's current values.
    raw = member_row(member) if member is not None else {}
    raw.update((name, _cell(name, value)) for name, value in values.items())
    cleaned, errors = clean_member(raw, resolve_org=resolve, id_taken=_never_taken, today=today)
    if "id_number" in errors and normalize(raw.get("gender")) == "":
        errors.pop("gender", None)  # "性别不能为空" only because the ID could not be read: noise
    if isinstance(raw.get("id_number"), float):
        errors["id_number"] = (
            "公民身份号码被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写"
        )
    elif member is not None and not member.org.path.startswith(root.path):
        errors["id_number"] = "该公民身份号码已登记在本组织范围以外的党员名下（请办理组织关系转接）"
    return cleaned, errors


def _duplicate_errors(seen: dict[str, list[int]]) -> list[tuple[int, str, str]]:
    problems = []
    for rows in seen.values():
        if len(rows) < 2:
            continue
        for row in rows:
            others = "、".join(f"第{r}行" for r in rows if r != row)
            problems.append((row, "id_number", f"公民身份号码在文件中重复出现（与{others}相同）"))
    return problems


def _error_list(problems: list[tuple[int, str, str]]) -> list[list]:
    order = {name: i for i, name in enumerate(FIELDS)}
    problems.sort(key=lambda p: (p[0], order.get(p[1], len(order))))
    return [[row, LABELS[name], message] for row, name, message in problems]


def _classify(plan: Plan, cleaned: dict[str, Any], member: Member | None) -> None:
    if member is None:
        new = Member(**cleaned)
        _set_search_keys(new)
        plan.creates.append(Change(new, audit.diff({}, cleaned)))
        return
    changes = audit.diff({k: getattr(member, k) for k in cleaned}, cleaned)
    if not changes:
        plan.unchanged += 1
        return
    old_org_id = member.org_id
    for name, value in cleaned.items():
        setattr(member, name, value)
    _set_search_keys(member)
    plan.updates.append(Change(member, changes, old_org_id))


def _set_search_keys(member: Member) -> None:
    member.name_initials = search.initials(member.name)
    member.id_reversed = search.reverse_id(member.id_number)


def plan_import(*, actor, org: Organization, sheet: Sheet, today: dt.date) -> Plan:
    """Validate every row; when none has an error, sort them into creates/updates/unchanged."""
    existing = _members_by_id(sheet.rows)
    orgs_by_code = _orgs_by_code(sheet.rows, existing)
    resolve = _subtree_resolver(org, actor, orgs_by_code)
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, list[int]] = defaultdict(list)
    valid: list[tuple[dict[str, Any], Member | None]] = []
    for number, values in sheet.rows:
        member = existing.get(idcard.normalize_id(values.get("id_number")))
        cleaned, errors = _clean_row(values, member, root=org, resolve=resolve, today=today)
        if "id_number" not in errors and cleaned.get("id_number"):
            seen[cleaned["id_number"]].append(number)
        problems.extend((number, name, message) for name, message in errors.items())
        if not errors:
            valid.append((cleaned, member))
    problems.extend(_duplicate_errors(seen))
    plan = Plan()
    if problems:
        plan.errors = _error_list(problems)
        return plan
    for cleaned, member in valid:
        _classify(plan, cleaned, member)
    return plan


# ---------------------------------------------------------------- writing


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _reject(*, actor, org, filename: str, rows: int, errors: list[list]) -> RosterImport:
    with transaction.atomic():
        record = RosterImport.objects.create(
            org=org, actor=_user(actor), filename=filename, accepted=False, rows=rows, errors=errors
        )
        audit.record(
            actor=actor,
            action="roster.import_rejected",
            target=record,
            org=org,
            changes={"errors": [None, len(errors)], "rows": [None, rows]},
        )
    return record


def _write_history(plan: Plan, today: dt.date) -> None:
    history = [
        MemberOrgHistory(
            member=c.member, org_id=c.member.org_id, started_on=today, reason="花名册导入"
        )
        for c in plan.creates
    ]
    moved = [c for c in plan.updates if c.member.org_id != c.old_org_id]
    for chunk in _chunks([c.member.pk for c in moved]):
        MemberOrgHistory.objects.filter(member_id__in=chunk, ended_on__isnull=True).update(
            ended_on=today
        )
    history += [
        MemberOrgHistory(
            member=c.member, org_id=c.member.org_id, started_on=today, reason="花名册导入调整"
        )
        for c in moved
    ]
    MemberOrgHistory.objects.bulk_create(history, batch_size=CHUNK)


def _update_members(updates: list[Change], now: dt.datetime) -> None:
    """Write only the changed cells: one bulk update per changed field (Django's CASE WHEN per
    field and row is what makes a wide bulk_update slow), then updated_at for all of them."""
    by_field: dict[str, list[Member]] = defaultdict(list)
    for change in updates:
        for name in change.changes:
            by_field[name].append(change.member)
        if "name" in change.changes:
            by_field["name_initials"].append(change.member)
        if "id_number" in change.changes:
            by_field["id_reversed"].append(change.member)
    for name, members in by_field.items():
        Member.objects.bulk_update(members, [name], batch_size=CHUNK)
    for chunk in _chunks([c.member.pk for c in updates]):
        Member.objects.filter(pk__in=chunk).update(updated_at=now)


def _apply(*, actor, org, filename: str, rows: int, plan: Plan, today: dt.date) -> RosterImport:
    now = timezone.now()
    with transaction.atomic():
        Member.objects.bulk_create([c.member for c in plan.creates], batch_size=CHUNK)
        _update_members(plan.updates, now)
        _write_history(plan, today)
        record = RosterImport.objects.create(
            org=org,
            actor=_user(actor),
            filename=filename,
            accepted=True,
            rows=rows,
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=plan.unchanged,
        )
        events = [
            audit.build(
                actor=actor, action=action, target=c.member, org=c.member.org, changes=c.changes
            )
            for action, changes in (
                ("member.import_create", plan.creates),
                ("member.import_update", plan.updates),
            )
            for c in changes
        ]
        events.append(
            audit.build(
                actor=actor,
                action="roster.import",
                target=record,
                org=org,
                changes={
                    "filename": [None, filename],
                    "created": [None, record.created],
                    "updated": [None, record.updated],
                    "unchanged": [None, record.unchanged],
                },
            )
        )
        AuditEvent.objects.bulk_create(events, batch_size=CHUNK)
        affected = {c.member.org_id for c in plan.creates + plan.updates}
        affected |= {c.old_org_id for c in plan.updates}
        services.refresh_counts(affected)
    return record


def import_roster(
    *, actor, org: Organization, fileobj, filename: str, today: dt.date | None = None
) -> RosterImport:
    """Import a roster xlsx into org's subtree: all rows or none. actor None = the system.

    The caller has checked that actor may manage org; rows may only name organizations in
    org's subtree that the actor manages, and only update members already in that subtree.
    """
    today = today or timezone.localdate()
    filename = os.path.basename(str(filename))[:200]
    try:
        sheet = read_sheet(read_upload(fileobj))
    except FileRejected as exc:
        return _reject(actor=actor, org=org, filename=filename, rows=0, errors=exc.errors)
    plan = plan_import(actor=actor, org=org, sheet=sheet, today=today)
    rows = len(sheet.rows)
    if plan.errors:
        return _reject(actor=actor, org=org, filename=filename, rows=rows, errors=plan.errors)
    try:
        return _apply(actor=actor, org=org, filename=filename, rows=rows, plan=plan, today=today)
    except IntegrityError:
        log.warning("roster import %s conflicted with a concurrent write", filename, exc_info=True)
        return _reject(
            actor=actor, org=org, filename=filename, rows=rows, errors=[[None, "", CONFLICT]]
        )


# ---------------------------------------------------------------- writing files

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
WIDTHS = {"name": 10, "id_number": 22, "phone": 15, "work_unit": 28, "org": 16, "party_group": 12}
NOTES = {
    "name": ("党员姓名", "张三"),
    "gender": ("男 / 女；可不填，按公民身份号码判断", "男"),
    "ethnicity": ("如：汉族", "汉族"),
    "birth_date": ("可不填，按公民身份号码判断；填写时须与号码一致", "1990-05-17"),
    "id_number": (
        "18位，末位可为X；该列须为“文本”格式，否则 Excel 会丢失末几位",
        idcard.make_id("110101", dt.date(1990, 5, 17), 11),
    ),
    "phone": ("11位手机号，或带区号的固定电话", "13812345678"),
    "education": ("、".join(Education.labels), "大学本科"),
    "work_unit": ("工作单位及职务", "第一中学 教师"),
    "category": ("正式党员 / 预备党员", "正式党员"),
    "admitted_on": ("日期可写作 2021-07-01、2021.7.1、2021/7/1 或 2021年7月1日", "2015-07-01"),
    "full_member_on": ("正式党员填写；预备党员不填", "2016-07-01"),
    "status": ("、".join(Status.labels) + "；不填视为“正常”", "正常"),
    "leading_cadre": ("是 / 否；不填视为“否”", "否"),
    "org": ("所在党支部（或党委、党总支）的组织编码，须属于导入的组织", "ZB01"),
    "party_group": ("所在党小组的编码，可不填", ""),
}
GENERAL_NOTES = [
    "1. 在“党员花名册”工作表第一行之下每行填写一名党员；带 * 的列必须填写，其他列可以删除。",
    "2. 公民身份号码已登记的党员按文件内容更新，未登记的新增；文件中没有列出的党员不会被删除。",
    "3. 只要有一行有错误，整个文件都不会导入；请按错误报告逐行修改后重新上传。",
    "4. 本工作表只是说明，导入时不读取。",
]
CHOICE_LISTS = {
    "gender": Gender.labels,
    "category": Category.labels,
    "education": Education.labels,
    "status": Status.labels,
    "leading_cadre": ["是", "否"],
}


def header_label(name: str) -> str:
    return LABELS[name] + ("*" if name in REQUIRED else "")


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _size_columns(ws, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _roster_widths() -> list[int]:
    return [WIDTHS.get(name, 12) for name in FIELDS]


def _format_columns(ws, first_row: int = 2, last_row: int = 5000) -> None:
    """Date columns as dates, ID/phone/code columns as text, choices as drop-down lists."""
    for index, name in enumerate(FIELDS, start=1):
        letter = get_column_letter(index)
        if name in DATE_FIELDS:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif name in TEXT_FIELDS:
            ws.column_dimensions[letter].number_format = "@"
        if name in CHOICE_LISTS:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(CHOICE_LISTS[name]) + '"', allow_blank=True
            )
            rule.error, rule.errorTitle = "请从下拉列表中选择", "输入无效"
            ws.add_data_validation(rule)
            rule.add(f"{letter}{first_row}:{letter}{last_row}")


def _header_row(ws) -> None:
    ws.append([header_label(name) for name in FIELDS])
    for index, name in enumerate(FIELDS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        if name in REQUIRED:
            cell.fill = REQUIRED_FILL
    ws.freeze_panes = "A2"


def template_xlsx() -> bytes:
    """An empty roster with Chinese headers (required ones marked *) and a sheet of notes."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    _header_row(ws)
    _size_columns(ws, _roster_widths())
    _format_columns(ws)
    notes = workbook.create_sheet(NOTE_TITLE)
    for line in GENERAL_NOTES:
        notes.append([line])
    notes.append([])
    notes.append(["列名", "是否必填", "填写说明", "示例"])
    for cell in notes[notes.max_row]:
        cell.font = HEADER_FONT
    for name in FIELDS:
        text, example = NOTES[name]
        notes.append([LABELS[name], "必填" if name in REQUIRED else "选填", text, example])
    _size_columns(notes, [16, 10, 60, 22])
    for row in notes.iter_rows(min_row=len(GENERAL_NOTES) + 3):
        row[2].alignment = Alignment(wrap_text=True)
    return _save(workbook)


def error_report_xlsx(roster_import: RosterImport) -> bytes:
    """The rejected import's problems, one per line: 行号 / 列 / 问题."""
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet("错误报告")
    _size_columns(ws, [8, 16, 80])
    ws.append(["行号", "列", "问题"])
    for row, column, message in roster_import.errors:
        ws.append([row if row else "", column, message])
    return _save(workbook)


class ExportTooLarge(ValueError):
    pass


def export_xlsx(org: Organization, actor, limit: int | None = None) -> bytes:
    """Members of org's roster (its subtree, or a 党小组's members), in the template's columns.
    With a limit, a larger roster raises ExportTooLarge instead of building a huge file in a request.

    Full ID numbers, birth dates and phone numbers only for members the actor manages; others are masked, which also
    makes their rows fail a re-import (a masked ID cannot pass the checksum).
    """
    f = queries.RosterFilter()
    members = queries.roster(actor, org, f).select_related("org", "party_group")
    if limit is not None:
        size = queries.roster_count(org, f, actor)
        if (size if size is not None else members.count()) > limit:
            raise ExportTooLarge(f"名册超过 {limit} 人，请从下级组织分别导出")
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET_TITLE)
    _size_columns(ws, _roster_widths())
    ws.append([header_label(name) for name in FIELDS])
    manages: dict[int, bool] = {}
    count = masked = 0
    for member in members.iterator(chunk_size=2000):
        full = manages.setdefault(member.org_id, can_manage(actor, member.org))
        values = member_row(member, full=full)
        ws.append([values[name] for name in FIELDS])
        count += 1
        masked += not full
    if masked:
        note = workbook.create_sheet("说明")
        note.append(["本表部分党员的公民身份号码、出生日期和手机号码已隐去，仅供查看，不能用于导入。"])
    audit.record(
        actor=actor,
        action="roster.export",
        target=org,
        org=org,
        changes={"members": [None, count], "masked": [None, masked]},
    )
    return _save(workbook)
