"""Files of 考核评星: the ranking as xlsx (a ranking sheet and, for runs up to DETAIL_LIMIT
organizations, a sheet with every explained line) and as a printable PDF (WeasyPrint)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from openpyxl import Workbook

from . import assessment_queries as q
from .scorecard_models import AssessmentRun

DETAIL_LIMIT = 2000
PDF_LIMIT = 1000


def _status(run: AssessmentRun) -> str:
    return "已定级" if run.is_final else "评分中（未定级）"


def ranking_xlsx(run: AssessmentRun) -> bytes:
    labels = q.grade_labels(run)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("排名")
    ws.append([f"{run.org.name} {run.year}年度考核评星（{_status(run)}）"])
    ws.append(["排名", "党组织", "基础分", "扣分", "群众评价", "加分", "总分", "建议等次", "评定等次", "等次调整理由"])
    rows = run.results.order_by("rank", "org_path").values_list(
        "rank", "org_name", "base", "deductions", "survey", "bonus", "total", "proposed_grade", "grade", "grade_reason")
    for rank, name, base, ded, survey, bonus, total, proposed, grade, why in rows.iterator(chunk_size=2000):
        ws.append([rank, name, float(base), float(ded), None if survey is None else float(survey), float(bonus),
                   float(total), labels.get(proposed, proposed), labels.get(grade, grade), why])
    if run.org_count <= DETAIL_LIMIT:
        ws = wb.create_sheet("得分明细")
        ws.append(["党组织", "类别", "项目", "得分", "满分", "说明", "依据"])
        for result in run.results.select_related("org").order_by("rank", "org_path"):
            for line in q.explain(run, result):
                ws.append([result.org_name, line.group or line.kind, line.label, float(line.points),
                           None if line.max is None else float(line.max), line.text, line.source])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ranking_pdf(run: AssessmentRun, request) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s

    labels = q.grade_labels(run)
    rows = list(run.results.order_by("rank", "org_path").values_list(
        "rank", "org_name", "base", "deductions", "survey", "total", "grade")[:PDF_LIMIT])
    html = render_to_string("evaluation/assessment_pdf.html", {
        "run": run, "status": _status(run), "labels": labels, "counts": q.grade_counts(run),
        "rows": rows, "truncated": run.org_count > PDF_LIMIT, "limit": PDF_LIMIT,
    }, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
