"""The campaign summary in SQL equals the pure score math; roll-up per organization below the
launching one; problems per item."""

import pytest

from orglife.inspection import campaign_scoring as scoring
from orglife.inspection import campaign_services as cs

from .campaigns import launch

pytestmark = pytest.mark.django_db

YAML = """
code: weighted
version: "1"
title: 加权清单
source: 测试
categories:
  - name: 甲
    items:
      - {id: a.1, text: 条目一, source: 出处, weight: 5}
      - {id: a.2, text: 条目二, source: 出处, weight: 3}
  - name: 乙
    items:
      - {id: b.1, text: 条目三, source: 出处}
      - {id: b.2, text: 条目四, source: 出处, weight: 2, answer_type: text}
"""

# org code -> answers per item (None: not answered; True: problem)
ANSWERS = {"ZB1": [False, True, None, False], "ZB2": [True, True, False, None], "ZB3": [False, False, False, False]}


@pytest.fixture
def answered(demo):
    checklist = cs.checklist_load_yaml(actor=None, text=YAML)
    campaign = launch(demo.dw, checklist=checklist)
    items = list(checklist.items.order_by("position"))
    orgs = {"ZB1": demo.zb1, "ZB2": demo.zb2, "ZB3": demo.zb3}
    for code, answers in ANSWERS.items():
        for item, has_problem in zip(items, answers, strict=True):
            if has_problem is not None:
                cs.answer_save(actor=None, campaign=campaign, item=item, org=orgs[code], has_problem=has_problem,
                               description="问题" if has_problem else "无问题")
    return campaign, [i.weight for i in items]


def test_each_target_and_the_total_equal_the_pure_tally(answered):
    campaign, weights = answered
    summary = cs.campaign_summary(campaign)
    expected = {code: scoring.target_tally(weights, a) for code, a in ANSWERS.items()}
    assert {r.org.code: r.tally for r in summary.rows} == expected
    assert summary.total == scoring.roll_up(expected.values())
    assert expected["ZB1"].score_percent == round(100 * (5 + 2) / 11, 1)  # a.1 and b.2 clean, b.1 unanswered
    assert summary.total.score == (7 + 1 + 11) / scoring.Fraction(33)


def test_the_roll_up_per_organization_below_the_launching_one(answered):
    campaign, weights = answered
    groups = {g.org.code: g.tally for g in cs.campaign_summary(campaign).groups}
    assert set(groups) == {"ZZ", "ZB3"}
    assert groups["ZZ"] == scoring.roll_up([scoring.target_tally(weights, ANSWERS[c]) for c in ("ZB1", "ZB2")])


def test_no_roll_up_when_every_target_is_directly_below(demo):
    assert cs.campaign_summary(launch(demo.zz)).groups == []


def test_problems_per_item_commonest_first(answered):
    campaign, _ = answered
    items = cs.campaign_summary(campaign).items
    assert [(c.item.item_id, c.answered, c.problems) for c in items][:2] == [("a.2", 3, 2), ("a.1", 3, 1)]


def test_a_members_campaign_weighs_each_member(demo):
    checklist = cs.checklist_load_yaml(actor=None, text=YAML)
    campaign = launch(demo.zz, target="members", checklist=checklist)
    first = checklist.items.get(item_id="a.1")
    cs.answer_save(actor=None, campaign=campaign, item=first, org=demo.zb1, member=demo.m1, has_problem=False)
    rows = {r.org.code: r for r in cs.campaign_summary(campaign).rows}
    assert rows["ZB1"].tally == scoring.roll_up([scoring.target_tally([5, 3, 1, 2], [False, None, None, None]),
                                                 scoring.target_tally([5, 3, 1, 2], [None] * 4)])
    assert rows["ZB2"].tally.score is None and rows["ZB2"].score is None  # no members: nothing owed


def test_the_workbook_has_one_row_per_target_the_total_and_problems_per_item(answered):
    import io

    import openpyxl
    from django.utils import timezone

    campaign, _ = answered
    book = openpyxl.load_workbook(io.BytesIO(cs.summary_workbook(cs.campaign_summary(campaign), timezone.localdate())))
    assert book.sheetnames == ["汇总", "按组织汇总", "问题分布"]
    rows = list(book["汇总"].iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("组织", "已答", "应答", "进度（%）", "发现问题", "得分")
    assert rows[1] == ("第一党支部", 3, 4, 75.0, 1, 63.6)
    assert rows[-1][0] == "合计" and rows[-1][1:] == (10, 12, 83.3, 3, 57.6)
    per_item = list(book["问题分布"].iter_rows(values_only=True))
    assert per_item[1][:6] == ("甲", "a.2", "条目二", 3, 3, 2)
