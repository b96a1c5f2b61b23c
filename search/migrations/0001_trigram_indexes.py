"""Trigram indexes for search, on PostgreSQL only.

The search matches ``UPPER(column::text) LIKE UPPER('%word%')`` (Django's
``icontains`` on PostgreSQL); a GIN index on that expression with
``gin_trgm_ops`` serves it, Chinese included. On SQLite there is nothing to
do: the same lookups scan the tables, which is fine at its sizes.
"""

from django.db import migrations

# (app label, model, fields): the columns ``search/selectors.py`` matches.
SEARCHED = [
    ("projects", "ResearchProject", ["code", "title", "title_zh", "description"]),
    ("partnerships", "Institution", ["code", "name", "name_zh", "unified_social_credit_code"]),
    ("partnerships", "Enterprise", ["code", "name", "name_zh", "unified_social_credit_code"]),
    ("partnerships", "JointCentre", ["code", "name", "name_zh"]),
    ("partnerships", "Agreement", ["reference", "registration_number", "title"]),
    ("projects", "Milestone", ["name"]),
    ("projects", "Invoice", ["number"]),
    ("achievements", "Achievement", ["reference", "title", "title_zh"]),
    (
        "achievements",
        "PatentApplication",
        ["application_number", "publication_number", "grant_number"],
    ),
    ("partnerships", "Person", ["email", "full_name", "name_zh"]),
    ("projects", "Document", ["original_name", "description"]),
]


def _indexes(apps):
    for app_label, model_name, fields in SEARCHED:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        for name in fields:
            column = model._meta.get_field(name).column
            index = f"search_trgm_{table}_{column}"[:63]
            yield index, table, column


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, table, column in _indexes(apps):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} "
            f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, _table, _column in _indexes(apps):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0002_deadline_page_indexes"),
        ("partnerships", "0012_report_facts"),
        ("projects", "0011_stage_names_zh_typography"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
