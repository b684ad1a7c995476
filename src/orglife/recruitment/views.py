"""发展党员 pages: the pipeline of an organization (and its subtree), registering an applicant, the
applicant's file with its timeline and findings, recording steps, documents, admission, the
conversion outcome and withdrawal. Parse, authorize, call, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import scope
from orglife.orgs.models import Organization, OrgKind
from orglife.orgs.services import ServiceError

from . import queries, services
from . import ruleset as rulesets
from .forms import ApplicantForm, DocumentForm, StepForm, WithdrawForm
from .models import ApplicantStatus, Document, Step
from .timeline import OUTCOMES

PAGE_SIZE = 20


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_GET
def pipeline(request, code):
    org = scope.get_org_for_user(request.user, code)
    today = timezone.localdate()
    status = request.GET.get("status") if request.GET.get("status") in queries.FILTERS else "open"
    stage = _int(request.GET.get("stage"))
    stage = stage if stage in queries.STAGES else None
    late = request.GET.get("late") == "1"
    qs = queries.pipeline(request.user, org, status=status, stage=stage, late=late, today=today)
    summary = queries.summary(request.user, org, today)
    # Page over ids (an index-only scan), then load the page's 20 rows.
    paginator = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE)
    known = queries.known_count(summary, status=status, stage=stage, late=late)
    if known is not None:
        paginator.count = known  # the summary aggregate already counted it: no second COUNT over the subtree
    page = paginator.get_page(request.GET.get("page"))
    rows = [(a, queries.step_label(a, _current_step(a)), queries.step_label(a, a.next_step),
             queries.step_label(a, a.due_step)) for a in queries.by_ids(list(page.object_list))]
    query = "&".join(p for p in (f"status={status}", f"stage={stage}" if stage else "", "late=1" if late else "") if p)
    return render(request, "recruitment/pipeline.html", {
        "org": org, "page": page, "rows": rows, "summary": summary, "today": today,
        "status": status, "stage": stage, "late": late, "filters": queries.FILTERS, "stages": queries.STAGES,
        "query": query, "can_register": org.kind in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
        and scope.can_manage(request.user, org),
        "soon": today + dt.timedelta(days=rulesets.get().warn_days),
    })


def _current_step(applicant) -> str:
    rs = rulesets.get(applicant.ruleset or None)
    return next((s.id for s in rs.steps if s.number == applicant.step_number), "")


@login_required
@require_http_methods(["GET", "POST"])
def applicant_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    if org.kind not in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH):
        raise Http404("入党申请人应登记在党支部")
    form = ApplicantForm(request.POST or None, initial={"applied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            applicant = services.applicant_create(actor=request.user, org=org, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已登记入党申请人{applicant.name}。")
            return redirect("recruitment_applicant", pk=applicant.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/applicant_form.html", {"org": org, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def applicant_edit(request, pk):
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    initial = {k: getattr(applicant, k) for k in services.APPLICANT_FIELDS}
    form = ApplicantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_update(actor=request.user, applicant=applicant, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "已保存。")
            return redirect("recruitment_applicant", pk=applicant.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/applicant_form.html", {"org": applicant.org, "form": form,
                                                               "applicant": applicant}, status=status)


def _step_form(applicant, rs, step_id, data=None):
    step = rs.step(step_id)
    members = list(services.branch_roster(applicant.org).order_by("name", "id").only("id", "name")[:500]) \
        if step.actors else []
    resolutions = queries.vote_resolutions(applicant) if step.vote else []
    initial = {"on": timezone.localdate()}
    return StepForm(data, step=step, members=members, resolutions=resolutions, initial=initial), members, resolutions


def _detail(request, applicant, *, form=None, step_id=None, status=200):
    can_manage = scope.can_manage(request.user, applicant.org)
    rs = services.ruleset_for(applicant)
    steps = list(applicant.steps.select_related("resolution__meeting__org").prefetch_related("actors", "documents"))
    today = timezone.localdate()
    result = services.evaluation(applicant, steps, today=today)
    by_step: dict[str, list[Step]] = {}
    for s in steps:
        s.passed = services.vote_passed(s) if s.resolution_id else None
        s.outcome_label = OUTCOMES.get((s.extra or {}).get("outcome", ""), "")
        by_step.setdefault(s.step, []).append(s)
    stages = [(n, name, [(d, by_step.get(d.id, [])) for d in rs.steps if d.stage == n]) for n, name in rs.stages.items()]
    choosable = [d for d in rs.steps if d.id != "application" and (d.repeats or d.id not in by_step)]
    if can_manage and applicant.is_open and form is None:
        wanted = request.GET.get("step") or (result.next.id if result.next else "")
        if not rs.has_step(wanted) or wanted not in {d.id for d in choosable}:
            wanted = choosable[0].id if choosable else ""
        form = _step_form(applicant, rs, wanted)[0] if wanted else None
    return render(request, "recruitment/applicant_detail.html", {
        "applicant": applicant, "org": applicant.org, "rs": rs, "stages": stages, "result": result,
        "findings": sorted(result.findings, key=lambda f: (f.level != "error", f.due or today)),
        "can_manage": can_manage, "sees_personal": can_manage, "form": form if applicant.is_open else None,
        "choosable": choosable, "due_step": rs.step(result.due_step) if result.due_step else None,
        "admission_errors": services.admission_errors(applicant, result)
        if applicant.status == ApplicantStatus.ACTIVE and "approval" in by_step else None,
        "conclusion_errors": services.conclusion_errors(applicant, result)
        if applicant.status == ApplicantStatus.PROBATIONARY and "conversion_approval" in by_step else None,
        "groups": list(Organization.objects.filter(path__startswith=applicant.org.path, kind=OrgKind.PARTY_GROUP,
                                                   depth=applicant.org.depth + 1).order_by("path"))
        if can_manage and applicant.status == ApplicantStatus.ACTIVE else [],
        "withdraw_form": WithdrawForm() if can_manage and applicant.status == ApplicantStatus.ACTIVE else None,
        "document_form": DocumentForm() if can_manage else None,
        "today": today,
    }, status=status)


@login_required
@require_GET
def applicant_detail(request, pk):
    applicant = queries.get_applicant_for_user(request.user, pk)
    return _detail(request, applicant)


@login_required
@require_POST
def step_new(request, pk):
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    rs = services.ruleset_for(applicant)
    step_id = request.POST.get("step", "")
    if not rs.has_step(step_id) or step_id == "application":
        messages.error(request, "步骤无效。")
        return redirect("recruitment_applicant", pk=applicant.pk)
    form, members, resolutions = _step_form(applicant, rs, step_id, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        chosen = set(data.get("actors") or [])
        resolution = next((r for r in resolutions if r.pk == data.get("resolution")), None)
        try:
            services.step_record(
                actor=request.user, applicant=applicant, step=step_id, on=data.get("on"), notes=data.get("notes", ""),
                actors=[m for m in members if m.pk in chosen], actor_names=data.get("actor_names", ""),
                extra=form.extra(), resolution=resolution)
        except ServiceError as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已记录“{rs.step(step_id).name}”。")
            return redirect("recruitment_applicant", pk=applicant.pk)
    return _detail(request, applicant, form=form, status=400)


@login_required
@require_POST
def step_delete(request, pk, step_pk):
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    step = _step_of(applicant, step_pk)
    try:
        services.step_delete(actor=request.user, step=step)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, "已删除该步骤记录。")
    return redirect("recruitment_applicant", pk=applicant.pk)


def _step_of(applicant, step_pk) -> Step:
    try:
        return applicant.steps.select_related("applicant__org").get(pk=step_pk)
    except Step.DoesNotExist:
        raise Http404("步骤记录不存在") from None


@login_required
@require_POST
def document_add(request, pk, step_pk):
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    step = _step_of(applicant, step_pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            services.document_add(actor=request.user, step=step, upload=form.cleaned_data["file"])
        except ServiceError as exc:
            messages.error(request, "；".join(exc.errors.values()))
        else:
            messages.success(request, "已上传材料。")
    return redirect("recruitment_applicant", pk=applicant.pk)


@login_required
@require_GET
def document_download(request, pk, doc_pk):
    # Documents hold personal data: the branch's managers (and those above) only.
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    try:
        doc = Document.objects.get(pk=doc_pk, step__applicant=applicant)
    except Document.DoesNotExist:
        raise Http404("材料不存在") from None
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name, content_type=doc.content_type)


@login_required
@require_POST
def admit(request, pk):
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    group_id = _int(request.POST.get("party_group"))
    group = Organization.objects.filter(pk=group_id, kind=OrgKind.PARTY_GROUP, path__startswith=applicant.org.path,
                                        depth=applicant.org.depth + 1).first() if group_id else None
    try:
        member = services.admit(actor=request.user, applicant=applicant, party_group=group)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, f"已接收{member.name}为预备党员，入党日期{member.admitted_on:%Y年%-m月%-d日}。")
    return redirect("recruitment_applicant", pk=applicant.pk)


@login_required
@require_POST
def conclude(request, pk):
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    try:
        applicant = services.conclude(actor=request.user, applicant=applicant)
    except ServiceError as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, f"已办理：{applicant.get_status_display()}。")
    return redirect("recruitment_applicant", pk=applicant.pk)


@login_required
@require_POST
def withdraw(request, pk):
    applicant = queries.get_applicant_for_user(request.user, pk, write=True)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(actor=request.user, applicant=applicant, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, "；".join(exc.errors.values()))
        else:
            messages.success(request, "已终止发展。")
    else:
        messages.error(request, "请填写终止发展的原因。")
    return redirect("recruitment_applicant", pk=applicant.pk)

