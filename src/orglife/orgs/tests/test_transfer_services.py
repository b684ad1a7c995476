# ruff: noqa: F811  (the world fixture is imported, then requested by name)
"""Transfer services: the route from the tree, each transition, each illegal transition refused,
and what moves with the member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orglife.conftest import TODAY, new_id
from orglife.core.models import AuditEvent
from orglife.orgs import services, transfer_services
from orglife.orgs.models import Member, MemberOrgHistory, PostHolding, Status
from orglife.orgs.services import ServiceError
from orglife.orgs.transfer_models import StepStatus, Transfer, TransferKind, TransferStatus

from .transfer_fixtures import DAY, accepted, issued, org, start, world  # noqa: F401

pytestmark = pytest.mark.django_db


def route(t):
    return [(s.org.code, s.role, s.status) for s in t.steps.filter(round=t.round).select_related("org")]


def actions(t):
    return list(AuditEvent.objects.filter(target_type="orgs.transfer", target_id=str(t.pk))
                .order_by("id").values_list("action", flat=True))


# ---------------------------------------------------------------- start and route


def test_it_starts_with_the_route_from_the_tree(world):
    t = start(world.demo)
    assert t.status == TransferStatus.PENDING and t.kind == TransferKind.INTERNAL
    assert route(t) == [("ZZ", "approve", "pending"), ("ZB2", "accept", "waiting")]
    assert t.current_org.code == "ZZ"
    assert actions(t) == ["transfer.start"]


def test_it_routes_across_the_committee(world):
    t = start(world.demo, to=world.demo.zb3)
    assert [(c, r) for c, r, _ in route(t)] == [("ZZ", "approve"), ("DW", "approve"), ("ZB3", "accept")]


def test_an_outside_transfer_goes_up_to_the_committee_that_issues_the_letter(world):
    t = start(world.demo, outside="某市某局机关党委")
    assert t.kind == TransferKind.OUT
    assert [(c, r) for c, r, _ in route(t)] == [("ZZ", "approve"), ("DW", "issue")]


@pytest.mark.parametrize("kwargs, field", [
    ({"to": None, "outside": ""}, "to_org"),
    ({"reason": "  "}, "reason"),
])
def test_it_refuses_missing_fields(world, kwargs, field):
    demo = world.demo
    member = Member.objects.get(pk=demo.m2.pk)
    with pytest.raises(ServiceError) as e:
        transfer_services.transfer_start(actor=demo.secretary, member=member, to_org=kwargs.get("to", demo.zb2),
                                         outside_name=kwargs.get("outside", ""), reason=kwargs.get("reason", "x"),
                                         transfer_on=DAY)
    assert field in e.value.errors
    assert not Transfer.objects.exists()


def test_it_refuses_a_bad_destination(world):
    demo = world.demo
    for to, message in ((demo.zb1, "相同"), (demo.xz1, "不能直接接收党员")):
        with pytest.raises(ServiceError) as e:
            start(demo, to=to)
        assert message in e.value.errors["to_org"]
    services.org_update(actor=None, org=org("ZB2"), dissolved_on=dt.date(2026, 1, 1))
    with pytest.raises(ServiceError, match="已撤销"):
        start(demo, to=org("ZB2"))


def test_it_refuses_both_destinations_and_no_date(world):
    demo = world.demo
    member = Member.objects.get(pk=demo.m2.pk)
    with pytest.raises(ServiceError) as e:
        transfer_services.transfer_start(actor=demo.secretary, member=member, to_org=demo.zb2, outside_name="外单位",
                                         reason="x", transfer_on=None)
    assert set(e.value.errors) == {"to_org", "transfer_on"}


def test_only_the_sending_side_may_start(world):
    with pytest.raises(ServiceError, match="管理者"):
        start(world.demo, actor=world.sec2)


def test_a_member_has_one_open_transfer(world):
    start(world.demo)
    with pytest.raises(ServiceError, match="正在办理"):
        start(world.demo, to=world.demo.zb3)


def test_a_member_off_the_roster_cannot_be_transferred(world):
    demo = world.demo
    services.member_update(actor=None, member=Member.objects.get(pk=demo.m2.pk), data={"status": Status.DECEASED},
                           today=TODAY)
    with pytest.raises(ServiceError, match="不在册"):
        start(demo)


# ---------------------------------------------------------------- approvals


def test_each_step_is_taken_by_its_organization_in_order(world):
    demo = world.demo
    t = start(demo)
    # The sending secretary and the receiving one are not the 总支.
    for actor in (demo.secretary, world.sec2):
        with pytest.raises(ServiceError, match="管理者"):
            transfer_services.transfer_approve(actor=actor, transfer=t)
    # Accepting before the 总支 agreed is refused.
    with pytest.raises(ServiceError, match="不在此环节"):
        transfer_services.transfer_accept(actor=world.sec2, transfer=t)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t, note="同意")
    assert route(t) == [("ZZ", "approve", "approved"), ("ZB2", "accept", "pending")]
    assert t.current_org.code == "ZB2"
    # Approving the accept step is not accepting.
    with pytest.raises(ServiceError, match="不在此环节"):
        transfer_services.transfer_approve(actor=world.sec2, transfer=t)


def test_a_manager_above_acts_for_an_organization_without_its_own(world):
    """Nobody holds a grant on DW's step but the 党委 administrator, who covers it."""
    demo = world.demo
    t = start(demo, to=demo.zb3)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    with pytest.raises(ServiceError):
        transfer_services.transfer_approve(actor=demo.officer, transfer=t)  # ZZ is below DW
    transfer_services.transfer_approve(actor=demo.admin, transfer=t)
    assert t.current_org.code == "ZB3"


