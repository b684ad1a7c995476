"""Checklists (检查清单) and self-inspection campaigns (自查活动): every write, one transaction and
one audit event each.

A checklist is loaded from YAML (shipped lists, or a list a higher organization issued) or from
an xlsx an administrator uploads; an xlsx is accepted whole or rejected whole, with a Chinese
error per row. A campaign asks every branch of a subtree (or every member of those branches) to
answer every item; an answer that reports a problem registers a Problem (source 自查) linked
back to it. Automatic items are answered by the system from orglife's own data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import yaml
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from orglife.core import audit
from orglife.orgs.models import ON_ROSTER, Member, Organization
from orglife.orgs.roster_io import FileRejected, read_upload
from orglife.orgs.services import ServiceError
from orglife.rules.org_checks import BRANCH_KINDS

from . import auto_checks, problem_services
from . import campaign_scoring as scoring
from .models import (
    Answer,
    AnswerType,
    Campaign,
    CampaignTarget,
    Checklist,
    ChecklistItem,
    ProblemSource,
    ProblemStatus,
)

CHECKLISTS_DIR = Path(__file__).resolve().parent.parent / "rules" / "checklists"
XLSX_COLUMNS = {  # header → field; "*" marks a required column
    "分类*": "category", "条目编号*": "item_id", "检查内容*": "text", "权重": "weight",
    "检查说明": "guidance", "依据*": "source", "答题方式": "answer_type", "自动检查": "auto",
}
ANSWER_TYPE_WORDS = {"": AnswerType.YES_NO, "有/无问题": AnswerType.YES_NO, "yes_no": AnswerType.YES_NO,
                     "文字说明": AnswerType.TEXT, "text": AnswerType.TEXT}
MAX_ITEMS = 2000


class ChecklistRejected(Exception):
    """The checklist was not loaded: errors as [[row or None, column, message], ...]."""

    def __init__(self, errors: list[list]):
        super().__init__("；".join(str(e[2]) for e in errors[:5]))
        self.errors = errors


# ------------------------------------------------------------------ loading checklists


def _clean_item(raw: dict, seen: set[str]) -> tuple[dict, list[tuple[str, str]]]:
    """One item's fields and its errors as [(column, message)]."""
    errors: list[tuple[str, str]] = []
    item = {k: ("" if raw.get(k) is None else str(raw.get(k)).strip()) for k in
            ("category", "item_id", "text", "guidance", "source", "auto")}
    for key, label in (("category", "分类"), ("item_id", "条目编号"), ("text", "检查内容"), ("source", "依据")):
        if not item[key]:
            errors.append((label, f"请填写{label}" + ("（每个条目都要写明出处，不收录无出处的条目）" if key == "source" else "")))
    if item["item_id"] and item["item_id"] in seen:
        errors.append(("条目编号", f"条目编号“{item['item_id']}”重复"))
    seen.add(item["item_id"])
    weight = raw.get("weight")
    try:
        item["weight"] = 1 if weight in (None, "") else int(weight)
        if item["weight"] < 1 or item["weight"] > 100:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(("权重", f"权重“{weight}”应为1至100的整数"))
    answer_type = "" if raw.get("answer_type") is None else str(raw.get("answer_type")).strip()
    if answer_type not in ANSWER_TYPE_WORDS:
        errors.append(("答题方式", f"答题方式“{answer_type}”无效，应为“有/无问题”或“文字说明”"))
    item["answer_type"] = ANSWER_TYPE_WORDS.get(answer_type, AnswerType.YES_NO)
    if item["auto"] and item["auto"] not in auto_checks.REGISTRY:
        errors.append(("自动检查", f"自动检查“{item['auto']}”不存在，可用：{'、'.join(auto_checks.REGISTRY)}"))
    return item, errors


def _clean_header(header: dict) -> list[list]:
    errors = []
    for key, label in (("code", "清单编码"), ("version", "版本"), ("title", "名称"), ("source", "来源")):
        if not str(header.get(key) or "").strip():
            errors.append([None, label, f"请填写{label}"])
    return errors


