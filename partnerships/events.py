"""What partnerships' services announce: an agreement was recorded, its
particulars changed, or its terms changed.

Each event carries the agreement, who made the change, and the account of it
that the timeline keeps: a stable ``verb`` (``terms.royalty_tiers_set``), the
sentence people read, and the values before and after. The timeline lives
above this app (``projects``), so it subscribes to these events rather than
being called from here.
"""

from dataclasses import dataclass, field
from datetime import date

from accounts.models import User
from core.events import DomainEvent
from core.i18n import Message

from .models import Agreement, Partnership


@dataclass(frozen=True, kw_only=True)
class AgreementEvent(DomainEvent):
    """Base of the events about one agreement."""

    agreement: Agreement
    by: User
    verb: str
    # The sentence for the timeline: a ``core.i18n.Message``.
    summary: Message | str
    changes: dict = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AgreementCreated(AgreementEvent):
    """A contract was recorded under a partnership."""


@dataclass(frozen=True, kw_only=True)
class AgreementUpdated(AgreementEvent):
    """An agreement's particulars or payment terms changed (only sent when
    a value did change)."""


@dataclass(frozen=True, kw_only=True)
class AgreementTermsChanged(AgreementEvent):
    """A term of the agreement changed: its cost shares or royalty tiers
    (replaced as a whole), a failure clause or a scheduled milestone
    payment. ``verb`` says which."""


@dataclass(frozen=True, kw_only=True)
class AgreementExpiring(DomainEvent):
    """A daily reminder: a signed agreement expires within ``days`` days
    (one of the reminder windows), on ``expires_on``."""

    agreement: Agreement
    days: int
    expires_on: date


@dataclass(frozen=True, kw_only=True)
class PartnershipModeChanged(DomainEvent):
    """A partnership's cooperation mode changed: the figures grouped by mode
    above this app (the stays in a stage) move with it."""

    partnership: Partnership
    by: User | None
