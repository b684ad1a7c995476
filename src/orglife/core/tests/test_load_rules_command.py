import pytest
from django.core.management import CommandError, call_command

from orglife.rules import loader


def test_it_lists_profiles_and_rules(capsys):
    call_command("load_rules")
    out = capsys.readouterr().out
    assert "national" in out and "strict" in out and "org.branch.min_full_members [V] = 3" in out


def test_it_fails_on_a_relaxing_profile(monkeypatch, tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "profile: bad\nextends: national\noverrides:\n  org.branch.min_full_members: 2\n", encoding="utf-8")
    monkeypatch.setattr(loader, "PROFILES_DIR", tmp_path)
    with pytest.raises(CommandError, match="org.branch.min_full_members"):
        call_command("load_rules")
    monkeypatch.undo()
    loader.load_all.cache_clear()
