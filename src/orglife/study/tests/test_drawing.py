import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orglife.study import drawing
from orglife.study.drawing import DrawError, Item

TAGS = ["党章", "纪律", "组织生活"]

items = st.lists(
    st.tuples(st.lists(st.sampled_from(TAGS), max_size=2, unique=True), st.integers(1, 3)), max_size=40,
).map(lambda rows: [Item(i + 1, tuple(tags), d) for i, (tags, d) in enumerate(rows)])
lines = st.lists(st.fixed_dictionaries({
    "tag": st.sampled_from(["", *TAGS]), "difficulty": st.integers(0, 3), "count": st.integers(0, 5),
}), min_size=1, max_size=4)


def assign_ok(pool, rule, drawn) -> bool:
    by_id = {it.id: it for it in pool}
    counts = Counter(i for i, _ in drawn)
    return all(counts[i] == line["count"] for i, line in enumerate(rule)) and all(
        drawing.matches(by_id[qid], rule[i]) for i, qid in drawn)


@settings(max_examples=300, deadline=None)
@given(items, lines, st.integers(0, 10**6))
def test_every_draw_meets_the_rule_and_repeats_nothing(pool, rule, seed):
    try:
        drawn = drawing.draw(pool, rule, random.Random(seed))
    except DrawError as exc:
        assert exc.shortages and all(available < wanted for _, wanted, available in exc.shortages)
        return
    ids = [qid for _, qid in drawn]
    assert len(ids) == len(set(ids))
    assert assign_ok(pool, rule, drawn)


@settings(max_examples=100, deadline=None)
@given(items, st.integers(1, 5), st.integers(1, 5), st.integers(0, 10**6))
def test_quiz_levels_draw_distinct_questions(pool, levels, count, seed):
    level = random.Random(seed).randint(1, levels)
    ids = drawing.draw_level(pool, level, levels, count, random.Random(seed))
    assert len(ids) == len(set(ids)) == min(count, len(pool))


def test_specific_lines_are_filled_before_any():
    pool = [Item(1, ("党章",), 1), Item(2, ("纪律",), 1)]
    rule = [{"tag": "", "difficulty": 0, "count": 1}, {"tag": "党章", "difficulty": 0, "count": 1}]
    for seed in range(20):
        drawn = drawing.draw(pool, rule, random.Random(seed))
        assert drawn == [(0, 2), (1, 1)]


def test_shortages_name_each_line():
    pool = [Item(1, ("党章",), 1)]
    with pytest.raises(DrawError) as info:
        drawing.draw(pool, [{"tag": "党章", "difficulty": 1, "count": 2}, {"tag": "纪律", "count": 1}], random.Random(1))
    assert info.value.shortages == [(0, 2, 1), (1, 1, 0)]


def test_level_difficulty_runs_from_easy_to_hard():
    assert [drawing.level_difficulty(n, 5) for n in range(1, 6)] == [1, 1, 2, 3, 3]
    assert drawing.level_difficulty(1, 3) == 1 and drawing.level_difficulty(3, 3) == 3
