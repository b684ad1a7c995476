"""Rectification pages: the ledger (整改台账) of a subtree and its xlsx and PDF exports, the
sign-off queue (待销号), a new problem, and a problem's page with its measures, evidence, history
and the actions each role may take.

Managers of the responsible organization register problems, add and complete measures and submit
for sign-off; managers of the organization above sign off, return, and reopen (回头看)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orglife.core import audit, scope
from orglife.core.models import Role
from orglife.meetings.reports import attachment
from orglife.orgs.services import ServiceError

from . import export, problem_services, queries, rollup
from .forms import CompleteForm, EvidenceForm, MeasureForm, ProblemForm, ReasonForm
from .models import Measure, MeasureEvidence, Problem, ProblemSource


def get_problem_for_user(user, pk: int, write: bool = False) -> Problem:
    problem = Problem.objects.select_related("org", "responsible", "meeting", "follows").filter(pk=pk).first()
    if problem is None:
        raise Http404("问题不存在")
    if not (scope.can_manage(user, problem.org) if write else scope.can_view(user, problem.org)):
        raise PermissionDenied("您没有该组织的相应权限")
    return problem


def _get_measure(user, pk: int) -> Measure:
    measure = Measure.objects.filter(pk=pk).first()
    if measure is None:
        raise Http404("整改措施不存在")
    measure.problem = get_problem_for_user(user, measure.problem_id, write=True)
    return measure


def _above(user, problem: Problem) -> None:
    if not scope.manages_above(user, problem.org):
        raise PermissionDenied("只有上级组织的管理者可以销号、退回或回头看")


def _errors(request, exc: ServiceError) -> None:
    messages.error(request, "；".join(exc.errors.values()))


def _filtered(request, code):
    """The ledger's organization, today, filters and filtered problems (withdrawn ones included:
    they count only as withdrawn; Filters.listed decides whether they are listed)."""
    org = scope.get_org_for_user(request.user, code)
    today = timezone.localdate()
    filters = queries.Filters.parse(request.GET, request.user, org)
    qs = filters.apply(queries.subtree_problems(request.user, org), request.user, today)
    return org, today, filters, qs


def _summary_context(summary) -> dict:
    return {
        "ledger": summary, "rates": summary.rates, "progress": rollup.percent(summary.progress),
        "rate_on_time": rollup.percent(summary.rates.on_time_rate),
        "rate_overdue": rollup.percent(summary.rates.overdue_rate),
        "rate_reopened": rollup.percent(summary.rates.reopened_rate),
    }


def _signs_off(user) -> bool:
    """Whether the user signs off anything (a manager grant somewhere): the queue is theirs."""
    return user.is_superuser or any(scope.RANK[Role(g.role)] >= scope.RANK[Role.MANAGER] for g in scope.grants(user))


@login_required
@require_GET
def ledger(request, code):
    org, today, filters, qs = _filtered(request, code)
    summary = queries.ledger(qs, today)
    # Paginate the ids alone (a narrow sort even on page 2,000; the count comes from the
    # summary), then load the page's rows.
    ids = queries.Counted(queries.ledger_ids(filters.listed(qs)), filters.listed_count(summary))
    page = Paginator(ids, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.rows(queries.ledger_rows(Problem.objects.filter(pk__in=list(page.object_list))), today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inspection/ledger.html", {
        "org": org, "page": page, "rows": rows, "filters": filters, "query": query.urlencode(),
        "sources": ProblemSource.choices, "statuses": queries.STATUS_FILTERS,
        "can_manage": scope.can_manage(request.user, org),
        "to_sign_off": queries.signoff_queue(request.user, org).count() if _signs_off(request.user) else None,
        **_summary_context(summary),
    })


def _too_many(n: int, limit: int) -> HttpResponseBadRequest | None:
    if n > limit:
        return HttpResponseBadRequest(f"问题超过{limit:,}条，请按来源、状态或下级组织筛选后导出".encode())
    return None


def _export_rows(listed):
    return queries.ledger_rows(listed).order_by("org__path", "created_at", "id")


@login_required
@require_GET
def ledger_xlsx(request, code):
    org, today, filters, qs = _filtered(request, code)
    listed = filters.listed(qs)
    if refused := _too_many(listed.count(), settings.ORGLIFE_MAX_EXPORT_ROWS):
        return refused
    title = f"{org.name}整改台账（截至{today:%Y年%-m月%-d日}）"
    body = export.ledger_workbook(title, _export_rows(listed), today)
    audit.record(actor=request.user, action="ledger.export", target=org, org=org, changes={"filters": [None, request.GET.urlencode()]})
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = attachment(f"{org.name}-整改台账.xlsx")
    return response


@login_required
@require_GET
def ledger_pdf(request, code):
    org, today, filters, qs = _filtered(request, code)
    listed = filters.listed(qs)
    if refused := _too_many(listed.count(), export.PDF_MAX_ROWS):
        return refused
    summary = queries.ledger(qs, today)
    body = export.ledger_pdf(request, {
        "org": org, "today": today, "title": f"{org.name}整改台账", "filters_text": filters.describe(),
        "rows": queries.rows(_export_rows(listed), today), **_summary_context(summary),
    })
    audit.record(actor=request.user, action="ledger.export", target=org, org=org,
                 changes={"filters": [None, request.GET.urlencode()], "format": [None, "pdf"]})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"{org.name}-整改台账.pdf", inline=True)
    return response


@login_required
@require_GET
def signoff_queue(request):
    """待销号: problems submitted by the organizations the viewer signs off, oldest first."""
    if not _signs_off(request.user):
        raise PermissionDenied("只有上级组织的管理者可以销号")
    code = request.GET.get("org", "")
    root = scope.get_org_for_user(request.user, code) if code else None
    today = timezone.localdate()
    qs = queries.signoff_queue(request.user, root).select_related("org", "responsible").prefetch_related(
        Prefetch("measures", queryset=Measure.objects.select_related("owner")))
    page = Paginator(qs, settings.ORGLIFE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspection/signoff_queue.html", {
        "root": root, "page": page, "rows": queries.queue_rows(page.object_list, today), "today": today,
        "query": f"org={root.code}&" if root else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request, code):
    org = scope.get_org_for_user(request.user, code, write=True)
    form = ProblemForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            problem = problem_services.problem_create(actor=request.user, org=org, **form.cleaned_data)
        except ServiceError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "问题已登记，请添加整改措施。")
            return redirect("problem_detail", pk=problem.pk)
    return render(request, "inspection/problem_form.html", {"org": org, "form": form})


@login_required
@require_GET
def problem_detail(request, pk):
    problem = get_problem_for_user(request.user, pk)
    today = timezone.localdate()
    measures = list(problem.measures.select_related("owner").prefetch_related("files"))
    may_manage = scope.can_manage(request.user, problem.org)
    return render(request, "inspection/problem_detail.html", {
        "problem": problem, "org": problem.org, "measures": measures, "today": today,
        "overdue": {m.pk for m in measures if m.is_overdue(today)},
        "progress": rollup.percent(rollup.problem_progress((m.weight, m.is_done) for m in measures)),
        "events": problem.events.select_related("actor"),
        "follow_ups": list(problem.follow_ups.all()),
        "may_manage": may_manage and problem.is_editable,
        "may_submit": may_manage and problem.is_editable and bool(measures) and all(m.is_done for m in measures),
        "may_review": problem.status == "submitted" and scope.manages_above(request.user, problem.org),
        "may_reopen": (problem.status == "signed_off" and problem.reopened_at is None
                       and scope.manages_above(request.user, problem.org)),
        "measure_form": MeasureForm(org=problem.org), "complete_form": CompleteForm(),
        "evidence_form": EvidenceForm(), "reason_form": ReasonForm(),
    })


@login_required
@require_POST
def measure_add(request, pk):
    problem = get_problem_for_user(request.user, pk, write=True)
    form = MeasureForm(request.POST, org=problem.org)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
        return redirect("problem_detail", pk=problem.pk)
    try:
        problem_services.measure_add(actor=request.user, problem=problem, **form.cleaned_data)
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已添加整改措施。")
    return redirect("problem_detail", pk=problem.pk)


@login_required
@require_POST
def measure_complete(request, pk):
    measure = _get_measure(request.user, pk)
    form = CompleteForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    try:
        if data.get("file"):
            problem_services.evidence_add(actor=request.user, measure=measure, upload=data["file"])
        problem_services.measure_complete(actor=request.user, measure=measure, evidence=data.get("evidence", ""),
                                          done_on=data.get("done_on"))
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "整改措施已完成。")
    return redirect("problem_detail", pk=measure.problem_id)


@login_required
@require_POST
def evidence_add(request, pk):
    measure = _get_measure(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect("problem_detail", pk=measure.problem_id)
    try:
        problem_services.evidence_add(actor=request.user, measure=measure, upload=form.cleaned_data["file"])
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已上传佐证材料。")
    return redirect("problem_detail", pk=measure.problem_id)


@login_required
@require_GET
def evidence_download(request, pk):
    item = MeasureEvidence.objects.select_related("measure").filter(pk=pk).first()
    if item is None:
        raise Http404("佐证材料不存在")
    get_problem_for_user(request.user, item.measure.problem_id)
    return FileResponse(item.file.open("rb"), as_attachment=not item.content_type.startswith("image/"),
                        filename=item.name, content_type=item.content_type)


@login_required
@require_POST
def problem_submit(request, pk):
    problem = get_problem_for_user(request.user, pk, write=True)
    try:
        problem_services.problem_submit(actor=request.user, problem=problem)
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已提交上级组织销号。")
    return redirect("problem_detail", pk=problem.pk)


def _review(request, pk, call, done: str):
    problem = get_problem_for_user(request.user, pk)
    _above(request.user, problem)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        result = call(problem, form.cleaned_data.get("reason", ""))
    except ServiceError as exc:
        _errors(request, exc)
        return redirect("problem_detail", pk=problem.pk)
    messages.success(request, done)
    return redirect("problem_detail", pk=result.pk)


@login_required
@require_POST
def problem_sign_off(request, pk):
    return _review(request, pk, lambda p, r: problem_services.problem_sign_off(actor=request.user, problem=p, comment=r),
                   "已销号。")


@login_required
@require_POST
def problem_return(request, pk):
    return _review(request, pk, lambda p, r: problem_services.problem_return(actor=request.user, problem=p, reason=r),
                   "已退回，责任组织整改后可重新提交。")


@login_required
@require_POST
def problem_reopen(request, pk):
    return _review(request, pk, lambda p, r: problem_services.problem_reopen(actor=request.user, problem=p, reason=r),
                   "回头看：已重新立项整改，原问题记录保留。")
