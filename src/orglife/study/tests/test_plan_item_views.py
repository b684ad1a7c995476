"""Item pages: /study/items/<pk>/ (detail, materials, confirmation), edit, delete, materials."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orglife.core.models import AuditEvent
from orglife.study import plan_services
from orglife.study.plan_models import Material, StudyConfirmation, StudyItem

from .plan_support import YEAR, item, plan, published_plan

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("persona,status", [
    ("member", 200), ("secretary", 200), ("officer", 200), ("admin", 200), ("outsider", 403),
])
def test_the_item_page_is_scoped(client, demo, persona, status):
    _p, it = published_plan(demo.zb1)
    client.force_login(getattr(demo, persona))
    assert client.get(reverse("study_item", args=[it.pk])).status_code == status


def test_members_outside_the_audience_or_before_publishing_get_403(client, demo):
    unpublished = item(plan(demo.zb1, published=False))
    _p, cadres = published_plan(demo.zb2, audience="leading_cadres")
    client.force_login(demo.member)
    assert client.get(reverse("study_item", args=[unpublished.pk])).status_code == 403
    assert client.get(reverse("study_item", args=[cadres.pk])).status_code == 403
    assert client.get(reverse("study_item", args=[999999])).status_code == 404


def test_a_member_reads_the_material_and_confirms(client, demo):
    _p, it = published_plan(demo.zb1, hours="2.5")
    plan_services.material_add(actor=None, item=it, kind="text", title="党章原文", body="第一章 党员")
    pdf = plan_services.material_add(actor=None, item=it, kind="file", upload=SimpleUploadedFile("党章.pdf", PDF))
    client.force_login(demo.member)
    body = client.get(reverse("study_item", args=[it.pk])).content.decode()
    assert "第一章 党员" in body and "阅读 PDF" in body and "确认已完成自学" in body and "删除资料" not in body
    r = client.get(reverse("study_material_file", args=[pdf.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r["Content-Disposition"].startswith("inline")
    assert b"".join(r.streaming_content) == PDF
    r = client.post(reverse("study_item_confirm", args=[it.pk]), {"note": "重温了入党誓词"})
    assert r.status_code == 302
    assert StudyConfirmation.objects.get().note == "重温了入党誓词"
    body = client.get(reverse("study_item", args=[it.pk])).content.decode()
    assert "已完成" in body and "重温了入党誓词" in body and "确认已完成自学" not in body


def test_a_blank_note_is_refused_and_nothing_is_saved(client, demo):
    _p, it = published_plan(demo.zb1)
    client.force_login(demo.member)
    r = client.post(reverse("study_item_confirm", args=[it.pk]), {"note": "   "})
    assert r.status_code == 400 and not StudyConfirmation.objects.exists()


@pytest.mark.parametrize("persona", ["secretary", "outsider", "officer"])
def test_only_the_member_confirms(client, demo, persona):
    _p, it = published_plan(demo.zb1)
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("study_item_confirm", args=[it.pk]), {"note": "x"}).status_code == 403
    assert not StudyConfirmation.objects.exists()


def test_the_secretary_adds_edits_and_deletes(client, demo):
    it = item(plan(demo.zb1))
    client.force_login(demo.secretary)
    r = client.post(reverse("study_material_new", args=[it.pk]), {"kind": "file", "title": "", "body": "", "url": "",
                                                                  "file": SimpleUploadedFile("党章.pdf", PDF)})
    assert r.status_code == 302 and Material.objects.get().title == "党章.pdf"
    r = client.post(reverse("study_material_new", args=[it.pk]), {"kind": "link", "title": "链接", "url": "ftp://x"})
    assert r.status_code == 400 and "http" in r.content.decode() and Material.objects.count() == 1
    r = client.post(reverse("study_material_new", args=[it.pk]),
                    {"kind": "file", "title": "病毒", "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00binary")})
    assert r.status_code == 400 and "文件类型不支持" in r.content.decode() and Material.objects.count() == 1
    assert client.get(reverse("study_item_edit", args=[it.pk])).status_code == 200
    r = client.post(reverse("study_item_edit", args=[it.pk]), {
        "item_type": "self_study", "topic": "改后的主题", "due_on": f"{YEAR}-05-01", "audience": "org", "hours": "3"})
    assert r.status_code == 302
    it.refresh_from_db()
    assert it.topic == "改后的主题"
    r = client.post(reverse("study_item_edit", args=[it.pk]), {"item_type": "self_study", "topic": "保留我", "due_on": "",
                                                               "audience": "org", "hours": "3"})
    assert r.status_code == 400 and "保留我" in r.content.decode()
    m = Material.objects.get()
    assert client.post(reverse("study_material_delete", args=[m.pk])).status_code == 302
    assert client.post(reverse("study_item_delete", args=[it.pk])).status_code == 302
    assert not StudyItem.objects.exists()
    assert AuditEvent.objects.filter(action="study.item_delete").exists()


@pytest.mark.parametrize("persona", ["member", "outsider", "officer"])
def test_writes_are_refused_for_others(client, demo, persona):
    _p, it = published_plan(demo.zb3 if persona == "officer" else demo.zb1)
    m = plan_services.material_add(actor=None, item=it, kind="text", title="t", body="b")
    client.force_login(getattr(demo, persona))
    assert client.post(reverse("study_material_new", args=[it.pk]), {"kind": "text", "title": "x", "body": "y"}).status_code == 403
    assert client.get(reverse("study_item_edit", args=[it.pk])).status_code == 403
    assert client.post(reverse("study_item_delete", args=[it.pk])).status_code == 403
    assert client.post(reverse("study_material_delete", args=[m.pk])).status_code == 403
    assert Material.objects.count() == 1 and StudyItem.objects.count() == 1


def test_material_files_are_scoped(client, demo):
    _p, it = published_plan(demo.zb3)
    m = plan_services.material_add(actor=None, item=it, kind="file", upload=SimpleUploadedFile("a.pdf", PDF))
    client.force_login(demo.member)
    assert client.get(reverse("study_material_file", args=[m.pk])).status_code == 403
    client.force_login(demo.outsider)
    assert client.get(reverse("study_material_file", args=[m.pk])).status_code == 403
    text = plan_services.material_add(actor=None, item=it, kind="text", title="t", body="b")
    client.force_login(demo.admin)
    assert client.get(reverse("study_material_file", args=[text.pk])).status_code == 404


def test_an_item_with_confirmations_is_kept(client, demo):
    _p, it = published_plan(demo.zb1)
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    client.force_login(demo.secretary)
    r = client.post(reverse("study_item_delete", args=[it.pk]), follow=True)
    assert "不能删除" in r.content.decode() and StudyItem.objects.exists()
    assert "李四" in client.get(reverse("study_item", args=[it.pk])).content.decode()  # who confirmed


def test_wrong_methods(client, demo):
    _p, it = published_plan(demo.zb1)
    m = plan_services.material_add(actor=None, item=it, kind="text", title="t", body="b")
    client.force_login(demo.secretary)
    assert client.post(reverse("study_item", args=[it.pk])).status_code == 405
    assert client.get(reverse("study_item_confirm", args=[it.pk])).status_code == 405
    assert client.get(reverse("study_item_delete", args=[it.pk])).status_code == 405
    assert client.get(reverse("study_material_new", args=[it.pk])).status_code == 405
    assert client.get(reverse("study_material_delete", args=[m.pk])).status_code == 405
    assert client.post(reverse("study_material_file", args=[m.pk])).status_code == 405
