"""Self-inspection pages: an organization's campaigns (list and launch), a campaign's progress and
scores per organization for the officer (edit, close, xlsx summary), the answer form for a target
branch (or a member), and the checklist upload for administrators."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import audit, scope
from orglife.core.models import Role
from orglife.meetings.reports import attachment
from orglife.orgs.models import Member, Organization
from orglife.orgs.services import ServiceError

from . import campaign_services as cs
from .forms import CampaignEditForm, CampaignForm, ChecklistUploadForm
from .models import Answer, Campaign, CampaignTarget, Checklist


def _get_campaign(pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("org", "checklist", "launched_by").filter(pk=pk).first()
    if campaign is None:
        raise Http404("自查活动不存在")
    return campaign


def _own_member(user, campaign: Campaign) -> Member | None:
    if campaign.target != CampaignTarget.MEMBERS or not user.is_authenticated:
        return None
    member = Member.objects.select_related("org").filter(user=user).first()
    if member is None or not cs.is_target(campaign, member.org):
        return None
    return member


def _is_administrator(user) -> bool:
    """A system administrator: checklists are shared by every organization, so only an administrator
    of a root organization (or a superuser) loads them."""
    return user.is_authenticated and (user.is_superuser or any(
        g.role == Role.ADMINISTRATOR and g.recursive and len(g.path) == Organization.steplen for g in scope.grants(user)))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request, code):
    org = scope.get_org_for_user(request.user, code)
    may_launch = scope.can_manage(request.user, org)
    form = CampaignForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST":
        if not may_launch:
            raise PermissionDenied("只有本组织的管理者可以发起自查活动")
        if form.is_valid():
            try:
                campaign = cs.campaign_launch(actor=request.user, org=org, **form.cleaned_data)
            except ServiceError as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, "自查活动已发起。")
                return redirect("campaign_detail", pk=campaign.pk)
    qs = Campaign.objects.filter(org__path__in=[*org.ancestor_paths(), org.path]).select_related("org", "checklist")
    page = Paginator(qs, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for campaign in page.object_list:
        campaign.state_text = campaign.state_label(today)
    return render(request, "inspection/campaign_list.html", {
        "org": org, "page": page, "form": form, "may_launch": may_launch,
        "may_upload": _is_administrator(request.user),
    })


def _officer_campaign(request, pk) -> Campaign:
    campaign = _get_campaign(pk)
    if not scope.can_manage(request.user, campaign.org):
        raise PermissionDenied("只有发起组织的管理者可以管理本次自查活动")
    return campaign


TOP_PROBLEMS = 5


@login_required
@require_GET
def campaign_detail(request, pk):
    campaign = _get_campaign(pk)
    today = timezone.localdate()
    officer = scope.can_manage(request.user, campaign.org)
    targets = cs.target_orgs(campaign)
    mine = targets
    q = scope.org_q(request.user, Role.MANAGER)
    if q is not None:
        mine = targets.filter(q)
    mine = list(mine[: settings.ORGLIFE_PAGE_SIZE]) if campaign.target == CampaignTarget.ORGS else []
    member = _own_member(request.user, campaign)
    if not (officer or mine or member):
        raise PermissionDenied("您不是本次自查活动的发起者或作答对象")
    page = rows = summary = None
    if officer:
        summary = cs.campaign_summary(campaign)
        page = Paginator(summary.rows, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page.object_list
    mine_rows = cs.campaign_progress(campaign, mine) if mine and not officer else []
    return render(request, "inspection/campaign_detail.html", {
        "campaign": campaign, "org": campaign.org, "officer": officer, "page": page, "rows": rows,
        "summary": summary, "mine": mine, "mine_rows": mine_rows, "member": member,
        "state": campaign.state(today), "state_label": campaign.state_label(today),
        "refusal": cs.answering_refusal(campaign, today),
        "top": [c for c in summary.items if c.problems][:TOP_PROBLEMS] if summary else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = _officer_campaign(request, pk)
    if campaign.state(timezone.localdate()) == "closed":
        messages.error(request, "自查活动已结束，不能再修改。")
        return redirect("campaign_detail", pk=campaign.pk)
    form = CampaignEditForm(request.POST or None, initial={
        "title": campaign.title, "description": campaign.description, "ends_on": campaign.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            cs.campaign_edit(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ServiceError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "自查活动已修改。")
            return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "inspection/campaign_edit.html", {"campaign": campaign, "org": campaign.org, "form": form})


@login_required
@require_POST
def campaign_close(request, pk):
    campaign = _officer_campaign(request, pk)
    try:
        cs.campaign_close(actor=request.user, campaign=campaign)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "自查活动已结束，不再接受作答；以下为最终结果。")
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
@require_GET
def campaign_xlsx(request, pk):
    campaign = _officer_campaign(request, pk)
    today = timezone.localdate()
    body = cs.summary_workbook(cs.campaign_summary(campaign), today)
    audit.record(actor=request.user, action="campaign.export", target=campaign, org=campaign.org,
                 changes={"on": [None, today.isoformat()]})
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = attachment(f"{campaign.title}-自查汇总.xlsx")
    return response


class Row:
    """One item on the answer form: the saved answer, or what was typed when saving failed."""

    def __init__(self, item, answer: Answer | None, error: str | None, posted, typed: bool = False):
        self.item, self.answer, self.error = item, answer, error
        if error or typed:
            self.choice = posted.get(f"p{item.pk}", "")
            self.description, self.evidence = posted.get(f"d{item.pk}", ""), posted.get(f"e{item.pk}", "")
        else:
            self.choice = "" if answer is None else ("yes" if answer.has_problem else "no")
            self.description = answer.description if answer else ""
            self.evidence = answer.evidence if answer else ""


def _answer_page(request, campaign: Campaign, org, member: Member | None):
    items = list(campaign.checklist.items.order_by("position"))
    if member is not None:
        items = [i for i in items if not i.auto]
    answers_qs = Answer.objects.filter(campaign=campaign, org=org)
    answers_qs = answers_qs.filter(member=member) if member else answers_qs.filter(member__isnull=True)
    errors: dict[int, str] = {}
    refusal = cs.answering_refusal(campaign, timezone.localdate())
    typed = False
    if request.method == "POST" and refusal:
        typed = True  # refused as a whole: show what was typed, read-only, with the reason
    elif request.method == "POST" and "refresh" in request.POST:
        n = cs.answer_automatic(campaign=campaign, org=org)
        messages.success(request, f"已重新核查 {n} 项自动检查条目。")
        return redirect(request.path)
    # Automatic items are shown computed on a first visit and saved with the branch's first save
    # (or "重新核查"): a GET never writes. Nothing is computed once the campaign is closed.
    unchecked = member is None and not refusal and not answers_qs.filter(is_auto=True).exists()
    if request.method == "POST" and not refusal:
        try:
            if unchecked:
                cs.answer_automatic(campaign=campaign, org=org)
            saved = 0
            for item in items:
                if item.auto:
                    continue
                choice = request.POST.get(f"p{item.pk}", "")
                if choice not in ("yes", "no"):
                    continue
                try:
                    cs.answer_save(actor=request.user, campaign=campaign, item=item, org=org, member=member,
                                   has_problem=choice == "yes", description=request.POST.get(f"d{item.pk}", ""),
                                   evidence=request.POST.get(f"e{item.pk}", ""))
                    saved += 1
                except ServiceError as exc:
                    if "campaign" in exc.errors:
                        raise
                    errors[item.pk] = "；".join(exc.errors.values())
        except ServiceError as exc:  # closed while the form was being filled in
            refusal, typed = exc.errors["campaign"], True
        else:
            if not errors:
                messages.success(request, f"已保存 {saved} 项作答。")
                return redirect(request.path)
    answers = cs.preview_automatic(campaign=campaign, org=org) if unchecked and request.method == "GET" else {}
    answers.update({a.item_id: a for a in answers_qs.select_related("problem")})
    rows = [Row(i, answers.get(i.pk), errors.get(i.pk), request.POST, typed) for i in items]
    return render(request, "inspection/campaign_answer.html", {
        "campaign": campaign, "org": org, "member": member, "rows": rows, "refusal": refusal,
        "answered": sum(1 for r in rows if r.answer and r.answer.pk), "total": len(rows),
    }, status=409 if typed and request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_answer(request, pk, code):
    campaign = _get_campaign(pk)
    org = scope.get_org_for_user(request.user, code, write=True)
    if campaign.target != CampaignTarget.ORGS or not cs.is_target(campaign, org):
        raise Http404("该组织不是本活动的作答对象")
    return _answer_page(request, campaign, org, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_answer_mine(request, pk):
    campaign = _get_campaign(pk)
    member = _own_member(request.user, campaign)
    if member is None:
        raise PermissionDenied("本活动不需要您个人作答")
    return _answer_page(request, campaign, member.org, member)


@login_required
@require_http_methods(["GET", "POST"])
def checklist_upload(request):
    if not _is_administrator(request.user):
        raise PermissionDenied("只有系统管理员可以载入检查清单")
    form = ChecklistUploadForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checklist = cs.checklist_import_xlsx(actor=request.user, fileobj=data.pop("file"), **data)
        except cs.ChecklistRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"已载入检查清单“{checklist}”，共 {checklist.items.count()} 项。")
            return redirect("checklist_upload")
    return render(request, "inspection/checklist_upload.html", {
        "form": form, "errors": errors, "checklists": Checklist.objects.order_by("code", "-loaded_at")[:50],
    })


@login_required
@require_GET
def checklist_template(request):
    response = HttpResponse(cs.checklist_template(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="checklist-template.xlsx"'
    return response
