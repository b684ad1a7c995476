"""Transfer markers on pages the transfer module does not own: the roster's 转出中 badge (one
query per page) and the member page's line about an open transfer (one query)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from orglife.orgs import transfer_queries
from orglife.orgs.transfer_models import TransferStatus

register = template.Library()


@register.simple_tag
def moving_out_ids(rows) -> set[int]:
    """Ids of the members among rows ((member, …) pairs or members) with a transfer out in progress."""
    return transfer_queries.moving_out(r[0].pk if isinstance(r, tuple | list) else r.pk for r in rows)


@register.simple_tag(takes_context=True)
def transfer_marker(context, member):
    t = transfer_queries.open_transfer(member)
    if t is not None:
        label = "转出中" if t.status != TransferStatus.AWAITING_RECEIPT else "已开介绍信，待回执"
        return format_html('<p><span class="badge warn">{}</span> 转往{}（{}） <a href="{}">查看转接</a></p>',
                           label, t.to_name, t.get_status_display(), reverse("transfer_detail", args=[t.pk]))
    if context.get("can_manage") and member.status in ("active", "mobile", "suspended"):
        url = reverse("transfer_new", args=[member.org.code]) + f"?member={member.pk}"
        return format_html('<p class="small"><a href="{}">办理组织关系转出</a></p>', url)
    return ""
