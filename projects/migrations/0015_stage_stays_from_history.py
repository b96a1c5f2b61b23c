"""Write the stage stays of the projects recorded so far from their
stage-gate history. The query is written here, on the migration's models,
not imported from ``projects.services.stays``, so that this migration keeps
doing what it did when it was written."""

from django.db import migrations
from django.db.models import DurationField, ExpressionWrapper, F, Value, Window
from django.db.models.functions import Coalesce, Lead

STAGE_MOVES = ["start", "advance", "skip", "revert"]
MOVES_ON = ["advance", "skip"]
COLUMNS = [
    "project_id",
    "stage_id",
    "mode",
    "position",
    "lead_institution_id",
    "joint_centre_id",
    "partnership_id",
    "entered_at",
    "left_at",
    "duration",
]


def write_stays(apps, schema_editor):
    transition_model = apps.get_model("projects", "StageTransition")
    stay_model = apps.get_model("projects", "StageStay")
    connection = schema_editor.connection
    order = [F("decided_at").asc(), F("id").asc()]
    stays = (
        transition_model.objects.using(connection.alias)
        .filter(kind__in=STAGE_MOVES)
        .order_by()
        .annotate(
            left_at=Window(Lead("decided_at"), partition_by=F("project_id"), order_by=order),
            left_by=Window(Lead("kind"), partition_by=F("project_id"), order_by=order),
        )
        .filter(left_by__in=MOVES_ON)
        .values_list(
            "project_id",
            "to_stage_id",
            Coalesce("project__partnership__mode", Value("")),
            "to_stage__position",
            "project__lead_institution_id",
            "project__joint_centre_id",
            "project__partnership_id",
            "decided_at",
            "left_at",
            ExpressionWrapper(F("left_at") - F("decided_at"), output_field=DurationField()),
        )
    )
    select_sql, params = stays.query.sql_with_params()
    table = connection.ops.quote_name(stay_model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_stage_stays")]

    operations = [migrations.RunPython(write_stays, migrations.RunPython.noop)]