@transaction.atomic
def _write(*, actor, header: dict, items: list[dict], origin: str) -> Checklist:
    code, version = str(header["code"]).strip(), str(header["version"]).strip()
    if Checklist.objects.select_for_update().filter(code=code, version=version).exists():
        raise ChecklistRejected([[None, "版本", f"清单“{code}”的版本“{version}”已载入；修改后的清单请使用新的版本号"]])
    checklist = Checklist.objects.create(code=code, version=version, title=str(header["title"]).strip(),
                                         source=str(header["source"]).strip(), loaded_at=timezone.now())
    ChecklistItem.objects.bulk_create(ChecklistItem(checklist=checklist, position=i, **item)
                                      for i, item in enumerate(items, start=1))
    audit.record(actor=actor, action="checklist.load", target=checklist,
                 changes={"items": [None, len(items)], "origin": [None, origin]})
    return checklist


def checklist_load_yaml(*, actor, text: str, origin: str = "yaml") -> Checklist:
    """Load a YAML checklist: code, version, title, source, categories[name, items[id, text,
    source, weight?, guidance?, answer_type?, auto?]]. All or nothing."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ChecklistRejected([[None, "", f"YAML 格式错误：{exc}"]]) from None
    if not isinstance(data, dict):
        raise ChecklistRejected([[None, "", "清单文件应包含 code、version、title、source 和 categories"]])
    errors = _clean_header(data)
    items, seen = [], set()
    number = 0
    for category in data.get("categories") or []:
        for raw in (category or {}).get("items") or []:
            number += 1
            raw = dict(raw or {})
            raw["category"], raw["item_id"] = (category or {}).get("name"), raw.get("id")
            item, item_errors = _clean_item(raw, seen)
            errors += [[number, column, message] for column, message in item_errors]
            items.append(item)
    if not items:
        errors.append([None, "", "清单中没有检查条目"])
    if errors:
        raise ChecklistRejected(errors)
    return _write(actor=actor, header=data, items=items, origin=origin)


def checklist_load_file(*, actor, path: Path | str) -> Checklist:
    return checklist_load_yaml(actor=actor, text=Path(path).read_text(encoding="utf-8"), origin=Path(path).name)


def checklist_template() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "检查清单"
    sheet.append(list(XLSX_COLUMNS))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def checklist_import_xlsx(*, actor, fileobj, code: str, version: str, title: str, source: str) -> Checklist:
    """Import a checklist from the first sheet of an xlsx (header row: XLSX_COLUMNS, "*" optional
    in the header). Accepted whole or rejected whole; errors carry the Excel row number."""
    header = {"code": code, "version": version, "title": title, "source": source}
    errors = _clean_header(header)
    try:
        data = read_upload(fileobj)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRejected as exc:
        raise ChecklistRejected(errors + exc.errors) from None
    except Exception:  # noqa: BLE001 — a damaged file is the uploader's error, reported as such
        raise ChecklistRejected(errors + [[None, "", "无法读取该 Excel 文件，请使用清单模板填写后上传"]]) from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    head = next(rows, None) or ()
    names = {str(h).strip().rstrip("*"): i for i, h in enumerate(head) if h is not None}
    columns = {}
    for label, field in XLSX_COLUMNS.items():
        bare = label.rstrip("*")
        if bare in names:
            columns[field] = names[bare]
        elif label.endswith("*"):
            errors.append([1, bare, f"缺少“{bare}”列"])
    if errors:
        raise ChecklistRejected(errors)
    items, seen = [], set()
    for number, row in enumerate(rows, start=2):
        if number > MAX_ITEMS + 1:
            errors.append([number, "", f"条目超过{MAX_ITEMS}条"])
            break
        if not any(v not in (None, "") for v in row):
            continue
        raw = {field: (row[i] if i < len(row) else None) for field, i in columns.items()}
        item, item_errors = _clean_item(raw, seen)
        errors += [[number, column, message] for column, message in item_errors]
        items.append(item)
    book.close()
    if not items and not errors:
        errors.append([None, "", "文件中没有检查条目"])
    if errors:
        raise ChecklistRejected(errors)
    return _write(actor=actor, header=header, items=items, origin="xlsx")


# ------------------------------------------------------------------ campaigns


def target_orgs(campaign: Campaign):
    """The branches of the campaign's subtree (the campaign's own organization if it is one)."""
    return Organization.objects.filter(path__startswith=campaign.org.path, kind__in=sorted(BRANCH_KINDS),
                                       dissolved_on__isnull=True).order_by("path")


def _clean_campaign(*, title: str, starts_on, ends_on, today) -> tuple[str, dict]:
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = "请填写活动名称"
    if starts_on is None or ends_on is None:
        errors["ends_on"] = "请填写开始和截止日期"
    elif ends_on < starts_on:
        errors["ends_on"] = "截止日期不能早于开始日期"
    elif ends_on < today:
        errors["ends_on"] = f"截止日期不能早于今天（{today:%Y-%m-%d}）；要提前结束活动，请使用“结束活动”"
    return title, errors


def campaign_launch(*, actor, org, checklist: Checklist, title: str, starts_on, ends_on, target: str,
                    description: str = "") -> Campaign:
    title, errors = _clean_campaign(title=title, starts_on=starts_on, ends_on=ends_on, today=timezone.localdate())
    if target not in CampaignTarget.values:
        errors["target"] = "作答对象无效"
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(org=org, checklist=checklist, title=title, starts_on=starts_on,
                                           ends_on=ends_on, target=target, description=(description or "").strip(),
                                           launched_by=actor if getattr(actor, "pk", None) else None)
        audit.record(actor=actor, action="campaign.launch", target=campaign, org=org,
                     changes={"checklist": [None, str(checklist)], "target": [None, target]})
    return campaign


def _lock(campaign: Campaign) -> None:
    """Re-read what decides whether the campaign accepts writes, under a row lock (an officer may
    have edited or closed it since the caller loaded it)."""
    fresh = Campaign.objects.select_for_update().values("closed_at", "ends_on", "starts_on").get(pk=campaign.pk)
    campaign.closed_at, campaign.ends_on, campaign.starts_on = fresh["closed_at"], fresh["ends_on"], fresh["starts_on"]


def _refuse_if_closed(campaign: Campaign, today) -> None:
    if campaign.state(today) == "closed":
        raise ServiceError({"campaign": f"自查活动已于{campaign.closed_on or campaign.ends_on:%Y年%-m月%-d日}结束，"
                                        "不能再修改"})


def campaign_edit(*, actor, campaign: Campaign, title: str, description: str, ends_on) -> Campaign:
    """Change the title, the description or the end date of a campaign that is not closed."""
    today = timezone.localdate()
    _refuse_if_closed(campaign, today)
    title, errors = _clean_campaign(title=title, starts_on=campaign.starts_on, ends_on=ends_on, today=today)
    if errors:
        raise ServiceError(errors)
    description = (description or "").strip()
    with transaction.atomic():
        _lock(campaign)
        _refuse_if_closed(campaign, today)
        before = {"title": campaign.title, "description": campaign.description, "ends_on": campaign.ends_on.isoformat()}
        campaign.title, campaign.description, campaign.ends_on = title, description, ends_on
        campaign.save(update_fields=["title", "description", "ends_on"])
        changes = audit.diff(before, {"title": title, "description": description, "ends_on": ends_on.isoformat()})
        audit.record(actor=actor, action="campaign.edit", target=campaign, org=campaign.org, changes=changes)
    return campaign


def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Close a campaign before its end date: no more answers; its results are final."""
    today = timezone.localdate()
    _refuse_if_closed(campaign, today)
    with transaction.atomic():
        _lock(campaign)
        _refuse_if_closed(campaign, today)
        campaign.closed_at = timezone.now()
        campaign.closed_by = actor if getattr(actor, "pk", None) else None
        campaign.save(update_fields=["closed_at", "closed_by"])
        audit.record(actor=actor, action="campaign.close", target=campaign, org=campaign.org,
                     changes={"closed_at": [None, campaign.closed_at.isoformat()]})
    return campaign


