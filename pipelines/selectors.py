"""Reads of the reference data. Sectors, pipelines and stages are the same
for everyone: every signed-in user reads them, nobody else."""

from django.db.models import QuerySet

from .models import Pipeline, Sector, StageDefinition


def sectors_visible_to(user) -> QuerySet[Sector]:
    """Sectors and pipelines are reference data: every signed-in user reads them."""
    return Sector.objects.all() if user.is_authenticated else Sector.objects.none()


def pipelines_visible_to(user) -> QuerySet[Pipeline]:
    pipelines = Pipeline.objects.select_related("sector")
    return pipelines if user.is_authenticated else pipelines.none()


def stages_visible_to(user) -> QuerySet[StageDefinition]:
    stages = StageDefinition.objects.select_related("pipeline__sector")
    return stages if user.is_authenticated else stages.none()
