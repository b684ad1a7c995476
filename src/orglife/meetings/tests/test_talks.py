"""Talk services and reads: recording, frozen committee flags, triggered to-dos, coverage."""

from __future__ import annotations

import datetime as dt

import pytest

from orglife.conftest import TODAY, make_member
from orglife.core.models import AuditEvent
from orglife.meetings import talk_queries, talk_services
from orglife.meetings.models import TalkTodo
from orglife.orgs import services
from orglife.orgs.services import ServiceError

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 1)


def committee(demo, *members):
    term = services.term_start(actor=None, org=demo.zb1, started_on=dt.date(2025, 1, 1))
    for m in members:
        services.post_assign(actor=None, term=term, member=m, post="committee_member")
    return term


def test_it_records_a_talk_and_freezes_committee_flags(demo):
    committee(demo, demo.m1)
    talk = talk_services.talk_record(actor=demo.secretary, org=demo.zb1, held_on=DAY, topic="思想交流",
                                     participants=[demo.m1, demo.m2], summary="谈了工作", today=TODAY)
    flags = {p.member_id: p.on_committee for p in talk.participants.all()}
    assert flags == {demo.m1.pk: True, demo.m2.pk: False}
    event = AuditEvent.objects.get(action="talk.create")
    assert "谈了工作" not in str(event.changes) and event.org_id == demo.zb1.pk


def test_flags_stay_frozen_after_the_committee_changes(demo):
    talk = talk_services.talk_record(actor=None, org=demo.zb1, held_on=DAY, topic="t",
                                     participants=[demo.m1, demo.m2], today=TODAY)
    committee(demo, demo.m2)
    assert not any(p.on_committee for p in talk.participants.all())


@pytest.mark.parametrize("kwargs,field", [
    ({"participants": "one"}, "participants"),
    ({"held_on": dt.date(2026, 12, 1)}, "held_on"),
    ({"topic": "  "}, "topic"),
])
def test_it_refuses_bad_talks(demo, kwargs, field):
    args = {"participants": [demo.m1, demo.m2], "held_on": DAY, "topic": "t"}
    args.update(kwargs)
    if args["participants"] == "one":
        args["participants"] = [demo.m1, demo.m1]
    with pytest.raises(ServiceError) as exc:
        talk_services.talk_record(actor=None, org=demo.zb1, today=TODAY, **args)
    assert field in exc.value.errors


def test_it_refuses_members_of_another_org(demo):
    with pytest.raises(ServiceError) as exc:
        talk_services.talk_record(actor=None, org=demo.zb1, held_on=DAY, topic="t",
                                  participants=[demo.m1, demo.m3], today=TODAY)
    assert "赵六" in exc.value.errors["participants"]


def test_a_talk_closes_the_members_open_todo(demo):
    todo = talk_services.talk_todo_raise(actor=demo.secretary, org=demo.zb1, member=demo.m2, reason="受到处分",
                                         due_on=dt.date(2026, 12, 15), today=TODAY)
    other = talk_services.talk_todo_raise(actor=demo.secretary, org=demo.zb1, member=demo.m1, reason="家庭困难",
                                          today=TODAY)
    assert [t.pk for t in talk_queries.open_todos(demo.zb1)] == [todo.pk, other.pk]
    m4 = make_member("ZB1", name="孙七")
    talk = talk_services.talk_record(actor=None, org=demo.zb1, held_on=TODAY, topic="t",
                                     participants=[demo.m2, m4], today=TODAY)
    todo.refresh_from_db()
    assert todo.talk_id == talk.pk
    assert TalkTodo.objects.get(pk=other.pk).talk_id is None
    assert AuditEvent.objects.filter(action="talk_todo.create").count() == 2


def test_a_todo_needs_a_reason_and_a_future_due_date(demo):
    with pytest.raises(ServiceError) as exc:
        talk_services.talk_todo_raise(actor=None, org=demo.zb1, member=demo.m2, reason=" ",
                                      due_on=dt.date(2026, 1, 1), today=TODAY)
    assert set(exc.value.errors) == {"reason", "due_on"}


def test_org_coverage_reads_the_year(demo, django_assert_max_num_queries):
    committee(demo, demo.m1)
    m4 = make_member("ZB1", name="孙七")
    talk_services.talk_record(actor=None, org=demo.zb1, held_on=DAY, topic="t",
                              participants=[demo.m1, demo.m2], today=TODAY)
    talk_services.talk_record(actor=None, org=demo.zb1, held_on=dt.date(2025, 6, 1), topic="old",
                              participants=[demo.m2, m4], today=TODAY)
    with django_assert_max_num_queries(6):
        cov = talk_queries.org_coverage(demo.zb1, 2026, on=TODAY)
    rows = {r.member_id: r for r in cov.rows}
    assert cov.applies and cov.mode == "coverage"
    assert rows[demo.m1.pk].ok  # a lone committee member owes only committee_member
    assert rows[demo.m2.pk].missing == ("member_member",)
    assert rows[m4.pk].missing == ("committee_member", "member_member")
    assert cov.summary["gaps"] == 2


def test_coverage_does_not_apply_above_branches(demo):
    assert not talk_queries.org_coverage(demo.zz, 2026, on=TODAY).applies
