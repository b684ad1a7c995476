"""Originality of written materials: which passages of a text were copied, and from where.

Pure Python, no Django. Works on Chinese without relying on spaces:

1. **Normalise.** Every character is mapped on its own: NFKC, lower case, and only letters and
   digits (``str.isalnum``) are kept, so punctuation, whitespace and full/half-width variants do
   not matter. ``normalise`` also returns, for every kept character, its offset in the original
   text, so a reported passage is always a slice of the original.
2. **Shingles.** Overlapping character k-grams, ``K = 8``. Eight Chinese characters are three or
   four words: independent authors rarely share a run of several of them outside set phrases
   (which are filtered by a minimum passage length, see 4), and a copied passage in which one
   character in every nine was changed still has intact shingles between the changes (with
   K = 10 such a text was missed entirely, with K = 13 already one change in twelve was; see
   decision 0016).
3. **Candidate index.** Each reference document is *winnowed* (window ``W = 11`` hashes): the
   minimum hash of every window is a fingerprint. Any common passage of at least W + K − 1 = 18
   normalised characters shares a fingerprint with the document (the winnowing guarantee),
   whereas a document keeps only about 2/(W+1) of its shingles. Fingerprints are stored as one
   sorted array of ``hash << 32 | document`` integers, queried with binary search, and saved to
   a file as raw bytes so loading 10,000 documents needs no rebuilding. The material is queried
   with *all* its shingle hashes; fingerprints that occur in very many documents (set phrases)
   are ignored.
4. **Alignment.** Each candidate (at most ``MAX_CANDIDATES``, those with the most hits) is
   compared exactly: material shingles that occur in the candidate are chained into passages
   while the material and source advance together; gaps of up to ``MAX_GAP`` characters (a few
   changed, inserted or deleted characters) are bridged and count as copied. Passages shorter
   than ``MIN_PASSAGE`` normalised characters are dropped. Overlapping passages from several
   sources are attributed greedily to the source that explains the most of the material.

``copied_share`` = copied normalised characters / all normalised characters of the material.
"""

from __future__ import annotations

import bisect
import io
import json
import os
import struct
import unicodedata
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

K = 8
W = 11
MAX_GAP = 8
MIN_PASSAGE = 24
MIN_HITS = 1
MAX_CANDIDATES = 40
DEFAULT_THRESHOLD = 0.3
FORMAT = "orglife-originality-1"
_MAGIC = b"ORGLIFE-ORIGINALITY\n"


class _CharMap(dict):
    """Code point -> its normalised form ("" = dropped); filled on first use, used by str.translate."""

    def __missing__(self, code: int) -> str:
        value = "".join(c for c in unicodedata.normalize("NFKC", chr(code)).lower() if c.isalnum())
        self[code] = value
        return value


_CHARMAP = _CharMap()


def normal_form(text: str) -> str:
    """The normalised text (what is compared), without offsets: fast, for indexing."""
    return text.translate(_CHARMAP)


