"""What happens to valuations, as typed events (``core.events``)."""

from dataclasses import dataclass

from core.events import DomainEvent

from .models import Valuation


@dataclass(frozen=True, kw_only=True)
class ValuationFinished(DomainEvent):
    """A run stored the valuation's outcome, done or failed. Only the run
    that stored it announces it."""

    valuation: Valuation
