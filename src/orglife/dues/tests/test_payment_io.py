"""Payment-list import: all-or-nothing with per-row errors, idempotent, the month's template
round-trips, and the export."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from orglife.core.models import AuditEvent
from orglife.dues import payment_io
from orglife.dues.models import DuesImport, DuesPayment

from .conftest import months_ago
from .xlsx import read, workbook

pytestmark = pytest.mark.django_db


def run(demo, data, today, prepay=False, org=None):
    return payment_io.import_payments(actor=demo.secretary, org=org or demo.zb1, fileobj=io.BytesIO(data),
                                      filename="名单.xlsx", prepay=prepay, today=today)


def test_the_template_lists_the_month_and_round_trips(dues, today):
    month = months_ago(0, today)
    rows = read(payment_io.template_xlsx(dues.zb1, month))
    assert rows[0][:3] == ["姓名", "公民身份号码", "所属月份"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"李四", "王五"}
    assert by_name["李四"][4] == 40 and by_name["王五"][4] is None  # 李四 already paid
    record = run(dues, payment_io.template_xlsx(dues.zb1, month), today)
    assert record.accepted and (record.created, record.unchanged) == (0, 1)


def test_it_imports_and_a_second_import_changes_nothing(dues, today):
    month = months_ago(0, today)
    data = workbook([["王五", dues.m2.id_number, f"{month:%Y-%m}", 15, "15", today.isoformat(), "银行转账"],
                     ["李四", dues.m1.id_number, f"{month:%Y-%m}", 40, None, None, None]])
    record = run(dues, data, today)
    assert record.accepted and (record.created, record.updated, record.unchanged) == (1, 0, 0)  # blank row: not paid
    p = DuesPayment.objects.get(member=dues.m2)
    assert (p.amount, p.method, p.batch_id, p.recorded_by) == (Decimal("15.00"), "bank", record.pk, dues.secretary)
    again = run(dues, data, today)
    assert again.accepted and (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert DuesPayment.objects.filter(member=dues.m2).count() == 1
    assert AuditEvent.objects.filter(action="dues.import").count() == 2


def test_a_changed_row_updates_the_payment(dues, today):
    month = months_ago(0, today)
    row = ["王五", dues.m2.id_number, f"{month:%Y-%m}", 15, 15, today, "现金"]
    run(dues, workbook([row]), today)
    row[4] = 20
    record = run(dues, workbook([row]), today)
    assert record.updated == 1 and DuesPayment.objects.get(member=dues.m2).amount == 20


def test_any_error_rejects_the_whole_file_with_row_errors(dues, today):
    month = months_ago(0, today)
    old = months_ago(7, today)
    data = workbook([
        ["王五", dues.m2.id_number, f"{months_ago(1, today):%Y-%m}", 15, 15, today, "现金"],  # fine
        ["王五", dues.m2.id_number, f"{old:%Y-%m}", 15, 15, today, "现金"],  # beyond 6 months
        ["赵六", dues.m3.id_number, f"{month:%Y-%m}", 0.2, 0.2, today, "现金"],  # another branch
        ["张冠", dues.m2.id_number, f"{month:%Y-%m}", 15, 15, today, "现金"],  # wrong name
        ["王五", dues.m2.id_number, "十一月", 15, 15, today, "现金"],  # bad month
        ["王五", dues.m2.id_number, f"{months_ago(2, today):%Y-%m}", 15, 10, today, "现金"],  # less than due
        ["王五", dues.m2.id_number, f"{months_ago(3, today):%Y-%m}", 15, 15, "昨天", "支票"],  # date, method
        ["王五", dues.m2.id_number, f"{months_ago(1, today):%Y-%m}", 15, 15, today, "现金"],  # duplicate
        ["王五", dues.m2.id_number, f"{months_ago(4, today):%Y-%m}", 15, 15, today + dt.timedelta(days=1), "现金"],
    ])
    record = run(dues, data, today)
    assert not record.accepted
    messages = {(row, col): msg for row, col, msg in record.errors}
    assert "补交党费一般不超过6个月" in messages[(3, "所属月份")]
    assert "不是本支部在册党员" in messages[(4, "公民身份号码")]
    assert "不一致" in messages[(5, "姓名")]
    assert "格式应为" in messages[(6, "所属月份")]
    assert "不能少于应交金额" in messages[(7, "实交金额（元）")]
    assert "格式应为" in messages[(8, "交纳日期")] and "交纳方式" in messages[(8, "交纳方式")]
    assert "第2行已出现" in messages[(9, "所属月份")]
    assert "不能晚于今天" in messages[(10, "交纳日期")]
    assert not DuesPayment.objects.filter(member=dues.m2).exists()
    report = read(payment_io.error_report_xlsx(record))
    assert report[0] == ["行号", "列", "问题"] and len(report) == len(record.errors) + 1
    assert AuditEvent.objects.filter(action="dues.import_rejected").exists()


def test_prepaid_months_need_the_consent_box(dues, today):
    ahead = months_ago(-1, today)
    data = workbook([["王五", dues.m2.id_number, f"{ahead:%Y-%m}", 15, 15, today, "现金"]])
    assert not run(dues, data, today).accepted
    assert run(dues, data, today, prepay=True).accepted


@pytest.mark.parametrize(("data", "text"), [
    (b"", "文件是空的"),
    (b"hello world", "不是 Excel"),
    (b"PK\x03\x04broken", "无法读取文件"),
    (workbook([], header=["甲", "乙"]), "没有找到表头"),
    (workbook([], header=["姓名", "公民身份号码"]), "表头缺少必需的列：所属月份"),
    (workbook([]), "没有数据行"),
])
def test_bad_files_are_rejected_with_a_reason(dues, today, data, text):
    record = run(dues, data, today)
    assert not record.accepted and text in record.errors[0][2]
    assert DuesImport.objects.filter(accepted=False).count() == 1


def test_the_export_has_the_summary_and_the_detail(dues, today):
    month = months_ago(0, today)
    data = payment_io.export_xlsx(dues.dw, month, dues.admin, today, limit=1000)
    summary = read(data, "汇总")
    assert summary[-1][0] == "合计" and summary[-1][1] == 3
    detail = read(data, "明细")
    names = [r[1] for r in detail[1:]]
    assert sorted(names) == ["李四", "王五", "赵六"]
    assert all(dues.m1.id_number not in str(r) for r in detail)  # no personal data
    limited = read(payment_io.export_xlsx(dues.dw, month, dues.admin, today, limit=1), "明细")
    assert "请从下级组织分别导出" in limited[-1][0] and len(limited) == 2
