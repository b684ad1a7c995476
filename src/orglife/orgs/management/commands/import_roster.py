"""python manage.py import_roster FILE --org CODE: import a roster xlsx as the system.

All rows or none: on any error nothing is imported, the per-row report goes to stderr and the
command exits with status 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orglife.orgs.models import Organization
from orglife.orgs.roster_io import NOT_IMPORTED, import_roster


class Command(BaseCommand):
    help = "导入党员花名册（.xlsx）到指定组织及其下级组织；有任何错误则整个文件不导入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="花名册文件路径（.xlsx）")
        parser.add_argument("--org", required=True, help="导入到的组织编码，行中的组织须属于该组织")

    def handle(self, *args, file: str, org: str, **options):
        target = Organization.objects.filter(code=org).first()
        if target is None:
            raise CommandError(f"组织编码“{org}”不存在")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        self.stdout.write(f"正在导入 {path.name} 到 {target.name}（{target.code}）…")
        with path.open("rb") as fileobj:
            record = import_roster(actor=None, org=target, fileobj=fileobj, filename=path.name)
        if not record.accepted:
            self.stderr.write("行\t列\t问题")
            for row, column, message in record.errors:
                self.stderr.write(f"{row or '-'}\t{column or '-'}\t{message}")
            raise CommandError(
                f"{NOT_IMPORTED}（共{len(record.errors)}处错误，导入记录 #{record.pk}）"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"导入成功：新增 {record.created}，更新 {record.updated}，未变 {record.unchanged}（导入记录 #{record.pk}）"
            )
        )
