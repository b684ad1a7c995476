"""Study plan services: plans, items, materials and self-study confirmation."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orglife.core.models import AuditEvent
from orglife.orgs.services import ServiceError
from orglife.study import plan_services
from orglife.study.plan_models import Material, StudyConfirmation, StudyItem

from .plan_support import YEAR, exam, item, plan, published_plan, study_meeting

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_plan_is_created_once_per_year(demo):
    plan(demo.zb1)
    with pytest.raises(ServiceError) as e:
        plan(demo.zb1)
    assert "已有" in e.value.errors["year"]
    assert AuditEvent.objects.filter(action="study.plan_create").count() == 1


def test_a_party_group_has_no_plan_of_its_own(demo):
    with pytest.raises(ServiceError):
        plan(demo.xz1)


def test_publishing_needs_an_item_and_is_idempotent(demo):
    p = plan(demo.zb1)
    with pytest.raises(ServiceError) as e:
        plan_services.plan_publish(actor=None, plan=p)
    assert "还没有学习事项" in e.value.errors["plan"]
    item(p)
    plan_services.plan_publish(actor=demo.secretary, plan=p)
    first = type(p).objects.get(pk=p.pk).published_at
    plan_services.plan_publish(actor=demo.secretary, plan=p)
    assert type(p).objects.get(pk=p.pk).published_at == first
    assert AuditEvent.objects.filter(action="study.plan_publish").count() == 1


@pytest.mark.parametrize("data,field", [
    ({"topic": ""}, "topic"),
    ({"due_on": dt.date(YEAR + 1, 1, 1)}, "due_on"),
    ({"due_on": None}, "due_on"),
    ({"hours": "abc"}, "hours"),
    ({"hours": Decimal("-1")}, "hours"),
    ({"hours": Decimal("100")}, "hours"),
    ({"item_type": "nap"}, "item_type"),
    ({"audience": "party_group"}, "party_group"),
])
def test_bad_items_are_refused_with_a_message(demo, data, field):
    p = plan(demo.zb1)
    with pytest.raises(ServiceError) as e:
        item(p, **data)
    assert field in e.value.errors
    assert not StudyItem.objects.exists()


def test_a_party_group_of_another_branch_is_refused(demo):
    from orglife.orgs import services

    other = services.org_create(actor=None, parent=demo.zb2, code="XZ2", name="二支部党小组", kind="party_group")
    with pytest.raises(ServiceError) as e:
        item(plan(demo.zb1), audience="party_group", party_group=other)
    assert "不属于" in e.value.errors["party_group"]
    assert item(plan(demo.zb2), audience="party_group", party_group=other).party_group == other


def test_evidence_links_must_fit_the_type_and_the_organization(demo):
    p = plan(demo.zb1)
    mine = study_meeting(demo.zb1, present=[demo.m1], submit=False)
    theirs = study_meeting(demo.zb3, present=[demo.m3], submit=False)
    with pytest.raises(ServiceError) as e:
        item(p, item_type="self_study", meeting=mine)
    assert "meeting" in e.value.errors
    with pytest.raises(ServiceError) as e:
        item(p, item_type="discussion", meeting=theirs)
    assert "不是" in e.value.errors["meeting"]
    with pytest.raises(ServiceError) as e:
        item(p, item_type="discussion", exam=exam(demo.zb1))
    assert "exam" in e.value.errors
    with pytest.raises(ServiceError):
        item(p, item_type="test", exam=exam(demo.zb3))
    assert item(p, item_type="discussion", meeting=mine).meeting == mine
    assert item(p, item_type="test", exam=exam(demo.dw)).exam.org == demo.dw  # an exam set above counts


def test_item_update_is_audited_with_a_diff(demo):
    it = item(plan(demo.zb1))
    data = {k: getattr(it, k) for k in plan_services.ITEM_FIELDS}
    plan_services.item_update(actor=demo.secretary, item=it, data={**data, "topic": "学习新党章", "hours": "3"})
    it.refresh_from_db()
    assert it.topic == "学习新党章" and it.hours == Decimal("3.0")
    event = AuditEvent.objects.get(action="study.item_update")
    assert event.changes["topic"] == ["学习党章", "学习新党章"]


def test_confirmation(demo):
    _p, it = published_plan(demo.zb1)
    done = plan_services.confirm(actor=demo.member, item=it, member=demo.m1, note="学习了党章总纲")
    assert done.note == "学习了党章总纲"
    with pytest.raises(ServiceError) as e:
        plan_services.confirm(actor=demo.member, item=it, member=demo.m1, note="again")
    assert "已确认" in e.value.errors["note"]
    assert StudyConfirmation.objects.count() == 1
    assert AuditEvent.objects.filter(action="study.confirm").count() == 1


@pytest.mark.parametrize("case", ["blank", "long", "unpublished", "meeting_item", "not_audience", "other_branch"])
def test_confirmation_refusals(demo, case):
    p = plan(demo.zb1, published=False)
    it = item(p, item_type="discussion" if case == "meeting_item" else "self_study",
              audience="leading_cadres" if case == "not_audience" else "org")
    if case != "unpublished":
        plan_services.plan_publish(actor=None, plan=p)
        it.refresh_from_db()
    member = demo.m3 if case == "other_branch" else demo.m1
    note = {"blank": "  ", "long": "字" * 501}.get(case, "学了")
    with pytest.raises(ServiceError):
        plan_services.confirm(actor=None, item=it, member=member, note=note)
    assert not StudyConfirmation.objects.exists()


def test_a_plan_above_reaches_members_below_and_group_items_reach_the_group(demo):
    _p, above = published_plan(demo.dw, topic="党委统一学习")
    plan_services.confirm(actor=None, item=above, member=demo.m1, note="学了")
    _p2, group_item = published_plan(demo.zb1, audience="party_group", party_group=demo.xz1)
    plan_services.confirm(actor=None, item=group_item, member=demo.m1, note="学了")  # m1 is in XZ1
    with pytest.raises(ServiceError):
        plan_services.confirm(actor=None, item=group_item, member=demo.m2, note="学了")  # m2 is not


def test_item_with_confirmations_cannot_be_deleted(demo):
    _p, it = published_plan(demo.zb1)
    plan_services.confirm(actor=None, item=it, member=demo.m1, note="学了")
    with pytest.raises(ServiceError):
        plan_services.item_delete(actor=None, item=it)
    other = item(it.plan, topic="另一项")
    plan_services.item_delete(actor=demo.secretary, item=other)
    assert not StudyItem.objects.filter(pk=other.pk).exists()


def test_materials_of_each_kind(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    it = item(plan(demo.zb1))
    plan_services.material_add(actor=None, item=it, kind="text", title="原文", body="第一章 党员")
    plan_services.material_add(actor=None, item=it, kind="link", title="学习强国", url="https://www.xuexi.cn/")
    pdf = plan_services.material_add(actor=None, item=it, kind="file", upload=SimpleUploadedFile("党章.pdf", PDF))
    assert pdf.title == "党章.pdf" and pdf.content_type == "application/pdf" and pdf.is_pdf
    assert Material.objects.filter(item=it).count() == 3
    assert AuditEvent.objects.filter(action="study.material_add").count() == 3


@pytest.mark.parametrize("kwargs,field", [
    ({"kind": "text", "title": "t", "body": ""}, "body"),
    ({"kind": "link", "title": "t", "url": ""}, "url"),
    ({"kind": "link", "title": "t", "url": "javascript:alert(1)"}, "url"),
    ({"kind": "file", "title": "t"}, "file"),
    ({"kind": "file", "upload": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")}, "file"),
    ({"kind": "text", "title": "", "body": "x"}, "title"),
])
def test_bad_materials_are_refused(demo, kwargs, field, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    it = item(plan(demo.zb1))
    if "upload" in kwargs:
        kwargs["upload"].seek(0)
    with pytest.raises(ServiceError) as e:
        plan_services.material_add(actor=None, item=it, **kwargs)
    assert field in e.value.errors
    assert not Material.objects.exists()


def test_too_large_files_are_refused(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ORGLIFE_MAX_UPLOAD_BYTES = 100
    it = item(plan(demo.zb1))
    with pytest.raises(ServiceError) as e:
        plan_services.material_add(actor=None, item=it, kind="file", upload=SimpleUploadedFile("a.pdf", PDF + b" " * 200))
    assert "文件过大" in e.value.errors["file"]


def test_material_delete_removes_the_file(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    it = item(plan(demo.zb1))
    m = plan_services.material_add(actor=None, item=it, kind="file", upload=SimpleUploadedFile("a.pdf", io.BytesIO(PDF).read()))
    path = m.file.path
    plan_services.material_delete(actor=None, material=m)
    import os

    assert not os.path.exists(path) and not Material.objects.exists()
