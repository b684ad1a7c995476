"""Reads for meeting records shared by the record page and the yearly book (PDF)."""

from __future__ import annotations

from django.utils import timezone

from orglife.orgs.models import Member
from orglife.rules.compliance import KIND_LABELS

from . import services
from .models import Amendment, ContentCategory


def amendment_rows(amendments: list[Amendment]) -> list[tuple[Amendment, list[tuple[str, str]]]]:
    """Each amendment with the replaced text as (label, shown value) pairs: member names, kind and
    category labels, local times. One query for the names of all the amendments given."""
    ids = {v for a in amendments for k, v in a.before.items() if k in ("host", "recorder") and v}
    names = dict(Member.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    categories = dict(ContentCategory.choices)
    rows = []
    for a in amendments:
        items = []
        for k, v in a.before.items():
            if k == "kinds":
                shown = "、".join(KIND_LABELS.get(x, x) for x in v)
            elif k in ("host", "recorder"):
                shown = names.get(v, "—")
            elif k == "content_category":
                shown = categories.get(v, v or "—")
            elif k == "held_at" and v:
                shown = timezone.localtime(timezone.datetime.fromisoformat(v)).strftime(
                    "%Y-%m-%d %H:%M"
                )
            else:
                shown = v if v not in (None, "") else "—"
            items.append((services.element_label(k) if k != "kinds" else "会议类型", shown))
        rows.append((a, items))
    return rows
