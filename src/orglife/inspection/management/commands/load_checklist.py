"""Load a checklist from YAML or xlsx: manage.py load_checklist FILE [--code --list-version --title --source]."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orglife.inspection import campaign_services as cs


class Command(BaseCommand):
    help = "载入检查清单（YAML，或 xlsx 加 --code/--list-version/--title/--source）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        for name in ("code", "list-version", "title", "source"):
            parser.add_argument(f"--{name}", default="")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            if path.suffix.lower() == ".xlsx":
                with path.open("rb") as fh:
                    checklist = cs.checklist_import_xlsx(actor=None, fileobj=fh, code=options["code"],
                                                         version=options["list_version"], title=options["title"],
                                                         source=options["source"])
            else:
                checklist = cs.checklist_load_file(actor=None, path=path)
        except cs.ChecklistRejected as exc:
            lines = [f"第{row}行 {col}：{msg}" if row else f"{col}：{msg}" for row, col, msg in exc.errors]
            raise CommandError("未载入任何条目：\n" + "\n".join(lines)) from None
        self.stdout.write(self.style.SUCCESS(f"已载入 {checklist}：{checklist.items.count()} 项"))
