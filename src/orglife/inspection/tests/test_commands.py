"""manage.py load_reference_texts DIR, manage.py check_originality FILE [--json], check_material."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from orglife.core.models import AuditEvent
from orglife.inspection import services
from orglife.inspection.models import ReferenceText
from orglife.inspection.tests import texts as t


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    services._cache.clear()
    return settings.VAR_DIR


def call(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def refs(tmp_path):
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "范文甲.txt").write_text(t.REFERENCE_A, encoding="utf-8")
    (folder / "范文乙.txt").write_bytes(t.REFERENCE_B.encode("gb18030"))
    (folder / "说明.md").write_text("不是范文", encoding="utf-8")
    return folder


def material(tmp_path, text, name="material.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_it_loads_utf8_and_gb18030_files_and_builds_the_index(refs, var_dir):
    out, _ = call("load_reference_texts", str(refs))
    assert "新增 2" in out and "共 2 篇" in out
    assert dict(ReferenceText.objects.values_list("name", "text")) == {
        "范文甲.txt": t.REFERENCE_A,
        "范文乙.txt": t.REFERENCE_B,
    }
    assert (var_dir / "originality" / "reference.idx").is_file()
    event = AuditEvent.objects.get(action="reference_texts.load")
    assert event.actor is None and event.changes["created"] == 2 and event.changes["total"] == 2


@pytest.mark.django_db
def test_it_upserts_by_file_name(refs):
    call("load_reference_texts", str(refs))
    first = ReferenceText.objects.get(name="范文甲.txt")
    (refs / "范文甲.txt").write_text(t.REFERENCE_A + "补充一句。", encoding="utf-8")
    (refs / "范文丙.txt").write_text(t.ORIGINAL, encoding="utf-8")
    out, _ = call("load_reference_texts", str(refs))
    assert "新增 1，更新 1，未变 1" in out and "共 3 篇" in out
    again = ReferenceText.objects.get(name="范文甲.txt")
    assert again.pk == first.pk and again.text.endswith("补充一句。")
    assert ReferenceText.objects.count() == 3
    # the rebuilt index knows the new document
    report = services.check_text(t.ORIGINAL)
    assert report.sources == ["范文：范文丙.txt"]


@pytest.mark.django_db
def test_an_empty_directory_loads_nothing(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out, _ = call("load_reference_texts", str(empty))
    assert "没有 .txt 文件" in out
    assert not ReferenceText.objects.exists()
    assert not AuditEvent.objects.filter(action="reference_texts.load").exists()


@pytest.mark.django_db
def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="目录不存在"):
        call("load_reference_texts", str(tmp_path / "nope"))


@pytest.mark.django_db
def test_check_originality_json_shape_and_flag(refs, tmp_path):
    call("load_reference_texts", str(refs))
    out, _ = call("check_originality", material(tmp_path, t.stitched()), "--json")
    data = json.loads(out)
    assert set(data) == {"copied_share", "flagged", "matches"}
    assert data["flagged"] is True and 0.5 < data["copied_share"] <= 1
    assert {m["source"] for m in data["matches"]} == {"范文：范文甲.txt", "范文：范文乙.txt"}
    for m in data["matches"]:
        assert set(m) == {"source", "text", "source_text"}
        assert m["text"] in t.stitched()
        assert m["source_text"] in t.REFERENCE_A + t.REFERENCE_B


@pytest.mark.django_db
def test_check_originality_original_text_is_not_flagged(refs, tmp_path):
    call("load_reference_texts", str(refs))
    data = json.loads(call("check_originality", material(tmp_path, t.ORIGINAL), "--json")[0])
    assert data == {"copied_share": 0.0, "flagged": False, "matches": []}


@pytest.mark.django_db
def test_check_originality_human_output_builds_a_missing_index(refs, tmp_path, var_dir):
    services.load_reference_texts(actor=None, texts={"范文甲.txt": t.REFERENCE_A})
    assert not (var_dir / "originality" / "reference.idx").exists()
    out, _ = call("check_originality", material(tmp_path, t.stitched()))
    assert "雷同比例" in out and "建议复核" in out and "来源：范文：范文甲.txt" in out
    assert (var_dir / "originality" / "reference.idx").is_file()


@pytest.mark.django_db
def test_check_originality_threshold_option_and_missing_file(refs, tmp_path):
    call("load_reference_texts", str(refs))
    data = json.loads(
        call("check_originality", material(tmp_path, t.stitched()), "--json", "--threshold", "0.9")[
            0
        ]
    )
    assert data["flagged"] is False and data["matches"]
    with pytest.raises(CommandError, match="文件不存在"):
        call("check_originality", str(tmp_path / "none.txt"), "--json")


def test_the_threshold_comes_from_the_profile():
    assert services.originality_threshold() == 0.3


@pytest.mark.django_db
def test_check_material_names_where_each_passage_came_from(refs):
    call("load_reference_texts", str(refs))
    colleague = "我的体会是，" + t.OWN_SENTENCES[1] + t.OWN_SENTENCES[2] + "今后一定改正。"
    last_year = t.ORIGINAL
    text = t.stitched() + t.ORIGINAL[:200]
    report = services.check_material(
        text, same_meeting={"张三": colleague}, earlier={"2025": last_year}, threshold=0.3
    )
    assert report.flagged
    assert report.sources == [
        "同次会议：张三",
        "本人2025年材料",
        "范文：范文乙.txt",
        "范文：范文甲.txt",
    ]
    assert all(m.text in text for m in report.matches)


@pytest.mark.django_db
def test_check_material_of_an_original_text_is_not_flagged(refs):
    call("load_reference_texts", str(refs))
    report = services.check_material(
        t.ORIGINAL, same_meeting={"李四": t.OWN_SENTENCES[3]}, earlier={}
    )
    assert not report.flagged and report.matches == []


@pytest.mark.parametrize("value", [0, 1.5, "30%", True])
def test_a_bad_profile_threshold_is_refused(monkeypatch, value):
    from types import SimpleNamespace

    monkeypatch.setattr(
        services,
        "get_profile",
        lambda name=None: SimpleNamespace(options={"originality_threshold": value}),
    )
    with pytest.raises(ValueError, match="originality_threshold"):
        services.originality_threshold()
