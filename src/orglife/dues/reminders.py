"""Dues to-dos (待办) for the shared to-do lists (orglife.meetings.todos): a member's own arrears
from the reminder threshold on (RULES §3 Art. 13: criticise and set a deadline), and for the
managers of an organization the number of its members in arrears and its open cases. Bounded:
three queries whatever the number of members."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from . import queries, rules
from .models import ArrearsCase, CaseStatus


def todos(member, orgs, on: dt.date) -> list:
    from orglife.meetings.todos import Todo

    out = []
    reminder, lapse = rules.reminder_months(), rules.lapse_months()
    if member is not None:
        own = (queries.with_unpaid_run(queries.owing_members(Q(pk=member.pk)), on, reminder)
               .filter(unpaid_months__gte=reminder).first())
        if own is not None:
            first = queries.first_unpaid_month(own)
            out.append(Todo("dues", f"党费已连续{own.unpaid_months}个月未交",
                            f"自{first:%Y年%-m月}起未交，请尽快向党支部交纳", member.org.name if member.org_id else "",
                            None, reverse("dues_member", args=[member.pk]), urgent=own.unpaid_months >= lapse))
    ids = [o.pk for o in orgs if o.kind != "party_group"]
    if ids:
        late = {org_id: row[0] for org_id, row in queries.count_by_org(
            queries.with_unpaid_run(queries.owing_members(Q(org_id__in=ids)), on, reminder), (reminder,)).items()}
        cases = dict(ArrearsCase.objects.filter(org_id__in=ids, status=CaseStatus.OPEN).values("org_id")
                     .annotate(n=Count("pk")).order_by().values_list("org_id", "n"))
        for org in orgs:
            if late.get(org.pk):
                out.append(Todo("dues", f"{late[org.pk]}名党员连续{reminder}个月以上未交党费", "请督促交纳、限期改正",
                                org.name, None, reverse("dues_arrears", args=[org.code])))
            if cases.get(org.pk):
                out.append(Todo("dues", f"{cases[org.pk]}件连续{lapse}个月未交党费事项待处理",
                                "由党支部研究处理（党费规定第十三条、党章第九条）", org.name, None,
                                reverse("dues_arrears", args=[org.code]), urgent=True))
    return out
