"""The pure originality core: normalisation, index, alignment (no database)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orglife.inspection import originality as o
from orglife.inspection.tests import texts as t


def corpus() -> o.Corpus:
    c = o.Corpus()
    c.add("范文甲.txt", t.REFERENCE_A)
    c.add("范文乙.txt", t.REFERENCE_B)
    return c


def passage(text: str, start: str, end: str | None = None) -> str:
    return text[text.index(start) : text.index(end) if end else len(text)]


def test_it_flags_a_material_stitched_from_two_references_with_both_sources_and_passages():
    report = corpus().check(t.stitched())
    assert report.flagged
    assert 0.5 < report.copied_share < 0.8  # the author's own sentences are not counted
    assert report.sources == ["范文乙.txt", "范文甲.txt"]
    by_source = [(m.source, m.text, m.source_text) for m in report.matches]
    a1 = passage(t.REFERENCE_A, "自己虽然", "二、")
    b1 = passage(t.REFERENCE_B, "第二，", "第三，")
    a2 = passage(t.REFERENCE_A, "下基层调研")
    assert [s for s, _, _ in by_source] == ["范文甲.txt", "范文乙.txt", "范文甲.txt"]
    for (_, text, source_text), expected in zip(by_source, [a1, b1, a2], strict=True):
        # The whole copied passage is reported (trailing punctuation aside), in the material and the source.
        assert o.normal_form(text) == o.normal_form(expected)
        assert source_text in (t.REFERENCE_A, t.REFERENCE_B)[expected in t.REFERENCE_B]
        assert text in t.stitched()
        assert o.normal_form(text) == o.normal_form(source_text)
    for sentence in t.OWN_SENTENCES:
        assert not any(
            o.normal_form(sentence)[:12] in o.normal_form(m.text) for m in report.matches
        )


def test_it_still_catches_the_same_text_with_punctuation_and_some_characters_changed():
    material = t.disguised(t.stitched())
    assert material != t.stitched()
    report = corpus().check(material)
    assert report.flagged
    assert report.copied_share > 0.5
    assert report.sources == ["范文乙.txt", "范文甲.txt"]
    for m in report.matches:
        assert m.text in material
        assert m.source_text in (t.REFERENCE_A, t.REFERENCE_B)[m.source == "范文乙.txt"]
    # a passage with changed characters is reported whole, together with its original
    assert any("不太固定" in m.text and "不够固定" in m.source_text for m in report.matches)


def every_nth_changed(text: str, n: int) -> str:
    out, count = [], 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            count += 1
            if count % n == 0:
                ch = "某"
        out.append(ch)
    return "".join(out)


def test_it_still_catches_a_copy_with_one_character_in_every_twelve_changed():
    material = every_nth_changed(t.stitched(), 12)
    report = corpus().check(material)
    assert report.flagged
    assert report.sources == ["范文乙.txt", "范文甲.txt"]
    assert all(m.text in material for m in report.matches)


def test_it_does_not_flag_a_genuinely_original_text_of_the_same_length():
    material = t.ORIGINAL
    assert abs(len(o.normal_form(material)) - len(o.normal_form(t.stitched()))) < 40
    report = corpus().check(material)
    assert not report.flagged
    assert report.copied_share < 0.05
    assert report.matches == []


def test_the_threshold_decides_the_flag_and_exclude_skips_a_document():
    c = corpus()
    share = c.check(t.stitched()).copied_share
    assert not c.check(t.stitched(), threshold=min(1.0, share + 0.01)).flagged
    only_b = c.check(t.stitched(), exclude=["范文甲.txt"])
    assert only_b.sources == ["范文乙.txt"]
    assert only_b.copied_share < share


def test_to_dict_has_exactly_the_documented_shape():
    data = corpus().check(t.stitched()).to_dict()
    assert set(data) == {"copied_share", "flagged", "matches"}
    assert 0 <= data["copied_share"] <= 1 and data["flagged"] is True
    assert all(set(m) == {"source", "text", "source_text"} for m in data["matches"])


def test_short_and_empty_texts():
    c = corpus()
    assert c.check("").copied_share == 0 and not c.check("").flagged
    assert c.check("，。 ").matches == []
    assert o.Corpus().check(t.stitched()).copied_share == 0


def test_duplicate_names_are_refused():
    with pytest.raises(ValueError):
        corpus().add("范文甲.txt", "别的内容")


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "sub" / "reference.idx"
    corpus().save(path)
    loaded = o.Corpus.load(path)
    assert loaded.names == ["范文甲.txt", "范文乙.txt"]
    assert loaded.texts == [t.REFERENCE_A, t.REFERENCE_B]
    assert loaded.check(t.stitched()).to_dict() == corpus().check(t.stitched()).to_dict()
    loaded.add("自写.txt", t.ORIGINAL)  # a loaded corpus can grow
    assert loaded.check(t.ORIGINAL, threshold=0.3).sources == ["自写.txt"]


def test_load_refuses_other_files(tmp_path):
    path = tmp_path / "x.idx"
    path.write_bytes(b"not an index")
    with pytest.raises(ValueError):
        o.Corpus.load(path)


def test_normalisation_ignores_width_case_space_and_punctuation():
    assert o.normal_form("Ａ Ｂｃ，第１条！\n中国") == "abc第1条中国"
    n = o.normalise("甲 ，乙Ｂ")
    assert n.text == "甲乙b" and n.offsets == [0, 3, 4]


def test_winnowing_keeps_a_fingerprint_of_every_window():
    hashes = o.shingle_hashes(o.normal_form(t.REFERENCE_A))
    prints = o.winnow(hashes)
    assert all(set(hashes[i : i + o.W]) & prints for i in range(len(hashes) - o.W + 1))
    assert len(prints) < len(hashes) / 3


text_chars = st.sampled_from(list("党的建设学习整改问题群众作风，。、；：！？“”（） \nAbＣ１2ﬁ①"))


@settings(max_examples=200, deadline=None)
@given(st.text(text_chars, max_size=80) | st.text(max_size=60))
def test_normalise_maps_every_character_back_to_the_original(text):
    n = o.normalise(text)
    assert n.text == o.normal_form(text)
    assert len(n.offsets) == len(n.text)
    assert n.offsets == sorted(n.offsets)
    for ch, at in zip(n.text, n.offsets, strict=True):
        assert ch in o.normal_form(text[at])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(t.OWN_SENTENCES + [t.REFERENCE_A[:120], t.REFERENCE_B[40:200]]), max_size=5
    ),
    st.text(text_chars, max_size=30),
)
def test_every_reported_passage_is_a_substring_of_the_material_and_of_its_source(parts, noise):
    material = noise.join(parts)
    report = corpus().check(material)
    sources = {"范文甲.txt": t.REFERENCE_A, "范文乙.txt": t.REFERENCE_B}
    for m in report.matches:
        assert m.text in material and material[m.start : m.end] == m.text
        assert m.source_text in sources[m.source]
    assert 0 <= report.copied_share <= 1


def test_a_check_is_fast_on_a_small_corpus():
    c = corpus()
    started = time.perf_counter()
    for _ in range(20):
        c.check(t.stitched())
    assert time.perf_counter() - started < 2
