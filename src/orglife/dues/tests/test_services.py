"""Dues services: profiles with history, payments and their limits, reliefs, voluntary payments,
arrears and cases, each audited."""

import datetime as dt
from decimal import Decimal

import pytest

from orglife.conftest import make_member
from orglife.core.models import AuditEvent
from orglife.dues import queries, rules, services
from orglife.dues.models import ArrearsCase, CaseStatus, DuesPayment, ReliefKind, ReliefStatus
from orglife.orgs.services import ServiceError

from .conftest import months_ago

TODAY = dt.date(2026, 11, 30)
NOV = dt.date(2026, 11, 1)
JAN = dt.date(2026, 1, 1)
pytestmark = pytest.mark.django_db
D = Decimal


def m(y, mo):
    return dt.date(y, mo, 1)


def setup(member, category="salaried", base="3000", month=JAN):
    return services.profile_set(actor=None, member=member, category=category, base=base, effective_month=month, today=TODAY)


def test_profile_computes_the_monthly_due_and_keeps_history(demo):
    p1 = setup(demo.m1, base="3000.00")
    assert (p1.monthly_due, p1.rule_id) == (D("15.00"), "dues.salaried")
    p2 = setup(demo.m1, base="3000.01", month=m(2026, 7))  # a raise first received in July (Art. 10)
    assert p2.monthly_due == D("30.00")
    assert queries.due_for(demo.m1, m(2026, 6)) == D("15.00")
    assert queries.due_for(demo.m1, m(2026, 7)) == D("30.00")
    again = setup(demo.m1, base="5000", month=m(2026, 7))  # same month: replaces that row
    assert again.pk == p2.pk and again.monthly_due == D("50.00")
    assert demo.m1.dues_profiles.count() == 2
    assert AuditEvent.objects.filter(action="dues.profile_set").count() == 3


def test_profile_before_admission_is_refused(demo):
    probationer = make_member("ZB1", category="probationary", admitted_on=dt.date(2026, 9, 20), full_member_on=None)
    with pytest.raises(ServiceError) as exc:
        setup(probationer, month=m(2026, 8))
    assert "支部大会通过" in exc.value.errors["effective_month"]
    assert setup(probationer, month=m(2026, 9)).effective_month == m(2026, 9)  # owes from the admitting month


def test_profile_bad_base_is_a_field_error(demo):
    with pytest.raises(ServiceError) as exc:
        setup(demo.m1, base="abc")
    assert "不是有效的金额" in exc.value.errors["base"]
    with pytest.raises(ServiceError) as exc:
        setup(demo.m1, category="farmer", base="1.5")
    assert "超出范围" in exc.value.errors["base"]


def test_profile_rounds_per_the_organization_profile(demo, monkeypatch):
    from orglife.rules import loader

    national = loader.get_profile()
    jiao = loader.Profile(name="j", label="j", rules=national.rules, options={**national.options, "dues_rounding": "0.1"})
    monkeypatch.setattr(type(demo.m1.org), "profile", lambda self: jiao)
    assert setup(demo.m1, base="1010").monthly_due == D("5.10")
    assert setup(demo.m1, base="1001", month=m(2026, 2)).monthly_due == D("5.00")


def test_payment_defaults_to_the_amount_due_and_is_audited(demo):
    setup(demo.m1)
    [p] = services.payment_record(actor=demo.secretary, member=demo.m1, months=[NOV], paid_on=TODAY, method="bank", today=TODAY)
    assert (p.amount, p.due, p.org_id, p.recorded_by) == (D("15.00"), D("15.00"), demo.zb1.pk, demo.secretary)
    assert AuditEvent.objects.filter(action="dues.payment_record", actor=demo.secretary).exists()


def test_paying_less_than_due_is_refused(demo):
    setup(demo.m1)
    with pytest.raises(ServiceError) as exc:
        services.payment_record(actor=None, member=demo.m1, months=[NOV], paid_on=TODAY, method="cash", amount="14.99", today=TODAY)
    assert "不能少于应交金额" in exc.value.errors["amount"]
    assert not DuesPayment.objects.exists()


