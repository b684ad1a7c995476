"""Drawing papers and quiz levels by rule (pure: pools of plain tuples, an injected random source).

A rule is a list of lines {"tag": str, "difficulty": int, "count": int}; an empty tag or a
difficulty of 0 matches any question. Lines are filled most specific first, so a line "any tag,
any difficulty" takes what the specific lines left. No question is drawn twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    id: int
    tags: tuple[str, ...]
    difficulty: int


class DrawError(Exception):
    """The bank does not hold enough questions for a rule line."""

    def __init__(self, shortages: list[tuple[int, int, int]]):
        # (line index, wanted, available)
        self.shortages = shortages
        super().__init__(shortages)


def matches(item: Item, line: dict) -> bool:
    tag = (line.get("tag") or "").strip()
    difficulty = int(line.get("difficulty") or 0)
    return (not tag or tag in item.tags) and (not difficulty or item.difficulty == difficulty)


def _order(rule: list[dict]) -> list[int]:
    def specificity(i: int) -> int:
        line = rule[i]
        return -(bool((line.get("tag") or "").strip()) + bool(int(line.get("difficulty") or 0)))

    return sorted(range(len(rule)), key=lambda i: (specificity(i), i))


def draw(pool: list[Item], rule: list[dict], rng: random.Random) -> list[tuple[int, int]]:
    """[(line index, question id), ...] in rule-line order, shuffled within each line.

    Raises DrawError listing every line the pool cannot fill."""
    taken: set[int] = set()
    picked: dict[int, list[int]] = {}
    shortages = []
    for i in _order(rule):
        line = rule[i]
        count = int(line.get("count") or 0)
        candidates = [it.id for it in pool if it.id not in taken and matches(it, line)]
        if len(candidates) < count:
            shortages.append((i, count, len(candidates)))
            continue
        chosen = rng.sample(candidates, count)
        taken.update(chosen)
        picked[i] = chosen
    if shortages:
        raise DrawError(sorted(shortages))
    return [(i, qid) for i in range(len(rule)) for qid in picked[i]]


def check(pool: list[Item], rule: list[dict]) -> list[tuple[int, int, int]]:
    """The shortages a draw from this pool would meet ([] = the rule can be drawn)."""
    try:
        draw(pool, rule, random.Random(0))
    except DrawError as exc:
        return exc.shortages
    return []


def level_difficulty(level: int, levels: int) -> int:
    """Level 1 is easy, the last is hard: the difficulty band a quiz level prefers."""
    if levels <= 1:
        return 1
    return 1 + round(2 * (level - 1) / (levels - 1))


def draw_level(pool: list[Item], level: int, levels: int, count: int, rng: random.Random) -> list[int]:
    """count questions for a quiz level, from its difficulty band first and then the nearest bands."""
    want = level_difficulty(level, levels)
    by_distance = sorted({abs(it.difficulty - want) for it in pool})
    out: list[int] = []
    for distance in by_distance:
        band = [it.id for it in pool if abs(it.difficulty - want) == distance]
        rng.shuffle(band)
        out.extend(band[: count - len(out)])
        if len(out) >= count:
            break
    return out
