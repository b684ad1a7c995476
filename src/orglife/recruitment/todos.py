"""Recruitment deadlines as to-dos (the meetings app's to-do lists call this): open files whose
nearest deadline has passed or falls within the horizon. One bounded query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from . import queries
from .models import OPEN_STATUSES, Applicant

LIMIT = 20


def deadlines(q: Q, on: dt.date, days: int) -> list:
    """q filters Applicant (e.g. Q(org_id__in=[...]))."""
    from django.urls import reverse

    from orglife.meetings.todos import Todo

    qs = (Applicant.objects.filter(q, status__in=OPEN_STATUSES, next_due__lte=on + dt.timedelta(days=days))
          .select_related("org").order_by("next_due", "id")[:LIMIT])
    out = []
    for a in qs:
        late = a.next_due < on
        what = queries.step_label(a, a.due_step) or "下一步骤"
        out.append(Todo("recruitment", f"{a.name}：{what}", f"{'已逾期' if late else '期限'} {a.next_due:%Y年%-m月%-d日}",
                        a.org.name, a.next_due, reverse("recruitment_applicant", args=[a.pk]), urgent=not late))
    return out
