"""Pages for casting a secret ballot (on a phone) and checking a receipt.

Nobody gets a page that links a voter to a cast ballot: the vote page writes and shows the receipt
once; the receipt page answers only "counted" or "not found"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from orglife.core import scope
from orglife.orgs.services import ServiceError

from . import ballot_queries, ballot_services
from .ballot_forms import ReceiptForm, VoteForm
from .ballot_models import Ballot, BallotQuestion, BallotStatus


def _ballot(pk) -> Ballot:
    ballot = Ballot.objects.select_related("org").filter(pk=pk).first()
    if ballot is None:
        raise Http404("投票不存在")
    return ballot


def _back_url(ballot: Ballot) -> str:
    if ballot.purpose == "appraisal":
        from .appraisal_models import MemberEvaluation

        pk = MemberEvaluation.objects.filter(ballot=ballot).values_list("pk", flat=True).first()
        if pk:
            return reverse("appraisal_detail", args=[pk])
    return reverse("appraisal_mine")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def ballot_vote(request, pk):
    ballot = _ballot(pk)
    member = getattr(request.user, "member", None)
    roll = ballot_queries.voter_status(ballot, member)
    if roll is None:
        raise PermissionDenied("您不在本次投票的投票人名单中")
    ctx = {"ballot": ballot, "back": _back_url(ballot), "roll": roll}
    if ballot.status != BallotStatus.OPEN or roll.has_voted:
        return render(request, "evaluation/ballot_vote.html", ctx, status=200 if request.method == "GET" else 409)
    questions = BallotQuestion.objects.filter(ballot=ballot).prefetch_related("options")
    form = VoteForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST":
        if form.is_valid():
            try:
                receipt = ballot_services.ballot_cast(actor=request.user, ballot=ballot, member=member,
                                                      choices=form.choices())
            except ServiceError as exc:
                form.add_error(None, "；".join(exc.errors.values()))
            else:
                # Shown once, never stored in clear: not redirected through the session.
                return render(request, "evaluation/ballot_receipt_shown.html", {**ctx, "receipt": receipt})
        return render(request, "evaluation/ballot_vote.html", {**ctx, "form": form}, status=400)
    return render(request, "evaluation/ballot_vote.html", {**ctx, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def ballot_receipt(request, pk):
    ballot = _ballot(pk)
    roll = ballot_queries.voter_status(ballot, getattr(request.user, "member", None))
    if roll is None and not scope.can_view(request.user, ballot.org):
        raise PermissionDenied("您没有查看该投票的权限")
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    counted = None
    if request.method == "POST" and form.is_valid():
        counted = ballot_queries.receipt_counted(ballot, form.cleaned_data["code"])
    return render(request, "evaluation/ballot_receipt.html", {
        "ballot": ballot, "form": form, "counted": counted, "back": _back_url(ballot),
        "cast": ballot_queries.turnout(ballot).voted,
    }, status=400 if request.method == "POST" and not form.is_valid() else 200)
