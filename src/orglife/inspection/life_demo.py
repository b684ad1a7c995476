"""Demo data: ZB01's 2026 组织生活会 being prepared (seed_demo)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import life_services as ls

FOCUS = ["理论学习", "联系服务群众", "履职尽责", "遵守纪律", "作风建设"]


def seed(org, today: dt.date) -> None:
    """A 组织生活会 planned three weeks ahead: notice sent, study and opinions recorded, and the
    first few participants' materials written, so the readiness check has something to show."""
    planned = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=22), dt.time(14, 30)))
    life = ls.life_open(actor=None, org=org, kind="org_life_meeting", topic="2026年度组织生活会", planned_at=planned,
                        place="党员活动室")
    ls.plan_update(actor=None, life=life, notice_sent_on=today, reported_up_on=today, today=today,
                   notice="定于12月下旬召开2026年度组织生活会，请全体党员对照党章党规撰写对照检查材料。")
    ls.prep_add(actor=None, life=life, kind="study", held_on=today, summary="集中学习党章和《中国共产党支部工作条例（试行）》",
                today=today)
    for i, member in enumerate(ls.participants(life)[:5]):
        area = FOCUS[i % len(FOCUS)]
        ls.material_save(actor=None, life=life, member=member, text=(
            f"{member.name}对照检查材料：一、存在的问题。在{area}方面，本人{['主动性不够', '标准不高', '办法不多'][i % 3]}，"
            f"第{i + 1}季度有两项工作推进较慢。二、原因分析。对{area}的重要性认识不足。"
            f"三、整改措施。制定{area}个人计划，每月向支部汇报一次进展。"))