def test_accepting_moves_the_member_with_history_and_counts(world):
    demo = world.demo
    services.post_assign(actor=None, term=services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2024, 1, 1)),
                         member=Member.objects.get(pk=demo.m2.pk), post="organization_officer")
    before = org("ZB1").member_count, org("ZB2").member_count
    t = accepted(world)
    m = Member.objects.get(pk=demo.m2.pk)
    assert m.org.code == "ZB2" and m.party_group is None and m.status == Status.ACTIVE
    assert t.status == TransferStatus.COMPLETED and t.accepted_on == TODAY and t.current_org is None
    history = list(MemberOrgHistory.objects.filter(member=m).order_by("id").values_list("org__code", "ended_on", "reason"))
    assert history[-2][0] == "ZB1" and history[-2][1] == TODAY
    assert history[-1] == ("ZB2", None, "组织关系转接：工作调动")
    assert (org("ZB1").member_count, org("ZB2").member_count) == (before[0] - 1, before[1] + 1)
    # The post in the old branch ends; the row stays.
    assert PostHolding.objects.get(member=m).ended_on == TODAY
    assert actions(t) == ["transfer.start", "transfer.approve", "transfer.accept"]
    moved = AuditEvent.objects.get(action="member.transfer", target_id=str(m.pk))
    assert moved.org.code == "ZB1" and moved.changes["org"] == ["ZB1", "ZB2"]


def test_it_refuses_a_second_acceptance(world):
    demo = world.demo
    t = start(demo)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    stale = Transfer.objects.get(pk=t.pk)  # another browser tab, loaded before the first accept
    transfer_services.transfer_accept(actor=world.sec2, transfer=t)
    with pytest.raises(ServiceError, match="已完成"):
        transfer_services.transfer_accept(actor=world.sec2, transfer=stale)
    assert MemberOrgHistory.objects.filter(member_id=demo.m2.pk).count() == 2


def test_it_refuses_acceptance_when_the_member_moved_meanwhile(world):
    demo = world.demo
    t = start(demo)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    Member.objects.filter(pk=demo.m2.pk).update(org=demo.zb3)
    with pytest.raises(ServiceError, match="已不在"):
        transfer_services.transfer_accept(actor=world.sec2, transfer=t)


def test_refusal_ends_the_transfer_and_the_member_stays(world):
    demo = world.demo
    t = start(demo)
    with pytest.raises(ServiceError, match="理由"):
        transfer_services.transfer_refuse(actor=demo.officer, transfer=t, reason=" ")
    transfer_services.transfer_refuse(actor=demo.officer, transfer=t, reason="材料不全且不补")
    assert t.status == TransferStatus.REFUSED and t.current_org is None
    assert route(t) == [("ZZ", "approve", "refused"), ("ZB2", "accept", "skipped")]
    assert Member.objects.get(pk=demo.m2.pk).org.code == "ZB1"
    for call in (lambda: transfer_services.transfer_approve(actor=demo.officer, transfer=t),
                 lambda: transfer_services.transfer_cancel(actor=demo.secretary, transfer=t),
                 lambda: transfer_services.transfer_resubmit(actor=demo.secretary, transfer=t, to_org=demo.zb2,
                                                             reason="x", transfer_on=DAY)):
        with pytest.raises(ServiceError, match="未同意"):
            call()
    start(demo)  # a new transfer may be started


