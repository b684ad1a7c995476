"""Every write to recruitment files: register an applicant, record a step (with its people, its
vote and its documents), admit, convert or cancel, withdraw. One transaction each, audited, the
applicant's row locked so that two secretaries recording at once cannot interleave.

Permission is the caller's job (orglife.core.scope). Refusals raise orgs.services.ServiceError.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orglife.core import audit
from orglife.core.text import DateParseError, normalize, parse_date, squeeze
from orglife.meetings import services as meeting_services
from orglife.meetings.models import MeetingKind, Resolution
from orglife.orgs import idcard
from orglife.orgs import services as org_services
from orglife.orgs.models import Category, Education, Member, Organization, OrgKind, Status
from orglife.orgs.services import ServiceError
from orglife.orgs.validation import PHONE
from orglife.rules.org_checks import add_months

from . import ruleset as rulesets
from .models import Applicant, ApplicantStatus, Document, Step
from .timeline import OUTCOMES, Evaluation, Record, evaluate, fmt

__all__ = ["ServiceError"]

BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
VOTE_MEMBER_STATUSES = (Status.ACTIVE, Status.MOBILE)


# ---------------------------------------------------------------- reading a file


def ruleset_for(applicant: Applicant) -> rulesets.Ruleset:
    profile = None if applicant.ruleset else applicant.org.profile()
    return rulesets.get(rulesets.name_for(applicant.ruleset, profile))


def vote_passed(step: Step) -> bool | None:
    """Whether the resolution linked to a vote step passed (quorum and > ½ of those entitled due,
    absent members' written opinions counted): meetings.services decides, as on the meeting page."""
    if step.resolution_id is None:
        return None
    resolution = step.resolution
    return meeting_services.resolution_passed(resolution, meeting_services.quorum(resolution.meeting))


def records(applicant: Applicant, steps: list[Step] | None = None) -> list[Record]:
    steps = steps if steps is not None else list(
        applicant.steps.select_related("resolution__meeting__org").prefetch_related("actors"))
    out = []
    for s in steps:
        names = [n for n in re.split(r"[、，,;；\s]+", s.actor_names) if n]
        out.append(Record(s.step, s.on, actors=len(s.actors.all()) + len(names),
                          passed=vote_passed(s) if s.resolution_id else None, extra=s.extra or {}))
    return out


def evaluation(applicant: Applicant, steps: list[Step] | None = None, today: dt.date | None = None) -> Evaluation:
    return evaluate(ruleset_for(applicant), records(applicant, steps), birth_date=applicant.birth_date, today=today,
                    closed=not applicant.is_open)


def refresh(applicant: Applicant) -> None:
    """Recompute the derived fields the pipeline filters and sorts on (never typed in)."""
    result = evaluation(applicant)
    applicant.step_number = result.current.number if result.current else 1
    applicant.stage = result.current.stage if result.current else 1
    applicant.next_step = result.next.id if result.next else ""
    applicant.next_due = result.next_due
    applicant.due_step = result.due_step
    applicant.probation_end = result.probation_end
    applicant.error_count = min(len(result.errors), 32767)
    applicant.save(update_fields=["step_number", "stage", "next_step", "next_due", "due_step", "probation_end", "error_count",
                                  "updated_at"])


# ---------------------------------------------------------------- applicants

APPLICANT_FIELDS = ("name", "id_number", "phone", "education", "work_unit", "applied_on", "ruleset")


def clean_applicant(data: dict[str, Any], *, today: dt.date, instance: Applicant | None = None) -> dict[str, Any]:
    """Validate an applicant's data (the ID number as for members: GB 11643 check character; birth
    date and gender come from it). Raises ServiceError with one message per field."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    name = squeeze(data.get("name"))
    if not name:
        errors["name"] = "姓名不能为空"
    elif len(name) > 40:
        errors["name"] = "姓名过长（不超过40个字）"
    out["name"] = name
    try:
        number = idcard.validate_id(data.get("id_number"))
    except idcard.IdNumberError as exc:
        errors["id_number"] = str(exc)
    else:
        out["id_number"] = number
        out["birth_date"] = idcard.birth_date(number)
        out["gender"] = idcard.gender(number)
        others = Applicant.objects.filter(id_number=number)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            errors["id_number"] = "该公民身份号码已登记为入党申请人"
        elif Member.objects.filter(id_number=number).exists():
            errors["id_number"] = "该公民身份号码已登记为党员"
    phone = re.sub(r"[\s()（）]", "", normalize(data.get("phone")))
    if phone and not PHONE.match(phone):
        errors["phone"] = "手机号码格式不正确（应为11位手机号或带区号的固话）"
    out["phone"] = phone
    education = squeeze(data.get("education"))
    if education and education not in Education.values:
        errors["education"] = "学历无效"
    out["education"] = education
    out["work_unit"] = normalize(data.get("work_unit"))[:100]
    try:
        applied = parse_date(data.get("applied_on"))
    except DateParseError as exc:
        errors["applied_on"] = str(exc)
    else:
        if applied is None:
            errors["applied_on"] = "请填写递交入党申请书的日期"
        elif applied > today:
            errors["applied_on"] = "递交入党申请书日期不能晚于今天"
        elif "birth_date" in out and applied < add_months(out["birth_date"], 18 * 12):
            # RULES §2.1 (党章 Art. 1, 细则 Art. 5): the applicant is 18 on the date of the application.
            errors["applied_on"] = f"递交入党申请书时未满18周岁（{fmt(add_months(out['birth_date'], 18 * 12))}年满18周岁）"
        out["applied_on"] = applied
    chosen = squeeze(data.get("ruleset"))
    if chosen and chosen not in rulesets.load_all():
        errors["ruleset"] = f"规则集“{chosen}”不存在"
    out["ruleset"] = chosen
    if errors:
        raise ServiceError(errors)
    return out


def applicant_create(*, actor, org: Organization, data: dict[str, Any], today: dt.date | None = None) -> Applicant:
    """Register an applicant with the branch: the file starts with step 1, the written application."""
    today = today or timezone.localdate()
    if org.kind not in BRANCH_KINDS:
        raise ServiceError({"org": f"入党申请人应登记在党支部，{org.name}是{org.get_kind_display()}"})
    if org.dissolved_on:
        raise ServiceError({"org": f"{org.name}已撤销"})
    cleaned = clean_applicant(data, today=today)
    try:
        with transaction.atomic():
            applicant = Applicant.objects.create(org=org, **cleaned)
            Step.objects.create(applicant=applicant, step="application", number=1, on=cleaned["applied_on"],
                                created_by=_user(actor))
            refresh(applicant)
            audit.record(actor=actor, action="recruitment.applicant_create", target=applicant, org=org,
                         changes=audit.diff({}, {k: v for k, v in cleaned.items() if k != "id_number"}))
    except IntegrityError:  # the same person registered at the same moment elsewhere
        raise ServiceError({"id_number": "该公民身份号码已登记为入党申请人"}) from None
    return applicant


def applicant_update(*, actor, applicant: Applicant, data: dict[str, Any], today: dt.date | None = None) -> Applicant:
    """Correct contact details and the chosen rule-set (name and ID number too, before admission)."""
    today = today or timezone.localdate()
    merged = {k: getattr(applicant, k) for k in APPLICANT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in APPLICANT_FIELDS})
    cleaned = clean_applicant(merged, today=today, instance=applicant)
    if applicant.member_id and (cleaned["id_number"] != applicant.id_number or cleaned["name"] != applicant.name):
        raise ServiceError({"id_number": "已接收为预备党员，姓名和公民身份号码请在党员信息中修改"})
    changes = audit.diff({k: getattr(applicant, k) for k in cleaned}, cleaned)
    if not changes:
        return applicant
    with transaction.atomic():
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        for k, v in cleaned.items():
            setattr(locked, k, v)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:  # the same ID number written for another file at the same moment
            raise ServiceError({"id_number": "该公民身份号码已登记为入党申请人"}) from None
        first = locked.steps.filter(step="application").first()
        if first and first.on != cleaned["applied_on"]:
            first.on = cleaned["applied_on"]
            first.save(update_fields=["on"])
        refresh(locked)
        changes.pop("id_number", None)
        audit.record(actor=actor, action="recruitment.applicant_update", target=locked, org=locked.org,
                     changes=changes)
    return locked


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _locked(applicant: Applicant) -> Applicant:
    locked = Applicant.objects.select_for_update().select_related("org").get(pk=applicant.pk)
    if not locked.is_open:
        raise ServiceError({"status": f"该发展档案已{locked.get_status_display()}，不能再记录"})
    return locked


# ---------------------------------------------------------------- steps


def branch_roster(org: Organization):
    return Member.objects.filter(org=org, status__in=VOTE_MEMBER_STATUSES)


def _clean_extra(step_id: str, extra: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def number(key: str, label: str, low: float, high: float) -> float | None:
        raw = extra.get(key)
        if raw in (None, ""):
            return None
        try:
            value = float(raw)
        except (TypeError, ValueError):
            errors[key] = f"{label}应为数字"
            return None
        if not low <= value <= high:
            errors[key] = f"{label}应在{low:g}至{high:g}之间"
            return None
        return int(value) if value == int(value) else value

    if step_id == "training":
        days, hours = number("days", "培训天数", 0, 365), number("hours", "培训学时", 0, 2000)
        if days is None and hours is None and not errors:
            errors["days"] = "请填写培训天数或学时"
        out.update({k: v for k, v in (("days", days), ("hours", hours)) if v is not None})
    elif step_id == "conversion_vote":
        outcome = extra.get("outcome") or ""
        if outcome not in OUTCOMES:
            errors["outcome"] = "请选择讨论结果：按期转正、延长预备期或取消预备党员资格"
        out["outcome"] = outcome
        if outcome == "extend":
            months = number("extension_months", "延长月数", 1, 24)
            if months is None and "extension_months" not in errors:
                errors["extension_months"] = "延长预备期须填写延长月数（6至12个月）"
            out["extension_months"] = months
    elif step_id == "candidate":
        for key, label in (("publicity_start", "公示开始日期"), ("publicity_end", "公示结束日期")):
            try:
                day = parse_date(extra.get(key))
            except DateParseError as exc:
                errors[key] = f"{label}：{exc}"
                continue
            if day:
                out[key] = day.isoformat()
        if out.get("publicity_start", "") > out.get("publicity_end", "9"):
            errors["publicity_end"] = "公示结束日期不能早于开始日期"
    return out, errors


def _vote_errors(applicant: Applicant, resolution: Resolution | None) -> dict[str, str]:
    if resolution is None:
        return {"resolution": "请选择支部党员大会的表决决议（先在会议纪实中记录表决结果）"}
    meeting = resolution.meeting
    if meeting.org_id != applicant.org_id:
        return {"resolution": "表决决议应为本支部党员大会的决议"}
    if not MeetingKind.objects.filter(meeting=meeting, kind="assembly").exists():
        return {"resolution": "表决应在支部党员大会上进行：所选会议不是支部党员大会"}
    if meeting.attendance_frozen_at is None or meeting.held_on is None:
        return {"resolution": "所选会议尚未召开"}
    if not resolution.written_opinions:
        return {"resolution": "接收预备党员和转正的表决须计入未到会党员的书面意见：请选择勾选了该项的决议"}
    return {}


def step_record(
    *, actor, applicant: Applicant, step: str, on: dt.date | None = None, notes: str = "", actors=(),
    actor_names: str = "", extra: dict[str, Any] | None = None, resolution: Resolution | None = None,
    today: dt.date | None = None,
) -> Step:
    """Record one step of the file. A vote step takes its date from the assembly that voted (the
    linked resolution); people named for a step that needs full members (培养联系人, 入党介绍人)
    must be full members with voting rights on the branch's roster."""
    today = today or timezone.localdate()
    rs = ruleset_for(applicant)
    if not rs.has_step(step) or step == "application":
        raise ServiceError({"step": "步骤无效"})
    definition = rs.step(step)
    errors: dict[str, str] = {}
    if definition.vote:
        errors.update(_vote_errors(applicant, resolution))
        if not errors:
            on = resolution.meeting.held_on
    if on is None and "resolution" not in errors:
        errors["on"] = "请填写日期"
    elif on is not None and on > today:
        errors["on"] = "日期不能晚于今天"
    elif on is not None and on < applicant.applied_on:
        errors["on"] = f"日期不能早于递交入党申请书的日期（{fmt(applicant.applied_on)}）"
    actors = list(actors)
    actor_names = normalize(actor_names)[:200]
    if definition.actors and definition.actors.full_members:
        if actor_names:
            errors["actor_names"] = f"{definition.actors.role}须为正式党员，请从本支部党员中选择"
        bad = [m.name for m in actors if m.org_id != applicant.org_id or m.category != Category.FULL
               or m.status not in VOTE_MEMBER_STATUSES]
        if bad:
            errors["actors"] = f"{definition.actors.role}须为本支部有表决权的正式党员：{'、'.join(bad)}不符合"
    elif definition.actors is None and (actors or actor_names):
        errors["actors"] = f"“{definition.name}”不需要填写人员"
    cleaned_extra, extra_errors = _clean_extra(step, extra or {})
    errors.update(extra_errors)
    notes = (notes or "").strip()
    if len(notes) > 2000:
        errors["notes"] = "情况说明不超过2000个字"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        applicant = _locked(applicant)
        if not definition.repeats and applicant.steps.filter(step=step).exists():
            raise ServiceError({"step": f"“{definition.name}”已经记录过"})
        if step == "conversion_approval" and (
            applicant.steps.filter(step="conversion_vote").count() <= applicant.steps.filter(step=step).count()
        ):
            raise ServiceError({"step": "请先记录支部党员大会讨论转正的结果"})
        if step in ("conversion_vote", "conversion_approval") and applicant.member_id is None:
            raise ServiceError({"step": "尚未接收为预备党员"})
        record = Step.objects.create(
            applicant=applicant, step=step, number=definition.number, on=on, notes=notes, actor_names=actor_names,
            extra=cleaned_extra, resolution=resolution, meeting=resolution.meeting if resolution else None,
            created_by=_user(actor),
        )
        if actors:
            record.actors.set(actors)
        refresh(applicant)
        audit.record(actor=actor, action="recruitment.step_record", target=applicant, org=applicant.org, changes={
            "step": [None, definition.name], "on": [None, on.isoformat()],
            **({"actors": [None, "、".join(m.name for m in actors)]} if actors else {}),
            **({"extra": [None, cleaned_extra]} if cleaned_extra else {}),
        })
        last_vote = applicant.steps.filter(step="conversion_vote").order_by("-on", "-id").first()
        if step == "conversion_approval" and last_vote and last_vote.extra.get("outcome") == "extend":
            # The approved extension moves the end of probation (党章 Art. 7): refresh() has it.
            audit.record(actor=actor, action="recruitment.extend", target=applicant, org=applicant.org,
                         changes={"probation_end": [None, audit._plain(applicant.probation_end)],
                                  "extension_months": [None, last_vote.extra.get("extension_months")]})
    return record


def step_delete(*, actor, step: Step) -> None:
    """Remove a step entered by mistake, while the file is open. The written application, and the
    steps an admission or conversion rests on once done, stay."""
    applicant = step.applicant
    if step.step == "application":
        raise ServiceError({"step": "递交入党申请书是档案的起点，不能删除；如有误请修改申请日期"})
    if applicant.member_id and step.number <= 17:
        raise ServiceError({"step": "已接收为预备党员，接收前的步骤不能删除"})
    with transaction.atomic():
        applicant = _locked(applicant)
        name = ruleset_for(applicant).step(step.step).name
        if step.documents.exists():
            raise ServiceError({"step": "该步骤已上传材料，不能删除"})
        on = step.on
        step.delete()
        refresh(applicant)
        audit.record(actor=actor, action="recruitment.step_delete", target=applicant, org=applicant.org,
                     changes={"step": [name, None], "on": [on.isoformat(), None]})


def document_add(*, actor, step: Step, upload) -> Document:
    """Attach a scanned paper (申请书, 志愿书, 政审材料...): checked for type and size as meeting
    attachments are."""
    limit = settings.ORGLIFE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ServiceError({"file": f"文件过大：不能超过{limit / 1024 / 1024:g}MB"})
    kind = meeting_services.sniff(upload)
    if kind is None:
        raise ServiceError({"file": "文件类型不支持：只能上传 JPEG/PNG 图片、PDF、Word（docx）或 Excel（xlsx）文件"})
    name = (getattr(upload, "name", "") or "材料")[-200:]
    with transaction.atomic():
        _locked(step.applicant)
        doc = Document(step=step, name=name, content_type=kind, size=upload.size)
        doc.file.save(name, upload, save=False)
        doc.save()
        audit.record(actor=actor, action="recruitment.document_add", target=step.applicant, org=step.applicant.org,
                     changes={"document": [None, name]})
    return doc


# ---------------------------------------------------------------- admission and conversion


def admission_errors(applicant: Applicant, result: Evaluation | None = None) -> list[str]:
    """Why the applicant cannot be admitted yet (empty: they can)."""
    if applicant.status != ApplicantStatus.ACTIVE:
        return [f"该档案状态为“{applicant.get_status_display()}”"]
    steps = {s.step: s for s in applicant.steps.select_related("resolution__meeting__org")}
    out = []
    vote = steps.get("acceptance_vote")
    if vote is None:
        out.append("尚未记录支部党员大会讨论接收预备党员")
    else:
        if vote_passed(vote) is not True:
            out.append("支部党员大会的表决未通过（赞成票须超过应到会有表决权党员的半数）")
        if vote.meeting_id and not vote.meeting.is_locked:
            out.append("表决所在的支部党员大会纪实尚未提交锁定")
    if "approval" not in steps:
        out.append("尚未记录上级党委审批")
    result = result or evaluation(applicant)
    out += [f.message for f in result.blocking]
    return out


def admit(*, actor, applicant: Applicant, party_group: Organization | None = None,
          today: dt.date | None = None) -> Member:
    """After the upper committee's approval: the applicant becomes a probationary member of the
    branch, admitted on the date of the branch assembly vote (党章 Art. 7: probation and dues run
    from that day)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        applicant = _locked(applicant)
        problems = admission_errors(applicant)
        if problems:
            raise ServiceError({"status": "不能接收为预备党员：" + "；".join(problems)})
        vote = applicant.steps.get(step="acceptance_vote")
        data = {
            "name": applicant.name, "id_number": applicant.id_number, "gender": applicant.gender,
            "birth_date": applicant.birth_date, "phone": applicant.phone, "education": applicant.education,
            "work_unit": applicant.work_unit, "category": Category.PROBATIONARY, "admitted_on": vote.on,
            "org": applicant.org.code, "party_group": party_group.code if party_group else "",
        }
        member = org_services.member_create(actor=actor, data=data, today=today)
        applicant.member = member
        applicant.status = ApplicantStatus.PROBATIONARY
        applicant.save(update_fields=["member", "status", "updated_at"])
        refresh(applicant)
        audit.record(actor=actor, action="recruitment.admit", target=applicant, org=applicant.org,
                     changes={"status": [ApplicantStatus.ACTIVE, ApplicantStatus.PROBATIONARY],
                              "member": [None, member.pk], "admitted_on": [None, vote.on.isoformat()]})
    return member


def conclusion_errors(applicant: Applicant, result: Evaluation | None = None) -> list[str]:
    if applicant.status != ApplicantStatus.PROBATIONARY:
        return [f"该档案状态为“{applicant.get_status_display()}”"]
    votes = list(applicant.steps.filter(step="conversion_vote").select_related("resolution__meeting__org"))
    approvals = applicant.steps.filter(step="conversion_approval").count()
    if not votes:
        return ["尚未记录支部党员大会讨论转正"]
    last = votes[-1]
    out = []
    if last.extra.get("outcome") == "extend":
        out.append("最近一次讨论结果为延长预备期，延长期满后须再次讨论")
    if approvals < len(votes):
        out.append("尚未记录上级党委对转正讨论结果的审批")
    if vote_passed(last) is not True:
        out.append("支部党员大会的表决未通过")
    result = result or evaluation(applicant)
    out += [f.message for f in result.errors if f.rule_id in ("dev.extension", "dev.conversion_vote_after_probation")]
    return out


def conclude(*, actor, applicant: Applicant, today: dt.date | None = None) -> Applicant:
    """Carry out the approved outcome of the conversion vote: a full member from the end of
    probation (party age counts from then, 党章 Art. 7), or probationary status cancelled."""
    today = today or timezone.localdate()
    with transaction.atomic():
        applicant = _locked(applicant)
        result = evaluation(applicant)
        problems = conclusion_errors(applicant, result)
        if problems:
            raise ServiceError({"status": "不能办理：" + "；".join(problems)})
        outcome = result.outcome
        member = Member.objects.select_for_update().get(pk=applicant.member_id)
        if outcome == "convert":
            org_services.member_update(actor=actor, member=member, today=today,
                                       data={"category": Category.FULL, "full_member_on": result.probation_end})
            applicant.status = ApplicantStatus.FULL
            action = "recruitment.convert"
        else:
            # Off the roster, the record kept (the member's history and meetings stay readable).
            org_services.member_update(actor=actor, member=member, today=today,
                                       data={"status": Status.PROBATION_CANCELLED})
            applicant.status = ApplicantStatus.CANCELLED
            action = "recruitment.cancel"
        applicant.save(update_fields=["status", "updated_at"])
        refresh(applicant)
        audit.record(actor=actor, action=action, target=applicant, org=applicant.org,
                     changes={"status": [ApplicantStatus.PROBATIONARY, applicant.status],
                              **({"full_member_on": [None, result.probation_end.isoformat()]}
                                 if outcome == "convert" else {})})
    return applicant


def withdraw(*, actor, applicant: Applicant, reason: str) -> Applicant:
    """Stop developing an applicant (withdrawn application, not chosen, moved away)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "请填写终止发展的原因"})
    with transaction.atomic():
        applicant = _locked(applicant)
        if applicant.status != ApplicantStatus.ACTIVE:
            raise ServiceError({"status": "已接收为预备党员的，应通过支部党员大会讨论取消预备党员资格"})
        applicant.status = ApplicantStatus.WITHDRAWN
        applicant.save(update_fields=["status", "updated_at"])
        refresh(applicant)
        audit.record(actor=actor, action="recruitment.withdraw", target=applicant, org=applicant.org,
                     changes={"status": [ApplicantStatus.ACTIVE, ApplicantStatus.WITHDRAWN], "reason": [None, reason]})
    return applicant