def answering_refusal(campaign: Campaign, today) -> str | None:
    """Why the campaign takes no answers today (a Chinese message), or None when it does."""
    state = campaign.state(today)
    if state == "upcoming":
        return f"自查活动将于{campaign.starts_on:%Y年%-m月%-d日}开始，开始前不能作答"
    if state == "closed":
        if campaign.closed_at is not None:
            return f"自查活动已于{campaign.closed_on:%Y年%-m月%-d日}结束，不能再作答"
        return f"自查活动已于{campaign.ends_on:%Y年%-m月%-d日}截止，不能再作答"
    return None


def is_target(campaign: Campaign, org) -> bool:
    return org.is_branch and org.path.startswith(campaign.org.path) and org.dissolved_on is None


def answer_save(*, actor, campaign: Campaign, item: ChecklistItem, org, member: Member | None = None,
                has_problem: bool, description: str = "", evidence: str = "", auto: bool = False) -> Answer:
    """Save (or change) one answer, only during the campaign's period and before it is closed.
    has_problem=True registers a Problem (source 自查) for the organization and links it; an
    answer already linked to a live problem keeps it. An answer set back to "no problem"
    withdraws (撤销) its problem, which is refused once anything was rectified (a measure
    completed, submitted or signed off): that problem must go through rectification. Callers
    check that the actor manages org (or is the member, for a members' campaign)."""
    description, evidence = (description or "").strip(), (evidence or "").strip()
    refusal = answering_refusal(campaign, timezone.localdate())
    if refusal:
        raise ServiceError({"campaign": refusal})
    if item.checklist_id != campaign.checklist_id:
        raise ServiceError({"item": "该条目不属于本活动的检查清单"})
    if not is_target(campaign, org):
        raise ServiceError({"org": "该组织不是本活动的作答对象"})
    if (campaign.target == CampaignTarget.MEMBERS) != (member is not None):
        raise ServiceError({"member": "本活动由党员个人作答" if member is None else "本活动由党组织作答"})
    if member is not None and member.org_id != org.pk:
        raise ServiceError({"member": "党员不属于该组织"})
    if member is not None and item.auto:
        raise ServiceError({"item": "自动检查条目由系统按组织作答，党员无需作答"})
    if has_problem and not description:
        raise ServiceError({"description": "存在问题时请写明问题描述"})
    if item.answer_type == AnswerType.TEXT and not has_problem and not description:
        raise ServiceError({"description": "请填写情况说明"})
    with transaction.atomic():
        _lock(campaign)
        refusal = answering_refusal(campaign, timezone.localdate())
        if refusal:
            raise ServiceError({"campaign": refusal})
        lookup = {"campaign": campaign, "item": item, "org": org, "member": member}
        answer = Answer.objects.select_for_update().filter(**lookup).first() or Answer(**lookup)
        before = {"has_problem": answer.has_problem if answer.pk else None, "description": answer.description}
        problem = answer.problem if answer.problem_id else None
        live = problem is not None and problem.status != ProblemStatus.WITHDRAWN
        changes = {}
        if not has_problem and live:
            try:
                problem_services.problem_withdraw(
                    actor=actor, problem=problem,
                    reason=f"自查作答改为无问题（{campaign.title}·{item.item_id}）" + (f"：{description}" if description else ""))
            except ServiceError as exc:
                raise ServiceError({"has_problem": "不能改为“无问题”：" + "；".join(exc.errors.values())}) from None
            changes["problem_status"] = [problem.pk, ProblemStatus.WITHDRAWN.value]
        answer.has_problem, answer.description, answer.evidence = has_problem, description, evidence
        answer.is_auto = auto
        answer.answered_by = actor if getattr(actor, "pk", None) else None
        answer.answered_at = timezone.now()
        if has_problem and not live:
            who = f"（{member.name}）" if member is not None else ""
            answer.problem = problem_services.problem_create(
                actor=actor, org=org, source=ProblemSource.SELF_INSPECTION, responsible=member,
                description=f"{description}\n【{campaign.title}·{item.item_id}】{item.text}{who}",
            )
            changes["problem"] = [problem.pk if problem else None, answer.problem_id]
        answer.save()
        audit.record(actor=actor, action="campaign.answer", target=answer, org=org,
                     changes=audit.diff(before, {"has_problem": has_problem, "description": description}) | changes)
    return answer


