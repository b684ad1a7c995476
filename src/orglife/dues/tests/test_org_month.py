"""The branch's month page: who paid, who owes, record a payment."""

import pytest

from orglife.dues.models import DuesPayment

from .conftest import months_ago

pytestmark = pytest.mark.django_db


def url(code="ZB1", month=None):
    return f"/dues/org/{code}/" + (f"?month={month:%Y-%m}" if month else "")


def test_it_shows_who_paid_and_who_owes(client, dues, today):
    client.force_login(dues.secretary)
    r = client.get(url())
    assert r.status_code == 200
    text = r.content.decode()
    assert "李四" in text and "王五" in text and "未交" in text and "40.00" in text
    assert "登记交纳" in text and "导入交纳名单" in text


def test_it_records_a_payment(client, dues, today):
    client.force_login(dues.secretary)
    r = client.post(url(), {"member": dues.m2.pk, "first_month": f"{today:%Y-%m}", "paid_on": today.isoformat(),
                            "method": "bank"})
    assert r.status_code == 302
    assert DuesPayment.objects.get(member=dues.m2).amount == 15


def test_a_refused_payment_keeps_what_was_typed(client, dues, today):
    client.force_login(dues.secretary)
    old = months_ago(7, today)
    r = client.post(url(), {"member": dues.m2.pk, "first_month": f"{old:%Y-%m}", "paid_on": today.isoformat(),
                            "method": "bank", "amount": "15.00"})
    assert r.status_code == 200
    text = r.content.decode()
    assert "补交党费一般不超过6个月" in text and f'value="{old:%Y-%m}"' in text
    assert not DuesPayment.objects.filter(member=dues.m2).exists()


def test_the_officer_above_may_view_and_record(client, dues, today):
    client.force_login(dues.officer)
    assert client.get(url()).status_code == 200


def test_a_member_may_not_see_the_branch_sheet(client, dues):
    client.force_login(dues.member)
    assert client.get(url()).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_it_refuses_posts_without_manage_rights(client, dues, today, who):
    client.force_login(getattr(dues, who))
    r = client.post(url(), {"member": dues.m2.pk, "first_month": f"{today:%Y-%m}", "paid_on": today.isoformat(),
                            "method": "bank"})
    assert r.status_code == 403
    assert not DuesPayment.objects.filter(member=dues.m2).exists()


def test_wrong_org_is_403_and_unknown_is_404(client, dues):
    client.force_login(dues.secretary)
    assert client.get(url("ZB3")).status_code == 403
    assert client.get(url("NOPE")).status_code == 404


def test_wrong_method(client, dues):
    client.force_login(dues.secretary)
    assert client.put(url()).status_code == 405


def test_anonymous_is_sent_to_login(client, dues):
    assert client.get(url()).status_code == 302


def test_query_count_does_not_grow_with_members(client, dues, today, django_assert_max_num_queries):
    from orglife.conftest import make_member
    from orglife.dues import services

    client.force_login(dues.secretary)
    client.get(url())
    for i in range(15):
        m = make_member("ZB1", name=f"党员{i}")
        services.profile_set(actor=None, member=m, category="salaried", base=str(2000 + i * 500),
                             effective_month=months_ago(2, today), today=today)
        services.payment_record(actor=None, member=m, months=[months_ago(1, today)], paid_on=today, method="cash", today=today)
    with django_assert_max_num_queries(16):
        r = client.get(url())
    assert "党员14" in r.content.decode()