@dataclass(frozen=True)
class Normalised:
    text: str
    offsets: list[int]  # offsets[i] = index in the original of normalised character i

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering normalised characters [start, end)."""
        return self.offsets[start], self.offsets[end - 1] + 1


def normalise(text: str) -> Normalised:
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        mapped = _CHARMAP[ord(char)]
        if mapped:
            chars.append(mapped)
            offsets.extend([index] * len(mapped))
    return Normalised("".join(chars), offsets)


def shingle_hashes(norm: str, k: int = K) -> list[int]:
    """32-bit CRC of every k-gram of the normalised text, in order (stable across processes)."""
    if len(norm) < k:
        return []
    data = norm.encode("utf-32-le")
    width = 4 * k
    return [zlib.crc32(data[i : i + width]) for i in range(0, 4 * (len(norm) - k + 1), 4)]


def winnow(hashes: list[int], w: int = W) -> set[int]:
    """The minimum of every window of w consecutive hashes (van Herk/Gil-Werman, C-level loops)."""
    n = len(hashes)
    if n <= w:
        return {min(hashes)} if hashes else set()
    prefix: list[int] = []
    suffix: list[int] = []
    for start in range(0, n, w):
        block = hashes[start : start + w]
        prefix.extend(accumulate(block, min))
        suffix.extend(reversed(list(accumulate(reversed(block), min))))
    return set(map(min, suffix[: n - w + 1], prefix[w - 1 :]))


@dataclass(frozen=True)
class Match:
    source: str
    text: str  # the passage in the material, original text
    source_text: str  # the matching passage in the source, original text
    start: int = 0  # original offsets in the material
    end: int = 0

    def to_dict(self) -> dict:
        return {"source": self.source, "text": self.text, "source_text": self.source_text}


@dataclass(frozen=True)
class Report:
    copied_share: float
    flagged: bool
    matches: list[Match] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD

    def to_dict(self) -> dict:
        return {
            "copied_share": round(self.copied_share, 4),
            "flagged": self.flagged,
            "matches": [m.to_dict() for m in self.matches],
        }

    @property
    def sources(self) -> list[str]:
        return sorted({m.source for m in self.matches})


class Corpus:
    """Named documents and the fingerprint index over them."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.texts: list[str] = []
        self._ids: dict[str, int] = {}
        self._index = array("Q")  # sorted hash << 32 | document id
        self._pending: list[int] = []

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: str) -> bool:
        return name in self._ids

    def add(self, name: str, text: str) -> None:
        if name in self._ids:
            raise ValueError(f"duplicate document name: {name}")
        doc = len(self.names)
        self._ids[name] = doc
        self.names.append(name)
        self.texts.append(text)
        self._pending.extend((h << 32) | doc for h in winnow(shingle_hashes(normal_form(text))))

    def add_many(self, docs: Iterable[tuple[str, str]]) -> None:
        for name, text in docs:
            self.add(name, text)

    def _sorted_index(self) -> array:
        if self._pending:
            merged = list(self._index)
            merged.extend(self._pending)
            merged.sort()
            self._index = array("Q", merged)
            self._pending = []
        return self._index

    def candidates(self, hashes: Iterable[int], exclude: Iterable[str] = ()) -> list[int]:
        """Documents sharing at least MIN_HITS fingerprints, most hits first, at most MAX_CANDIDATES."""
        index = self._sorted_index()
        if not index:
            return []
        # A fingerprint in very many documents is a set phrase, not evidence of copying.
        common = max(50, len(self.names) // 50)
        excluded = {self._ids[n] for n in exclude if n in self._ids}
        hits: Counter[int] = Counter()
        for h in set(hashes):
            low = bisect.bisect_left(index, h << 32)
            high = bisect.bisect_left(index, (h + 1) << 32, low)
            if 0 < high - low <= common:
                hits.update(index[i] & 0xFFFFFFFF for i in range(low, high))
        ranked = [d for d, n in hits.most_common() if n >= MIN_HITS and d not in excluded]
        return ranked[:MAX_CANDIDATES]

    def check(
        self, text: str, threshold: float = DEFAULT_THRESHOLD, exclude: Iterable[str] = ()
    ) -> Report:
        return check(text, [("", self)], threshold=threshold, exclude=exclude)

    # -- persistence ---------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the corpus and its index to one file (atomically)."""
        index = self._sorted_index()
        blob = "".join(self.texts).encode("utf-8")
        meta = json.dumps(
            {
                "format": FORMAT,
                "k": K,
                "w": W,
                "names": self.names,
                "lengths": [len(t) for t in self.texts],
            },
            ensure_ascii=False,
        ).encode("utf-8")
        postings = array("Q", index)
        if postings.itemsize != 8:  # pragma: no cover - every platform we run on has 8-byte Q
            raise RuntimeError("array('Q') is not 64-bit here")
        if struct.pack("=H", 1) != struct.pack("<H", 1):  # pragma: no cover - big-endian host
            postings.byteswap()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        with tmp.open("wb") as out:
            out.write(_MAGIC)
            for part in (meta, blob, postings.tobytes()):
                out.write(struct.pack("<Q", len(part)))
                out.write(part)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path) -> Corpus:
        with Path(path).open("rb") as src:
            if src.read(len(_MAGIC)) != _MAGIC:
                raise ValueError(f"{path}: not an originality index")
            meta, blob, postings = (_read_part(src) for _ in range(3))
        info = json.loads(meta.decode("utf-8"))
        if info.get("format") != FORMAT or info.get("k") != K or info.get("w") != W:
            raise ValueError(f"{path}: index built with other parameters; rebuild it")
        corpus = cls()
        corpus.names = list(info["names"])
        corpus._ids = {name: i for i, name in enumerate(corpus.names)}
        text = blob.decode("utf-8")
        start = 0
        for length in info["lengths"]:
            corpus.texts.append(text[start : start + length])
            start += length
        corpus._index = array("Q")
        corpus._index.frombytes(postings)
        if struct.pack("=H", 1) != struct.pack("<H", 1):  # pragma: no cover
            corpus._index.byteswap()
        return corpus


