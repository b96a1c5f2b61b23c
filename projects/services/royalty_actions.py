"""The staff's actions on a royalty report as a table: each name with its
guard (may this user do it now, and if not, why) and the service that does
it, as ``milestone_actions`` does for milestones.

The true-up belongs to the report's year rather than to the report: it is
offered on every report of the year, and tops the year up to the minimum
annual royalty once the year is over and its reports are agreed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from core.errors import Guard, denied
from projects.choices import RoyaltyReportStatus
from projects.models import RoyaltyReport

from .invoicing import payment_record, payment_record_guard
from .royalties import (
    RoyaltyError,
    royalty_report_accept,
    royalty_report_invoice,
    royalty_report_invoice_guard,
    royalty_report_query,
    royalty_report_review_guard,
    royalty_year_true_up,
    royalty_year_true_up_guard,
)


@dataclass(frozen=True)
class RoyaltyReportActionRule:
    """``guard(report, user)`` says whether ``service(report=…, by=…,
    **inputs)`` may run now."""

    name: str
    guard: Callable[[RoyaltyReport, Any], Guard]
    service: Callable[..., Any]


def _invoice_of(report: RoyaltyReport):
    return getattr(report, "invoice", None)


def _pay_guard(report: RoyaltyReport, user) -> Guard:
    invoice = _invoice_of(report)
    if invoice is None:
        # The reason for not invoicing yet is the reason for not being paid.
        guard = royalty_report_invoice_guard(report, user)
        if guard:
            return denied(
                _("Payments are recorded against the invoice: invoice the report first."),
                "not_invoiced",
            )
        return guard
    if report.status == RoyaltyReportStatus.PAID:
        return denied(
            _("Paid in full on invoice %(number)s: nothing is left to do.")
            % {"number": invoice.number},
            "already_paid",
        )
    return payment_record_guard(invoice, user)


def _pay(*, report: RoyaltyReport, by, **payment):
    """Record a payment against the report's invoice."""
    invoice = _invoice_of(report)
    if invoice is None:
        _pay_guard(report, by).raise_if_denied(RoyaltyError)
    return payment_record(invoice=invoice, by=by, **payment)


def _true_up_guard(report: RoyaltyReport, user) -> Guard:
    return royalty_year_true_up_guard(report.agreement, report.period_start.year, user)


def _true_up(*, report: RoyaltyReport, by):
    """True the report's year up to the minimum annual royalty."""
    _true_up_guard(report, by).raise_if_denied(RoyaltyError)
    true_up = royalty_year_true_up(
        agreement=report.agreement, year=report.period_start.year, by=by
    )
    if true_up is None:
        raise RoyaltyError(
            _("Nothing is owed for the year against the minimum annual royalty."),
            code="minimum_reached",
        )
    return true_up


ROYALTY_REPORT_ACTIONS: dict[str, RoyaltyReportActionRule] = {
    rule.name: rule
    for rule in (
        RoyaltyReportActionRule(
            "accept",
            partial(royalty_report_review_guard, to_status=RoyaltyReportStatus.ACCEPTED),
            royalty_report_accept,
        ),
        RoyaltyReportActionRule(
            "query",
            partial(royalty_report_review_guard, to_status=RoyaltyReportStatus.QUERIED),
            royalty_report_query,
        ),
        RoyaltyReportActionRule("invoice", royalty_report_invoice_guard, royalty_report_invoice),
        RoyaltyReportActionRule("pay", _pay_guard, _pay),
        RoyaltyReportActionRule("true_up", _true_up_guard, _true_up),
    )
}


def royalty_report_action_guard(action: str, report: RoyaltyReport, user) -> Guard:
    """Whether ``user`` may take ``action`` on the report now, and if not,
    why."""
    return ROYALTY_REPORT_ACTIONS[action].guard(report, user)


def royalty_report_act(*, action: str, report: RoyaltyReport, by, **inputs):
    """Take ``action`` on the report through its service, with the action's
    own inputs (a reason, an amount…); returns what the service returns."""
    return ROYALTY_REPORT_ACTIONS[action].service(report=report, by=by, **inputs)
