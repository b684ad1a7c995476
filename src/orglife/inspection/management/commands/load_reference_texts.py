"""python manage.py load_reference_texts DIR: load the *.txt files of DIR into the 范文库.

Each file is one document named by its file name; files are read as UTF-8, or GB18030 when they
are not UTF-8. Documents are upserted by name in one transaction (with one audit event), then the
on-disk index under VAR_DIR/originality is rebuilt from all reference texts.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from orglife.inspection import services


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path.name}：既不是 UTF-8 也不是 GB18030 编码") from exc


class Command(BaseCommand):
    help = "载入范文库：读取目录中的 .txt 文件（每个文件一篇，以文件名为名），并重建查重索引"

    def add_arguments(self, parser):
        parser.add_argument("dir", help="存放范文 .txt 文件的目录")

    def handle(self, *args, dir: str, **options):
        folder = Path(dir)
        if not folder.is_dir():
            raise CommandError(f"目录不存在：{dir}")
        paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
        if not paths:
            self.stdout.write(f"目录 {folder} 中没有 .txt 文件，未载入任何范文")
            return
        quiet = options.get("verbosity", 1) < 1
        texts = {p.name: read_text(p) for p in tqdm(paths, desc="读取", unit="篇", disable=quiet)}
        counts = services.load_reference_texts(actor=None, texts=texts)

        def progress(items, total):
            return tqdm(items, total=total, desc="建立索引", unit="篇", disable=quiet)

        corpus = services.build_reference_index(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"载入完成：新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}；"
                f"范文库共 {len(corpus)} 篇"
            )
        )
