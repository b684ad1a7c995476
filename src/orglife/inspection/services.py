"""Originality checks of 对照检查材料 and meeting minutes, and the reference corpus (范文库).

The flag is advice for the secretary and the officer; nothing here rejects a material.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orglife.core import audit
from orglife.rules.loader import get_profile

from . import originality
from .models import ReferenceText
from .originality import Corpus, Report

REFERENCE_PREFIX = "范文："
SAME_MEETING_PREFIX = "同次会议："


def index_path() -> Path:
    return Path(settings.VAR_DIR) / "originality" / "reference.idx"


def originality_threshold(profile: str | None = None) -> float:
    """The profile option ``originality_threshold`` (share of copied characters), default 0.3."""
    value = get_profile(profile).options.get("originality_threshold", originality.DEFAULT_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ValueError(f"originality_threshold 应为 0 至 1 之间的小数，实际为 {value!r}")
    return float(value)


def build_reference_index(*, progress: Callable[[Iterable], Iterable] | None = None) -> Corpus:
    """Index every ReferenceText and save the index under VAR_DIR/originality."""
    rows = ReferenceText.objects.order_by("name").values_list("name", "text")
    total = rows.count()
    corpus = Corpus()
    items = rows.iterator(chunk_size=500)
    if progress is not None:
        items = progress(items, total)
    for name, text in items:
        corpus.add(name, text)
    corpus.save(index_path())
    _cache.clear()
    return corpus


_cache: dict[str, tuple[float, Corpus]] = {}


def reference_corpus() -> Corpus:
    """The saved reference index (built from the database if missing), cached while unchanged."""
    path = index_path()
    if not path.is_file():
        return build_reference_index()
    mtime = path.stat().st_mtime
    cached = _cache.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    corpus = Corpus.load(path)
    _cache[str(path)] = (mtime, corpus)
    return corpus


def load_reference_texts(*, actor, texts: dict[str, str]) -> dict[str, int]:
    """Upsert reference texts by name in one transaction, with one audit event; returns counts."""
    now = timezone.now()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {r.name: r for r in ReferenceText.objects.filter(name__in=list(texts))}
        last = None
        for name, text in texts.items():
            row = existing.get(name)
            if row is None:
                last = ReferenceText.objects.create(name=name, text=text, loaded_at=now)
                counts["created"] += 1
            elif row.text != text:
                row.text, row.loaded_at = text, now
                row.save(update_fields=["text", "loaded_at"])
                last = row
                counts["updated"] += 1
            else:
                last = row
                counts["unchanged"] += 1
        if last is not None:
            audit.record(
                actor=actor,
                action="reference_texts.load",
                target=last,
                changes={**counts, "total": ReferenceText.objects.count()},
            )
    return counts


def earlier_source_name(label: str) -> str:
    label = str(label)
    return f"本人{label}年材料" if label.isdigit() else f"本人材料：{label}"


def check_material(
    text: str,
    *,
    same_meeting: dict[str, str],
    earlier: dict[str, str],
    threshold: float | None = None,
) -> Report:
    """Compare a material with (a) the other materials of the same meeting (keyed by author),
    (b) the same person's earlier materials (keyed by year) and (c) the reference corpus."""
    if threshold is None:
        threshold = originality_threshold()
    own = Corpus()
    for name, other in same_meeting.items():
        own.add(SAME_MEETING_PREFIX + name, other)
    for label, other in earlier.items():
        own.add(earlier_source_name(label), other)
    return originality.check(
        text, [("", own), (REFERENCE_PREFIX, reference_corpus())], threshold=threshold
    )


def check_text(text: str, *, threshold: float | None = None) -> Report:
    """Compare a text with the reference corpus only (the check_originality command)."""
    if threshold is None:
        threshold = originality_threshold()
    return originality.check(text, [(REFERENCE_PREFIX, reference_corpus())], threshold=threshold)