def test_a_month_is_paid_once(demo):
    setup(demo.m1)
    services.payment_record(actor=None, member=demo.m1, months=[NOV], paid_on=TODAY, method="cash", today=TODAY)
    with pytest.raises(ServiceError) as exc:
        services.payment_record(actor=None, member=demo.m1, months=[m(2026, 10), NOV], paid_on=TODAY, method="cash", today=TODAY)
    assert "不能重复登记" in exc.value.errors["month"]
    assert DuesPayment.objects.count() == 1  # all or nothing


def test_back_payment_is_limited_to_six_months(demo):
    setup(demo.m1)
    services.payment_record(actor=None, member=demo.m1, months=[m(2026, 5)], paid_on=TODAY, method="cash", today=TODAY)
    with pytest.raises(ServiceError) as exc:
        services.payment_record(actor=None, member=demo.m1, months=[m(2026, 4)], paid_on=TODAY, method="cash", today=TODAY)
    assert "补交党费一般不超过6个月" in exc.value.errors["month"]


def test_prepaying_a_quarter_needs_branch_consent(demo):
    setup(demo.m1)
    months = [m(2026, 12), m(2027, 1), m(2027, 2)]
    with pytest.raises(ServiceError) as exc:
        services.payment_record(actor=None, member=demo.m1, months=months, paid_on=TODAY, method="cash", today=TODAY)
    assert "须经党支部同意" in exc.value.errors["month"]
    paid = services.payment_record(actor=None, member=demo.m1, months=months, paid_on=TODAY, method="cash", prepay=True, today=TODAY)
    assert all(p.prepaid for p in paid)
    with pytest.raises(ServiceError):
        services.payment_record(actor=None, member=demo.m1, months=[m(2027, 3)], paid_on=TODAY, method="cash", prepay=True, today=TODAY)


def test_payment_needs_a_profile_and_a_month_from_its_start(demo):
    with pytest.raises(ServiceError) as exc:
        services.payment_record(actor=None, member=demo.m1, months=[NOV], paid_on=TODAY, method="cash", today=TODAY)
    assert "尚未设置党费档案" in exc.value.errors["month"]
    setup(demo.m1, month=NOV)
    with pytest.raises(ServiceError) as exc:
        services.payment_record(actor=None, member=demo.m1, months=[m(2026, 10)], paid_on=TODAY, method="cash", today=TODAY)
    assert "早于" in exc.value.errors["month"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"method": "cheque"}, "method"),
    ({"paid_on": dt.date(2026, 12, 1)}, "paid_on"),
    ({"months": []}, "month"),
    ({"amount": "-1"}, "amount"),
])
def test_payment_input_errors(demo, kwargs, field):
    setup(demo.m1)
    args = {"actor": None, "member": demo.m1, "months": [NOV], "paid_on": TODAY, "method": "cash", "today": TODAY} | kwargs
    with pytest.raises(ServiceError) as exc:
        services.payment_record(**args)
    assert field in exc.value.errors


def test_payment_delete_needs_a_reason_and_is_audited(demo):
    setup(demo.m1)
    [p] = services.payment_record(actor=None, member=demo.m1, months=[NOV], paid_on=TODAY, method="cash", today=TODAY)
    with pytest.raises(ServiceError):
        services.payment_delete(actor=None, payment=p, reason=" ")
    services.payment_delete(actor=None, payment=p, reason="登记错人")
    assert not DuesPayment.objects.exists()
    assert AuditEvent.objects.filter(action="dues.payment_delete").exists()


