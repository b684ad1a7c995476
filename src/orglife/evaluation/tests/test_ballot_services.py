"""Secret ballot services: casting, double votes, receipts, closing and the minimum-N rule."""

from __future__ import annotations

import pytest

from orglife.evaluation import ballot_queries, ballot_services
from orglife.evaluation.ballot_models import BallotStatus, CastAnswer, CastBallot, VoterRoll
from orglife.orgs.services import ServiceError

from .appraisal_helpers import TODAY, add_voters

pytestmark = pytest.mark.django_db


def make_ballot(demo, voters=5, min_cast=None, open_=True):
    members = add_voters(demo, voters)
    spec = [ballot_services.QuestionSpec("q1", "题一", [("yes", "同意"), ("no", "不同意")]),
            ballot_services.QuestionSpec("q2", "题二", [("yes", "同意"), ("no", "不同意")])]
    ballot = ballot_services.ballot_create(actor=None, org=demo.zb1, title="表决", questions=spec, voters=members,
                                           min_cast=min_cast)
    if open_:
        ballot = ballot_services.ballot_open(actor=None, ballot=ballot, today=TODAY)
    return ballot, members


def answer(ballot, key="yes"):
    return {q.pk: q.options.get(key=key).pk for q in ballot.questions.all()}


def test_the_minimum_defaults_to_the_profile_option(demo):
    ballot, _ = make_ballot(demo, open_=False)
    assert ballot.min_cast == 5 and ballot.status == BallotStatus.DRAFT


def test_casting_writes_an_anonymous_ballot_and_flags_the_roll(demo):
    ballot, members = make_ballot(demo)
    code = ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0], choices=answer(ballot))
    assert len(code) == 14 and code.count("-") == 2
    assert VoterRoll.objects.get(ballot=ballot, member=members[0]).has_voted
    assert CastBallot.objects.count() == 1 and CastAnswer.objects.count() == 2
    assert code not in CastBallot.objects.get().receipt_hash


def test_a_voter_cannot_vote_twice_or_change_the_ballot(demo):
    ballot, members = make_ballot(demo)
    ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0], choices=answer(ballot))
    with pytest.raises(ServiceError) as exc:
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0], choices=answer(ballot, "no"))
    assert "不能重复投票或修改" in exc.value.errors["ballot"]
    assert CastBallot.objects.count() == 1
    assert set(CastAnswer.objects.values_list("option__key", flat=True)) == {"yes"}


def test_only_voters_on_the_roll_may_vote(demo):
    ballot, _ = make_ballot(demo)
    with pytest.raises(ServiceError) as exc:
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=demo.m3, choices=answer(ballot))
    assert "名单" in exc.value.errors["ballot"]


def test_votes_only_while_open(demo):
    ballot, members = make_ballot(demo, open_=False)
    with pytest.raises(ServiceError):
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0], choices=answer(ballot))
    ballot = ballot_services.ballot_open(actor=None, ballot=ballot, today=TODAY)
    ballot = ballot_services.ballot_close(actor=None, ballot=ballot, today=TODAY)
    with pytest.raises(ServiceError) as exc:
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0], choices=answer(ballot))
    assert "已结束" in exc.value.errors["ballot"]
    with pytest.raises(ServiceError):
        ballot_services.ballot_close(actor=None, ballot=ballot, today=TODAY)


def test_every_question_needs_an_option_of_its_own(demo):
    ballot, members = make_ballot(demo)
    q1, q2 = ballot.questions.all()
    with pytest.raises(ServiceError) as exc:
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0], choices={q1.pk: q1.options.first().pk})
    assert "未选择" in exc.value.errors["ballot"]
    with pytest.raises(ServiceError) as exc:  # q2's option given for q1
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0],
                                    choices={q1.pk: q2.options.first().pk, q2.pk: q2.options.first().pk})
    assert exc.value.errors["ballot"] == "选票内容无效"
    assert not VoterRoll.objects.filter(has_voted=True).exists() and not CastBallot.objects.exists()


def test_receipts_verify(demo):
    ballot, members = make_ballot(demo)
    codes = [ballot_services.ballot_cast(actor=None, ballot=ballot, member=m, choices=answer(ballot)) for m in members[:3]]
    assert all(ballot_queries.receipt_counted(ballot, c) for c in codes)
    assert ballot_queries.receipt_counted(ballot, codes[0].lower().replace("-", " "))  # typed loosely
    assert not ballot_queries.receipt_counted(ballot, "AAAA-BBBB-CCCC")
    ballot_services.ballot_close(actor=None, ballot=ballot, today=TODAY)  # shuffling keeps receipts
    assert all(ballot_queries.receipt_counted(ballot, c) for c in codes)
    other, others = make_ballot(demo)
    assert not ballot_queries.receipt_counted(other, codes[0])  # a receipt belongs to its ballot


def test_receipts_are_random(demo):
    codes = {ballot_services.new_receipt() for _ in range(500)}
    assert len(codes) == 500
    assert all(set(c.replace("-", "")) <= set(ballot_services.RECEIPT_ALPHABET) for c in codes)


def test_tallies_only_after_close(demo):
    ballot, members = make_ballot(demo)
    for m in members:
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=m, choices=answer(ballot))
    t = ballot_queries.tallies(ballot)
    assert not t.visible and not t.rows and "结束后" in t.reason
    ballot = ballot_services.ballot_close(actor=None, ballot=ballot, today=TODAY)
    t = ballot_queries.tallies(ballot)
    assert t.visible and t.cast == 5
    assert [(row.question.key, row.by_option) for row in t.rows] == [("q1", {"yes": 5, "no": 0}),
                                                                    ("q2", {"yes": 5, "no": 0})]


@pytest.mark.parametrize("cast,visible", [(4, False), (5, True)])
def test_tallies_need_the_minimum_number_of_ballots(demo, cast, visible):
    ballot, members = make_ballot(demo, voters=6)
    for m in members[:cast]:
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=m, choices=answer(ballot))
    ballot = ballot_services.ballot_close(actor=None, ballot=ballot, today=TODAY)
    t = ballot_queries.tallies(ballot)
    assert t.visible is visible
    if not visible:
        assert not t.rows and "少于 5 张" in t.reason


def test_a_higher_minimum_from_the_ballot(demo):
    ballot, members = make_ballot(demo, voters=6, min_cast=10)
    for m in members:
        ballot_services.ballot_cast(actor=None, ballot=ballot, member=m, choices=answer(ballot))
    ballot = ballot_services.ballot_close(actor=None, ballot=ballot, today=TODAY)
    assert not ballot_queries.tallies(ballot).visible


def test_turnout(demo):
    ballot, members = make_ballot(demo)
    ballot_services.ballot_cast(actor=None, ballot=ballot, member=members[0], choices=answer(ballot))
    t = ballot_queries.turnout(ballot)
    assert (t.due, t.voted) == (5, 1)


def test_an_empty_ballot_is_refused(demo):
    with pytest.raises(ServiceError) as exc:
        ballot_services.ballot_create(actor=None, org=demo.zb1, title=" ", questions=[], voters=[])
    assert set(exc.value.errors) == {"title", "questions", "voters"}
