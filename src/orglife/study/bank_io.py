"""Question bank import and export: one xlsx layout in both directions.

An import is accepted whole or rejected whole, with one error line per problem (row, column,
message) shown on screen and downloadable as xlsx. Near-duplicate questions (against the bank
the organization uses and within the file) are reported, never blocking.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.db import transaction
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from orglife.core import audit
from orglife.core.text import normalize
from orglife.orgs.roster_io import FileRejected, read_upload

from . import bank_services
from .bank_services import LETTERS, answer_text, clean_question
from .exam_models import BankImport, Difficulty, Question, QuestionKind

SHEET_TITLE = "题库"
OPTION_COLUMNS = 6
COLUMNS = (
    [("kind", "题型*"), ("stem", "题干*")]
    + [(f"option{i}", f"选项{LETTERS[i]}") for i in range(OPTION_COLUMNS)]
    + [("answer", "答案*"), ("tags", "标签"), ("difficulty", "难度"), ("explanation", "解析"), ("source", "出处")]
)
LABEL = dict(COLUMNS)
FIELD_BY_HEADER = {label.rstrip("*"): name for name, label in COLUMNS}
FIELD_COLUMN = {"kind": "题型", "stem": "题干", "options": "选项", "answer": "答案", "tags": "标签",
                "difficulty": "难度", "explanation": "解析", "source": "出处"}
NOTES = [
    "每行一道题。带 * 的列必填。导入时全部题目都无误才会写入，否则一道也不导入，并列出每行的问题。",
    "题型：单选题、多选题、判断题、填空题。",
    "选项：选择题填写选项A、选项B……（至少两个，最多六个）；判断题和填空题不填。",
    "答案：单选题填一个字母（如 B）；多选题填全部正确字母（如 ACD），少选、多选都算错；判断题填“对”或“错”；",
    "填空题在题干中用“____”或“（）”标出空，答案每空之间用“；”分隔，同一空的多个可接受答案用“/”分隔（如 党章/中国共产党章程）。",
    "评分时填空答案会统一全角半角并去掉首尾空格。",
    "标签：多个用逗号或顿号分隔，如 党章、组织生活；难度：易、中、难（不填为中）。",
    "与题库中已有题目或本文件中其他题目高度相似的，会在导入结果中提示（不影响导入）。",
]
MAX_ROWS = 5000
HEADER_FONT = Font(bold=True)


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _widths(ws, widths) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


WIDTHS = [8, 50] + [16] * OPTION_COLUMNS + [14, 18, 6, 40, 20]


def template_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE
    ws.append([label for _, label in COLUMNS])
    for cell in ws[1]:
        cell.font = HEADER_FONT
    ws.append(["单选题", "党的最高领导机关是（）。", "党的全国代表大会和它所产生的中央委员会", "中央政治局",
               "中央书记处", "中央军事委员会", "", "", "A", "党章", "易", "党章第十条。", "《中国共产党章程》"])
    ws.append(["填空题", "党支部党员大会一般每____召开一次。", *[""] * OPTION_COLUMNS, "季度/季", "组织生活", "中",
               "", "《中国共产党支部工作条例（试行）》"])
    ws.freeze_panes = "A2"
    _widths(ws, WIDTHS)
    kinds = DataValidation(type="list", formula1='"' + ",".join(QuestionKind.labels) + '"', allow_blank=True)
    ws.add_data_validation(kinds)
    kinds.add(f"A2:A{MAX_ROWS}")
    levels = DataValidation(type="list", formula1='"' + ",".join(Difficulty.labels) + '"', allow_blank=True)
    ws.add_data_validation(levels)
    col = get_column_letter(len(COLUMNS) - 2)
    levels.add(f"{col}2:{col}{MAX_ROWS}")
    notes = workbook.create_sheet("填写说明")
    for line in NOTES:
        notes.append([line])
    _widths(notes, [120])
    return _save(workbook)


def question_row(q: Question) -> list[Any]:
    options = list(q.options) + [""] * (OPTION_COLUMNS - len(q.options))
    return [q.get_kind_display(), q.stem, *options[:OPTION_COLUMNS], answer_text(q), "、".join(q.tags),
            q.get_difficulty_display(), q.explanation, q.source]


def export_xlsx(questions) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET_TITLE)
    _widths(ws, WIDTHS)
    ws.append([label for _, label in COLUMNS])
    for q in questions.iterator(chunk_size=1000):
        ws.append(question_row(q))
    return _save(workbook)


def error_report_xlsx(bank_import: BankImport) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet("错误报告")
    _widths(ws, [8, 12, 80])
    ws.append(["行号", "列", "问题"])
    for row, column, message in bank_import.errors:
        ws.append([row or "", column, message])
    if bank_import.duplicates:
        ws.append([])
        ws.append(["行号", "相似题目", "相似度"])
        for row, other, similarity in bank_import.duplicates:
            ws.append([row, other, similarity])
    return _save(workbook)


def read_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileRejected("文件无法读取，请确认是 Excel（.xlsx）文件") from None
    ws = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise FileRejected("文件中没有表头，请使用导入模板", row=1)
    columns = {}
    for index, value in enumerate(header):
        name = FIELD_BY_HEADER.get(normalize(value).rstrip("*"))
        if name:
            columns[name] = index
    missing = [LABEL[n].rstrip("*") for n in ("kind", "stem", "answer") if n not in columns]
    if missing:
        raise FileRejected(f"表头缺少列：{'、'.join(missing)}（请使用导入模板）", row=1)
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or not str(v).strip() for v in values):
            continue
        if len(out) >= MAX_ROWS:
            raise FileRejected(f"一次最多导入 {MAX_ROWS} 道题，请分批导入")
        cell = {name: (values[i] if i < len(values) else None) for name, i in columns.items()}
        out.append((number, cell))
    if not out:
        raise FileRejected("文件中没有题目")
    return out


def _raw(cell: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": cell.get("kind"), "stem": cell.get("stem"),
        "options": [normalize(cell.get(f"option{i}")) for i in range(OPTION_COLUMNS)],
        "answer": "" if cell.get("answer") is None else str(cell.get("answer")),
        "tags": normalize(cell.get("tags")), "difficulty": cell.get("difficulty"),
        "explanation": cell.get("explanation"), "source": cell.get("source"),
    }


def import_bank(*, actor, org, fileobj, filename: str) -> BankImport:
    """Validate every row; write all of them in one transaction only if none has an error."""
    user = actor if getattr(actor, "pk", None) else None
    try:
        rows = read_rows(read_upload(fileobj))
    except FileRejected as exc:
        return BankImport.objects.create(org=org, actor=user, filename=filename[:200], errors=exc.errors)
    errors: list[list] = []
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for number, cell in rows:
        data, problems = clean_question(_raw(cell))
        for field, message in problems.items():
            errors.append([number, FIELD_COLUMN.get(field, field), message])
        cleaned.append((number, data))
    existing = [(("bank", pk), stem) for pk, stem in bank_services.usable(org).values_list("id", "stem")]
    stems = {key: stem for key, stem in existing}
    pairs = bank_services.near_duplicates([(("row", n), d["stem"]) for n, d in cleaned if d["stem"]], existing)
    duplicates = [
        [row[1], f"第{other[1]}行" if other[0] == "row" else f"题库：{stems[other][:60]}", similarity]
        for row, other, similarity in pairs
    ]
    if errors:
        return BankImport.objects.create(org=org, actor=user, filename=filename[:200], rows=len(rows),
                                         errors=errors, duplicates=duplicates)
    with transaction.atomic():
        created = Question.objects.bulk_create([Question(org=org, created_by=user, **d) for _, d in cleaned])
        record = BankImport.objects.create(org=org, actor=user, filename=filename[:200], rows=len(rows),
                                           accepted=True, created=len(created), duplicates=duplicates)
        audit.record(actor=actor, action="question.import", target=record, org=org,
                     changes={"created": [0, len(created)], "duplicates": [0, len(duplicates)]})
    return record
