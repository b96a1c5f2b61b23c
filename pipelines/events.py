"""What the pipelines' editing announces to the apps above: a stage took
another position in its pipeline, or a sector another position among the
sectors. The figures grouped or sorted by position (the stays in a stage
and the projects' stage rank, in ``projects``) move with it."""

from dataclasses import dataclass

from core.events import DomainEvent

from .models import Sector, StageDefinition


@dataclass(frozen=True, kw_only=True)
class StagePositionChanged(DomainEvent):
    """A stage's position in its pipeline changed."""

    stage: StageDefinition


@dataclass(frozen=True, kw_only=True)
class SectorPositionChanged(DomainEvent):
    """A sector's position among the sectors changed."""

    sector: Sector