def answer_automatic(*, campaign: Campaign, org, on=None) -> int:
    """Answer the campaign's automatic items for one organization (the system is the actor; a
    member campaign's automatic items are organization facts and are not asked of members).
    Re-answers items without a linked problem. Returns the number of answers written."""
    if campaign.target != CampaignTarget.ORGS:
        return 0
    on = on or timezone.localdate()
    ctx = auto_checks.Context(org=org, on=on)
    done = dict(Answer.objects.filter(campaign=campaign, org=org, member__isnull=True, problem__isnull=False)
                .exclude(problem__status=ProblemStatus.WITHDRAWN).values_list("item_id", "problem_id"))
    count = 0
    for item in campaign.checklist.items.exclude(auto="").order_by("position"):
        if item.pk in done:
            continue
        result = auto_checks.run(item.auto, ctx)
        answer_save(actor=None, campaign=campaign, item=item, org=org, has_problem=result.has_problem,
                    description=result.explanation, evidence=result.evidence_url, auto=True)
        count += 1
    return count


def preview_automatic(*, campaign: Campaign, org, on=None) -> dict[int, Answer]:
    """The automatic items' answers as they would be saved, without saving them (a page view must
    not write): {item id: unsaved Answer}."""
    if campaign.target != CampaignTarget.ORGS:
        return {}
    ctx = auto_checks.Context(org=org, on=on or timezone.localdate())
    out = {}
    for item in campaign.checklist.items.exclude(auto="").order_by("position"):
        result = auto_checks.run(item.auto, ctx)
        out[item.pk] = Answer(campaign=campaign, item=item, org=org, has_problem=result.has_problem,
                              description=result.explanation, evidence=result.evidence_url, is_auto=True)
    return out


