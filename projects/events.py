"""What happens to projects, milestones, royalties and money, as typed
events (``core.events``).

The services publish these with the objects they changed in hand; notices
(``notifications.handlers``) and webhooks (``webhooks.handlers``) subscribe.
Where an integration is told of a timeline entry (its id, verb and changes),
the event carries the ``Activity`` the service recorded.
"""

from dataclasses import dataclass
from datetime import date

from core.events import DomainEvent
from partnerships.models import Agreement

from .models import (
    Activity,
    FixedPayment,
    Invoice,
    Milestone,
    Payment,
    ResearchProject,
    RoyaltyReport,
    StageTransition,
)

# --- Stage gates ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProjectStageChanged(DomainEvent):
    """A stage-gate decision moved the project or changed its status."""

    project: ResearchProject
    transition: StageTransition
    activity: Activity


# --- Milestones -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MilestoneClaimable(DomainEvent):
    """A milestone can be claimed from now on: the project entered its
    trigger stage (``on_stage_entry``), or the milestone was planned for a
    stage the project had entered already."""

    milestone: Milestone
    on_stage_entry: bool


@dataclass(frozen=True, kw_only=True)
class MilestoneClaimed(DomainEvent):
    """The payee claimed the milestone, for the first time or again after
    a dispute (``activity.verb`` tells which)."""

    milestone: Milestone
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class MilestoneVerified(DomainEvent):
    milestone: Milestone
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class MilestoneDisputed(DomainEvent):
    milestone: Milestone
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class MilestoneInvoiced(DomainEvent):
    milestone: Milestone
    invoice: Invoice
    activity: Activity


# --- Money ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PaymentRecorded(DomainEvent):
    """Money was received on an invoice. ``billed`` is the milestone,
    royalty report or fixed payment it bills, with its status after the
    payment."""

    payment: Payment
    invoice: Invoice
    billed: Milestone | RoyaltyReport | FixedPayment
    activity: Activity


# --- Fixed payments -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FixedPaymentInvoiced(DomainEvent):
    """The invoice of an upfront, a fee or another fixed amount was issued."""

    fixed_payment: FixedPayment
    invoice: Invoice
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class MilestonePaid(DomainEvent):
    """The payment settled the milestone's invoice in full. Published after
    the ``PaymentRecorded`` of the same payment."""

    milestone: Milestone
    invoice: Invoice
    payment: Payment
    activity: Activity


# --- Royalties ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RoyaltyReportSubmitted(DomainEvent):
    report: RoyaltyReport
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class RoyaltyReportResubmitted(DomainEvent):
    """The licensee corrected a queried report."""

    report: RoyaltyReport
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class RoyaltyReportQueried(DomainEvent):
    report: RoyaltyReport
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class RoyaltyReportInvoiced(DomainEvent):
    report: RoyaltyReport
    invoice: Invoice
    activity: Activity


# --- The daily reminders --------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MilestoneDueSoon(DomainEvent):
    """An open milestone falls due within ``days`` days (one of the
    reminder windows)."""

    milestone: Milestone
    days: int


@dataclass(frozen=True, kw_only=True)
class MilestoneOverdue(DomainEvent):
    """An open milestone is past its due date on ``today``."""

    milestone: Milestone
    today: date


@dataclass(frozen=True, kw_only=True)
class MilestoneReminderSent(DomainEvent):
    """Staff sent a reminder of an open milestone by hand (the ``activity``
    that records it); both parties are told."""

    milestone: Milestone
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class FixedPaymentDueSoon(DomainEvent):
    """An open fixed payment falls due within ``days`` days."""

    fixed_payment: FixedPayment
    days: int


@dataclass(frozen=True, kw_only=True)
class FixedPaymentOverdue(DomainEvent):
    """An open fixed payment is past its due date on ``today``."""

    fixed_payment: FixedPayment
    today: date


@dataclass(frozen=True, kw_only=True)
class RoyaltyReportDue(DomainEvent):
    """The licensee has not reported the sales of a period that ended;
    ``late`` once the report's due date has passed."""

    agreement: Agreement
    period_start: date
    period_end: date
    due_on: date
    late: bool
