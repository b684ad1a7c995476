"""seed_demo: a 2026 study plan for one branch following 周学、月谈、季讲、期考、年评, linked to the
branch's demo meetings and exam, with some members' self-study confirmed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from orglife.meetings.models import Meeting

from . import plan_services
from .exam_models import Exam
from .plan_models import StudyConfirmation

SELF_STUDY = ["《中国共产党章程》总纲", "党的二十届三中全会决定", "《中国共产党纪律处分条例》", "《习近平谈治国理政》第五卷选读",
              "新时代教育强国建设", "党史学习：中国共产党的一百年", "《中国共产党支部工作条例（试行）》",
              "习近平总书记关于教育的重要论述", "全国教育大会精神", "《党员教育管理工作条例》", "年度学习总结与心得"]
NOTES = ["通读原文并做了笔记", "结合教学工作谈了体会", "与组内同志交流了学习心得", "重点学习了第三部分"]


def seed(org, members, today: dt.date, year: int = 2026):
    rng = random.Random(20260501)
    plan = plan_services.plan_create(actor=None, org=org, year=year, title=f"{year}年度党员学习计划")
    for month, topic in enumerate(SELF_STUDY, start=1):  # 周学: a monthly self-study item
        due = dt.date(year, month, 28)
        item = plan_services.item_add(actor=None, plan=plan, data={
            "item_type": "self_study", "topic": topic, "due_on": due, "audience": "org", "hours": Decimal("2.0"),
            "description": "自学原文，完成后在“我的学习”中确认并写一两句学习心得。"})
        plan_services.material_add(actor=None, item=item, kind="text", title=f"{topic}（学习提纲）",
                                   body=f"一、学习{topic}的主要内容。\n二、联系本职工作谈体会。\n三、记下需要在支部研讨中交流的问题。")
    meetings = list(Meeting.objects.filter(org=org, held_on__year=year, kind_rows__kind="theme_day").order_by("held_on"))
    for m in meetings:  # 月谈 each month, 季讲 where the theme day was also the quarter's 党课
        lecture = m.kind_rows.filter(kind="party_lecture").exists()
        plan_services.item_add(actor=None, plan=plan, data={
            "item_type": "lecture" if lecture else "discussion", "topic": m.topic, "due_on": m.held_on,
            "audience": "org", "hours": Decimal("4.0") if lecture else Decimal("2.0"), "meeting": m})
    exam = Exam.objects.filter(org=org).order_by("id").first()
    plan_services.item_add(actor=None, plan=plan, data={  # 期考
        "item_type": "test", "topic": "党章党规知识测试", "due_on": dt.date(year, 12, 20), "audience": "org",
        "hours": Decimal("2.0"), "exam": exam})
    plan_services.item_add(actor=None, plan=plan, data={  # 年评
        "item_type": "appraisal", "topic": "年度学习评议（结合组织生活会）", "due_on": dt.date(year, 12, 31),
        "audience": "org", "hours": Decimal("2.0")})
    plan_services.item_add(actor=None, plan=plan, data={
        "item_type": "self_study", "topic": "领导干部专题学习：党纪学习教育", "due_on": dt.date(year, 12, 15),
        "audience": "leading_cadres", "hours": Decimal("4.0")})
    plan_services.plan_publish(actor=None, plan=plan)
    # Most members confirmed most past self-study items; a few fell behind (the report shows them).
    rows = []
    past = list(plan.items.filter(item_type="self_study", audience="org", due_on__lt=today))
    for i, member in enumerate(members):
        if member.user_id is not None:
            continue  # the demo accounts confirm for themselves
        share = 0.3 if i % 5 == 4 else 0.9
        for item in past:
            if rng.random() < share:
                rows.append(StudyConfirmation(item=item, member=member, note=rng.choice(NOTES),
                                              confirmed_on=item.due_on - dt.timedelta(days=rng.randint(0, 20))))
    StudyConfirmation.objects.bulk_create(rows)
    return plan