def test_return_and_resubmit_start_a_new_round(world):
    demo = world.demo
    t = start(demo)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    transfer_services.transfer_return(actor=world.sec2, transfer=t, reason="请改转第三支部")
    assert t.status == TransferStatus.RETURNED and t.current_org.code == "ZB1"
    with pytest.raises(ServiceError, match="已退回"):
        transfer_services.transfer_accept(actor=world.sec2, transfer=t)
    with pytest.raises(ServiceError, match="管理者"):
        transfer_services.transfer_resubmit(actor=world.sec2, transfer=t, to_org=demo.zb3, reason="x", transfer_on=DAY)
    transfer_services.transfer_resubmit(actor=demo.secretary, transfer=t, to_org=demo.zb3, reason="工作调动到三支部",
                                        transfer_on=DAY)
    assert t.round == 2 and t.status == TransferStatus.PENDING and t.to_org.code == "ZB3"
    assert [c for c, _, _ in route(t)] == ["ZZ", "DW", "ZB3"]
    first = list(t.steps.filter(round=1).values_list("status", flat=True))
    assert first == [StepStatus.APPROVED, StepStatus.RETURNED]
    assert actions(t)[-2:] == ["transfer.return", "transfer.resubmit"]
    with pytest.raises(ServiceError, match="审批中"):
        transfer_services.transfer_resubmit(actor=demo.secretary, transfer=t, to_org=demo.zb2, reason="x", transfer_on=DAY)


def test_the_sender_cancels_before_acceptance_only(world):
    demo = world.demo
    t = start(demo)
    with pytest.raises(ServiceError, match="管理者"):
        transfer_services.transfer_cancel(actor=world.sec2, transfer=t)
    transfer_services.transfer_cancel(actor=demo.secretary, transfer=t, reason="本人放弃")
    assert t.status == TransferStatus.CANCELLED and t.current_org is None
    t2 = accepted(world, Member.objects.get(pk=demo.m1.pk))
    with pytest.raises(ServiceError, match="已完成"):
        transfer_services.transfer_cancel(actor=demo.officer, transfer=t2)


# ---------------------------------------------------------------- outside: letters and receipts


def test_the_issuer_approves_and_issues_a_numbered_letter(world):
    demo = world.demo
    before = org("ZB1").member_count
    t = issued(demo)
    m = Member.objects.get(pk=demo.m2.pk)
    assert t.status == TransferStatus.AWAITING_RECEIPT and t.current_org.code == "ZB1"
    assert t.letter_number == f"DW〔{TODAY.year}〕001号" and t.letter_issuer.code == "DW"
    assert t.letter_valid_days == 30 and t.letter_valid_until == TODAY + dt.timedelta(days=30)
    assert t.letter_facts["name"] == "王五" and t.letter_facts["gender"] == "女"
    assert m.status == Status.TRANSFERRED_OUT and m.org.code == "ZB1"
    assert org("ZB1").member_count == before - 1
    # The next letter of the 党委 this year is 002.
    t2 = issued(demo, Member.objects.get(pk=demo.m1.pk))
    assert t2.letter_seq == 2 and t2.letter_number.endswith("002号")


def test_the_receipt_closes_an_outside_transfer(world):
    demo = world.demo
    t = issued(demo)
    for on, message in ((TODAY + dt.timedelta(days=1), "晚于今天"), (TODAY - dt.timedelta(days=1), "早于")):
        with pytest.raises(ServiceError, match=message):
            transfer_services.transfer_confirm_receipt(actor=demo.secretary, transfer=t, receipt_on=on, today=TODAY)
    with pytest.raises(ServiceError, match="管理者"):
        transfer_services.transfer_confirm_receipt(actor=world.sec2, transfer=t, receipt_on=TODAY, today=TODAY)
    transfer_services.transfer_confirm_receipt(actor=demo.secretary, transfer=t, receipt_on=TODAY, note="回执编号 88",
                                               today=TODAY)
    assert t.status == TransferStatus.COMPLETED and t.receipt_on == TODAY and t.current_org is None
    with pytest.raises(ServiceError, match="已完成"):
        transfer_services.transfer_confirm_receipt(actor=demo.secretary, transfer=t, receipt_on=TODAY, today=TODAY)


