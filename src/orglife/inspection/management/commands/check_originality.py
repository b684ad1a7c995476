"""python manage.py check_originality FILE [--json]: compare a text file with the 范文库.

With --json prints {"copied_share": 0..1, "flagged": bool, "matches": [{"source", "text",
"source_text"}]}. The flag is advice, not a rejection.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orglife.inspection import services
from orglife.inspection.management.commands.load_reference_texts import read_text


class Command(BaseCommand):
    help = "查重：将文本文件与范文库比对，列出雷同段落及来源"

    def add_arguments(self, parser):
        parser.add_argument("file", help="待检查的文本文件（UTF-8 或 GB18030）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")
        parser.add_argument(
            "--threshold", type=float, default=None, help="雷同比例阈值（默认取规则配置）"
        )

    def handle(self, *args, file: str, as_json: bool, threshold: float | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if threshold is not None and not 0 < threshold <= 1:
            raise CommandError("--threshold 应在 0 与 1 之间")
        report = services.check_text(read_text(path), threshold=threshold)
        if as_json:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False))
            return
        verdict = "建议复核（雷同比例超过阈值）" if report.flagged else "未超过阈值"
        self.stdout.write(
            f"雷同比例：{report.copied_share:.1%}（阈值 {report.threshold:.0%}）— {verdict}"
        )
        for i, match in enumerate(report.matches, 1):
            self.stdout.write(f"\n[{i}] 来源：{match.source}")
            self.stdout.write(f"  本文：{match.text}")
            self.stdout.write(f"  原文：{match.source_text}")
        if not report.matches:
            self.stdout.write("未发现雷同段落")