def _read_part(src: io.BufferedReader) -> bytes:
    (size,) = struct.unpack("<Q", src.read(8))
    data = src.read(size)
    if len(data) != size:
        raise ValueError("truncated originality index")
    return data


# -- alignment ---------------------------------------------------------------------------------


@dataclass
class _Passage:
    start: int  # normalised offsets in the material
    end: int
    src_start: int  # normalised offsets in the source
    src_end: int


def _passages(grams: list[str], source_norm: str) -> list[_Passage]:
    """Material passages that occur, give or take a few characters, in the source."""
    positions: dict[str, int] = {}
    for i in range(len(source_norm) - K, -1, -1):  # first occurrence wins
        positions[source_norm[i : i + K]] = i
    passages: list[_Passage] = []
    current: _Passage | None = None
    for i, gram in enumerate(grams):
        j = positions.get(gram)
        if j is None:
            continue
        if (
            current is not None
            and i <= current.end + MAX_GAP
            and abs((i - current.end) - (j - current.src_end)) <= MAX_GAP
            and j >= current.src_start
        ):
            current.end = i + K
            current.src_end = max(current.src_end, j + K)
            continue
        current = _Passage(i, i + K, j, j + K)
        passages.append(current)
    return [p for p in passages if p.end - p.start >= MIN_PASSAGE]


def check(
    text: str,
    corpora: list[tuple[str, Corpus]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    exclude: Iterable[str] = (),
) -> Report:
    """Compare ``text`` with every corpus; each source is reported as prefix + document name."""
    material = normalise(text)
    n = len(material.text)
    if n < K:
        return Report(0.0, False, [], threshold)
    hashes = shingle_hashes(material.text)
    grams = [material.text[i : i + K] for i in range(n - K + 1)]
    exclude = list(exclude)
    found: list[tuple[str, str, list[_Passage]]] = []
    for prefix, corpus in corpora:
        for doc in corpus.candidates(hashes, exclude):
            source_text = corpus.texts[doc]
            passages = _passages(grams, normal_form(source_text))
            if passages:
                found.append((prefix + corpus.names[doc], source_text, passages))

    covered = bytearray(n)
    accepted: list[tuple[str, str, _Passage]] = []
    remaining = list(found)
    while remaining:

        def gain(item):
            return sum(p.end - p.start - sum(covered[p.start : p.end]) for p in item[2])

        best = max(remaining, key=gain)
        if gain(best) < MIN_PASSAGE:
            break
        remaining.remove(best)
        name, source_text, passages = best
        for p in passages:
            new = p.end - p.start - sum(covered[p.start : p.end])
            if new >= MIN_PASSAGE or new * 2 >= p.end - p.start:
                covered[p.start : p.end] = b"\x01" * (p.end - p.start)
                accepted.append((name, source_text, p))

    source_cache: dict[str, Normalised] = {}
    matches = []
    for name, source_text, p in sorted(accepted, key=lambda a: (a[2].start, a[0])):
        source = source_cache.get(name) or source_cache.setdefault(name, normalise(source_text))
        start, end = material.original_span(p.start, p.end)
        src_start, src_end = source.original_span(p.src_start, p.src_end)
        matches.append(Match(name, text[start:end], source_text[src_start:src_end], start, end))
    share = sum(covered) / n
    return Report(share, share > threshold, matches, threshold)
