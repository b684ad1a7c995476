"""Row locks on PostgreSQL: two people pressing 接收 at the same moment move the member once; two
letters issued at the same moment get different numbers. (SQLite serializes writes anyway.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from orglife.orgs import transfer_services
from orglife.orgs.models import Member, MemberOrgHistory
from orglife.orgs.services import ServiceError
from orglife.orgs.transfer_models import Transfer, TransferStatus

from .transfer_fixtures import start

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(*calls):
    """Run the calls in threads released together; return their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the losing side's ServiceError is the point
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_acceptances_at_once_move_the_member_once(demo):
    t = start(demo)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    results = race(*[lambda: transfer_services.transfer_accept(actor=None, transfer=Transfer.objects.get(pk=t.pk))
                     for _ in range(2)])
    assert sum(isinstance(r, ServiceError) for r in results) == 1
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.COMPLETED
    assert MemberOrgHistory.objects.filter(member_id=demo.m2.pk).count() == 2


def test_two_letters_at_once_get_different_numbers(demo):
    ts = []
    for m in (demo.m1, demo.m2):
        t = start(demo, member=Member.objects.get(pk=m.pk), outside="外单位党委")
        transfer_services.transfer_approve(actor=demo.officer, transfer=t)
        ts.append(t)
    results = race(*[lambda t=t: transfer_services.transfer_approve(actor=None, transfer=Transfer.objects.get(pk=t.pk))
                     for t in ts])
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(Transfer.objects.values_list("letter_seq", flat=True)) == [1, 2]


def test_two_starts_at_once_open_one_transfer(demo):
    results = race(*[lambda to=to: start(demo, to=to) for to in (demo.zb2, demo.zb3)])
    assert sum(isinstance(r, ServiceError) for r in results) == 1
    assert Transfer.objects.count() == 1
