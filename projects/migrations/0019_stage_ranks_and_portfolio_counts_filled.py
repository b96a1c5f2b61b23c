"""Give every project recorded so far its stage rank and count them in the
portfolio's counts, then index the ranks (once, over the filled column).
Written here on the migration's models, not imported from the services, so
that this migration keeps doing what it did when it was written."""

from django.db import migrations, models
from django.db.models import Count

# As ``pipelines.models.STAGE_RANK_BASE``: positions are below 2**15.
STAGE_RANK_BASE = 2**15
COUNTED_BY = [
    "current_stage_id",
    "status",
    "lead_institution_id",
    "joint_centre_id",
    "partnership_id",
]


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    stage_model = apps.get_model("pipelines", "StageDefinition")
    project_model = apps.get_model("projects", "ResearchProject")
    count_model = apps.get_model("projects", "PortfolioCount")
    projects = project_model.objects.using(alias)
    for stage_id, sector_position, stage_position in (
        stage_model.objects.using(alias)
        .order_by()
        .values_list("pk", "pipeline__sector__position", "position")
    ):
        projects.filter(current_stage_id=stage_id).update(
            stage_rank=sector_position * STAGE_RANK_BASE + stage_position
        )
    groups = projects.order_by().values(*COUNTED_BY).annotate(projects=Count("*"))
    count_model.objects.using(alias).bulk_create(
        [
            count_model(
                stage_id=group["current_stage_id"],
                status=group["status"],
                lead_institution_id=group["lead_institution_id"],
                joint_centre_id=group["joint_centre_id"],
                partnership_id=group["partnership_id"],
                projects=group["projects"],
            )
            for group in groups
        ],
        batch_size=1000,
    )


def empty_counts(apps, schema_editor):
    apps.get_model("projects", "PortfolioCount").objects.using(
        schema_editor.connection.alias
    ).all().delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0018_project_stage_rank_and_portfolio_counts")]

    operations = [
        migrations.RunPython(fill, empty_counts),
        migrations.AddIndex(
            model_name="researchproject",
            index=models.Index(
                fields=["stage_rank", "id", "lead_institution", "joint_centre", "partnership"],
                name="project_stage_sort_idx",
            ),
        ),
    ]
