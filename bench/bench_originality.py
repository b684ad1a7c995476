"""Time the originality check (issue 4, point 6) on synthetic Chinese-like text.

    .venv/bin/python bench/bench_originality.py [--docs 10000] [--chars 3000] [--material 5000] [--seed 1]

Generates --docs reference documents of ~--chars characters: sentences of words drawn with
Zipf-like weights from a generated vocabulary (1–4 characters each, from 3,500 CJK characters that
are themselves Zipf-weighted), with Chinese punctuation. Builds the index (Corpus.add for every
document, then save), loads it back, and checks a material of ~--material characters stitched from
passages of 3 reference documents and newly generated sentences. Pure core, no database.
Targets (issue): index build < 60 s, one check < 2 s. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from orglife.inspection import originality as o  # noqa: E402


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        chars = [chr(c) for c in self.rng.sample(range(0x4E00, 0x9FA6), 3500)]
        char_weights = [1 / (i + 1) ** 0.9 for i in range(len(chars))]
        lengths = self.rng.choices([1, 2, 3, 4], weights=[25, 55, 12, 8], k=20000)
        self.words = ["".join(self.rng.choices(chars, char_weights, k=n)) for n in lengths]
        self.cum_weights = list(accumulate(1 / (i + 1) for i in range(len(self.words))))

    def sentence(self) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cum_weights, k=self.rng.randint(4, 14))
        cut = self.rng.randint(2, len(words) - 1)
        return "".join(words[:cut]) + "，" + "".join(words[cut:]) + self.rng.choice("。。。；！")

    def sentences(self, chars: int) -> list[str]:
        out, total = [], 0
        while total < chars:
            s = self.sentence()
            out.append(s)
            total += len(s)
        return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=3_000)
    parser.add_argument("--material", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    gen = Generator(args.seed)
    started = time.perf_counter()
    docs = [gen.sentences(args.chars) for _ in range(args.docs)]
    texts = ["".join(d) for d in docs]
    print(f"generated {args.docs:,} documents, {sum(map(len, texts)):,} characters "
          f"in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    corpus = o.Corpus()
    for i, text in enumerate(texts):
        corpus.add(f"ref{i:05d}.txt", text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reference.idx"
        corpus.save(path)
        build = time.perf_counter() - started
        size = path.stat().st_size
        started = time.perf_counter()
        corpus = o.Corpus.load(path)
        load = time.perf_counter() - started
    print(f"index build (add + sort + save): {build:.1f} s, file {size / 1e6:.0f} MB, "
          f"{len(corpus._index):,} fingerprints; load {load:.2f} s")

    # Material: three passages of ~1/5 of the material from 3 documents, the rest own sentences.
    sources = gen.rng.sample(range(args.docs), 3)
    parts: list[tuple[str, bool]] = []
    own = iter(gen.sentences(args.material * 2))
    for doc in sources:
        sentences = docs[doc]
        start = gen.rng.randrange(0, len(sentences) // 3)
        passage, n = [], 0
        for s in sentences[start:]:
            if n >= args.material // 5:
                break
            passage.append(s)
            n += len(s)
        parts.append(("".join(passage), True))
        own_part = ""
        while len(own_part) < args.material * 2 // 15:
            own_part += next(own)
        parts.append((own_part, False))
    material = "".join(p for p, _ in parts)
    expected = sum(len(o.normal_form(p)) for p, copied in parts if copied) / len(o.normal_form(material))

    times = []
    for _ in range(5):
        started = time.perf_counter()
        report = corpus.check(material)
        times.append(time.perf_counter() - started)
    found = {m.source for m in report.matches}
    wanted = {f"ref{d:05d}.txt" for d in sources}
    print(f"material {len(material):,} characters: check {min(times) * 1000:.0f} ms best, "
          f"{statistics.median(times) * 1000:.0f} ms median, {max(times) * 1000:.0f} ms worst (5 runs)")
    print(f"copied_share found {report.copied_share:.3f}, expected {expected:.3f}; flagged {report.flagged}; "
          f"{len(report.matches)} passages from {sorted(found)}, expected {sorted(wanted)}")

    # The same material with punctuation changed and one character in every 15 replaced.
    edited, count = [], 0
    for ch in material.replace("，", "、").replace("。", "；"):
        if "\u4e00" <= ch <= "\u9fff":
            count += 1
            if count % 15 == 0:
                ch = "某"
        edited.append(ch)
    started = time.perf_counter()
    disguised = corpus.check("".join(edited))
    print(f"edited material (punctuation, 1 character in 15 changed): copied_share "
          f"{disguised.copied_share:.3f}, flagged {disguised.flagged}, sources "
          f"{sorted({m.source for m in disguised.matches}) == sorted(wanted)}, "
          f"check {(time.perf_counter() - started) * 1000:.0f} ms")

    original = "".join(gen.sentences(args.material))
    started = time.perf_counter()
    clean = corpus.check(original)
    print(f"original material: copied_share {clean.copied_share:.3f}, flagged {clean.flagged}, "
          f"check {(time.perf_counter() - started) * 1000:.0f} ms")

    ok = build < 60 and max(times) < 2 and found == wanted and not clean.flagged and disguised.flagged
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