def test_reduction_changes_the_due_only_once_approved(demo):
    setup(demo.m1, base="10000")  # 150.00
    relief = services.relief_propose(actor=demo.secretary, member=demo.m1, kind=ReliefKind.REDUCTION, start_month=NOV,
                                     end_month=m(2027, 1), reason="家庭重大变故", monthly_amount="20")
    assert queries.due_for(demo.m1, NOV) == D("150.00")
    services.relief_decide(actor=demo.officer, relief=relief, approve=True)
    assert queries.due_for(demo.m1, NOV) == D("20.00")
    assert queries.due_for(demo.m1, m(2027, 2)) == D("150.00")
    with pytest.raises(ServiceError):
        services.relief_decide(actor=demo.officer, relief=relief, approve=False, note="x")
    actions = list(AuditEvent.objects.filter(action__startswith="dues.relief").values_list("action", flat=True))
    assert sorted(actions) == ["dues.relief_approve", "dues.relief_propose"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"reason": ""}, "reason"),
    ({"kind": "other"}, "kind"),
    ({"end_month": dt.date(2026, 10, 1)}, "end_month"),
    ({"end_month": dt.date(2029, 1, 1)}, "end_month"),
    ({"kind": "reduction", "monthly_amount": "15.00"}, "monthly_amount"),
    ({"kind": "reduction", "monthly_amount": ""}, "monthly_amount"),
])
def test_relief_proposal_errors(demo, kwargs, field):
    setup(demo.m1)
    args = {"actor": None, "member": demo.m1, "kind": "exemption", "start_month": NOV, "end_month": NOV,
            "reason": "困难"} | kwargs
    with pytest.raises(ServiceError) as exc:
        services.relief_propose(**args)
    assert field in exc.value.errors


def test_overlapping_relief_is_refused_and_rejection_needs_a_note(demo):
    setup(demo.m1)
    r = services.relief_propose(actor=None, member=demo.m1, kind="exemption", start_month=NOV, end_month=NOV, reason="病")
    with pytest.raises(ServiceError):
        services.relief_propose(actor=None, member=demo.m1, kind="exemption", start_month=NOV, end_month=NOV, reason="病")
    with pytest.raises(ServiceError):
        services.relief_decide(actor=None, relief=r, approve=False)
    assert services.relief_decide(actor=None, relief=r, approve=False, note="材料不全").status == ReliefStatus.REJECTED


def test_voluntary_payment_of_1000_goes_to_the_centre(demo):
    small = services.voluntary_record(actor=None, member=demo.m1, amount="999.99", paid_on=TODAY, method="cash", today=TODAY)
    big = services.voluntary_record(actor=None, member=demo.m1, amount="1000", paid_on=TODAY, method="bank", today=TODAY)
    assert (small.to_centre, big.to_centre) == (False, True)
    with pytest.raises(ServiceError):
        services.voluntary_forward(actor=None, payment=small, forwarded_on=TODAY)
    assert services.voluntary_forward(actor=None, payment=big, forwarded_on=TODAY).forwarded_on == TODAY
    with pytest.raises(ServiceError):
        services.voluntary_forward(actor=None, payment=big, forwarded_on=TODAY)
    with pytest.raises(ServiceError):
        services.voluntary_record(actor=None, member=demo.m1, amount="0", paid_on=TODAY, method="cash", today=TODAY)


# ------------------------------------------------------------------ arrears with a frozen clock


def test_unpaid_run_counts_completed_months_only(demo):
    setup(demo.m1, month=m(2026, 5))
    services.payment_record(actor=None, member=demo.m1, months=[m(2026, 5), m(2026, 6)], paid_on=TODAY, method="cash", today=TODAY)
    ledger = queries.ledger(demo.m1)
    # July–October unpaid; November is still payable on 30 November.
    assert ledger.unpaid_run(TODAY) == (4, m(2026, 7))
    assert ledger.unpaid_run(dt.date(2026, 10, 1)) == (3, m(2026, 7))
    assert ledger.unpaid_run(dt.date(2026, 9, 30)) == (2, m(2026, 7))


def test_arrears_sql_equals_the_reference(demo):
    setup(demo.m1, month=m(2026, 1))
    setup(demo.m2, month=m(2026, 3))
    setup(demo.m3, category="student", month=m(2026, 9))
    services.payment_record(actor=None, member=demo.m1, months=[m(2026, 6)], paid_on=TODAY, method="cash", today=TODAY)
    r = services.relief_propose(actor=None, member=demo.m2, kind="exemption", start_month=m(2026, 6), end_month=m(2026, 8), reason="病")
    services.relief_decide(actor=None, relief=r, approve=True)
    for on in (dt.date(2026, 7, 1), dt.date(2026, 9, 15), TODAY, dt.date(2027, 3, 1)):
        rows = {x.pk: x for x in queries.with_unpaid_run(queries.owing_members(), on)}
        for member in (demo.m1, demo.m2, demo.m3):
            count, first = queries.ledger(member).unpaid_run(on)
            if member.pk in rows:
                assert (rows[member.pk].unpaid_months, queries.first_unpaid_month(rows[member.pk]) if count else None) == (count, first)
            else:
                assert count == 0
        for at_least in (1, 3):  # the anti-join pre-filter keeps every member at or above its threshold
            pre = {x.pk: x.unpaid_months for x in queries.with_unpaid_run(queries.owing_members(), on, at_least)
                   if x.unpaid_months >= at_least}
            assert pre == {pk: x.unpaid_months for pk, x in rows.items() if x.unpaid_months >= at_least}


