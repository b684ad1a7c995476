"""manage.py seed_scale --members N: a consistent, realistic, reproducible tree built in bulk."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q

from orglife.core.models import AuditEvent
from orglife.orgs import idcard, search
from orglife.orgs.models import (
    ON_ROSTER,
    Category,
    Member,
    MemberOrgHistory,
    Organization,
    OrgKind,
    Post,
    PostHolding,
    Status,
    Term,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


def seed(members=800, seed=7, **options):
    out = io.StringIO()
    call_command(
        "seed_scale",
        members=members,
        seed=seed,
        today=TODAY,
        stdout=out,
        stderr=io.StringIO(),
        **options,
    )
    return out.getvalue()


def fingerprint():
    orgs = list(
        Organization.objects.order_by("path").values_list(
            "path", "code", "name", "kind", "member_count"
        )
    )
    members = list(
        Member.objects.order_by("id_number").values_list(
            "id_number", "name", "org__path", "category", "status"
        )
    )
    posts = list(
        PostHolding.objects.order_by("term__org__path", "post").values_list(
            "term__org__path", "post", "member__id_number"
        )
    )
    return orgs, members, posts


def test_it_builds_a_valid_tree():
    out = seed()

    assert "党员 800 人" in out
    assert all(problems == [] for problems in Organization.find_problems())
    root = Organization.objects.get(depth=1)
    assert root.code == "S-" + root.path and root.kind == OrgKind.COMMITTEE
    assert Organization.objects.exclude(code__startswith=root.code).count() == 0
    kinds = Counter(Organization.objects.values_list("depth", "kind"))
    assert kinds[(2, OrgKind.COMMITTEE)] >= 1
    assert set(k for d, k in kinds if d == 3) <= {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH}
    assert set(k for d, k in kinds if d == 4) == {OrgKind.BRANCH}
    assert set(k for d, k in kinds if d == 5) <= {OrgKind.PARTY_GROUP}


def test_it_sizes_branches_and_groups():
    seed()

    sizes = dict(Member.objects.values("org").annotate(n=Count("id")).values_list("org", "n"))
    assert sum(sizes.values()) == 800
    assert set(
        Organization.objects.filter(kind=OrgKind.BRANCH).values_list("id", flat=True)
    ) == set(sizes)
    assert all(3 <= n <= 52 for n in sizes.values())
    for branch in Organization.objects.filter(kind=OrgKind.BRANCH):
        groups = branch.get_children()
        assert groups.exists() == (sizes[branch.id] >= 30)
        assert all(g.kind == OrgKind.PARTY_GROUP for g in groups)
    # Group members are members of the group's own branch.
    for m in Member.objects.filter(party_group__isnull=False).select_related("org", "party_group")[
        :200
    ]:
        assert m.party_group.path.startswith(m.org.path)


def test_it_fills_member_fields_like_the_services_do():
    seed()

    members = list(Member.objects.all())
    assert len({m.id_number for m in members}) == len(members)
    for m in members:
        assert idcard.validate_id(m.id_number) == m.id_number
        assert (
            idcard.birth_date(m.id_number) == m.birth_date
            and idcard.gender(m.id_number) == m.gender
        )
        assert m.name_initials == search.initials(m.name) and m.id_reversed == search.reverse_id(
            m.id_number
        )
        assert 2 <= len(m.name) <= 3 and m.phone.startswith("1") and len(m.phone) == 11
        assert m.admitted_on <= TODAY and m.age(m.admitted_on) >= 18
        if m.category == Category.PROBATIONARY:
            assert m.full_member_on is None and (TODAY - m.admitted_on).days < 365
            assert m.status in (Status.ACTIVE, Status.MOBILE)
        else:
            assert m.admitted_on < m.full_member_on <= TODAY
    probationary = sum(m.category == Category.PROBATIONARY for m in members) / len(members)
    assert 0.04 <= probationary <= 0.09
    active = sum(m.status == Status.ACTIVE for m in members) / len(members)
    assert active > 0.85
    # One open history row per member, in the member's organization.
    assert MemberOrgHistory.objects.count() == len(members)
    assert MemberOrgHistory.objects.filter(
        ended_on__isnull=True, org_id=F("member__org_id")
    ).count() == len(members)


def test_it_counts_members_as_refresh_counts_does():
    seed()

    on_roster = Q(status__in=ON_ROSTER)
    full = Q(category=Category.FULL)
    for org in Organization.objects.all():
        field = "party_group" if org.kind == OrgKind.PARTY_GROUP else "org"
        mine = Member.objects.filter(on_roster, **{field: org})
        assert (org.member_count, org.full_member_count) == (
            mine.count(),
            mine.filter(full).count(),
        ), org.code


def test_it_gives_every_organization_a_current_term_with_posts():
    seed()

    assert Term.objects.count() == Organization.objects.count()
    assert not Term.objects.filter(ended_on__isnull=False).exists()
    for branch in Organization.objects.filter(kind=OrgKind.BRANCH):
        term = branch.terms.get()
        posts = list(term.posts.values_list("post", flat=True))
        assert posts[0] == Post.SECRETARY
        if branch.full_member_count >= 7:
            assert 3 <= len(posts) <= 5  # a 支部委员会
        else:
            assert posts == [Post.SECRETARY]
        assert term.expires_on > term.started_on
    for holding in PostHolding.objects.select_related(
        "term__org", "member__org", "member__party_group"
    ):
        org = holding.term.org
        if org.kind == OrgKind.PARTY_GROUP:
            assert holding.post == Post.GROUP_LEADER and holding.member.party_group == org
        else:
            assert holding.member.org.path.startswith(org.path)
        assert holding.member.status == Status.ACTIVE and holding.member.category == Category.FULL


def test_it_records_one_audit_event():
    seed()

    event = AuditEvent.objects.get(action="scale.seed")
    assert event.changes["members"] == [None, 800] and event.changes["seed"] == [None, 7]
    assert event.org == Organization.objects.get(depth=1)


def test_it_is_deterministic_for_a_seed():
    sid = transaction.savepoint()
    seed(seed=11)
    first = fingerprint()
    transaction.savepoint_rollback(sid)
    seed(seed=11)
    assert fingerprint() == first


def test_it_refuses_to_seed_twice_unless_told_to_append():
    seed(members=100)
    with pytest.raises(CommandError, match="--force-append"):
        seed(members=100)

    seed(members=100, force_append=True)
    roots = list(Organization.get_root_nodes().values_list("code", flat=True))
    assert roots == ["S-0001", "S-0002"]
    assert Member.objects.count() == 200
    assert Member.objects.values("id_number").distinct().count() == 200


def test_it_leaves_demo_data_alone():
    call_command("seed_demo", stdout=io.StringIO())
    before = set(Organization.objects.values_list("code", "member_count"))
    seed(members=100)

    after = set(Organization.objects.values_list("code", "member_count"))
    assert before <= after
    assert Organization.objects.get(code__startswith="S-", depth=1).path == "0002"
    # New rows after seeding get fresh ids from the sequences.
    org = Organization.objects.get(code="DW01").add_child(
        code="X1", name="新支部", kind=OrgKind.BRANCH
    )
    assert org.pk > Organization.objects.exclude(pk=org.pk).order_by("-pk").first().pk


def test_name_grams_find_exactly_what_contains_finds():
    """PostgreSQL's orglife_name_grams index (migration 0003) answers name contains searches."""
    from django.db import connection
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    seed(members=400)
    names = list(Member.objects.values_list("name", flat=True)[:40])
    for query in (
        {n[:2] for n in names}
        | {n[1:] for n in names}
        | {n[-1] for n in names}
        | {"丹丹", "张伟强", "无此人"}
    ):
        grams = RawSQL(
            "orglife_name_grams(orgs_member.name) @> orglife_name_grams(%s)",
            [query],
            output_field=BooleanField(),
        )
        found = set(Member.objects.filter(grams, name__contains=query).values_list("id", flat=True))
        assert found == set(
            Member.objects.filter(name__contains=query).values_list("id", flat=True)
        ), query
