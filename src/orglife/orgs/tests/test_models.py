"""Derived member state: party age, voting rights, masked personal data; profile inheritance."""

from __future__ import annotations

import datetime as dt

import pytest

from orglife.orgs import services
from orglife.orgs.models import Category, Member, Organization, OrgKind, Status, mask_id, mask_phone


def member(**fields) -> Member:
    data = dict(
        name="张三",
        gender="male",
        birth_date=dt.date(1990, 5, 17),
        id_number="110101199005170014",
        phone="13812345678",
        category=Category.FULL,
        admitted_on=dt.date(2015, 7, 1),
        full_member_on=dt.date(2016, 7, 1),
        status=Status.ACTIVE,
    )
    data.update(fields)
    return Member(**data)


# ---------------------------------------------------------------- party age


def test_party_age_counts_from_full_member_on():
    m = member(admitted_on=dt.date(2015, 7, 1), full_member_on=dt.date(2016, 9, 10))
    assert m.party_age(dt.date(2026, 9, 9)) == 9
    assert m.party_age(dt.date(2026, 9, 10)) == 10


def test_party_age_without_full_member_on_counts_from_twelve_months_after_admission():
    m = member(admitted_on=dt.date(2015, 7, 1), full_member_on=None)
    assert m.party_age_start == dt.date(2016, 7, 1)
    assert m.party_age(dt.date(2026, 6, 30)) == 9
    assert m.party_age(dt.date(2026, 7, 1)) == 10


def test_party_age_start_clamps_to_month_end():
    m = member(admitted_on=dt.date(2015, 2, 28), full_member_on=None)
    assert m.party_age_start == dt.date(2016, 2, 28)
    leap = member(admitted_on=dt.date(2016, 2, 29), full_member_on=None)
    assert leap.party_age_start == dt.date(2017, 2, 28)


def test_party_age_is_none_for_probationary_members():
    m = member(category=Category.PROBATIONARY, admitted_on=dt.date(2026, 3, 1), full_member_on=None)
    assert m.party_age(dt.date(2026, 11, 30)) is None
    assert m.party_age(dt.date(2040, 1, 1)) is None


def test_party_age_is_never_negative():
    m = member(admitted_on=dt.date(2015, 7, 1), full_member_on=dt.date(2016, 7, 1))
    assert m.party_age(dt.date(2016, 6, 30)) == 0


def test_age_is_counted_in_full_years():
    m = member(birth_date=dt.date(1990, 5, 17))
    assert m.age(dt.date(2026, 5, 16)) == 35
    assert m.age(dt.date(2026, 5, 17)) == 36


# ---------------------------------------------------------------- voting rights (RULES §1.3)


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.MOBILE])
def test_full_members_on_the_roster_vote(status):
    m = member(status=status)
    assert m.has_voting_rights
    assert sorted(m.rights) == ["be_elected", "elect", "vote"]


def test_probationary_members_have_no_voting_rights():
    m = member(category=Category.PROBATIONARY, full_member_on=None)
    assert not m.has_voting_rights
    assert m.rights == []


@pytest.mark.parametrize("status", [Status.TRANSFERRED_OUT, Status.DECEASED, Status.SUSPENDED])
def test_members_off_the_active_roster_have_no_voting_rights(status):
    m = member(status=status)
    assert not m.has_voting_rights
    assert m.rights == []


# ---------------------------------------------------------------- masking


def test_masked_id_keeps_region_and_last_four():
    m = member(id_number="110101199005171234")
    assert m.masked_id == "110101********1234"
    assert "19900517" not in m.masked_id


def test_mask_id_of_a_malformed_value_hides_everything():
    assert mask_id("12345") == "*****"
    assert mask_id("") == ""


def test_masked_phone():
    assert member(phone="13812345678").masked_phone == "138****5678"
    assert mask_phone("010-12345678") == "010****5678"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


# ---------------------------------------------------------------- organizations


def test_is_branch():
    assert Organization(kind=OrgKind.BRANCH).is_branch
    assert Organization(kind=OrgKind.JOINT_BRANCH).is_branch
    assert not Organization(kind=OrgKind.GENERAL_BRANCH).is_branch
    assert not Organization(kind=OrgKind.PARTY_GROUP).is_branch


@pytest.mark.django_db
def test_an_organization_inherits_its_nearest_ancestors_profile(demo):
    assert demo.zb1.effective_profile_name() == "national"
    services.org_update(actor=None, org=demo.dw, rule_profile="strict")
    zb1 = Organization.objects.get(pk=demo.zb1.pk)
    assert zb1.effective_profile_name() == "strict"
    assert zb1.profile().value("org.branch.committee_required_full_members") == 5
    services.org_update(
        actor=None, org=Organization.objects.get(pk=demo.zz.pk), rule_profile="national"
    )
    assert Organization.objects.get(pk=demo.zb1.pk).effective_profile_name() == "national"
    assert Organization.objects.get(pk=demo.zb3.pk).effective_profile_name() == "strict"
