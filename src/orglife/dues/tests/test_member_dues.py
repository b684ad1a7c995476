"""A member's dues page: the member's own (phone-sized), and the manager's forms."""

import pytest

from orglife.dues.models import DuesPayment, DuesProfile, DuesRelief, VoluntaryPayment

from .conftest import months_ago

pytestmark = pytest.mark.django_db


def url(member):
    return f"/dues/member/{member.pk}/"


def test_a_member_sees_their_own_dues(client, dues, today):
    client.force_login(dues.member)
    r = client.get(url(dues.m1))
    text = r.content.decode()
    assert r.status_code == 200 and "我的党费" in text and "40.00" in text
    assert f"{today.year}年{today.month}月" in text  # paid up to this month
    assert "登记交纳" not in text  # no manager forms


def test_a_member_may_not_see_another_members_dues(client, dues):
    client.force_login(dues.member)
    assert client.get(url(dues.m2)).status_code == 403


def test_outsider_and_wrong_org_are_refused(client, dues):
    client.force_login(dues.outsider)
    assert client.get(url(dues.m1)).status_code == 403
    client.force_login(dues.secretary)
    assert client.get(url(dues.m3)).status_code == 403


def test_it_shows_arrears_warning(client, dues):
    client.force_login(dues.secretary)
    text = client.get(url(dues.m2)).content.decode()
    assert "连续" in text and "自行脱党" in text


def test_manager_sets_a_profile(client, dues, today):
    client.force_login(dues.secretary)
    r = client.post(url(dues.m2), {"action": "profile", "category": "salaried", "base": "3000.01",
                                   "effective_month": f"{today:%Y-%m}"})
    assert r.status_code == 302
    assert DuesProfile.objects.filter(member=dues.m2).latest("effective_month").monthly_due == 30


def test_a_bad_base_keeps_what_was_typed(client, dues, today):
    client.force_login(dues.secretary)
    r = client.post(url(dues.m2), {"action": "profile", "category": "salaried", "base": "三千",
                                   "effective_month": f"{today:%Y-%m}", "note": "调资"})
    assert r.status_code == 400
    text = r.content.decode()
    assert "不是有效的金额" in text and 'value="三千"' in text and 'value="调资"' in text


def test_manager_records_payment_relief_and_voluntary(client, dues, today):
    client.force_login(dues.secretary)
    month = months_ago(1, today)
    assert client.post(url(dues.m2), {"action": "payment", "first_month": f"{month:%Y-%m}", "last_month": f"{today:%Y-%m}",
                                      "paid_on": today.isoformat(), "method": "cash"}).status_code == 302
    assert DuesPayment.objects.filter(member=dues.m2).count() == 2
    assert client.post(url(dues.m2), {"action": "relief", "kind": "exemption", "start_month": f"{today:%Y-%m}",
                                      "end_month": f"{today:%Y-%m}", "reason": "重病"}).status_code == 302
    assert DuesRelief.objects.get(member=dues.m2).status == "proposed"
    r = client.post(url(dues.m2), {"action": "voluntary", "amount": "1000", "paid_on": today.isoformat(), "method": "bank"},
                    follow=True)
    assert "上缴中央" in r.content.decode()
    assert VoluntaryPayment.objects.get(member=dues.m2).to_centre


def test_unknown_action_is_400(client, dues):
    client.force_login(dues.secretary)
    assert client.post(url(dues.m2), {"action": "nope"}).status_code == 400


def test_member_may_not_post(client, dues, today):
    client.force_login(dues.member)
    r = client.post(url(dues.m1), {"action": "payment", "first_month": f"{today:%Y-%m}", "paid_on": today.isoformat(),
                                   "method": "cash"})
    assert r.status_code == 403


def test_wrong_method(client, dues):
    client.force_login(dues.secretary)
    assert client.delete(url(dues.m1)).status_code == 405


def test_unknown_member_is_404(client, dues):
    client.force_login(dues.secretary)
    assert client.get("/dues/member/999999/").status_code == 404


def test_query_count_does_not_grow_with_history(client, dues, today, django_assert_max_num_queries):
    client.force_login(dues.secretary)
    with django_assert_max_num_queries(20):
        client.get(url(dues.m1))


def test_a_new_probationer_profile_defaults_to_the_admitting_month(client, demo, today):
    from orglife.conftest import make_member

    admitted = today - __import__("datetime").timedelta(days=40)
    probationer = make_member("ZB1", name="钱七", category="probationary", admitted_on=admitted, full_member_on=None)
    client.force_login(demo.secretary)
    text = client.get(url(probationer)).content.decode()
    assert f'name="effective_month" value="{admitted:%Y-%m}"' in text


def test_a_member_from_outside_owes_from_the_month_after_their_letter(client, demo, today):
    import datetime as dt

    from orglife.conftest import member_data
    from orglife.orgs import transfer_services

    paid = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)  # a month or two ago
    transfer = transfer_services.transfer_register_incoming(
        actor=demo.secretary, to_org=demo.zb1, data=member_data("ZB1", name="孙九"), outside_name="外省某党支部",
        letter_number="外〔2026〕12号", paid_up_to=paid, reason="工作调动", transfer_on=today, today=today)
    client.force_login(demo.secretary)
    text = client.get(url(transfer.member)).content.decode()
    expected = (paid + dt.timedelta(days=32)).replace(day=1)
    assert f'name="effective_month" value="{expected:%Y-%m}"' in text
