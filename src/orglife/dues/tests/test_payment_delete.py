"""Undoing a wrongly recorded payment, and marking a voluntary payment as forwarded."""

import pytest

from orglife.dues import services
from orglife.dues.models import DuesPayment

pytestmark = pytest.mark.django_db


def test_a_manager_undoes_a_payment_with_a_reason(client, dues):
    payment = DuesPayment.objects.filter(member=dues.m1).first()
    client.force_login(dues.secretary)
    r = client.post(f"/dues/payment/{payment.pk}/delete/", {"reason": ""}, follow=True)
    assert "请填写撤销原因" in r.content.decode()
    assert client.post(f"/dues/payment/{payment.pk}/delete/", {"reason": "登记错月"}).status_code == 302
    assert not DuesPayment.objects.filter(pk=payment.pk).exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_may_not_undo(client, dues, who):
    payment = DuesPayment.objects.filter(member=dues.m1).first()
    client.force_login(getattr(dues, who))
    assert client.post(f"/dues/payment/{payment.pk}/delete/", {"reason": "x"}).status_code == 403
    assert DuesPayment.objects.filter(pk=payment.pk).exists()


def test_wrong_method_and_unknown(client, dues):
    client.force_login(dues.secretary)
    payment = DuesPayment.objects.filter(member=dues.m1).first()
    assert client.get(f"/dues/payment/{payment.pk}/delete/").status_code == 405
    assert client.post("/dues/payment/999999/delete/", {"reason": "x"}).status_code == 404


def test_voluntary_forward(client, dues, today):
    big = services.voluntary_record(actor=None, member=dues.m1, amount="2000", paid_on=today, method="bank", today=today)
    client.force_login(dues.member)
    assert client.post(f"/dues/voluntary/{big.pk}/forward/").status_code == 403
    client.force_login(dues.secretary)
    assert client.get(f"/dues/voluntary/{big.pk}/forward/").status_code == 405
    assert client.post(f"/dues/voluntary/{big.pk}/forward/").status_code == 302
    big.refresh_from_db()
    assert big.forwarded_on == today
