"""PostgreSQL: an index that answers "name contains X" for Chinese names of any length.

pg_trgm (0002) needs three characters in a row, so the commonest search — a two-character full
name such as 张伟 — cannot use it and scans the whole member table (≈400 ms at 1,000,000 members).
Here every name is indexed by its single characters and its character pairs:

    orglife_name_grams('张伟强') = {张, 伟, 强, 张伟, 伟强}

and a name contains X only if its grams contain all of X's grams, so

    orglife_name_grams(name) @> orglife_name_grams(X) AND name LIKE '%X%'

is an index lookup followed by an exact recheck (≈1 ms for 张伟 at 1,000,000 members).
The roster query uses it when it adopts that shape (see docs/performance.md); until then the
index is only maintained. Other databases keep the plain LIKE.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION orglife_name_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (
        SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
        UNION ALL
        SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
    ) AS grams
$$
"""
INDEX = "orgs_member_name_grams"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON orgs_member USING gin (orglife_name_grams(name))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute("DROP FUNCTION IF EXISTS orglife_name_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_scale_indexes")]

    operations = [migrations.RunPython(create, drop)]
