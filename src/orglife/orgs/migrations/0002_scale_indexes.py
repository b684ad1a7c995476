"""Indexes for the tree and roster pages at 1,000,000 members (see docs/performance.md).

These indexes are created in SQL and are not part of the models' state on purpose: they are
access paths only, and two of them exist on PostgreSQL only.

All databases:
  orgs_org_depth_path  (depth, path): treebeard's get_root_nodes() (depth = 1) and get_children()
      (depth = d AND path BETWEEN ...) scanned the whole organization table; now they read a
      few index entries.
PostgreSQL only:
  orgs_member_initials_cover  (name_initials varchar_pattern_ops, status, category) INCLUDE
      (org_id, id): a roster search by pinyin initials with status and category filters, its
      COUNT(*) and its page of ids (ordered by org_id, id) are answered from the index alone.
  orgs_member_name_trgm  GIN (name gin_trgm_ops) from the pg_trgm extension: name contains
      searches of 3 or more characters and name prefix searches. (A 2-character contains search
      yields no trigram and still scans; see docs/performance.md.) When the database role may
      not create the extension, the index is skipped with a warning and the search keeps working.
"""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

DEPTH_PATH = "orgs_org_depth_path"
INITIALS = "orgs_member_initials_cover"
TRGM = "orgs_member_name_trgm"


def create_pg_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INITIALS} ON orgs_member "
            "(name_initials varchar_pattern_ops, status, category) INCLUDE (org_id, id)"
        )
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as exc:
            print(f"\n  pg_trgm 扩展不可用（{exc}），跳过姓名模糊搜索索引 {TRGM}。")
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM} ON orgs_member USING gin (name gin_trgm_ops)"
        )


def drop_pg_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # The extension stays: other objects may use it, and it costs nothing.
        cursor.execute(f"DROP INDEX IF EXISTS {TRGM}")
        cursor.execute(f"DROP INDEX IF EXISTS {INITIALS}")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {DEPTH_PATH} ON orgs_organization (depth, path)",
            f"DROP INDEX {DEPTH_PATH}",
        ),
        migrations.RunPython(create_pg_indexes, drop_pg_indexes),
    ]
