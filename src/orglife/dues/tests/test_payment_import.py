"""The import page, its result page, the error report and the month's template download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orglife.dues.models import DuesImport, DuesPayment

from .conftest import months_ago
from .xlsx import read, workbook

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data, name="名单.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def good(dues, today):
    return workbook([["王五", dues.m2.id_number, f"{today:%Y-%m}", 15, 15, today, "现金"]])


def test_it_shows_the_form(client, dues):
    client.force_login(dues.secretary)
    r = client.get("/dues/org/ZB1/import/")
    assert r.status_code == 200 and "下载本月名单模板" in r.content.decode()


def test_it_imports_and_shows_the_result(client, dues, today):
    client.force_login(dues.secretary)
    r = client.post("/dues/org/ZB1/import/", {"file": upload(good(dues, today))})
    record = DuesImport.objects.get()
    assert r.status_code == 302 and r.url == f"/dues/import/{record.pk}/"
    page = client.get(r.url).content.decode()
    assert "导入成功" in page and DuesPayment.objects.filter(member=dues.m2).exists()


def test_a_rejected_file_shows_the_errors_and_the_report(client, dues, today):
    client.force_login(dues.secretary)
    bad = workbook([["王五", dues.m2.id_number, f"{months_ago(9, today):%Y-%m}", 15, 15, today, "现金"]])
    r = client.post("/dues/org/ZB1/import/", {"file": upload(bad)}, follow=True)
    text = r.content.decode()
    assert "导入失败" in text and "补交党费一般不超过6个月" in text and "未导入任何数据" in text
    record = DuesImport.objects.get()
    report = client.get(f"/dues/import/{record.pk}/errors.xlsx")
    assert report.status_code == 200 and report["Content-Type"] == XLSX
    assert read(report.content)[1][0] == 2


def test_the_report_of_an_accepted_import_is_404(client, dues, today):
    client.force_login(dues.secretary)
    client.post("/dues/org/ZB1/import/", {"file": upload(good(dues, today))})
    record = DuesImport.objects.get()
    assert client.get(f"/dues/import/{record.pk}/errors.xlsx").status_code == 404


@pytest.mark.parametrize(("name", "data", "text"), [
    ("名单.xls", b"\xd0\xcf\x11\xe0xxxx", ".xlsx"),
    ("名单.xlsx", b"not a zip", "不是 Excel"),
])
def test_the_form_checks_type(client, dues, name, data, text):
    client.force_login(dues.secretary)
    r = client.post("/dues/org/ZB1/import/", {"file": upload(data, name)})
    assert r.status_code == 400 and text in r.content.decode()
    assert not DuesImport.objects.exists()


def test_the_form_checks_size(client, dues, settings):
    settings.ORGLIFE_MAX_UPLOAD_BYTES = 10
    client.force_login(dues.secretary)
    r = client.post("/dues/org/ZB1/import/", {"file": upload(b"PK\x03\x04" + b"x" * 20)})
    assert r.status_code == 400 and "文件过大" in r.content.decode()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_non_managers_are_refused(client, dues, today, who):
    client.force_login(getattr(dues, who))
    assert client.get("/dues/org/ZB1/import/").status_code == 403
    assert client.post("/dues/org/ZB1/import/", {"file": upload(good(dues, today))}).status_code == 403
    assert client.get("/dues/org/ZB1/template.xlsx").status_code == 403


def test_wrong_org_is_refused(client, dues):
    client.force_login(dues.secretary)
    assert client.get("/dues/org/ZB3/import/").status_code == 403


def test_results_of_another_org_are_refused(client, dues, today):
    client.force_login(dues.secretary)
    client.post("/dues/org/ZB1/import/", {"file": upload(good(dues, today))})
    record = DuesImport.objects.get()
    client.force_login(dues.member)
    assert client.get(f"/dues/import/{record.pk}/").status_code == 403
    assert client.get(f"/dues/import/{record.pk}/errors.xlsx").status_code == 403


def test_wrong_methods(client, dues):
    client.force_login(dues.secretary)
    assert client.put("/dues/org/ZB1/import/").status_code == 405
    assert client.post("/dues/org/ZB1/template.xlsx").status_code == 405
    assert client.post("/dues/import/1/").status_code == 405


def test_the_template_download(client, dues, today):
    client.force_login(dues.secretary)
    r = client.get(f"/dues/org/ZB1/template.xlsx?month={today:%Y-%m}")
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    assert {row[0] for row in read(r.content)[1:]} == {"李四", "王五"}
