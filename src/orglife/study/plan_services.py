"""Every write to study plans, items, materials and confirmations. One transaction each, audited.
Callers check the actor's scope (views, API, seed); the services check the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orglife.core import audit
from orglife.meetings.services import sniff
from orglife.orgs.models import Member, Organization, OrgKind
from orglife.orgs.services import ServiceError

from . import plan_queries
from .plan_models import (
    EVIDENCE,
    Audience,
    ItemType,
    Material,
    MaterialKind,
    StudyConfirmation,
    StudyItem,
    StudyPlan,
)

ITEM_FIELDS = ["item_type", "topic", "description", "due_on", "audience", "party_group", "hours", "meeting", "exam"]
MAX_HOURS = Decimal("99.9")
NOTE_MAX = 500


def plan_create(*, actor, org: Organization, year: int, title: str = "") -> StudyPlan:
    if org.kind == OrgKind.PARTY_GROUP:
        raise ServiceError({"year": "党小组的学习安排请在所在党支部的学习计划中以“党小组”为学习对象添加"})
    if not 2000 <= year <= 2100:
        raise ServiceError({"year": "年度无效"})
    with transaction.atomic():
        try:
            with transaction.atomic():
                plan = StudyPlan.objects.create(org=org, year=year, title=title.strip()[:100], created_by=actor)
        except IntegrityError:
            raise ServiceError({"year": f"{org.name}已有{year}年度学习计划"}) from None
        audit.record(actor=actor, action="study.plan_create", target=plan, org=org, changes={"year": [None, year]})
    return plan


def plan_publish(*, actor, plan: StudyPlan) -> StudyPlan:
    with transaction.atomic():
        plan = StudyPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.is_published:
            return plan  # publishing twice is harmless
        if not plan.items.exists():
            raise ServiceError({"plan": "学习计划还没有学习事项，不能发布"})
        plan.published_at = timezone.now()
        plan.save(update_fields=["published_at"])
        audit.record(actor=actor, action="study.plan_publish", target=plan, org=plan.org)
    return plan


def _clean_item(plan: StudyPlan, data: dict[str, Any]) -> dict[str, Any]:
    """Check an item against its plan: the year, the audience, and evidence links that fit the
    type (a meeting of the organization's subtree; an exam of the organization, above or below)."""
    errors: dict[str, str] = {}
    clean = {k: data.get(k) for k in ITEM_FIELDS}
    clean["topic"] = (clean["topic"] or "").strip()
    clean["description"] = (clean["description"] or "").strip()
    if clean["item_type"] not in ItemType.values:
        errors["item_type"] = "请选择学习形式"
    if not clean["topic"]:
        errors["topic"] = "请填写学习主题"
    elif len(clean["topic"]) > 200:
        errors["topic"] = "学习主题不能超过200字"
    due = clean["due_on"]
    if not isinstance(due, dt.date):
        errors["due_on"] = "请填写完成时限"
    elif due.year != plan.year:
        errors["due_on"] = f"完成时限应在{plan.year}年内"
    try:
        hours = Decimal(str(clean["hours"] if clean["hours"] is not None else ""))
        if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
            raise InvalidOperation
        clean["hours"] = hours.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors["hours"] = "计入学时应为0至99.9之间的数字"
    audience = clean["audience"] or Audience.ORG
    clean["audience"] = audience
    group = clean["party_group"]
    if audience not in Audience.values:
        errors["audience"] = "请选择学习对象"
    elif audience == Audience.PARTY_GROUP:
        if group is None:
            errors["party_group"] = "学习对象为党小组时，请选择党小组"
        elif group.kind != OrgKind.PARTY_GROUP or not group.path.startswith(plan.org.path):
            errors["party_group"] = f"所选党小组不属于{plan.org.name}"
    else:
        clean["party_group"] = None
    evidence = EVIDENCE.get(clean["item_type"])
    meeting, exam = clean["meeting"], clean["exam"]
    if meeting is not None:
        if evidence != "meeting":
            errors["meeting"] = "只有研讨交流、专题党课和评学事项以会议出席作为完成依据"
        elif not meeting.org.path.startswith(plan.org.path):
            errors["meeting"] = f"所选会议不是{plan.org.name}或其下级组织的会议"
    if exam is not None:
        if evidence != "exam":
            errors["exam"] = "只有测试事项以考试结果作为完成依据"
        elif not (exam.org.path.startswith(plan.org.path) or plan.org.path.startswith(exam.org.path)):
            errors["exam"] = "所选考试不属于本组织、上级或下级组织"
    if errors:
        raise ServiceError(errors)
    return clean


def item_add(*, actor, plan: StudyPlan, data: dict[str, Any]) -> StudyItem:
    clean = _clean_item(plan, data)
    with transaction.atomic():
        item = StudyItem.objects.create(plan=plan, **clean)
        audit.record(actor=actor, action="study.item_add", target=item, org=plan.org,
                     changes={"topic": [None, item.topic], "due_on": [None, item.due_on.isoformat()]})
    return item


def item_update(*, actor, item: StudyItem, data: dict[str, Any]) -> StudyItem:
    clean = _clean_item(item.plan, data)
    with transaction.atomic():
        item = StudyItem.objects.select_for_update().select_related("plan__org").get(pk=item.pk)
        before = {k: getattr(item, k) for k in ITEM_FIELDS}
        if clean["item_type"] != item.item_type and item.confirmations.exists():
            raise ServiceError({"item_type": "已有党员确认自学，不能再改变学习形式"})
        for k, v in clean.items():
            setattr(item, k, v)
        item.save()
        changes = audit.diff(before, clean)
        if changes:
            audit.record(actor=actor, action="study.item_update", target=item, org=item.plan.org, changes=changes)
    return item


def item_delete(*, actor, item: StudyItem) -> None:
    with transaction.atomic():
        item = StudyItem.objects.select_for_update().select_related("plan__org").get(pk=item.pk)
        if item.confirmations.exists():
            raise ServiceError({"item": "已有党员确认完成，不能删除该学习事项"})
        audit.record(actor=actor, action="study.item_delete", target=item, org=item.plan.org,
                     changes={"topic": [item.topic, None]})
        for m in item.materials.exclude(file=""):
            m.file.delete(save=False)
        item.delete()


def material_add(*, actor, item: StudyItem, kind: str, title: str = "", body: str = "", url: str = "",
                 upload=None) -> Material:
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if kind not in MaterialKind.values:
        raise ServiceError({"kind": "请选择资料形式"})
    content_type, size, name = "", 0, ""
    if kind == MaterialKind.TEXT and not (body or "").strip():
        errors["body"] = "请填写资料正文"
    if kind == MaterialKind.LINK and not (url or "").strip():
        errors["url"] = "请填写链接地址"
    if kind == MaterialKind.LINK and url and not url.lower().startswith(("http://", "https://")):
        errors["url"] = "链接应以 http:// 或 https:// 开头"
    if kind == MaterialKind.FILE:
        limit = settings.ORGLIFE_MAX_UPLOAD_BYTES
        if upload is None:
            errors["file"] = "请选择要上传的文件"
        elif upload.size > limit:
            errors["file"] = f"文件过大：不能超过{limit / 1024 / 1024:g}MB"
        else:
            content_type = sniff(upload) or ""
            if not content_type:
                errors["file"] = "文件类型不支持：只能上传 PDF、Word（docx）、Excel（xlsx）或 JPEG/PNG 图片"
            size = upload.size
            name = (getattr(upload, "name", "") or "资料")[-200:]
    if not title:
        title = name or ""
    if not title:
        errors.setdefault("title", "请填写资料名称")
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        material = Material(item=item, kind=kind, title=title[:200], content_type=content_type, size=size,
                            body=(body or "").strip() if kind == MaterialKind.TEXT else "",
                            url=url.strip() if kind == MaterialKind.LINK else "")
        if kind == MaterialKind.FILE:
            material.file.save(name, upload, save=False)
        material.save()
        audit.record(actor=actor, action="study.material_add", target=item, org=item.plan.org,
                     changes={"material": [None, material.title]})
    return material


def material_delete(*, actor, material: Material) -> None:
    item = material.item
    with transaction.atomic():
        audit.record(actor=actor, action="study.material_delete", target=item, org=item.plan.org,
                     changes={"material": [material.title, None]})
        if material.file:
            material.file.delete(save=False)
        material.delete()


def confirm(*, actor, item: StudyItem, member: Member, note: str, today: dt.date | None = None) -> StudyConfirmation:
    """A member confirms a self-study item with a short note (the evidence for its class hours)."""
    note = (note or "").strip()
    item = StudyItem.objects.select_related("plan__org").get(pk=item.pk)  # the plan as it is now
    if item.item_type != ItemType.SELF_STUDY:
        raise ServiceError({"note": "该学习事项以会议出席或考试结果为完成依据，无需本人确认"})
    if not item.plan.is_published:
        raise ServiceError({"note": "学习计划尚未发布"})
    if not plan_queries.in_audience(item, member):
        raise ServiceError({"note": "该学习事项不面向您"})
    if not note:
        raise ServiceError({"note": "请简要填写学习心得（一两句话即可）"})
    if len(note) > NOTE_MAX:
        raise ServiceError({"note": f"学习心得不能超过{NOTE_MAX}字"})
    with transaction.atomic():
        try:
            with transaction.atomic():
                done = StudyConfirmation.objects.create(item=item, member=member, note=note,
                                                        confirmed_on=today or timezone.localdate())
        except IntegrityError:
            raise ServiceError({"note": "您已确认过该学习事项"}) from None
        audit.record(actor=actor, action="study.confirm", target=item, org=member.org,
                     changes={"member": [None, member.pk]})
    return done
