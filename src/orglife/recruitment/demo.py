"""Demo applicants for seed_demo: one file at each stage in ZB01 and a probationary member in
ZB04, all through the services (so the derived fields and the audit trail are real)."""

from __future__ import annotations

import datetime as dt

from orglife.meetings import services as meeting_services
from orglife.orgs import idcard
from orglife.orgs.models import Category, Member, Organization

from . import services

TODAY = dt.date(2026, 11, 30)
TZ = dt.timezone(dt.timedelta(hours=8))

# name, birth date, branch, application date, steps [(step, date, extra)] up to where the file stands
PEOPLE = [
    ("许嘉怡", dt.date(2003, 5, 12), "ZB01", dt.date(2026, 11, 10), []),
    ("郑浩然", dt.date(1996, 8, 3), "ZB01", dt.date(2025, 9, 1), [
        ("talk", dt.date(2025, 9, 20)), ("activist", dt.date(2025, 10, 15)), ("activist_filing", dt.date(2025, 10, 20)),
        ("mentors", dt.date(2025, 10, 20)), ("assessment", dt.date(2026, 4, 10))]),
    ("韩雨桐", dt.date(1994, 2, 21), "ZB01", dt.date(2024, 3, 4), [
        ("talk", dt.date(2024, 3, 20)), ("activist", dt.date(2024, 4, 15)), ("activist_filing", dt.date(2024, 4, 20)),
        ("mentors", dt.date(2024, 4, 20)), ("assessment", dt.date(2024, 10, 10)), ("assessment", dt.date(2025, 4, 1)),
        ("assessment", dt.date(2025, 9, 25)), ("candidate", dt.date(2025, 10, 20)),
        ("candidate_filing", dt.date(2025, 10, 25)), ("sponsors", dt.date(2025, 10, 25)),
        ("political_review", dt.date(2025, 11, 20)), ("training", dt.date(2025, 11, 26)),
        ("committee_review", dt.date(2025, 12, 3)), ("pre_review", dt.date(2025, 12, 10)),
        ("application_form", dt.date(2025, 12, 12))]),
    ("冯子墨", dt.date(1992, 11, 7), "ZB04", dt.date(2023, 9, 5), [
        ("talk", dt.date(2023, 9, 25)), ("activist", dt.date(2023, 10, 20)), ("activist_filing", dt.date(2023, 10, 25)),
        ("mentors", dt.date(2023, 10, 25)), ("assessment", dt.date(2024, 4, 15)), ("assessment", dt.date(2024, 10, 10)),
        ("candidate", dt.date(2024, 11, 5)), ("candidate_filing", dt.date(2024, 11, 8)), ("sponsors", dt.date(2024, 11, 8)),
        ("political_review", dt.date(2024, 12, 10)), ("training", dt.date(2024, 12, 16)),
        ("committee_review", dt.date(2025, 1, 8)), ("pre_review", dt.date(2025, 1, 15)),
        ("application_form", dt.date(2025, 1, 20)), ("vote", dt.datetime(2026, 2, 26, 15, 0, tzinfo=TZ)),
        ("upper_talk", dt.date(2026, 3, 5)), ("approval", dt.date(2026, 3, 20)), ("admit", None),
        ("oath", dt.date(2026, 4, 1)), ("probation_education", dt.date(2026, 8, 30))]),
]


def _assembly(org: Organization, held: dt.datetime, name: str):
    people = list(Member.objects.filter(org=org, category=Category.FULL).order_by("id"))
    meeting = meeting_services.meeting_create(
        actor=None, org=org, kinds=["assembly"], held_at=held, place="党员活动室", host=people[0].pk,
        recorder=people[1].pk, topic=f"支部党员大会：讨论接收{name}同志为预备党员", agenda=f"讨论接收{name}同志为预备党员",
        minutes="入党介绍人介绍情况，支部委员会报告审查情况，党员充分讨论后无记名投票表决。")
    meeting_services.meeting_start(actor=None, meeting=meeting, now=held)
    rows = [{"member": a.member_id, "status": "present"} for a in meeting.attendance.all()]
    meeting_services.attendance_set(actor=None, meeting=meeting, rows=rows)
    entitled = meeting.attendance.filter(voting_entitled=True).count()
    resolution = meeting_services.resolution_add(actor=None, meeting=meeting, text=f"同意接收{name}同志为中共预备党员",
                                                 yes=entitled, written_opinions=True)
    meeting_services.meeting_submit(actor=None, meeting=meeting, today=held.date(), now=held + dt.timedelta(hours=2))
    return resolution


def seed(orgs: dict[str, Organization], today: dt.date = TODAY) -> list:
    out = []
    for i, (name, born, code, applied, steps) in enumerate(PEOPLE):
        org = orgs[code]
        full = list(Member.objects.filter(org=org, category=Category.FULL).order_by("id")[2:6])
        a = services.applicant_create(actor=None, org=org, today=today, data={
            "name": name, "id_number": idcard.make_id("110105", born, 20 + 2 * i + 1), "applied_on": applied,
            "phone": f"1370000{i:04d}", "work_unit": "学校教师"})
        for step, on in steps:
            if step == "admit":
                services.admit(actor=None, applicant=a, today=today)
                continue
            if step == "vote":
                services.step_record(actor=None, applicant=a, step="acceptance_vote", today=today,
                                     resolution=_assembly(org, on, name))
                continue
            kw = {"mentors": {"actors": full[:1]}, "sponsors": {"actors": full[:2]}, "talk": {"actors": full[:1]},
                  "training": {"extra": {"days": 3}}, "upper_talk": {"actor_names": "党委组织员"}}.get(step, {})
            services.step_record(actor=None, applicant=a, step=step, on=on, today=today, **kw)
        out.append(a)
    return out
