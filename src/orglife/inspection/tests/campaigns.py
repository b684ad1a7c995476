"""Helpers for campaign tests."""

import datetime as dt

from django.utils import timezone

from orglife.conftest import make_member
from orglife.inspection import campaign_services as cs
from orglife.orgs import services as org_services
from orglife.orgs.models import Organization

SHIPPED = cs.CHECKLISTS_DIR / "branch_standardization.yaml"


def shipped():
    from orglife.inspection.models import Checklist

    return Checklist.objects.filter(code="branch_standardization").first() or cs.checklist_load_file(actor=None, path=SHIPPED)


def launch(org, target="orgs", checklist=None, actor=None):
    today = timezone.localdate()
    return cs.campaign_launch(actor=actor, org=org, checklist=checklist or shipped(), title="2026年支部标准化自查",
                              starts_on=today, ends_on=today + dt.timedelta(days=30), target=target)


def seven_full_members(org):
    for i in range(7 - org.full_member_count):
        make_member(org.code, name=f"党员{i}")
    return Organization.objects.get(pk=org.pk)


def committee(org, members):
    term = org_services.term_start(actor=None, org=org, started_on=timezone.localdate() - dt.timedelta(days=30))
    for member, post in zip(members, ("secretary", "organization_officer", "publicity_officer"), strict=False):
        org_services.post_assign(actor=None, term=term, member=member, post=post)
    return term
