"""Roster import/export pages: upload, result, error report, template, export."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orglife.conftest import member_data
from orglife.core.models import Role
from orglife.orgs import roster_io, services
from orglife.orgs.models import Member, RosterImport
from orglife.orgs.tests.test_roster_import import read_table, roster_file, run
from orglife.orgs.validation import FIELDS

XLSX = roster_io.XLSX_TYPE


def upload(rows=None, name="花名册.xlsx", data: bytes | None = None) -> SimpleUploadedFile:
    if data is None:
        data = roster_file(*(rows or [])).getvalue()
    return SimpleUploadedFile(name, data, content_type=XLSX)


def import_url(code="ZB1"):
    return reverse("roster_import", args=[code])


def result_url(record):
    return reverse("import_result", args=[record.pk])


def errors_url(record):
    return reverse("import_errors_xlsx", args=[record.pk])


def export_url(code="ZB1"):
    return reverse("roster_export", args=[code])


def rejected(demo, org=None):
    return run(roster_file(member_data("ZB9")), org or demo.zb1, actor=demo.secretary)


def accepted(demo):
    return run(roster_file(member_data("ZB1")), demo.zb1, actor=demo.secretary)


# ---------------------------------------------------------------- upload page


def test_it_shows_the_upload_form(client, demo):
    client.force_login(demo.secretary)
    response = client.get(import_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_file">选择花名册文件（.xlsx）</label>' in html
    assert 'enctype="multipart/form-data"' in html
    assert '<button type="submit">导入</button>' in html
    assert reverse("roster_template") in html


def test_it_lists_recent_imports(client, demo):
    record = rejected(demo)
    client.force_login(demo.secretary)
    response = client.get(import_url())
    assert result_url(record) in response.content.decode()


def test_it_imports_and_redirects_to_the_result(client, demo):
    row = member_data("ZB1", name="钱七")
    client.force_login(demo.secretary)
    response = client.post(import_url(), {"file": upload([row])})

    record = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == result_url(record)
    assert record.accepted and record.actor == demo.secretary and record.filename == "花名册.xlsx"
    assert Member.objects.get(id_number=row["id_number"]).name == "钱七"


def test_it_redirects_a_rejected_file_to_its_errors(client, demo):
    client.force_login(demo.secretary)
    response = client.post(
        import_url(), {"file": upload([member_data("ZB1"), member_data("ZB2")])}, follow=True
    )

    html = response.content.decode()
    assert "导入失败" in html and "文件中有错误，未导入任何数据" in html
    assert "党组织“第二党支部”（ZB2）不属于“第一党支部”，不能在此导入" in html
    assert Member.objects.filter(org=demo.zb1).count() == 2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("名单.csv", b"name,id\n", "请上传 Excel 2007 及以上版本的 .xlsx 文件"),
        (
            "名单.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "请上传 Excel 2007 及以上版本的 .xlsx 文件",
        ),
        ("名单.xlsx", "姓名,公民身份号码\n".encode(), "文件不是 Excel（.xlsx）格式"),
        ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Excel（.xls）"),
    ],
)
def test_it_refuses_uploads_that_are_not_xlsx(client, demo, name, data, message):
    client.force_login(demo.secretary)
    response = client.post(import_url(), {"file": SimpleUploadedFile(name, data)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_refuses_a_missing_file(client, demo):
    client.force_login(demo.secretary)
    response = client.post(import_url(), {})
    assert "请选择要导入的花名册文件" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_it_refuses_files_over_the_limit(client, demo, settings):
    settings.ORGLIFE_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(demo.secretary)
    data = b"PK\x03\x04" + b"\0" * (1024 * 1024)
    response = client.post(import_url(), {"file": upload(data=data)})

    assert "文件过大：不能超过 1 MB" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_officer_imports_into_a_branch_below(client, demo):
    client.force_login(demo.officer)
    response = client.post(import_url("ZB2"), {"file": upload([member_data("ZB2")])})
    assert response.status_code == 302
    assert RosterImport.objects.get().accepted


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", "ZB1"),
        ("outsider", "ZB1"),
        ("secretary", "ZB2"),
        ("secretary", "ZZ"),
        ("officer", "ZB3"),
    ],
)
def test_it_forbids_upload_without_manage_rights(client, demo, persona, code):
    client.force_login(getattr(demo, persona))
    assert client.get(import_url(code)).status_code == 403
    response = client.post(import_url(code), {"file": upload([member_data(code)])})
    assert response.status_code == 403
    assert not RosterImport.objects.exists()


def test_viewers_cannot_import(client, demo):
    services.grant_role(actor=None, user=demo.outsider, org=demo.zb1, role=Role.VIEWER)
    client.force_login(demo.outsider)
    assert client.get(import_url()).status_code == 403


def test_it_404s_for_an_unknown_org(client, demo):
    client.force_login(demo.admin)
    assert client.get(import_url("NOPE")).status_code == 404
    assert client.get(export_url("NOPE")).status_code == 404


def test_it_rejects_other_methods(client, demo):
    client.force_login(demo.secretary)
    assert client.put(import_url()).status_code == 405
    assert client.delete(import_url()).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        lambda: import_url(),
        lambda: export_url(),
        lambda: reverse("roster_template"),
        lambda: reverse("import_result", args=[1]),
        lambda: reverse("import_errors_xlsx", args=[1]),
    ],
)
def test_it_sends_anonymous_users_to_login(client, demo, url):
    response = client.get(url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# ---------------------------------------------------------------- result page


def test_result_shows_counts(client, demo):
    run(roster_file(member_data("ZB1")), demo.zb1)
    row = member_data("ZB1")
    record = run(
        roster_file(
            row,
            roster_io.member_row(demo.m1),
            roster_io.member_row(demo.m2) | {"phone": "13900000000"},
        ),
        demo.zb1,
        actor=demo.secretary,
    )
    client.force_login(demo.secretary)
    html = client.get(result_url(record)).content.decode()

    assert "<h1>导入成功</h1>" in html
    assert "<dt>新增</dt><dd>1 人</dd>" in html
    assert "<dt>更新</dt><dd>1 人</dd>" in html
    assert "<dt>未变</dt><dd>1 人</dd>" in html
    assert "未导入任何数据" not in html
    assert errors_url(record) not in html


def test_result_lists_every_error(client, demo):
    record = run(
        roster_file(member_data("ZB9"), member_data("ZB1", category="党员")),
        demo.zb1,
        actor=demo.secretary,
    )
    client.force_login(demo.secretary)
    html = client.get(result_url(record)).content.decode()

    assert "<h1>导入失败</h1>" in html
    assert "文件中有错误，未导入任何数据" in html
    assert "<tr><td>2</td><td>所在党组织编码</td>" in html
    assert "<tr><td>3</td><td>人员类别</td>" in html
    assert html.count("<tr><td>") == len(record.errors) == 2
    assert 'class="table-wrap"' in html
    assert errors_url(record) in html


def test_result_shows_file_level_errors(client, demo):
    import io

    record = run(io.BytesIO(b"not a spreadsheet"), demo.zb1, actor=demo.secretary)
    client.force_login(demo.secretary)
    html = client.get(result_url(record)).content.decode()
    assert "<tr><td>—</td><td>—</td>" in html and "不是 Excel（.xlsx）格式" in html


def test_result_is_visible_to_managers_above(client, demo):
    record = accepted(demo)
    client.force_login(demo.officer)
    assert client.get(result_url(record)).status_code == 200


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_result_is_forbidden_to_others(client, demo, persona):
    record = accepted(demo)
    client.force_login(getattr(demo, persona))
    assert client.get(result_url(record)).status_code == 403
    assert client.get(errors_url(rejected(demo))).status_code == 403


def test_result_of_a_parent_org_is_forbidden_to_a_branch_secretary(client, demo):
    record = run(roster_file(member_data("ZB2")), demo.zz, actor=demo.officer)
    client.force_login(demo.secretary)
    assert client.get(result_url(record)).status_code == 403


def test_result_404s_for_unknown_imports(client, demo):
    client.force_login(demo.admin)
    assert client.get(reverse("import_result", args=[99999])).status_code == 404


def test_result_rejects_post(client, demo):
    record = accepted(demo)
    client.force_login(demo.secretary)
    assert client.post(result_url(record)).status_code == 405


# ---------------------------------------------------------------- error report, template, export


def test_error_report_downloads_every_error(client, demo):
    record = rejected(demo)
    client.force_login(demo.secretary)
    response = client.get(errors_url(record))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert read_table(response.content) == [
        ("行号", "列", "问题"),
        (2, "所在党组织编码", "党组织编码“ZB9”不存在"),
    ]


def test_error_report_404s_for_an_accepted_import(client, demo):
    record = accepted(demo)
    client.force_login(demo.secretary)
    assert client.get(errors_url(record)).status_code == 404


def test_error_report_rejects_post(client, demo):
    client.force_login(demo.secretary)
    assert client.post(errors_url(rejected(demo))).status_code == 405


def test_template_downloads(client, demo):
    client.force_login(demo.member)
    response = client.get(reverse("roster_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert read_table(response.content)[0][0] == "姓名*"
    assert client.post(reverse("roster_template")).status_code == 405


def test_export_gives_managers_full_data(client, demo):
    client.force_login(demo.secretary)
    response = client.get(export_url())

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "no-store" in response["Cache-Control"]
    ids = {row[FIELDS.index("id_number")] for row in read_table(response.content)[1:]}
    assert ids == {demo.m1.id_number, demo.m2.id_number}


def test_export_masks_data_for_viewers(client, demo):
    services.grant_role(actor=None, user=demo.outsider, org=demo.zz, role=Role.VIEWER)
    client.force_login(demo.outsider)
    response = client.get(export_url("ZZ"))

    assert response.status_code == 200
    ids = {row[FIELDS.index("id_number")] for row in read_table(response.content)[1:]}
    assert ids == {demo.m1.masked_id, demo.m2.masked_id}


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("member", "ZB1"),
        ("outsider", "ZB1"),
        ("secretary", "ZB2"),
        ("officer", "ZB3"),
        ("officer", "DW"),
    ],
)
def test_export_is_forbidden_outside_scope(client, demo, persona, code):
    client.force_login(getattr(demo, persona))
    assert client.get(export_url(code)).status_code == 403


def test_export_rejects_post(client, demo):
    client.force_login(demo.secretary)
    assert client.post(export_url()).status_code == 405


def test_export_with_a_non_recursive_grant_leaves_out_the_subtree(client, demo):
    services.grant_role(actor=None, user=demo.outsider, org=demo.dw, role=Role.VIEWER, recursive=False)
    client.force_login(demo.outsider)
    response = client.get(export_url("DW"))

    assert response.status_code == 200
    assert read_table(response.content)[1:] == []  # DW itself has no members; ZB1–ZB3 are not covered


def test_export_of_a_party_group_lists_its_members(client, demo):
    import io

    import openpyxl
    client.force_login(demo.secretary)
    r = client.get(reverse("roster_export", args=["XZ1"]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["李四"]


def test_a_roster_too_large_for_the_web_is_refused_with_a_message(client, demo, settings):
    settings.ORGLIFE_MAX_EXPORT_ROWS = 1
    client.force_login(demo.secretary)
    r = client.get(reverse("roster_export", args=["ZB1"]), follow=True)
    assert "名册超过 1 人，请从下级组织分别导出" in r.content.decode()
