"""Shared by the transfer tests: the demo tree plus a secretary for each of ZB2 and ZB3, and
shortcuts that walk a transfer along its route."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from orglife.conftest import TODAY
from orglife.core.models import Role
from orglife.orgs import services, transfer_services
from orglife.orgs.models import Member, Organization

DAY = dt.date(2026, 11, 20)


@dataclass
class World:
    demo: object
    sec2: object  # manager of ZB2
    sec3: object  # manager of ZB3


@pytest.fixture
def world(demo) -> World:
    User = get_user_model()
    sec2 = User.objects.create_user(username="sec2", password="Secret-pass-2026")
    sec3 = User.objects.create_user(username="sec3", password="Secret-pass-2026")
    services.grant_role(actor=None, user=sec2, org=demo.zb2, role=Role.MANAGER)
    services.grant_role(actor=None, user=sec3, org=demo.zb3, role=Role.MANAGER)
    return World(demo=demo, sec2=sec2, sec3=sec3)


def start(demo, member=None, to=None, outside="", actor=None, reason="工作调动"):
    member = member or Member.objects.select_related("org").get(pk=demo.m2.pk)
    if to is None and not outside:
        to = demo.zb2
    return transfer_services.transfer_start(actor=actor or demo.secretary, member=member, to_org=to,
                                            outside_name=outside, reason=reason, transfer_on=DAY)


def accepted(world, member=None):
    """ZB1 → ZB2, approved by the 总支 and accepted by ZB2's secretary."""
    demo = world.demo
    t = start(demo, member)
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    return transfer_services.transfer_accept(actor=world.sec2, transfer=t, today=TODAY)


def issued(demo, member=None):
    """ZB1 → outside: approved by the 总支 and the letter issued by the 党委 (admin)."""
    t = start(demo, member, outside="某市某局机关党委")
    transfer_services.transfer_approve(actor=demo.officer, transfer=t)
    return transfer_services.transfer_approve(actor=demo.admin, transfer=t, today=TODAY)


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)
