"""Checklists as data: the shipped YAML, YAML and xlsx loading (all or nothing), the command."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from orglife.core.models import AuditEvent
from orglife.inspection import auto_checks
from orglife.inspection import campaign_services as cs
from orglife.inspection.models import Checklist, ChecklistItem

pytestmark = pytest.mark.django_db

SHIPPED = cs.CHECKLISTS_DIR / "branch_standardization.yaml"

SMALL = """
code: demo_list
version: "1"
title: 测试清单
source: 测试来源
categories:
  - name: 分类一
    items:
      - {id: a.1, text: 条目一, source: 第1条}
      - {id: a.2, text: 条目二, source: 第2条, weight: 3, answer_type: text}
"""


def test_the_shipped_checklist_loads_every_item_with_a_source():
    checklist = cs.checklist_load_file(actor=None, path=SHIPPED)
    items = list(checklist.items.all())
    assert checklist.code == "branch_standardization" and len(items) >= 10
    assert all(i.source for i in items)
    autos = {i.auto for i in items if i.auto}
    assert autos >= {"committee_set_up", "term_not_expired", "meetings_committee", "meetings_group",
                     "meetings_theme_day", "meetings_assembly"}
    assert autos <= set(auto_checks.REGISTRY)
    assert AuditEvent.objects.filter(action="checklist.load", target_id=str(checklist.pk)).exists()


def test_yaml_items_keep_ids_order_weight_and_answer_type():
    checklist = cs.checklist_load_yaml(actor=None, text=SMALL)
    a1, a2 = checklist.items.order_by("position")
    assert (a1.item_id, a1.category, a1.weight, a1.answer_type) == ("a.1", "分类一", 1, "yes_no")
    assert (a2.item_id, a2.weight, a2.answer_type) == ("a.2", 3, "text")


def test_a_version_is_loaded_once_and_a_new_version_is_a_new_checklist():
    cs.checklist_load_yaml(actor=None, text=SMALL)
    with pytest.raises(cs.ChecklistRejected, match="已载入"):
        cs.checklist_load_yaml(actor=None, text=SMALL)
    cs.checklist_load_yaml(actor=None, text=SMALL.replace('version: "1"', 'version: "2"'))
    assert Checklist.objects.filter(code="demo_list").count() == 2


def test_a_yaml_item_without_a_source_rejects_the_whole_list():
    bad = SMALL.replace("{id: a.2, text: 条目二, source: 第2条", "{id: a.2, text: 条目二")
    with pytest.raises(cs.ChecklistRejected) as exc:
        cs.checklist_load_yaml(actor=None, text=bad)
    assert exc.value.errors[0][:2] == [2, "依据"]
    assert not Checklist.objects.exists()


def xlsx(rows, header=("分类", "条目编号", "检查内容", "权重", "检查说明", "依据", "答题方式", "自动检查")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


META = {"code": "issued", "version": "2026", "title": "上级下发清单", "source": "某党委 2026年1号文"}


def test_an_xlsx_checklist_is_imported():
    f = xlsx([("作风", "z.1", "是否存在圈子文化", 2, "", "上级文件第一条", "有/无问题", ""),
              ("组织", "z.2", "支委会设置", None, "", "条例第21条", "", "committee_set_up")])
    checklist = cs.checklist_import_xlsx(actor=None, fileobj=f, **META)
    assert [(i.item_id, i.weight, i.auto) for i in checklist.items.order_by("position")] == [
        ("z.1", 2, ""), ("z.2", 1, "committee_set_up")]


def test_an_xlsx_with_errors_is_rejected_whole_with_an_error_per_row():
    f = xlsx([("作风", "z.1", "条目一", 1, "", "出处", "", ""),
              ("作风", "z.1", "条目重复", "多", "", "", "选择题", "no_such_check"),
              ("", "z.3", "", 1, "", "出处", "", "")])
    with pytest.raises(cs.ChecklistRejected) as exc:
        cs.checklist_import_xlsx(actor=None, fileobj=f, **META)
    by_row = {}
    for row, column, _message in exc.value.errors:
        by_row.setdefault(row, []).append(column)
    assert sorted(by_row[3]) == sorted(["依据", "条目编号", "权重", "答题方式", "自动检查"])
    assert sorted(by_row[4]) == ["分类", "检查内容"]
    assert 2 not in by_row
    assert not ChecklistItem.objects.exists() and not Checklist.objects.exists()


def test_an_xlsx_without_the_required_columns_or_not_an_xlsx_is_rejected():
    with pytest.raises(cs.ChecklistRejected, match="缺少"):
        cs.checklist_import_xlsx(actor=None, fileobj=xlsx([], header=("分类", "条目编号")), **META)
    with pytest.raises(cs.ChecklistRejected, match="不是 Excel"):
        cs.checklist_import_xlsx(actor=None, fileobj=io.BytesIO(b"hello"), **META)


def test_the_command_loads_yaml_and_reports_errors(tmp_path):
    call_command("load_checklist", str(SHIPPED), stdout=io.StringIO())
    assert Checklist.objects.filter(code="branch_standardization").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("source: 第1条", "source: ''"), encoding="utf-8")
    with pytest.raises(CommandError, match="第1行 依据"):
        call_command("load_checklist", str(bad))
