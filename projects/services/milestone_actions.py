"""The actions on a milestone as a table: each name with its guard (may this
user do it now, and if not, why) and the service that does it.

The staff project page, the partner portal and the API look an action up
here rather than each mapping names to guards and services by hand. A guard
answers before anyone presses a button, so an interface can show its reason
on a disabled one; the service checks it again under its lock.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from core.errors import Guard, denied
from projects.choices import MilestoneStatus
from projects.models import Milestone

from .invoicing import payment_record, payment_record_guard
from .milestones import (
    MilestoneError,
    milestone_cancel,
    milestone_claim,
    milestone_claim_guard,
    milestone_close_guard,
    milestone_dispute,
    milestone_dispute_guard,
    milestone_invoice,
    milestone_invoice_guard,
    milestone_verification_record,
    milestone_verification_record_guard,
    milestone_verify,
    milestone_verify_guard,
    milestone_waiting_for,
    milestone_waive,
)


@dataclass(frozen=True)
class MilestoneActionRule:
    """``guard(milestone, user)`` says whether ``service(milestone=…,
    by=…, **inputs)`` may run now."""

    name: str
    guard: Callable[[Milestone, Any], Guard]
    service: Callable[..., Any]


def _invoice_of(milestone: Milestone):
    return getattr(milestone, "invoice", None)


def _pay_guard(milestone: Milestone, user) -> Guard:
    invoice = _invoice_of(milestone)
    if invoice is None:
        return denied(
            _("%(rule)s %(state)s")
            % {
                "rule": _("Record payments once the milestone is invoiced."),
                "state": milestone_waiting_for(milestone),
            },
            "not_invoiced",
        )
    guard = payment_record_guard(invoice, user)
    if guard.code == "already_paid":
        return denied(milestone_waiting_for(milestone), guard.code)
    return guard


def _pay(*, milestone: Milestone, by, **payment):
    """Record a payment against the milestone's invoice."""
    invoice = _invoice_of(milestone)
    if invoice is None:
        _pay_guard(milestone, by).raise_if_denied(MilestoneError)
    return payment_record(invoice=invoice, by=by, **payment)


MILESTONE_ACTIONS: dict[str, MilestoneActionRule] = {
    rule.name: rule
    for rule in (
        MilestoneActionRule("claim", milestone_claim_guard, milestone_claim),
        MilestoneActionRule("verify", milestone_verify_guard, milestone_verify),
        MilestoneActionRule("dispute", milestone_dispute_guard, milestone_dispute),
        # Staff record a verification the enterprise gave in writing.
        MilestoneActionRule(
            "record_verification",
            milestone_verification_record_guard,
            milestone_verification_record,
        ),
        MilestoneActionRule("invoice", milestone_invoice_guard, milestone_invoice),
        MilestoneActionRule("pay", _pay_guard, _pay),
        MilestoneActionRule(
            "cancel",
            partial(milestone_close_guard, to_status=MilestoneStatus.CANCELLED),
            milestone_cancel,
        ),
        MilestoneActionRule(
            "waive",
            partial(milestone_close_guard, to_status=MilestoneStatus.WAIVED),
            milestone_waive,
        ),
    )
}


def milestone_action_guard(action: str, milestone: Milestone, user) -> Guard:
    """Whether ``user`` may take ``action`` on the milestone now, and if
    not, why."""
    return MILESTONE_ACTIONS[action].guard(milestone, user)


def milestone_act(*, action: str, milestone: Milestone, by, **inputs):
    """Take ``action`` on the milestone through its service, with the
    action's own inputs (a reason, a comment, an amount…); returns what the
    service returns."""
    return MILESTONE_ACTIONS[action].service(milestone=milestone, by=by, **inputs)
