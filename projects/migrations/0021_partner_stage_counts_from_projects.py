"""Count the partners' projects by stage recorded so far. The query is
written here, on the migration's models, not imported from
``projects.services.partner_counts``, so that this migration keeps doing
what it did when it was written."""

from django.db import migrations
from django.db.models import Count


def count_projects(apps, schema_editor):
    project_model = apps.get_model("projects", "ResearchProject")
    count_model = apps.get_model("projects", "PartnerStageCount")
    links = project_model.partner_enterprises.through
    connection = schema_editor.connection
    counts = (
        links.objects.using(connection.alias)
        .order_by()
        .values_list("enterprise_id", "researchproject__current_stage_id")
        .annotate(project_count=Count("*"))
    )
    select_sql, params = counts.query.sql_with_params()
    table = connection.ops.quote_name(count_model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(column)
        for column in ("enterprise_id", "stage_id", "project_count")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)


class Migration(migrations.Migration):
    dependencies = [("projects", "0020_partner_stage_counts")]

    operations = [migrations.RunPython(count_projects, migrations.RunPython.noop)]
