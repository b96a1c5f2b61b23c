"""The open milestones' money (``OpenMilestoneMoney``): the unpaid part of
every open milestone, summed by what the expected receipts compute with
(``projects.analytics.expected_receipts``) and by the links that choose the
staff who see it.

A milestone's share of the summary is a function of the milestone (its
status, amount, currency, dates, trigger), its invoice and payments, and
its project's stage, status and links. Every service that changes one of
them does so inside ``open_money_kept(project_id)``, in its transaction:
the projects are locked (so that two services changing the same project's
milestones take turns, and each reads what the other committed), their
milestones' shares are read before the change and after it, and the
difference is added to the rows (``amount = amount + delta``), never
computed from a view of the milestones, so that two transactions that
change the same row both count. Rows are changed in a fixed order, so that
two transactions wait for each other instead of deadlocking.
``rebuild_open_milestone_money`` sums every open milestone again, for rows
written in bulk (the demo's generator) and the migration that introduced
the summary.
"""

import datetime
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import wraps
from typing import NamedTuple

from django.db import transaction
from django.db.models import Case, F, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from core.money import money_field
from projects.choices import MILESTONE_OPEN_STATUSES, MilestoneStatus, ProjectStatus
from projects.models import Milestone, OpenMilestoneMoney, Payment, ResearchProject

UNPAID_STATUSES = [MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID]