def test_an_internal_transfer_has_no_receipt_and_a_letter_cannot_be_cancelled(world):
    demo = world.demo
    t = start(demo)
    with pytest.raises(ServiceError, match="审批中"):
        transfer_services.transfer_confirm_receipt(actor=demo.secretary, transfer=t, receipt_on=TODAY, today=TODAY)
    t2 = issued(demo, Member.objects.get(pk=demo.m1.pk))
    with pytest.raises(ServiceError, match="待回执"):
        transfer_services.transfer_cancel(actor=demo.secretary, transfer=t2)


def incoming(world, **over):
    demo = world.demo
    data = {"name": "钱七", "id_number": over.pop("id_number", None) or new_id(),
            "category": "full", "admitted_on": dt.date(2012, 7, 1), "full_member_on": dt.date(2013, 7, 1)}
    kwargs = dict(actor=world.sec2, to_org=demo.zb2, data=data, outside_name="外省某县某镇党委",
                  letter_number="某组转〔2026〕17号", paid_up_to=dt.date(2026, 10, 15), reason="工作调动",
                  transfer_on=DAY, today=TODAY)
    kwargs.update(over)
    return transfer_services.transfer_register_incoming(**kwargs)


def test_a_member_from_outside_is_registered_with_the_letter(world):
    before = org("ZB2").member_count
    t = incoming(world)
    m = t.member
    assert t.kind == TransferKind.IN and t.status == TransferStatus.COMPLETED and t.from_org is None
    assert m.org.code == "ZB2" and m.status == Status.ACTIVE
    assert t.paid_up_to == dt.date(2026, 10, 1) and t.letter_number == "某组转〔2026〕17号"
    assert MemberOrgHistory.objects.get(member=m).reason == "组织关系转入：自外省某县某镇党委"
    assert org("ZB2").member_count == before + 1
    assert actions(t) == ["transfer.register_in"]


def test_an_incoming_registration_with_errors_saves_nothing(world):
    with pytest.raises(ServiceError) as e:
        incoming(world, letter_number=" ", paid_up_to=dt.date(2027, 1, 1))
    assert {"letter_number", "paid_up_to"} <= set(e.value.errors)
    with pytest.raises(ServiceError) as e:
        incoming(world, id_number="123")
    assert "id_number" in e.value.errors
    assert not Member.objects.filter(name="钱七").exists() and not Transfer.objects.exists()
    with pytest.raises(ServiceError, match="管理者"):
        incoming(world, actor=world.demo.secretary)


# ---------------------------------------------------------------- what moves with the member


def test_records_keyed_by_the_member_move_with_them(world):
    from orglife.meetings import services as meetings

    demo = world.demo
    meeting = meetings.meeting_create(actor=demo.secretary, org=demo.zb1, kinds=["theme_day"],
                                      held_at=timezone.now() - dt.timedelta(days=3))
    meetings.meeting_start(actor=demo.secretary, meeting=meeting)
    accepted(world)
    m = Member.objects.get(pk=demo.m2.pk)
    # The past meeting of ZB1 still lists the member; the attendance row is the member's.
    assert meeting.attendance.filter(member=m).exists()
    assert m.attendance.get().meeting.org.code == "ZB1"


def test_paid_up_to_comes_from_the_dues_ledger(world, monkeypatch):
    monkeypatch.setattr(transfer_services, "dues_paid_up_to", lambda member: dt.date(2026, 9, 1))
    t = accepted(world)
    assert t.paid_up_to == dt.date(2026, 9, 1)
    t2 = issued(world.demo, Member.objects.get(pk=world.demo.m1.pk))
    assert t2.paid_up_to == dt.date(2026, 9, 1)


@pytest.mark.parametrize("option, days", [(None, 30), (15, 15), (0, 30), ("60", 30), (366, 30)])
def test_letter_validity_comes_from_the_profile_option_else_30_days(demo, monkeypatch, option, days):
    from orglife.rules.loader import get_profile

    profile = get_profile()
    options = {**profile.options, **({"transfer_letter_validity_days": option} if option is not None else {})}
    monkeypatch.setattr(type(demo.dw), "profile", lambda self: type(profile)(
        name=profile.name, label=profile.label, rules=profile.rules, options=options))
    assert transfer_services.letter_validity_days(demo.dw) == days
