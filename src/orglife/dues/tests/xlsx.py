"""Building payment-list workbooks in tests."""

import io

import openpyxl

HEADER = ["姓名", "公民身份号码", "所属月份", "应交金额（元）", "实交金额（元）", "交纳日期", "交纳方式"]


def workbook(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党费交纳名单"
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read(data: bytes, sheet: str | None = None) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]
