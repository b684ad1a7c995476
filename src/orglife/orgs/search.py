"""Search keys for the roster: pinyin initials and the reversed ID number."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

LETTERS = re.compile(r"^[a-z]+$")
ID_TAIL = re.compile(r"^\d{1,17}[\dX]?$|^[\dX]$")


# Characters read differently as a surname than in ordinary words (曾国藩 is Zeng, not Ceng).
SURNAME_INITIALS = {"曾": "z", "单": "s", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "缪": "m",
                    "乐": "y", "覃": "q", "燕": "y", "尉": "y", "盖": "g", "种": "c", "那": "n", "召": "s"}


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """张三 → zs, 曾国藩 → zgf: first letters, with the surname read as a surname."""
    if not name:
        return ""
    first = SURNAME_INITIALS.get(name[0])
    rest = name[1:] if first else name
    letters = lazy_pinyin(rest, style=Style.FIRST_LETTER, errors="ignore")
    return ((first or "") + "".join(letters)).lower()[:40]


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
