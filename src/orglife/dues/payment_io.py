"""Monthly payment lists in xlsx: the month's template (the branch's members with the amount due),
the import (all-or-nothing, per-row Chinese errors, idempotent) and the summary export.

Follows orgs.roster_io: the file is read and checked first; only a file without a single error is
written, in one transaction, with the members locked and one audit event per member and one for
the import. Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

import openpyxl
from django.db import transaction
from django.db.models import DateField, OuterRef, Q, Subquery
from django.utils import timezone

from orglife.core import audit
from orglife.core.text import DateParseError, parse_date, squeeze
from orglife.orgs import roster_io
from orglife.orgs.models import Member, Organization

from . import queries, rules
from .forms import parse_month
from .models import DuesImport, DuesPayment, DuesProfile, DuesRelief, PaymentMethod, ReliefStatus

log = logging.getLogger(__name__)

SHEET_TITLE = "党费交纳名单"
COLUMNS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "month": "所属月份",
    "due": "应交金额（元）",
    "amount": "实交金额（元）",
    "paid_on": "交纳日期",
    "method": "交纳方式",
}
REQUIRED = ("name", "id_number", "month")
ALIASES = {"身份证号": "id_number", "身份证号码": "id_number", "月份": "month", "应交金额": "due", "应交": "due",
           "实交金额": "amount", "实交": "amount", "交纳金额": "amount", "缴纳日期": "paid_on", "交费日期": "paid_on",
           "缴纳方式": "method", "交费方式": "method", "方式": "method"}
HEADERS = {label: f for f, label in COLUMNS.items()} | {label.split("（")[0]: f for f, label in COLUMNS.items()} | ALIASES
METHOD_WORDS = {label: code for code, label in PaymentMethod.choices} | {
    "现金": "cash", "银行": "bank", "转账": "bank", "银行转帐": "bank", "网上": "online", "网上缴纳": "online",
    "线上": "online", "网上交纳": "online", "微信": "online", "支付宝": "online"} | {c: c for c in PaymentMethod.values}
MAX_ROWS = 5000
HEADER_SCAN_ROWS = 10
NOT_IMPORTED = roster_io.NOT_IMPORTED


class Rejected(Exception):
    def __init__(self, errors: list[list]):
        super().__init__("rejected")
        self.errors = errors


# ------------------------------------------------------------------ template and export


def _sheet(workbook, title: str, headers: list[str], widths: list[int]):
    ws = workbook.create_sheet(title)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = w
    ws.append(headers)
    return ws


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx(org: Organization, month: dt.date) -> bytes:
    """The month's list: every member of the branch who owes dues that month, with the amount due;
    the secretary fills 实交金额, 交纳日期 and 交纳方式 for those who paid (already-paid months are
    filled in, so a re-import changes nothing)."""
    rows = queries.month_sheet(org, month)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    ws = _sheet(workbook, SHEET_TITLE, list(COLUMNS.values()), [10, 22, 10, 14, 14, 14, 14])
    for r in rows:
        if r.due is None or (r.payment is None and r.state == "免交"):
            continue
        p = r.payment
        ws.append([r.member.name, r.member.id_number, f"{month:%Y-%m}", r.due,
                   p.amount if p else None, p.paid_on if p else None, p.get_method_display() if p else None])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "@"
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    note = workbook.create_sheet("填写说明")
    for line in (
        "1. 每行一名党员一个月；已交纳的党员填写实交金额、交纳日期（如2026-11-05）和交纳方式（现金、银行转账、网上缴纳记录）。",
        "2. 未交纳的党员三项都留空，导入时跳过。应交金额仅供参考，导入时以系统按党费规则计算的金额为准。",
        "3. 实交金额不得少于应交金额；补交党费一般不超过6个月；预交须经党支部同意（导入时勾选）。",
        "4. 文件中有任何错误时不导入任何数据，并给出每行的错误说明；同一文件重复导入不会重复登记。",
    ):
        note.append([line])
    return _save(workbook)


def error_report_xlsx(record: DuesImport) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    ws = _sheet(workbook, "错误报告", ["行号", "列", "问题"], [8, 16, 80])
    for row, column, message in record.errors:
        ws.append([row or "", column, message])
    return _save(workbook)


def export_xlsx(org: Organization, month: dt.date, actor, today: dt.date, limit: int) -> bytes:
    """The subtree's summary for the month (per child organization) and the members' detail
    (names and amounts only: no personal data). Detail stops at limit rows, with a note."""
    summary_rows, total = queries.subtree_summary(org, month, today)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    ws = _sheet(workbook, "汇总", ["党组织", "应交人数", "应交金额（元）", "已交人数", "实交金额（元）", "按时交纳",
                                   "本月未交", "连续3个月以上未交", "连续6个月以上未交", "未设置党费档案", "交纳率"],
                [24, 10, 14, 10, 14, 10, 10, 16, 16, 14, 10])
    for r in [*summary_rows, total]:
        t = r.totals
        name = r.org.name if r is not total else "合计"
        ws.append([name, t.owing, t.due, t.paid_count, t.paid, t.on_time, t.unpaid, r.arrears, r.lapse,
                   t.no_profile, t.rate])
    detail = _sheet(workbook, "明细", ["党组织", "姓名", "所属月份", "应交金额（元）", "实交金额（元）", "交纳日期",
                                      "交纳方式"], [24, 10, 10, 14, 14, 14, 14])
    payment = DuesPayment.objects.filter(member=OuterRef("pk"), month=month)
    members = (queries.owing_members(Q(org__path__startswith=org.path))
               .annotate(due_m=queries.due_expression(month),
                         paid_m=Subquery(payment.values("amount")[:1]),
                         paid_on_m=Subquery(payment.values("paid_on")[:1], output_field=DateField()),
                         method_m=Subquery(payment.values("method")[:1]))
               .select_related("org").order_by("org__path", "name", "pk"))
    labels = dict(PaymentMethod.choices)
    count = 0
    # A larger subtree gets the summary only: sorting its whole detail would be the slow part.
    if queries.owing_members(Q(org__path__startswith=org.path)).count() > limit:
        detail.append([f"明细超过 {limit} 行，请从下级组织分别导出"])
        members = members.none()
    for m in members.iterator(chunk_size=2000):
        detail.append([m.org.name, m.name, f"{month:%Y-%m}", m.due_m, m.paid_m, m.paid_on_m, labels.get(m.method_m, "")])
        count += 1
    audit.record(actor=actor, action="dues.export", target=org, org=org,
                 changes={"month": [None, month.isoformat()], "rows": [None, count]})
    return _save(workbook)


# ------------------------------------------------------------------ reading


def _header_field(value: Any) -> str | None:
    text = squeeze(value).strip("*").replace("(", "（").replace(")", "）")
    return HEADERS.get(text) or HEADERS.get(text.split("（")[0])


def read_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        log.info("unreadable dues upload", exc_info=True)
        raise Rejected([[None, "", "无法读取文件：文件已损坏或不是 Excel（.xlsx）格式"]]) from None
    try:
        ws = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        ws.reset_dimensions()
        columns: dict[str, int] = {}
        rows = []
        for number, cells in enumerate(ws.iter_rows(values_only=True, max_col=30), start=1):
            if not columns:
                if number > HEADER_SCAN_ROWS:
                    break
                found = {}
                for i, value in enumerate(cells):
                    name = _header_field(value)
                    if name and name not in found:
                        found[name] = i
                if "id_number" in found or "name" in found:
                    missing = [COLUMNS[f] for f in REQUIRED if f not in found]
                    if missing:
                        raise Rejected([[number, "", f"表头缺少必需的列：{'、'.join(missing)}（请使用本月名单模板）"]])
                    columns = found
                continue
            values = {f: (cells[i] if i < len(cells) else None) for f, i in columns.items()}
            if all(v is None or squeeze(v) == "" for v in values.values()):
                continue
            if len(rows) >= MAX_ROWS:
                raise Rejected([[None, "", f"数据行过多：一次最多导入 {MAX_ROWS} 行"]])
            rows.append((number, values))
    except Rejected:
        raise
    except Exception:
        log.info("unreadable dues sheet", exc_info=True)
        raise Rejected([[None, "", "无法读取文件内容：文件已损坏，请在 Excel 中重新保存后再导入"]]) from None
    finally:
        workbook.close()
    if not columns:
        raise Rejected([[None, "", "没有找到表头（姓名、公民身份号码、所属月份……），请使用本月名单模板"]])
    if not rows:
        raise Rejected([[None, "", "文件中没有数据行"]])
    return rows


def _date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except DateParseError:
        return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squeeze(value)


# ------------------------------------------------------------------ planning and writing


def _plan(org: Organization, rows, prepay: bool, today: dt.date, errors: list[list]):
    """Check every row against the (locked) members and payments; return the writes."""
    ids = {_text(v.get("id_number")).upper() for _, v in rows}
    members = {m.id_number.upper(): m for m in queries.owing_members(Q(org=org, id_number__in=ids))}
    ledgers = {}
    if members:
        by_pk = {m.pk: m for m in members.values()}
        profiles = defaultdict(list)
        for p in DuesProfile.objects.filter(member_id__in=by_pk).order_by("member_id", "-effective_month"):
            profiles[p.member_id].append(p)
        payments = defaultdict(dict)
        for p in DuesPayment.objects.filter(member_id__in=by_pk):
            payments[p.member_id][p.month] = p
        reliefs = defaultdict(list)
        for r in DuesRelief.objects.filter(member_id__in=by_pk, status=ReliefStatus.APPROVED):
            reliefs[r.member_id].append(r)
        ledgers = {pk: queries.Ledger(m, profiles[pk], payments[pk], reliefs[pk]) for pk, m in by_pk.items()}
    seen: dict[tuple[int, dt.date], int] = {}
    creates, updates, unchanged = [], [], 0

    def err(number, field, message):
        errors.append([number, COLUMNS.get(field, field), message])

    for number, v in rows:
        amount_text, date_value, method_text = _text(v.get("amount")), v.get("paid_on"), _text(v.get("method"))
        id_number, name = _text(v.get("id_number")).upper(), _text(v.get("name"))
        if not id_number:
            err(number, "id_number", "请填写公民身份号码")
            continue
        member = members.get(id_number)
        if member is None:
            err(number, "id_number", f"公民身份号码“{id_number}”不是本支部在册党员")
            continue
        if name and name != member.name:
            err(number, "name", f"姓名“{name}”与公民身份号码对应的党员“{member.name}”不一致")
            continue
        month = parse_month(v.get("month"))
        if month is None:
            err(number, "month", f"所属月份“{_text(v.get('month'))}”格式应为“2026-11”")
            continue
        if not amount_text and (date_value in (None, "")) and not method_text:
            continue  # not paid this month: nothing to record
        key = (member.pk, month)
        if key in seen:
            err(number, "month", f"{member.name}{month:%Y年%-m月}在第{seen[key]}行已出现")
            continue
        seen[key] = number
        ok = True
        try:
            amount = rules.parse_money(amount_text, "amount", "实交金额")
        except rules.QuoteError as exc:
            err(number, "amount", exc.message)
            ok = False
        paid_on = _date(date_value)
        if paid_on is None:
            err(number, "paid_on", "请填写交纳日期（如2026-11-05）" if date_value in (None, "") else
                f"交纳日期“{_text(date_value)}”格式应为“2026-11-05”")
            ok = False
        elif paid_on > today:
            err(number, "paid_on", "交纳日期不能晚于今天")
            ok = False
        method = METHOD_WORDS.get(method_text)
        if method is None:
            err(number, "method", "交纳方式应为现金、银行转账或网上缴纳记录" if method_text else "请填写交纳方式")
            ok = False
        if not ok:
            continue
        ledger = ledgers[member.pk]
        existing = ledger.payments.get(month)
        if existing is not None:
            if (existing.amount, existing.paid_on, existing.method) == (amount, paid_on, method):
                unchanged += 1
                continue
        problem = rules.month_problem(month, today, prepay=prepay)
        due = ledger.due_for(month)
        if problem:  # a payment outside the payable window is neither added nor rewritten by a list
            err(number, "month", problem)
            continue
        if due is None:
            err(number, "month", f"{member.name}在{month:%Y年%-m月}尚无党费档案，请先设置党费类别和计算基数")
            continue
        if amount < due:
            err(number, "amount", f"应交{due}元，实交{amount}元不能少于应交金额（少交须经支部研究、上级党委批准）")
            continue
        if existing is not None:
            updates.append((existing, amount, paid_on, method))
        else:
            creates.append(DuesPayment(member=member, org=org, month=month, due=due, amount=amount, paid_on=paid_on,
                                       method=method, prepaid=month > rules.month_start(today)))
    return creates, updates, unchanged


def import_payments(*, actor, org: Organization, fileobj, filename: str, prepay: bool = False,
                    today: dt.date | None = None) -> DuesImport:
    """Import a payment list into org (a branch's own members). Returns the DuesImport record:
    accepted with counts, or rejected with every row's errors and nothing written."""
    today = today or timezone.localdate()
    user = actor if actor is not None and getattr(actor, "pk", None) else None
    try:
        data = roster_io.read_upload(fileobj)
        rows = read_rows(data)
    except roster_io.FileRejected as exc:
        return _reject(actor, user, org, filename, 0, exc.errors)
    except Rejected as exc:
        return _reject(actor, user, org, filename, 0, exc.errors)
    errors: list[list] = []
    with transaction.atomic():
        ids = {_text(v.get("id_number")).upper() for _, v in rows}
        # Lock the members first: two imports of the same list cannot both create a month.
        list(Member.objects.select_for_update().filter(org=org, id_number__in=ids).values_list("pk", flat=True))
        creates, updates, unchanged = _plan(org, rows, prepay, today, errors)
        if not errors:
            record = DuesImport.objects.create(org=org, actor=user, filename=filename[:200], accepted=True,
                                               rows=len(rows), created=len(creates), updated=len(updates),
                                               unchanged=unchanged)
            for p in creates:
                p.batch, p.recorded_by = record, user
            DuesPayment.objects.bulk_create(creates)
            for existing, amount, paid_on, method in updates:
                before = {"amount": existing.amount, "paid_on": existing.paid_on, "method": existing.method}
                existing.amount, existing.paid_on, existing.method = amount, paid_on, method
                existing.batch, existing.recorded_by = record, user
                existing.save(update_fields=["amount", "paid_on", "method", "batch", "recorded_by"])
                audit.record(actor=actor, action="dues.payment_record", target=existing.member, org=org,
                             changes={**audit.diff(before, {"amount": amount, "paid_on": paid_on, "method": method}),
                                      "month": [None, existing.month.isoformat()]})
            by_member = defaultdict(list)
            for p in creates:
                by_member[p.member].append(p)
            for member, payments in by_member.items():
                audit.record(actor=actor, action="dues.payment_record", target=member, org=org,
                             changes={"months": [None, [p.month.isoformat() for p in payments]],
                                      "amount": [None, str(sum((p.amount for p in payments), Decimal(0)))],
                                      "import": [None, record.pk]})
            audit.record(actor=actor, action="dues.import", target=record, org=org,
                         changes={"rows": [None, len(rows)], "created": [None, len(creates)],
                                  "updated": [None, len(updates)], "unchanged": [None, unchanged]})
            return record
    errors.sort(key=lambda e: (e[0] or 0))
    return _reject(actor, user, org, filename, len(rows), errors)


def _reject(actor, user, org, filename, rows, errors) -> DuesImport:
    with transaction.atomic():
        record = DuesImport.objects.create(org=org, actor=user, filename=filename[:200], accepted=False, rows=rows,
                                           errors=errors)
        audit.record(actor=actor, action="dues.import_rejected", target=record, org=org,
                     changes={"errors": [None, len(errors)]})
    return record