# ------------------------------------------------------------------ progress


@dataclass
class Progress:
    """One unit's tally (a target branch, or a group of them): progress, problems and score."""

    org: Organization
    tally: scoring.Tally

    answered = property(lambda self: self.tally.answered)
    total = property(lambda self: self.tally.total)
    problems = property(lambda self: self.tally.problems)
    score = property(lambda self: self.tally.score_percent)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def _owed_items(campaign: Campaign) -> list[ChecklistItem]:
    items = campaign.checklist.items.order_by("position")
    if campaign.target == CampaignTarget.MEMBERS:
        items = items.filter(auto="")
    return list(items)


def _answers(campaign: Campaign, orgs, items: list[ChecklistItem]):
    """The answers that count: of the given organizations, to owed items, by members still on the
    roster of the organization they answered for (members' campaigns)."""
    ids = orgs.values("pk") if isinstance(orgs, QuerySet) else [o.pk for o in orgs]
    qs = Answer.objects.filter(campaign=campaign, org_id__in=ids, item__in=[i.pk for i in items])
    if campaign.target == CampaignTarget.MEMBERS:
        qs = qs.filter(member__status__in=ON_ROSTER, member__org_id=F("org_id"))
    return qs.order_by()


def campaign_progress(campaign: Campaign, orgs, items: list[ChecklistItem] | None = None) -> list[Progress]:
    """Per target organization: answered / owed, problems found and score (campaign_scoring).
    Four queries whatever the number of organizations (the organizations, the items, the
    answer aggregate, the member counts)."""
    items = _owed_items(campaign) if items is None else items
    item_points = sum(i.weight for i in items)
    counts = {r["org_id"]: r for r in _answers(campaign, orgs, items).values("org_id").annotate(
        n=Count("id"), p=Count("id", filter=Q(has_problem=True)), pts=Sum("item__weight", filter=Q(has_problem=False)))}
    orgs = list(orgs)
    per_org = {o.pk: 1 for o in orgs}
    if campaign.target == CampaignTarget.MEMBERS:
        per_org = {o.pk: 0 for o in orgs} | dict(
            Member.objects.filter(org_id__in=[o.pk for o in orgs], status__in=ON_ROSTER).order_by().values("org_id")
            .annotate(n=Count("id")).values_list("org_id", "n"))
    out = []
    for o in orgs:
        c = counts.get(o.pk, {})
        out.append(Progress(o, scoring.from_counts(answered=c.get("n", 0), problems=c.get("p", 0),
                                                   clean_points=c.get("pts") or 0, items=len(items),
                                                   item_points=item_points, targets=per_org[o.pk])))
    return out


