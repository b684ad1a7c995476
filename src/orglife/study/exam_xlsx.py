"""Exam spreadsheets: a result list, subtree statistics, correct rate per question."""

from __future__ import annotations

import io

import openpyxl
from django.utils import timezone
from openpyxl.utils import get_column_letter

from .bank_services import answer_text


def _book(title: str, header: list[str], widths: list[int]):
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append(header)
    return workbook, ws


def _bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def results_xlsx(exam, attempts) -> bytes:
    workbook, ws = _book("成绩", ["姓名", "所在组织", "得分", "是否及格", "答对题数", "总题数", "第几次作答", "交卷时间"],
                         [10, 24, 8, 10, 10, 8, 10, 20])
    for a in attempts:
        ws.append([a.member.name, a.member.org.name, float(a.score), "及格" if a.passed else "不及格", a.correct, a.total,
                   a.number, timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else ""])
    return _bytes(workbook)


def stats_xlsx(org, rows) -> bytes:
    workbook, ws = _book("考试统计", ["考试名称", "组织", "开始时间", "应考人数", "参考人数", "参考率", "平均分",
                                    "及格人数", "及格率"], [30, 20, 18, 10, 10, 10, 10, 10, 10])
    for r in rows:
        ws.append([r.exam.title, r.exam.org.name, timezone.localtime(r.exam.opens_at).strftime("%Y-%m-%d %H:%M"),
                   r.audience, r.participants, _pct(r.participation),
                   float(r.average) if r.average is not None else "", r.passed, _pct(r.pass_rate)])
    return _bytes(workbook)


def question_stats_xlsx(exam, rows, tags) -> bytes:
    workbook, ws = _book("试题正确率", ["题型", "题干", "标签", "难度", "正确答案", "作答人数", "答对人数", "正确率", "提示"],
                         [8, 50, 16, 6, 16, 10, 10, 10, 24])
    for r in rows:
        q = r.question
        ws.append([q.get_kind_display(), q.stem, "、".join(q.tags), q.get_difficulty_display(), answer_text(q),
                   r.answered, r.right, _pct(r.rate), "正确率过低，请检查题目和答案" if r.suspicious else ""])
    ws2 = workbook.create_sheet("知识点")
    ws2.append(["标签", "作答次数", "答对次数", "正确率"])
    for t in tags:
        ws2.append([t.tag, t.answered, t.right, _pct(t.rate)])
    return _bytes(workbook)
