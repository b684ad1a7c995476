"""manage.py import_roster FILE --org CODE."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from orglife.conftest import member_data
from orglife.orgs.models import Member, RosterImport
from orglife.orgs.tests.test_roster_import import roster_file


def write(tmp_path, *rows, name="roster.xlsx"):
    path = tmp_path / name
    path.write_bytes(roster_file(*rows).getvalue())
    return path


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_and_prints_counts(demo, tmp_path):
    row = member_data("ZB2")
    path = write(tmp_path, row)
    out, _ = call(str(path), "--org", "DW")

    assert "导入成功：新增 1，更新 0，未变 0" in out
    assert Member.objects.get(id_number=row["id_number"]).org == demo.zb2
    record = RosterImport.objects.get()
    assert record.actor is None and record.filename == "roster.xlsx"

    out, _ = call(str(path), "--org", "DW")
    assert "新增 0，更新 0，未变 1" in out


def test_it_reports_errors_to_stderr_and_fails(demo, tmp_path):
    path = write(tmp_path, member_data("ZB1"), member_data("ZB9"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="文件中有错误，未导入任何数据"):
        call_command("import_roster", str(path), "--org", "DW", stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0] == "行\t列\t问题"
    assert "3\t所在党组织编码\t党组织编码“ZB9”不存在" in lines
    assert Member.objects.count() == 3


def test_it_refuses_an_unknown_org(demo, tmp_path):
    with pytest.raises(CommandError, match="组织编码“NOPE”不存在"):
        call(str(write(tmp_path, member_data("ZB1"))), "--org", "NOPE")
    assert not RosterImport.objects.exists()


def test_it_refuses_a_missing_file(demo, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call(str(tmp_path / "missing.xlsx"), "--org", "DW")


def test_it_reports_a_file_that_is_not_xlsx(demo, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("姓名,公民身份号码\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--org", "DW", stdout=io.StringIO(), stderr=err)
    assert "-\t-\t文件不是 Excel（.xlsx）格式" in err.getvalue()


def test_it_exits_with_status_1_on_rejection(demo, tmp_path, capsys):
    path = write(tmp_path, member_data("ZB1", category="党员"))
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_roster", str(path), "--org", "ZB1"]).execute()

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "2\t人员类别\t人员类别“党员”无效" in err
    assert "文件中有错误，未导入任何数据" in err