@dataclass
class Summary:
    campaign: Campaign
    rows: list[Progress]  # every target organization, in tree order
    groups: list[Progress]  # roll-up per organization directly below the campaign's (when deeper)
    total: scoring.Tally
    items: list[scoring.ItemCount]  # the commonest problems first


def campaign_summary(campaign: Campaign) -> Summary:
    """The whole campaign: every target's tally, roll-ups per organization below the launching
    one and for the campaign, and the problems per item. A fixed number of queries."""
    items = _owed_items(campaign)
    targets = target_orgs(campaign)
    rows = campaign_progress(campaign, targets, items)
    groups: list[Progress] = []
    depth = campaign.org.depth + 1
    if any(r.org.depth > depth for r in rows):
        step = campaign.org.steplen
        by_path: dict[str, list[scoring.Tally]] = {}
        for r in rows:
            by_path.setdefault(r.org.path[: depth * step], []).append(r.tally)
        for child in Organization.objects.filter(path__in=list(by_path)).order_by("path"):
            groups.append(Progress(child, scoring.roll_up(by_path[child.path])))
    per_item = {r["item_id"]: r for r in _answers(campaign, targets, items).values("item_id").annotate(
        n=Count("id"), p=Count("id", filter=Q(has_problem=True)))}
    counts = [scoring.ItemCount(i, per_item.get(i.pk, {}).get("n", 0), per_item.get(i.pk, {}).get("p", 0))
              for i in items]
    return Summary(campaign, rows, groups, scoring.roll_up(r.tally for r in rows), scoring.commonest(counts))


def summary_workbook(summary: Summary, today) -> bytes:
    """The campaign summary as xlsx: one row per target organization (with the total), a sheet of
    the roll-up per organization (when the campaign spans several levels) and a sheet of problems
    per item, commonest first."""
    from openpyxl.styles import Font

    campaign = summary.campaign
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "汇总"
    state = campaign.state_label(today)
    sheet.append([f"{campaign.title}（{campaign.org.name}，{campaign.starts_on:%Y-%m-%d}至{campaign.ends_on:%Y-%m-%d}，"
                  f"{state}，导出于{today:%Y-%m-%d}）"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["得分＝答“无问题”的条目权重之和÷应答条目权重之和×100；未作答的条目不得分。"])
    head = ["组织", "已答", "应答", "进度（%）", "发现问题", "得分"]
    sheet.append(head)

    def line(name, t: scoring.Tally):
        return [name, t.answered, t.total, t.progress_percent, t.problems, t.score_percent]

    for r in summary.rows:
        sheet.append(line(r.org.name, r.tally))
    sheet.append(line("合计", summary.total))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 30
    if summary.groups:
        groups = book.create_sheet("按组织汇总")
        groups.append(head)
        for g in summary.groups:
            groups.append(line(g.org.name, g.tally))
        groups.column_dimensions["A"].width = 30
    per_item = book.create_sheet("问题分布")
    per_item.append(["分类", "条目编号", "检查内容", "权重", "已答", "有问题", "问题率（%）"])
    for c in summary.items:
        per_item.append([c.item.category, c.item.item_id, c.item.text, c.item.weight, c.answered, c.problems,
                         c.rate_percent])
    per_item.column_dimensions["C"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