def test_reminder_at_three_and_case_at_six_months(demo):
    setup(demo.m1, month=m(2026, 5))  # May..Oct unpaid on 30 Nov: 6 months
    setup(demo.m2, month=m(2026, 8))  # Aug..Oct: 3 months
    setup(demo.m3, month=m(2026, 9))  # Sep..Oct: 2 months
    listed = {x.pk: x.unpaid_months for x in queries.arrears(None, TODAY)}
    assert listed == {demo.m1.pk: 6, demo.m2.pk: 3}
    assert queries.arrears_counts(None, TODAY) == {"reminder": 2, "lapse": 1}
    created = services.cases_raise(actor=None, q=None, today=TODAY)
    assert [(c.member_id, c.first_unpaid_month, c.months_unpaid) for c in created] == [(demo.m1.pk, m(2026, 5), 6)]
    assert services.cases_raise(actor=None, q=None, today=dt.date(2026, 12, 5)) == []  # same run: one case
    demo.m1.refresh_from_db()
    assert demo.m1.status == "active"  # orglife never removes anyone itself


def test_a_case_is_handled_by_the_branch_and_a_new_run_raises_a_new_one(demo):
    setup(demo.m1, month=m(2026, 5))
    [case] = services.cases_raise(actor=None, q=None, today=TODAY)
    with pytest.raises(ServiceError):
        services.case_handle(actor=None, case=case, status=CaseStatus.REASON_ACCEPTED, resolution="")
    services.case_handle(actor=demo.secretary, case=case, status=CaseStatus.REASON_ACCEPTED, resolution="出国援外，已说明", today=TODAY)
    assert queries.case_excused(ArrearsCase.objects.get(), m(2026, 5))
    services.payment_record(actor=None, member=demo.m1, months=[m(2026, 5 + i) for i in range(7)], paid_on=TODAY,
                            method="cash", today=TODAY)
    assert queries.ledger(demo.m1).unpaid_run(dt.date(2027, 5, 2)) == (5, m(2026, 12))
    created = services.cases_raise(actor=None, q=None, today=dt.date(2027, 7, 1))
    assert [c.first_unpaid_month for c in created] == [m(2026, 12)]
    assert AuditEvent.objects.filter(action="dues.case_handle").count() == 1


def test_suspended_and_transferred_members_owe_nothing(demo):
    setup(demo.m1, month=m(2026, 1))
    type(demo.m1).objects.filter(pk=demo.m1.pk).update(status="suspended")
    assert queries.arrears_counts(None, TODAY) == {"reminder": 0, "lapse": 0}


def test_subtree_summary_in_sql_equals_the_sheet(dues, today):
    month = months_ago(0, today)
    rows, total = queries.subtree_summary(dues.dw, month, today)
    sheet = queries.sheet_totals(queries.month_sheet(dues.zb1, month))
    by_name = {r.org.code: r for r in rows}
    zz = by_name["ZZ"]
    assert (zz.totals.owing, zz.totals.due, zz.totals.paid_count, zz.totals.paid, zz.totals.unpaid) == (
        sheet.owing, sheet.due, sheet.paid_count, sheet.paid, sheet.unpaid)
    assert (zz.totals.due, zz.totals.paid) == (D("55.00"), D("40.00"))
    assert (zz.arrears, zz.lapse) == (1, 1)  # 王五: 8 months
    assert total.totals.owing == 3 and total.totals.due == D("55.20")
    assert zz.totals.on_time == 1


def test_months_ago_helper(today):
    assert months_ago(0, today) == rules.month_start(today)
