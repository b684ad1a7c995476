"""Test helpers for pages: quick bulk members for query-count tests."""

from __future__ import annotations

import datetime as dt

from orglife.conftest import new_id
from orglife.orgs import search, services
from orglife.orgs.models import Member, Organization


def bulk_members(org: Organization, n: int, group: Organization | None = None) -> None:
    """n members straight into the table (services are covered elsewhere; here only volume matters)."""
    members = []
    for i in range(n):
        number = new_id(dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 28))
        members.append(Member(
            name=f"测试{i}", gender="male", birth_date=dt.date(1980, 1, 1), id_number=number,
            category="full" if i % 5 else "probationary", admitted_on=dt.date(2010, 1, 1),
            org=org, party_group=group, name_initials=search.initials(f"测试{i}"),
            id_reversed=search.reverse_id(number),
        ))
    Member.objects.bulk_create(members)
    services.refresh_counts([org.pk, group.pk if group else None])
