"""What happens to distribution runs, as typed events (``core.events``):
notices and webhooks subscribe."""

from dataclasses import dataclass

from core.events import DomainEvent

from .models import DistributionLine, DistributionRun


@dataclass(frozen=True, kw_only=True)
class RunApproved(DomainEvent):
    """A second staff member approved a run: its lines are final and its
    inventors' statements ready."""

    run: DistributionRun
    by: object


@dataclass(frozen=True, kw_only=True)
class LineSettled(DomainEvent):
    """A line of an approved run was paid (cash) or granted (equity)."""

    line: DistributionLine
    by: object
