"""Class-hour files and the coverage chart: the xlsx a secretary keeps, and an inline SVG bar chart
rendered on the server (no front-end library)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from . import hours as rules

SHORT_FILL = PatternFill("solid", fgColor="FFE0A3")


def _title(ws, text: str):
    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True)
    return [cell]


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def hours_workbook(org, year: int, rows, *, subtree: bool) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学时统计")
    for col, width in {"A": 12, "B": 28, "C": 12, "D": 10, "E": 10, "F": 10, "G": 10}.items():
        ws.column_dimensions[col].width = width
    ws.append(_title(ws, f"{org.name}{'（含下级组织）' if subtree else ''}{year}年学时统计"))
    m, c = rules.minimum_rule(rules.MEMBER), rules.minimum_rule(rules.COMMITTEE)
    ws.append([f"要求：党员每年不少于{m.value}学时，书记和委员不少于{c.value}学时（{m.source}，可信度{m.conf}，未达到者为提示，不作为错误）"])
    ws.append(["姓名", "所在组织", "身份", "已获学时", "应达学时", "差额", "是否达到"])
    for r in rows:
        v = r.verdict
        cells = [r.name, r.org_name, r.role_label, float(v.hours), float(v.required), float(v.shortfall),
                 "已达到" if v.met else "未达到"]
        out = []
        for value in cells:
            cell = WriteOnlyCell(ws, value=value)
            if not v.met:
                cell.fill = SHORT_FILL
            out.append(cell)
        ws.append(out)
    return _bytes(wb)


def coverage_workbook(org, year: int, total, parts) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学时覆盖率")
    for col, width in {"A": 14, "B": 28, "C": 10, "D": 10, "E": 10, "F": 12, "G": 12}.items():
        ws.column_dimensions[col].width = width
    ws.append(_title(ws, f"{org.name}{year}年学时覆盖率（达到学时要求的党员占比）"))
    ws.append(["组织编码", "组织名称", "党员人数", "已达到", "未达到", "覆盖率", "人均学时"])
    for p in parts:
        name = f"{p.org.name}（本级）" if p.org.pk == org.pk else p.org.name
        ws.append([p.org.code, name, p.people, p.met, p.short, round(p.share, 4), float(p.average)])
    ws.append(["合计", org.name, total.people, total.met, total.short, round(total.share, 4), float(total.average)])
    return _bytes(wb)


@dataclass
class Bar:
    label: str
    percent: int
    y: int
    width: int
    detail: str


def coverage_chart(parts, width: int = 320, bar: int = 22, gap: int = 10, label_w: int = 110) -> dict:
    """Geometry for a horizontal bar chart of coverage per organization (the template draws it)."""
    room = width - label_w - 40
    bars = []
    for i, p in enumerate(parts):
        bars.append(Bar(p.org.name[:9], p.percent, i * (bar + gap), round(room * p.share),
                        f"{p.met}/{p.people}人达到，人均{p.average}学时"))
    return {"bars": bars, "width": width, "height": max(len(bars) * (bar + gap), bar), "bar": bar,
            "label_w": label_w, "room": room, "text_y": bar // 2 + 5, "zero": Decimal(0)}
