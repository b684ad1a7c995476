"""Auto-grading (pure): is a response right for a question's key, and the score of a paper.

Keys and responses (see exam_models.Question / Answer):
  single   key [i]          response [i]
  multiple key [i, j, ...]  response [i, j, ...]  right only if exactly the same set
  judge    key [True|False] response [True|False]
  fill     key [[variant, ...] per blank]  response [text per blank]; NFKC + strip on both sides
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal


def normalize(text) -> str:
    """Full-width to half-width (NFKC), surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def _indexes(values) -> set[int] | None:
    try:
        out = {int(v) for v in values}
    except (TypeError, ValueError):
        return None
    return out


def is_correct(kind: str, key, response) -> bool:
    if not isinstance(response, list) or not response:
        return False
    if kind == "single":
        got = _indexes(response)
        return got is not None and len(response) == 1 and got == _indexes(key)
    if kind == "multiple":
        got = _indexes(response)
        return got is not None and len(got) == len(response) and got == _indexes(key)
    if kind == "judge":
        return len(response) == 1 and isinstance(response[0], bool) and response[0] is bool(key[0])
    if kind == "fill":
        if len(response) != len(key):
            return False
        for given, variants in zip(response, key, strict=True):
            if not isinstance(given, str) or not normalize(given):
                return False
            if normalize(given) not in {normalize(v) for v in variants}:
                return False
        return True
    return False


def score(correct: int, total: int) -> Decimal:
    """Percentage score, one decimal (every question carries the same weight)."""
    if total <= 0:
        return Decimal("0.0")
    return (Decimal(100) * correct / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def passed(score_value: Decimal, pass_mark: int) -> bool:
    return score_value >= pass_mark


def blanks(stem: str) -> int:
    """Number of blanks in a fill-in stem: each run of underscores or a pair of （） counts once."""
    import re

    return len(re.findall(r"_{2,}|＿{2,}|（\s*）|\(\s*\)", stem))
