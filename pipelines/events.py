"""What the pipelines' editing announces to the apps above: a stage took
another position in its pipeline. The figures grouped by position (the
stays in a stage, in ``projects``) move with it."""

from dataclasses import dataclass

from core.events import DomainEvent

from .models import StageDefinition


@dataclass(frozen=True, kw_only=True)
class StagePositionChanged(DomainEvent):
    """A stage's position in its pipeline changed."""

    stage: StageDefinition
