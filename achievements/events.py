"""What happens to achievements, disclosures, patents and the docket, as
typed events (``core.events``): notices and webhooks subscribe."""

from dataclasses import dataclass

from core.events import DomainEvent

from .models import Achievement, Deadline, Disclosure, PatentApplication


@dataclass(frozen=True, kw_only=True)
class AchievementStatusChanged(DomainEvent):
    """Assessment began, or the office decided what to do with it."""

    achievement: Achievement
    previous_status: str
    by: object


@dataclass(frozen=True, kw_only=True)
class DisclosureSubmitted(DomainEvent):
    disclosure: Disclosure
    by: object


@dataclass(frozen=True, kw_only=True)
class DisclosureReturned(DomainEvent):
    disclosure: Disclosure
    by: object


@dataclass(frozen=True, kw_only=True)
class DisclosureConverted(DomainEvent):
    disclosure: Disclosure
    achievement: Achievement
    by: object


@dataclass(frozen=True, kw_only=True)
class PatentApplicationStatusChanged(DomainEvent):
    application: PatentApplication
    previous_status: str
    by: object


@dataclass(frozen=True, kw_only=True)
class DeadlineDue(DomainEvent):
    """A docket deadline is ``days_left`` days away (negative: overdue)."""

    deadline: Deadline
    days_left: int
