"""The SQL path of the compliance engine agrees with the pure core, scoped to the viewer."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from orglife.conftest import TODAY, make_member
from orglife.core.models import Role
from orglife.meetings import queries
from orglife.meetings.models import Exemption, Meeting, MeetingKind, MeetingStatus
from orglife.orgs import services
from orglife.orgs.models import Organization
from orglife.rules import compliance as core
from orglife.rules.loader import get_profile

YEAR = TODAY.year


def record(org, day: dt.date, kinds, counted: bool = True, topic: str = "") -> Meeting:
    """A held meeting straight into the tables (the meeting services are tested elsewhere)."""
    meeting = Meeting.objects.create(
        org=org, held_on=day, topic=topic or f"{day} 会议",
        status=MeetingStatus.SUBMITTED if counted else MeetingStatus.STARTED,
        held_at=dt.datetime.combine(day, dt.time(9)).astimezone(dt.UTC),
    )
    for kind in kinds:
        MeetingKind.objects.create(meeting=meeting, kind=kind, org=org, held_on=day, counted=counted)
    return meeting


def committee(org, n: int = 3) -> None:
    term = services.term_start(actor=None, org=org, started_on=dt.date(2024, 1, 1))
    for i in range(n):
        member = make_member(org.code, name=f"委员{i}")
        services.post_assign(actor=None, term=term, member=member, post="committee_member")


def by_key(rows):
    return {(r.org.code, v.kind, v.period): v for r in rows for v in r.verdicts}


def test_it_judges_every_visible_organization_of_the_subtree(demo):
    record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day", "assembly"])
    rows = queries.compliance_rows(demo.admin, demo.dw, YEAR, TODAY)
    assert [r.org.code for r in rows] == ["DW", "ZZ", "ZB1", "XZ1", "ZB2", "ZB3"]
    verdicts = by_key(rows)
    assert verdicts[("ZB1", "theme_day", f"{YEAR}-11")].status == "met"
    assert verdicts[("ZB1", "assembly", f"{YEAR}-Q4")].status == "met"
    assert verdicts[("ZB2", "theme_day", f"{YEAR}-11")].status == "due"
    assert verdicts[("ZB1", "theme_day", f"{YEAR}-10")].status == "missed"
    assert verdicts[("XZ1", "group_meeting", f"{YEAR}-11")].status == "due"
    assert not [r for r in rows if r.org.code == "DW"][0].verdicts  # a 党委 owes no branch meetings
    assert {v.org_id for r in rows for v in r.verdicts if r.org.code == "ZB2"} == {demo.zb2.pk}


def test_it_counts_only_submitted_meetings_of_the_year(demo):
    record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day"], counted=False)
    record(demo.zb1, dt.date(YEAR - 1, 11, 5), ["theme_day"])
    verdicts = by_key(queries.compliance_rows(demo.admin, demo.zb1, YEAR, TODAY))
    assert verdicts[("ZB1", "theme_day", f"{YEAR}-11")].held == 0


def test_it_is_scoped_to_the_viewer(demo):
    rows = queries.compliance_rows(demo.officer, demo.zz, YEAR, TODAY)
    assert [r.org.code for r in rows] == ["ZZ", "ZB1", "XZ1", "ZB2"]
    # A viewer of DW alone (not recursive) sees DW, not the branches below it.
    services.grant_role(actor=None, user=demo.outsider, org=demo.dw, role=Role.VIEWER, recursive=False)
    assert [r.org.code for r in queries.compliance_rows(demo.outsider, demo.dw, YEAR, TODAY)] == ["DW"]


def test_committee_meetings_are_owed_only_with_a_committee(demo):
    committee(demo.zb1)
    committee(demo.zb2, n=2)
    verdicts = by_key(queries.compliance_rows(demo.admin, demo.zz, YEAR, TODAY))
    assert verdicts[("ZB1", "committee_meeting", f"{YEAR}-11")].status == "due"
    assert verdicts[("ZB2", "committee_meeting", f"{YEAR}-11")].status == "not_applicable"


def test_exemptions_and_inherited_profiles(demo):
    Exemption.objects.create(org=demo.zb2, kind="assembly", period=f"{YEAR}-Q1", reason="新成立")
    Organization.objects.filter(pk=demo.zz.pk).update(rule_profile="strict")
    rows = queries.compliance_rows(demo.admin, demo.dw, YEAR, TODAY)
    assert by_key(rows)[("ZB2", "assembly", f"{YEAR}-Q1")].status == "exempt"
    assert by_key(rows)[("ZB3", "assembly", f"{YEAR}-Q1")].status == "missed"
    profiles = {r.org.code: r.org.profile for r in rows}
    assert profiles == {"DW": "national", "ZZ": "strict", "ZB1": "strict", "XZ1": "strict", "ZB2": "strict",
                        "ZB3": "national"}
    # From a page of the branch alone, the profile still comes from above.
    assert queries.compliance_rows(demo.admin, demo.zb1, YEAR, TODAY)[0].org.profile == "strict"


def test_one_organization_carries_its_meeting_ids(demo):
    first = record(demo.zb1, dt.date(YEAR, 2, 3), ["theme_day", "party_lecture"])
    second = record(demo.zb1, dt.date(YEAR, 3, 3), ["party_lecture"])
    (row,) = queries.compliance_rows(demo.admin, demo.zb1, YEAR, TODAY, subtree=False)
    verdicts = {(v.kind, v.period): v for v in row.verdicts}
    assert verdicts[("party_lecture", f"{YEAR}-Q1")].meetings == [first.pk, second.pk]
    assert verdicts[("theme_day", f"{YEAR}-02")].meetings == [first.pk]
    assert queries.cell_meetings(demo.zb1, "party_lecture", f"{YEAR}-Q1") == [first.pk, second.pk]


def test_the_sql_path_agrees_with_the_pure_core(demo):
    committee(demo.zb1)
    rng = random.Random(5)
    orgs = [demo.zb1, demo.zb2, demo.zb3]
    held: dict[int, list[core.HeldMeeting]] = {o.pk: [] for o in orgs}
    for _ in range(60):
        org = rng.choice(orgs)
        day = dt.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        kinds = rng.sample(["theme_day", "assembly", "party_lecture", "committee_meeting", "org_life_meeting"],
                           rng.randint(1, 3))
        meeting = record(org, day, kinds)
        held[org.pk].append(core.HeldMeeting(meeting.pk, day, frozenset(kinds)))
    on = dt.date(YEAR, 8, 15)
    infos = queries._profiles(demo.dw, list(queries.subtree_orgs(demo.admin, demo.dw)))
    by_path = queries.judge_orgs(demo.dw, infos, YEAR, on, whole_subtree=True)
    by_ids = queries.judge_orgs(demo.dw, infos, YEAR, on, whole_subtree=False)
    assert by_key(by_path) == by_key(by_ids)
    reqs = core.requirements(get_profile(), "branch", on)
    for org in orgs:
        facts = core.OrgFacts(org.pk, "branch", org.established_on, None, org.pk == demo.zb1.pk)
        expected = core.judge(facts, reqs, held[org.pk], YEAR, on)
        got = [r for r in by_path if r.org.id == org.pk][0].verdicts
        assert [replace_ids(v) for v in got] == [replace_ids(v) for v in expected]
        one = queries.compliance_rows(demo.admin, org, YEAR, on, subtree=False)[0].verdicts
        assert one == expected


def replace_ids(v: core.Verdict):
    return (v.org_id, v.kind, v.period, v.required, v.held, v.status, v.rule, v.explanation)


def test_heatmap_page_and_totals(demo):
    record(demo.zb1, dt.date(YEAR, 11, 5), ["theme_day"])
    page, rows = queries.heatmap_page(demo.admin, demo.dw, YEAR, TODAY)
    assert [r.org.code for r in rows] == ["ZB1", "XZ1", "ZB2", "ZB3"]  # only those that owe meetings
    assert rows[0].months("theme_day")[10] == "met"
    assert rows[2].months("theme_day")[10] == "due"
    assert rows[2].months()[0] == "missed"
    totals = queries.status_totals(rows)
    assert sum(totals.values()) == sum(len(r.verdicts) for r in rows)
    assert totals["met"] == 1


@pytest.mark.parametrize("n", [3, 60])
def test_shared_judgements_do_not_leak_between_organizations(demo, n):
    parent = Organization.objects.get(pk=demo.zz.pk)
    for i in range(n):
        services.org_create(actor=None, parent=parent, code=f"B{i}", name=f"支部{i}", kind="branch",
                            established_on=dt.date(2010, 1, 1))
        parent = Organization.objects.get(pk=demo.zz.pk)
    rows = queries.compliance_rows(demo.admin, demo.zz, YEAR, TODAY)
    ids = [v.org_id for r in rows for v in r.verdicts]
    assert len(set(ids)) == n + 3  # every branch and the group, each with its own id
    assert all(v.org_id == r.org.id for r in rows for v in r.verdicts)


def test_seed_meetings_gives_a_realistic_year(demo):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    committee(demo.zb1)
    out = io.StringIO()
    call_command("seed_meetings", year=YEAR, today=TODAY, root="DW", stdout=out)
    assert "已生成" in out.getvalue()
    assert not MeetingKind.objects.filter(held_on__gt=TODAY).exists()
    assert set(MeetingKind.objects.values_list("org__code", flat=True)) <= {"ZB1", "ZB2", "ZB3", "XZ1"}
    assert MeetingKind.objects.filter(org=demo.zb1, kind="committee_meeting").exists()
    assert not MeetingKind.objects.filter(org=demo.zb2, kind="committee_meeting").exists()
    rows = queries.compliance_rows(demo.admin, demo.dw, YEAR, TODAY)
    assert queries.status_totals(rows)["met"] > 0
    with pytest.raises(CommandError):
        call_command("seed_meetings", year=YEAR, today=TODAY, root="DW", stdout=out)
