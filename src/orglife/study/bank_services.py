"""Question bank: cleaning what people type (form or xlsx), writes, near-duplicate detection.

A bank belongs to an organization and is visible to its whole subtree: an organization's exams
and quiz challenges draw from its own questions and those of every organization above it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q

from orglife.core import audit
from orglife.core.text import normalize
from orglife.orgs.services import ServiceError

from . import grading
from .exam_models import Answer, Difficulty, Question, QuestionKind

LETTERS = "ABCDEFGH"
MAX_OPTIONS = len(LETTERS)
KIND_BY_LABEL = {label: value for value, label in QuestionKind.choices} | {
    "单选": "single", "多选": "multiple", "判断": "judge", "填空": "fill",
} | {value: value for value in QuestionKind.values}
DIFFICULTY_BY_LABEL = {"易": 1, "容易": 1, "简单": 1, "中": 2, "中等": 2, "一般": 2, "难": 3, "困难": 3,
                       "1": 1, "2": 2, "3": 3}
TRUE_WORDS = {"对", "正确", "是", "√", "✓", "T", "TRUE", "Y"}
FALSE_WORDS = {"错", "错误", "否", "×", "✗", "X", "F", "FALSE", "N"}
TAG_SPLIT = re.compile(r"[,，、;；\s]+")
DUPLICATE_THRESHOLD = 0.8


# ---------------------------------------------------------------- visibility


def ancestor_paths(org) -> list[str]:
    step = org.steplen
    return [org.path[:i] for i in range(step, len(org.path) + 1, step)]


def bank_q(org, prefix: str = "") -> Q:
    """Questions an organization can use: its own and those of the organizations above it."""
    return Q(**{f"{prefix}org__path__in": ancestor_paths(org)})


def usable(org):
    return Question.objects.filter(bank_q(org), archived=False)


# ---------------------------------------------------------------- cleaning


def parse_answer(kind: str, text: str, option_count: int, stem: str) -> tuple[Any, str | None]:
    """The key from its written form: "B", "ACD" / "A,C,D", "对"/"错", "党章/中国共产党章程；民主集中制"."""
    text = normalize(text)
    if not text:
        return None, "请填写答案"
    if kind in ("single", "multiple"):
        letters = [c for c in text.upper() if c not in " ,，、;；"]
        if any(c not in LETTERS[:option_count] for c in letters):
            return None, f"答案只能是选项字母 {LETTERS[0]}–{LETTERS[max(option_count - 1, 0)]}"
        indexes = sorted({LETTERS.index(c) for c in letters})
        if kind == "single" and len(indexes) != 1:
            return None, "单选题的答案只能是一个字母"
        if kind == "multiple" and len(indexes) < 2:
            return None, "多选题的答案至少两个字母"
        return indexes, None
    if kind == "judge":
        word = text.upper()
        if word in TRUE_WORDS:
            return [True], None
        if word in FALSE_WORDS:
            return [False], None
        return None, "判断题的答案请填“对”或“错”"
    blanks = [b for b in re.split(r"[;；]", text)]
    key = [[v.strip() for v in re.split(r"[/／]", b) if v.strip()] for b in blanks]
    if any(not variants for variants in key):
        return None, "填空题每个空都要有答案（空与空之间用“；”分隔，同一空的多个可接受答案用“/”分隔）"
    expected = grading.blanks(stem)
    if expected and expected != len(key):
        return None, f"题干有 {expected} 个空（用“____”或“（）”标出），答案却有 {len(key)} 个"
    return key, None


def answer_text(question: Question) -> str:
    """The key in the form people write it (the inverse of parse_answer)."""
    key = question.answer
    if question.kind in ("single", "multiple"):
        return "".join(LETTERS[i] for i in key)
    if question.kind == "judge":
        return "对" if key and key[0] else "错"
    return "；".join("/".join(v) for v in key)


def clean_question(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """raw: kind (value or Chinese label), stem, options (list of texts), answer (text), tags
    (text or list), difficulty (value or 易/中/难), explanation, source.
    Returns (model fields, errors by field)."""
    errors: dict[str, str] = {}
    kind = KIND_BY_LABEL.get(normalize(raw.get("kind")))
    if kind is None:
        errors["kind"] = "题型只能是单选题、多选题、判断题或填空题"
    stem = normalize(raw.get("stem"))
    if not stem:
        errors["stem"] = "请填写题干"
    elif len(stem) > 2000:
        errors["stem"] = "题干不能超过2000字"
    options = [normalize(o) for o in raw.get("options") or []]
    while options and not options[-1]:
        options.pop()
    if kind in ("single", "multiple"):
        if len(options) < 2:
            errors["options"] = "选择题至少要有两个选项"
        elif len(options) > MAX_OPTIONS:
            errors["options"] = f"选项不能超过{MAX_OPTIONS}个"
        elif any(not o for o in options):
            errors["options"] = "选项中间不能有空项"
        elif len(set(options)) != len(options):
            errors["options"] = "选项有重复"
    elif options and kind is not None:
        errors["options"] = "判断题和填空题不填选项"
    key = None
    if kind is not None and "stem" not in errors and "options" not in errors:
        key, problem = parse_answer(kind, str(raw.get("answer") or ""), len(options), stem)
        if problem:
            errors["answer"] = problem
    tags = raw.get("tags") or []
    if isinstance(tags, str):
        tags = TAG_SPLIT.split(normalize(tags))
    tags = list(dict.fromkeys(t for t in (normalize(t) for t in tags) if t))
    if any(len(t) > 20 for t in tags):
        errors["tags"] = "每个标签不超过20字"
    elif len(tags) > 10:
        errors["tags"] = "标签不能超过10个"
    difficulty_raw = normalize(raw.get("difficulty"))
    difficulty = DIFFICULTY_BY_LABEL.get(difficulty_raw, None) if difficulty_raw else Difficulty.MEDIUM
    if difficulty is None:
        errors["difficulty"] = "难度只能是易、中、难"
    source = normalize(raw.get("source"))
    if len(source) > 200:
        errors["source"] = "出处不能超过200字"
    data = {
        "kind": kind, "stem": stem, "options": options if kind in ("single", "multiple") else [],
        "answer": key, "tags": tags, "difficulty": difficulty,
        "explanation": str(raw.get("explanation") or "").strip(), "source": source,
    }
    return data, errors


# ---------------------------------------------------------------- near duplicates

_NOT_TEXT = re.compile(r"[\W_]+")


def shingles(text: str, size: int = 3) -> frozenset[str]:
    """Character n-grams of the text with case, width, spaces and punctuation ignored."""
    flat = _NOT_TEXT.sub("", normalize(text).casefold())
    if len(flat) <= size:
        return frozenset([flat]) if flat else frozenset()
    return frozenset(flat[i : i + size] for i in range(len(flat) - size + 1))


def near_duplicates(new: list[tuple[Any, str]], existing: list[tuple[Any, str]],
                    threshold: float = DUPLICATE_THRESHOLD) -> list[tuple[Any, Any, float]]:
    """Pairs (new key, earlier key, Jaccard similarity) at or above threshold. Each new stem is
    compared with the existing stems and with the new stems before it; an inverted index of
    shingles keeps this near-linear."""
    index: dict[str, list[int]] = defaultdict(list)
    keys: list[Any] = []
    sets: list[frozenset[str]] = []

    def add(key, s) -> None:
        n = len(keys)
        keys.append(key)
        sets.append(s)
        for g in s:
            index[g].append(n)

    for key, stem in existing:
        add(key, shingles(stem))
    found = []
    for key, stem in new:
        s = shingles(stem)
        if s:
            shared = Counter(n for g in s for n in index.get(g, ()))
            best = None
            for n, common in shared.items():
                similarity = common / (len(s) + len(sets[n]) - common)
                if similarity >= threshold and (best is None or similarity > best[1]):
                    best = (n, similarity)
            if best is not None:
                found.append((key, keys[best[0]], round(best[1], 2)))
        add(key, s)
    return found


# ---------------------------------------------------------------- writes


def _check(raw) -> dict[str, Any]:
    data, errors = clean_question(raw)
    if errors:
        raise ServiceError(errors)
    return data


def question_create(*, actor, org, raw: dict[str, Any]) -> Question:
    data = _check(raw)
    with transaction.atomic():
        question = Question.objects.create(org=org, created_by=actor if getattr(actor, "pk", None) else None, **data)
        audit.record(actor=actor, action="question.create", target=question, org=org,
                     changes={"kind": [None, question.kind], "stem": [None, question.stem[:100]]})
    return question


GRADED_FIELDS = ("kind", "options", "answer")


def question_update(*, actor, question: Question, raw: dict[str, Any]) -> Question:
    data = _check(raw)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        changed = {k: v for k, v in data.items() if getattr(question, k) != v}
        if any(k in changed for k in GRADED_FIELDS) and Answer.objects.filter(question=question).exists():
            raise ServiceError({"answer": "该题已用于考试，不能修改题型、选项和答案；如需更正，请停用本题后新增"})
        before = {k: getattr(question, k) for k in changed}
        for k, v in changed.items():
            setattr(question, k, v)
        if changed:
            question.save()
            audit.record(actor=actor, action="question.update", target=question, org=question.org,
                         changes=audit.diff(before, changed))
    return question


def question_archive(*, actor, question: Question, archived: bool = True) -> Question:
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.archived != archived:
            question.archived = archived
            question.save(update_fields=["archived", "updated_at"])
            audit.record(actor=actor, action="question.archive", target=question, org=question.org,
                         changes={"archived": [not archived, archived]})
    return question
