"""Files people print or keep in Excel: the compliance table (xlsx) and a branch's yearly
组织生活纪实 book (PDF, WeasyPrint with Noto CJK fonts)."""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill

from orglife.rules.compliance import KIND_LABELS, STATUS_LABELS

from . import record_queries
from .models import Attendance, Meeting, MeetingStatus

XLSX_MAX_ORGS = 5_000  # ~24 rows each; a county-sized export takes ~6 s (docs/performance.md)
XLSX_FILLS = {"met": "C8E6C9", "due": "FFE0A3", "missed": "FFCDD2", "upcoming": "EEEEEE", "exempt": "BBDEFB",
              "not_applicable": "FAFAFA"}
COUNTED = (MeetingStatus.SUBMITTED, MeetingStatus.APPROVED)
XLSX_HEADER = ["组织编码", "组织名称", "会议类型", "期间", "应召开", "已召开", "状态", "说明", "依据"]


def attachment(filename: str, inline: bool = False) -> str:
    return content_disposition_header(as_attachment=not inline, filename=filename)


def compliance_workbook(org, year: int, on: dt.date, rows) -> bytes:
    """One row per organization × kind × period, as the API gives them."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("完成情况")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 10
    ws.column_dimensions["H"].width = 60
    title = WriteOnlyCell(ws, value=f"{org.name} {year}年组织生活完成情况（截至{on:%Y年%-m月%-d日}）")
    title.font = Font(bold=True)
    ws.append([title])
    ws.append(XLSX_HEADER)
    n = 2
    for row in rows:
        code, name = row.org.code, row.org.name
        for v in (v for segment in row.segments for v in segment.verdicts):  # shared, not copied
            ws.append([code, name, KIND_LABELS[v.kind], v.period, v.required, v.held, STATUS_LABELS[v.status],
                       v.explanation, v.rule])
            n += 1
    # Colours by rule, not per cell: styled cells cost ~30% more time in write-only mode.
    for status, color in XLSX_FILLS.items():
        fill = PatternFill("solid", fgColor=color, bgColor=color)
        ws.conditional_formatting.add(
            f"G3:G{max(n, 3)}", CellIsRule(operator="equal", formula=[f'"{STATUS_LABELS[status]}"'], fill=fill)
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def book_meetings(org, year: int) -> list[Meeting]:
    """The branch's submitted meetings of the year in date order, with everything the book prints."""
    return list(
        Meeting.objects.filter(org=org, status__in=COUNTED, held_on__year=year)
        .order_by("held_on", "held_at", "id")
        .select_related("host", "recorder")
        .prefetch_related(
            "kind_rows",
            "resolutions",
            "amendments",
            "guests",
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("id")),
        )
    )


def book_context(org, year: int) -> dict:
    meetings = []
    found = book_meetings(org, year)
    rows_by_meeting: dict[int, list] = {}
    for a, items in record_queries.amendment_rows([a for m in found for a in m.amendments.all()]):
        rows_by_meeting.setdefault(a.meeting_id, []).append((a, items))
    for m in found:
        attendance = list(m.attendance.all())
        present = [a for a in attendance if a.status == "present"]
        meetings.append({
            "meeting": m,
            "kinds": "、".join(KIND_LABELS.get(k.kind, k.kind) for k in m.kind_rows.all()),
            "attendance": attendance,
            "present": len(present),
            "due": len(attendance),
            "leave": sum(1 for a in attendance if a.status == "on_leave"),
            "absent": sum(1 for a in attendance if a.status == "absent"),
            "amendments": rows_by_meeting.get(m.pk, []),
        })
    return {"org": org, "year": year, "meetings": meetings}


def book_pdf(request, org, year: int) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s

    html = render_to_string("meetings/book_pdf.html", book_context(org, year), request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()

