"""Valid recruitment timelines for tests: a hypothesis strategy and a fixed example."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from orglife.recruitment.timeline import Record
from orglife.rules.org_checks import add_months

DAY = dt.timedelta(days=1)


def build(draw_int, *, birth: dt.date, age_days: int, extend: int | None = None) -> list[Record]:
    """Every step of a valid file, from application to archive. draw_int(lo, hi) picks the gaps
    (hypothesis' integers, or a fixed choice). All gaps keep well inside every rule."""

    def after(day: dt.date, lo: int, hi: int) -> dt.date:
        return day + draw_int(lo, hi) * DAY

    recs: list[Record] = []

    def add(step, on, **kw):
        recs.append(Record(step, on, **kw))
        return on

    app = add("application", add_months(birth, 18 * 12) + age_days * DAY)
    talk = add("talk", after(app, 0, 28), actors=1)
    activist = add("activist", after(talk, 0, 200))
    add("activist_filing", after(activist, 0, 20))
    add("mentors", after(activist, 0, 20), actors=draw_int(1, 2))
    candidate = after(add_months(activist, 12), 0, 60)
    point = activist
    while add_months(point, 6) < candidate:
        point = add("assessment", after(point, 30, 150))
    add("candidate", candidate, extra={"publicity_start": (candidate - 14 * DAY).isoformat(),
                                       "publicity_end": (candidate - DAY).isoformat()})
    add("candidate_filing", after(candidate, 0, 20))
    sponsors = add("sponsors", after(candidate, 0, 20), actors=2)
    review = add("political_review", after(candidate, 0, 60))
    training = add("training", after(candidate, 0, 60), extra={"days": draw_int(3, 7)})
    committee = add("committee_review", after(max(sponsors, review, training), 0, 20))
    pre = add("pre_review", after(committee, 0, 20))
    form = add("application_form", after(pre, 0, 10))
    vote = add("acceptance_vote", after(form, 1, 10), passed=True)
    add("upper_talk", after(vote, 0, 20), actors=1)
    approval = add("approval", after(vote, 1, 60))
    for step in ("approval_filing", "placement", "oath", "probation_education"):
        add(step, after(approval, 0, 25))
    end = add_months(vote, 12)
    add("conversion_application", end - draw_int(0, 10) * DAY)
    first = add("conversion_vote", after(end, 0, 25), passed=True,
                extra={"outcome": "extend", "extension_months": extend} if extend else {"outcome": "convert"})
    done = add("conversion_approval", after(first, 0, 60))
    if extend:
        second = add("conversion_vote", after(add_months(vote, 12 + extend), 0, 25), passed=True,
                     extra={"outcome": "convert"})
        done = add("conversion_approval", after(second, 0, 60))
    add("archive", after(done, 0, 20))
    return recs


@st.composite
def timelines(draw, full: bool = False):
    """(birth_date, records): a valid file, whole or cut after some step."""
    birth = draw(st.dates(dt.date(1960, 1, 1), dt.date(2000, 12, 31)))
    age_days = draw(st.integers(0, 3000))
    extend = draw(st.one_of(st.none(), st.integers(6, 12)))
    recs = build(lambda lo, hi: draw(st.integers(lo, hi)), birth=birth, age_days=age_days, extend=extend)
    if not full:
        from orglife.recruitment import ruleset

        rs = ruleset.get()
        cut = draw(st.integers(1, 25))
        recs = [r for r in recs if rs.step(r.step).number <= cut]
    return birth, recs


def example(birth: dt.date = dt.date(1995, 3, 1), extend: int | None = None) -> list[Record]:
    """A fixed valid file (each gap its lower bound plus one day where it may be zero)."""
    return build(lambda lo, hi: min(lo + 1, hi), birth=birth, age_days=100, extend=extend)
