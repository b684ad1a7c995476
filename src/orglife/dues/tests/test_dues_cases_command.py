"""manage.py dues_cases."""

import io

import pytest
from django.core.management import CommandError, call_command

from orglife.dues.models import ArrearsCase

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("dues_cases", *args, stdout=out)
    return out.getvalue()


def test_it_raises_cases_once(dues):
    assert "连续6个月以上 2 人" in run("--dry-run")  # 王五 (ZB1) and 赵六 (ZB3)
    assert not ArrearsCase.objects.exists()
    assert "新生成待处理事项 1 件" in run("--org", "ZB1")
    assert "新生成待处理事项 1 件" in run()
    assert "新生成待处理事项 0 件" in run()
    assert ArrearsCase.objects.count() == 2


def test_it_checks_arguments(dues):
    with pytest.raises(CommandError, match="不存在"):
        run("--org", "NOPE")
    with pytest.raises(CommandError, match="无效"):
        run("--on", "2026-13-01")
    assert "新生成待处理事项 1 件" in run("--org", "ZB3", "--on", "2026-11-30")
