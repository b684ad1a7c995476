"""Shared fixtures: a small organization tree and the fixed personas every view test uses.

Tree:  DW 党委
        ├── ZZ 党总支 ── ZB1 党支部 (with 党小组 XZ1) , ZB2 党支部
        └── ZB3 党支部 (outside the officer's scope)
Personas: member (a member of ZB1), secretary (manager of ZB1), officer (manager of ZZ: two
branches), outsider (no grants), admin (administrator of DW).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from orglife.core.models import Role
from orglife.orgs import idcard, services
from orglife.orgs.models import Member, Organization, OrgKind

TODAY = dt.date(2026, 11, 30)
_seq = itertools.count(1)


def new_id(born: dt.date = dt.date(1990, 5, 17), male: bool = True) -> str:
    n = next(_seq)
    sequence = (n * 2 + (1 if male else 0)) % 1000
    region = f"{110101 + n // 500:06d}"
    return idcard.make_id(region, born, sequence)


def member_data(org: str, **overrides) -> dict:
    data = {
        "name": "张三",
        "id_number": new_id(),
        "category": "full",
        "admitted_on": dt.date(2015, 7, 1),
        "full_member_on": dt.date(2016, 7, 1),
        "org": org,
        "phone": "13812345678",
    }
    data.update(overrides)
    return data


def make_member(org: str, **overrides) -> Member:
    return services.member_create(actor=None, data=member_data(org, **overrides), today=TODAY)


@dataclass
class Demo:
    dw: Organization
    zz: Organization
    zb1: Organization
    zb2: Organization
    zb3: Organization
    xz1: Organization
    member: object
    secretary: object
    officer: object
    outsider: object
    admin: object
    m1: Member  # the member persona's own record (ZB1)
    m2: Member  # another member of ZB1
    m3: Member  # a member of ZB3


@pytest.fixture
def demo(db) -> Demo:
    def org(code, name, kind, parent=None):
        return services.org_create(actor=None, parent=parent, code=code, name=name, kind=kind,
                                   established_on=dt.date(2010, 1, 1))

    dw = org("DW", "测试党委", OrgKind.COMMITTEE)
    zz = org("ZZ", "测试党总支", OrgKind.GENERAL_BRANCH, dw)
    zb1 = org("ZB1", "第一党支部", OrgKind.BRANCH, zz)
    zb2 = org("ZB2", "第二党支部", OrgKind.BRANCH, zz)
    zb3 = org("ZB3", "第三党支部", OrgKind.BRANCH, dw)
    xz1 = org("XZ1", "第一党小组", OrgKind.PARTY_GROUP, services.Organization.objects.get(pk=zb1.pk))
    User = get_user_model()
    users = {name: User.objects.create_user(username=name, password="Secret-pass-2026") for name in
             ("member", "secretary", "officer", "outsider", "admin")}
    services.grant_role(actor=None, user=users["secretary"], org=zb1, role=Role.MANAGER)
    services.grant_role(actor=None, user=users["officer"], org=zz, role=Role.MANAGER)
    services.grant_role(actor=None, user=users["admin"], org=dw, role=Role.ADMINISTRATOR)
    m1 = make_member("ZB1", name="李四", party_group="XZ1")
    m2 = make_member("ZB1", name="王五", id_number=new_id(dt.date(1985, 3, 2), male=False), gender="female")
    m3 = make_member("ZB3", name="赵六")
    services.member_link_user(actor=None, member=m1, user=users["member"])
    refreshed = {o.code: Organization.objects.get(pk=o.pk) for o in (dw, zz, zb1, zb2, zb3, xz1)}
    return Demo(
        dw=refreshed["DW"], zz=refreshed["ZZ"], zb1=refreshed["ZB1"], zb2=refreshed["ZB2"],
        zb3=refreshed["ZB3"], xz1=refreshed["XZ1"], m1=m1, m2=m2, m3=m3, **users,
    )
