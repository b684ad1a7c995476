"""Search keys for the roster: pinyin initials and the reversed ID number."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

LETTERS = re.compile(r"^[a-z]+$")
ID_TAIL = re.compile(r"^\d{1,17}[\dX]?$|^[\dX]$")


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """张三 → zs; 单 (surname) is read by pypinyin's phrase dictionary where it can."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letters).lower()[:40]


def reverse_id(number: str) -> str:
    return number[::-1]


def classify(query: str) -> tuple[str, str]:
    """What kind of search a roster query is: ('initials'|'id_tail'|'name', normalised)."""
    q = query.strip()
    lowered = q.lower()
    if LETTERS.match(lowered):
        return "initials", lowered
    upper = q.upper()
    if ID_TAIL.match(upper):
        return "id_tail", upper
    return "name", q
