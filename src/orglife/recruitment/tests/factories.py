"""Build recruitment files through the services (the demo fixture's branch ZB1)."""

from __future__ import annotations

import datetime as dt

from orglife.conftest import TODAY, new_id
from orglife.meetings import services as meeting_services
from orglife.orgs.models import Member
from orglife.recruitment import services
from orglife.recruitment.models import Applicant

TZ = dt.timezone(dt.timedelta(hours=8))
APPLIED = dt.date(2024, 3, 4)
# A valid file for an application on APPLIED (dates well inside every rule).
PLAN = [
    ("talk", dt.date(2024, 3, 20)),
    ("activist", dt.date(2024, 4, 15)),
    ("activist_filing", dt.date(2024, 4, 20)),
    ("mentors", dt.date(2024, 4, 20)),
    ("assessment", dt.date(2024, 10, 10)),
    ("assessment", dt.date(2025, 4, 1)),
    ("candidate", dt.date(2025, 4, 20)),
    ("candidate_filing", dt.date(2025, 4, 25)),
    ("sponsors", dt.date(2025, 4, 25)),
    ("political_review", dt.date(2025, 5, 20)),
    ("training", dt.date(2025, 5, 26)),
    ("committee_review", dt.date(2025, 6, 3)),
    ("pre_review", dt.date(2025, 6, 10)),
    ("application_form", dt.date(2025, 6, 12)),
]
VOTE_AT = dt.datetime(2025, 6, 20, 15, 0, tzinfo=TZ)


def applicant(org, *, name="陈小明", born=dt.date(2000, 2, 3), applied_on=APPLIED, **data) -> Applicant:
    return services.applicant_create(actor=None, org=org, today=TODAY, data={
        "name": name, "id_number": new_id(born), "phone": "13900001111", "applied_on": applied_on, **data})


def full_members(org) -> list[Member]:
    return list(Member.objects.filter(org=org, category="full").order_by("id"))


def record(a: Applicant, step: str, on: dt.date, **kw):
    people = full_members(a.org)
    defaults = {
        "mentors": {"actors": people[:1]},
        "sponsors": {"actors": people[:2]},
        "talk": {"actors": people[:1]},
        "upper_talk": {"actor_names": "党委组织员 周明"},
        "training": {"extra": {"days": 3}},
    }
    return services.step_record(actor=None, applicant=a, step=step, on=on, today=TODAY, **{**defaults.get(step, {}), **kw})


def through(a: Applicant, last: str = "application_form") -> Applicant:
    for step, on in PLAN:
        record(a, step, on)
        if step == last:
            break
    return Applicant.objects.get(pk=a.pk)


def assembly(org, held: dt.datetime = VOTE_AT, *, yes: int | None = None, present: int | None = None,
             written_opinions: bool = True, submit: bool = True):
    """A branch assembly that votes on one admission: returns the resolution."""
    people = list(Member.objects.filter(org=org).order_by("id"))
    meeting = meeting_services.meeting_create(
        actor=None, org=org, kinds=["assembly"], held_at=held, place="党员活动室", host=people[0].pk,
        recorder=people[-1].pk, topic="讨论接收预备党员", agenda="讨论接收预备党员", minutes="逐一发表意见，无记名投票表决。")
    meeting_services.meeting_start(actor=None, meeting=meeting, now=held)
    rows = [{"member": a.member_id, "status": "present"} for a in meeting.attendance.all()]
    if present is not None:
        for row in rows[present:]:
            row.update(status="absent")
    meeting_services.attendance_set(actor=None, meeting=meeting, rows=rows)
    entitled = meeting.attendance.filter(voting_entitled=True).count()
    resolution = meeting_services.resolution_add(
        actor=None, meeting=meeting, text="同意接收为中共预备党员", yes=entitled if yes is None else yes,
        written_opinions=written_opinions)
    if submit:
        meeting_services.meeting_submit(actor=None, meeting=meeting, today=held.date(), now=held + dt.timedelta(hours=2))
    return resolution


def admitted(org, **kw) -> Applicant:
    a = through(applicant(org, **kw))
    services.step_record(actor=None, applicant=a, step="acceptance_vote", resolution=assembly(org), today=TODAY)
    record(a, "approval", dt.date(2025, 8, 1))
    services.admit(actor=None, applicant=Applicant.objects.get(pk=a.pk), today=TODAY)
    return Applicant.objects.get(pk=a.pk)