class MoneyKey(NamedTuple):
    """The row of the summary a milestone's money is in."""

    lead_institution_id: int
    joint_centre_id: int | None
    partnership_id: int | None
    currency: str
    stage_id: int | None
    terminated: bool
    trigger_stage_id: int | None
    certain: bool
    due_quarter: datetime.date | None
    due_offset_days: int | None
    invoice_due_on: datetime.date | None
    invoice_currency: str


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def open_milestones():
    """Open milestones with what their share is computed from: ``unpaid``,
    the amount less the payments on the invoice of an invoiced or partly
    paid one (as the expected receipts always counted it)."""
    paid = Subquery(
        Payment.objects.filter(invoice__milestone=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    unpaid = Case(
        When(
            status__in=UNPAID_STATUSES,
            then=F("amount") - Coalesce(paid, Value(Decimal(0)), output_field=money_field("")),
        ),
        default=F("amount"),
        output_field=money_field(""),
    )
    # What the invoice of one invoiced and not paid in full has
    # outstanding, for the receivables' aging.
    outstanding = Case(
        When(
            status__in=UNPAID_STATUSES,
            invoice__isnull=False,
            then=F("invoice__amount")
            - Coalesce(paid, Value(Decimal(0)), output_field=money_field("")),
        ),
        default=Value(Decimal(0)),
        output_field=money_field(""),
    )
    return (
        Milestone.objects.filter(status__in=MILESTONE_OPEN_STATUSES)
        .order_by()
        .values_list(
            "project__lead_institution_id",
            "project__joint_centre_id",
            "project__partnership_id",
            "currency",
            "project__current_stage_id",
            "project__status",
            "trigger_stage_id",
            "triggered_on",
            "status",
            "due_date",
            "invoice__due_on",
            "due_offset_days",
            "invoice__currency",
        )
        .annotate(unpaid=unpaid, outstanding=outstanding)
    )


def _key(row) -> MoneyKey:
    (
        lead_institution_id,
        joint_centre_id,
        partnership_id,
        currency,
        stage_id,
        project_status,
        trigger_stage_id,
        triggered_on,
        status,
        due_date,
        invoice_due_on,
        due_offset_days,
        invoice_currency,
        _unpaid,
        _outstanding,
    ) = row
    certain = (
        trigger_stage_id is None or triggered_on is not None or status != MilestoneStatus.PLANNED
    )
    due = invoice_due_on or due_date
    dated = invoice_due_on is not None or due_date is not None
    if dated and certain:
        # Probability 1 in the due date's quarter: the stages are of no use.
        stage_id = trigger_stage_id = None
    return MoneyKey(
        lead_institution_id=lead_institution_id,
        joint_centre_id=joint_centre_id,
        partnership_id=partnership_id,
        currency=currency,
        stage_id=stage_id,
        terminated=not certain and project_status == ProjectStatus.TERMINATED,
        trigger_stage_id=trigger_stage_id,
        certain=certain,
        due_quarter=quarter_start(due) if dated else None,
        due_offset_days=None if dated else due_offset_days,
        invoice_due_on=invoice_due_on if status in UNPAID_STATUSES else None,
        # An invoiced milestone written without its invoice (in bulk, or
        # imported) has no invoice currency: the join reads NULL.
        invoice_currency=(invoice_currency or "") if status in UNPAID_STATUSES else "",
    )


def shares(milestones) -> tuple[Counter, Counter, Counter]:
    """Per key, the unpaid amount, the invoices' outstanding amount and the
    milestones, over the rows of ``open_milestones``."""
    amounts, outstanding, counts = Counter(), Counter(), Counter()
    for row in milestones:
        key = _key(row)
        amounts[key] += row[-2]
        # An invoice paid beyond its amount has nothing outstanding.
        outstanding[key] += max(row[-1], 0)
        counts[key] += 1
    return amounts, outstanding, counts


def _shares_of(project_ids: list[int]):
    return shares(open_milestones().filter(project_id__in=project_ids))


def _order(key: MoneyKey) -> tuple:
    return tuple(
        (0, "")
        if value is None
        else (1, str(value) if isinstance(value, datetime.date) else value)
        for value in key
    )


def _add(amounts: Counter, outstanding: Counter, counts: Counter) -> None:
    keys = sorted(
        {key for changes in (amounts, outstanding, counts) for key in changes if changes[key]},
        key=_order,
    )
    if not keys:
        return
    # A row that rises may not exist yet; one that falls does. A row
    # inserted meanwhile by another transaction is left as it is.
    OpenMilestoneMoney.objects.bulk_create(
        [OpenMilestoneMoney(**key._asdict()) for key in keys if counts[key] > 0],
        ignore_conflicts=True,
    )
    for key in keys:
        changed = OpenMilestoneMoney.objects.filter(**key._asdict()).update(
            amount=F("amount") + amounts[key],
            outstanding=F("outstanding") + outstanding[key],
            milestones=F("milestones") + counts[key],
        )
        # SQLite's INSERT OR IGNORE also skips a row its NOT NULL columns
        # refuse: money that found no row would vanish without a word.
        if changed != 1 and counts[key] > 0:
            raise RuntimeError(f"The open milestones' money has no row for {key}.")


# The projects whose summary an enclosing ``open_money_kept`` keeps already:
# a service called by another (a milestone action by ``milestone_act``)
# leaves them to it, which counts the whole change once.
_kept: ContextVar[frozenset] = ContextVar("open_money_kept", default=frozenset())


@contextmanager
def open_money_kept(*project_ids: int | None):
    """Keep the summary of the open milestones of ``project_ids`` across the
    change made inside: used inside the changing service's transaction,
    before it locks or reads the milestones, invoices or payments."""
    outer = _kept.get()
    ids = sorted({pk for pk in project_ids if pk is not None} - outer)
    if not ids:
        yield
        return
    # The projects first and in one order, as the stage-gate decisions
    # lock them before their milestones: services that change the same
    # project's milestones take turns, and the later one reads what the
    # earlier committed.
    list(
        ResearchProject.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk")
    )
    before = _shares_of(ids)
    token = _kept.set(outer | set(ids))
    try:
        yield
    finally:
        _kept.reset(token)
    after = _shares_of(ids)
    for changes, earlier in zip(after, before, strict=True):
        changes.subtract(earlier)
    _add(*after)


def keeps_open_money(project_ids_of):
    """A service that keeps the summary across its change: ``project_ids_of``
    takes the service's arguments and names the projects whose milestones
    it may change. Goes under ``transaction.atomic``."""

    def decorate(service):
        @wraps(service)
        def kept(*args, **kwargs):
            ids = project_ids_of(*args, **kwargs)
            with open_money_kept(*([ids] if isinstance(ids, int | None) else ids)):
                return service(*args, **kwargs)

        return kept

    return decorate


def project_of_milestone(*_args, milestone, **_kwargs) -> int:
    return milestone.project_id


def project_of(*_args, project, **_kwargs) -> int:
    return project.pk


@transaction.atomic
def rebuild_open_milestone_money() -> int:
    """Sum every open milestone again, after milestones, invoices, payments
    or projects were written in bulk (which bypasses the services).
    Returns how many rows the summary holds."""
    OpenMilestoneMoney.objects.all().delete()
    amounts, outstanding, counts = shares(open_milestones().iterator(chunk_size=10000))
    rows = [
        OpenMilestoneMoney(
            **key._asdict(),
            amount=amounts[key],
            outstanding=outstanding[key],
            milestones=counts[key],
        )
        for key in sorted(counts, key=_order)
    ]
    OpenMilestoneMoney.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def project_of_invoice(*_args, invoice, **_kwargs) -> int | None:
    """A milestone invoice's project; None for other invoices."""
    if invoice.milestone_id is None:
        return None
    return (
        Milestone.objects.filter(pk=invoice.milestone_id)
        .values_list("project_id", flat=True)
        .get()
    )
