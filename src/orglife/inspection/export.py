"""The rectification ledger as files, in the layout a 整改台账 is filed in.

xlsx: one row per measure, the problem's cells repeated (merged would break sorting and filters
in Excel). PDF (A4 landscape, WeasyPrint with Noto CJK fonts): one row per problem with its
measures, owners and deadlines listed in the row, under a title and the summary rates."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

HEADER = ["序号", "问题来源", "责任组织", "问题描述", "整改措施", "责任人", "整改时限", "完成情况", "销号日期"]
WIDTHS = {"A": 6, "B": 12, "C": 24, "D": 48, "E": 48, "F": 10, "G": 12, "H": 40, "I": 12}


def _local_date(value: dt.datetime | None):
    from django.utils import timezone

    return timezone.localtime(value).date() if value else None


def ledger_workbook(title: str, problems, today: dt.date) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width
    head = WriteOnlyCell(ws, value=title)
    head.font = Font(bold=True)
    ws.append([head])
    ws.append(HEADER)
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, p in enumerate(problems, start=1):
        measures = list(p.measures.all()) or [None]
        for m in measures:
            if m is None:
                done = "未制定整改措施"
            elif m.done_on:
                done = f"已完成（{m.done_on:%Y-%m-%d}）{m.evidence}"
            else:
                done = "已逾期，未完成" if m.deadline < today else "整改中"
            cells = [n, p.get_source_display(), p.org.name, p.description, m.text if m else "",
                     (m.owner.name if m and m.owner else (p.responsible.name if p.responsible else "")),
                     m.deadline if m else None, done, _local_date(p.signed_off_at)]
            row = []
            for value in cells:
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.alignment = wrap
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PDF_MAX_ROWS = 1_000  # problems per PDF: WeasyPrint lays out ~10-60 ms per problem (docs/performance.md)


def ledger_pdf(request, context: dict) -> bytes:
    """context: org, today, title, filters_text, rows (queries.rows), ledger, rates and the
    formatted rates, as the ledger page has them."""
    from django.template.loader import render_to_string
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s

    html = render_to_string("inspection/ledger_pdf.html", context, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
