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

The money received (``ReceivedMoney``) is kept alongside: the payments on
the projects' milestone invoices, before and after the same changes (a
payment, or a project's new links), and a payment on a royalty or
fixed-payment invoice, which belongs to no project, by ``payment_record``
(``payment_received``).
"""

import datetime
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import wraps
from typing import NamedTuple

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncQuarter

from core.money import money_field
from projects.choices import MILESTONE_OPEN_STATUSES, MilestoneStatus, ProjectStatus
from projects.models import (
    Milestone,
    OpenMilestoneMoney,
    Payment,
    ReceivedMoney,
    ResearchProject,
)

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


# Where ``open_milestones`` puts a milestone's key: its fields' names are
# the milestone's own (``currency``), which an annotation may not take.
KEY_PREFIX = "money_"


def open_milestones():
    """Open milestones, each with its row of the summary (``MoneyKey``'s
    fields, prefixed by ``KEY_PREFIX``), ``unpaid_amount`` (the amount less
    the payments on the invoice of an invoiced or partly paid one, as the
    expected receipts always counted it) and ``outstanding_amount`` (what
    the invoice of one invoiced and not paid in full has outstanding, for
    the receivables' aging; none for an invoice paid beyond its amount).

    The key is computed by the database, so that the rebuild sums a
    million milestones without reading them and the services read a
    project's rows the way the rebuild writes them."""
    paid = Coalesce(
        Subquery(
            Payment.objects.filter(invoice__milestone=OuterRef("pk"))
            .order_by()
            .values("invoice")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        ),
        Value(Decimal(0)),
        output_field=money_field(""),
    )
    unpaid_status = Q(status__in=UNPAID_STATUSES)
    certain = (
        Q(trigger_stage__isnull=True)
        | Q(triggered_on__isnull=False)
        | ~Q(status=MilestoneStatus.PLANNED)
    )
    dated = Q(invoice__due_on__isnull=False) | Q(due_date__isnull=False)

    def unless(condition, value, output_field):
        return Case(When(condition, then=Value(None)), default=value, output_field=output_field)

    key = {
        "lead_institution_id": F("project__lead_institution_id"),
        "joint_centre_id": F("project__joint_centre_id"),
        "partnership_id": F("project__partnership_id"),
        "currency": F("currency"),
        # Dated and certain: probability 1 in the due date's quarter, the
        # stages are of no use.
        "stage_id": unless(dated & certain, F("project__current_stage_id"), IntegerField()),
        "terminated": ExpressionWrapper(
            ~certain & Q(project__status=ProjectStatus.TERMINATED), output_field=BooleanField()
        ),
        "trigger_stage_id": unless(dated & certain, F("trigger_stage_id"), IntegerField()),
        "certain": ExpressionWrapper(certain, output_field=BooleanField()),
        "due_quarter": TruncQuarter(
            Coalesce("invoice__due_on", "due_date"), output_field=DateField()
        ),
        "due_offset_days": unless(dated, F("due_offset_days"), IntegerField()),
        "invoice_due_on": Case(
            When(unpaid_status, then=F("invoice__due_on")), default=None, output_field=DateField()
        ),
        # An invoiced milestone written without its invoice (in bulk, or
        # imported) has no invoice currency: the join reads NULL.
        "invoice_currency": Case(
            When(unpaid_status, then=Coalesce("invoice__currency", Value(""))),
            default=Value(""),
            output_field=CharField(),
        ),
    }
    return (
        Milestone.objects.filter(status__in=MILESTONE_OPEN_STATUSES)
        .order_by()
        .annotate(
            **{KEY_PREFIX + name: value for name, value in key.items()},
            unpaid_amount=Case(
                When(unpaid_status, then=F("amount") - paid),
                default=F("amount"),
                output_field=money_field(""),
            ),
            outstanding_amount=Case(
                When(
                    unpaid_status & Q(invoice__isnull=False) & Q(invoice__amount__gt=paid),
                    then=F("invoice__amount") - paid,
                ),
                default=Value(Decimal(0)),
                output_field=money_field(""),
            ),
        )
    )


def summed(milestones, fields=MoneyKey._fields) -> list[dict]:
    """The open ``milestones`` (from ``open_milestones``) summed by
    ``fields`` of their key, by the database: each row has the fields,
    ``amount`` (unpaid), ``outstanding`` and ``milestones``."""
    rows = milestones.values(*(KEY_PREFIX + name for name in fields)).annotate(
        amount=Sum("unpaid_amount"),
        outstanding=Sum("outstanding_amount"),
        milestones=Count("pk"),
    )
    return [{name.removeprefix(KEY_PREFIX): value for name, value in row.items()} for row in rows]


def shares(milestones) -> tuple[Counter, Counter, Counter]:
    """Per key, the unpaid amount, the invoices' outstanding amount and the
    milestones of the open ``milestones``."""
    amounts, outstanding, counts = Counter(), Counter(), Counter()
    for row in summed(milestones):
        key = MoneyKey(*(row[name] for name in MoneyKey._fields))
        amounts[key] += row["amount"]
        outstanding[key] += row["outstanding"]
        counts[key] += row["milestones"]
    return amounts, outstanding, counts


def _shares_of(project_ids: list[int]):
    return shares(open_milestones().filter(project_id__in=project_ids))


def _order(key: tuple) -> tuple:
    return tuple(
        (0, "")
        if value is None
        else (1, str(value) if isinstance(value, datetime.date) else value)
        for value in key
    )


def _add(model, changes: dict[str, Counter], count_field: str) -> None:
    """Add ``changes`` (per field of ``model``, the deltas by key) to the
    rows of their keys, in a fixed order."""
    counts = changes[count_field]
    keys = sorted(
        {key for deltas in changes.values() for key, delta in deltas.items() if delta},
        key=_order,
    )
    if not keys:
        return
    # A row that rises may not exist yet; one that falls does. A row
    # inserted meanwhile by another transaction is left as it is.
    model.objects.bulk_create(
        [model(**key._asdict()) for key in keys if counts[key] > 0], ignore_conflicts=True
    )
    for key in keys:
        changed = model.objects.filter(**key._asdict()).update(
            **{field: F(field) + deltas[key] for field, deltas in changes.items()}
        )
        # SQLite's INSERT OR IGNORE also skips a row its NOT NULL columns
        # refuse: money that found no row would vanish without a word.
        if changed != 1 and counts[key] > 0:
            raise RuntimeError(f"{model._meta.verbose_name} has no row for {key}.")


def _add_open_money(amounts: Counter, outstanding: Counter, counts: Counter) -> None:
    _add(
        OpenMilestoneMoney,
        {"amount": amounts, "outstanding": outstanding, "milestones": counts},
        "milestones",
    )


class ReceivedKey(NamedTuple):
    """The row of ``ReceivedMoney`` a payment is in."""

    lead_institution_id: int | None
    joint_centre_id: int | None
    partnership_id: int | None
    agreement_id: int | None
    currency: str
    quarter: datetime.date


def received(payments) -> tuple[Counter, Counter]:
    """Per key, the amount and the number of ``payments``, summed by the
    database: a milestone payment by its project's links, any other by its
    royalty report's or fixed payment's agreement."""
    project = "invoice__milestone__project__"
    rows = (
        payments.order_by()
        .values(
            "currency",
            quarter=TruncQuarter("paid_on", output_field=DateField()),
            lead_institution_id=F(f"{project}lead_institution_id"),
            joint_centre_id=F(f"{project}joint_centre_id"),
            partnership_id=F(f"{project}partnership_id"),
            agreement_id=Case(
                When(
                    invoice__milestone__isnull=True,
                    then=Coalesce(
                        "invoice__royalty_report__agreement_id",
                        "invoice__fixed_payment__agreement_id",
                    ),
                ),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    amounts, counts = Counter(), Counter()
    for row in rows:
        quarter = row["quarter"]
        if isinstance(quarter, datetime.datetime):
            quarter = quarter.date()
        key = ReceivedKey(
            **{**{name: row[name] for name in ReceivedKey._fields}, "quarter": quarter}
        )
        amounts[key] += row["total"]
        counts[key] += row["count"]
    return amounts, counts


def _received_of(project_ids: list[int]) -> tuple[Counter, Counter]:
    return received(Payment.objects.filter(invoice__milestone__project_id__in=project_ids))


def _add_received(amounts: Counter, counts: Counter) -> None:
    _add(ReceivedMoney, {"amount": amounts, "payments": counts}, "payments")


def payment_received(payment: Payment) -> None:
    """Count a payment just recorded on a royalty or fixed-payment invoice
    (one on a milestone invoice is counted by ``open_money_kept``, which
    its service runs under)."""
    _add_received(*received(Payment.objects.filter(pk=payment.pk)))


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
    before = _shares_of(ids), _received_of(ids)
    token = _kept.set(outer | set(ids))
    try:
        yield
    finally:
        _kept.reset(token)
    after = _shares_of(ids), _received_of(ids)
    for summary, earlier in zip(after, before, strict=True):
        for changes, earlier_changes in zip(summary, earlier, strict=True):
            changes.subtract(earlier_changes)
    _add_open_money(*after[0])
    _add_received(*after[1])


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
    amounts, outstanding, counts = shares(open_milestones())
    OpenMilestoneMoney.objects.bulk_create(
        (
            OpenMilestoneMoney(
                **key._asdict(),
                amount=amounts[key],
                outstanding=outstanding[key],
                milestones=counts[key],
            )
            for key in sorted(counts, key=_order)
        ),
        batch_size=1000,
    )
    return len(counts)


@transaction.atomic
def rebuild_received_money() -> int:
    """Sum every payment again, after payments or projects were written in
    bulk. Returns how many rows the summary holds."""
    ReceivedMoney.objects.all().delete()
    amounts, counts = received(Payment.objects.all())
    ReceivedMoney.objects.bulk_create(
        (
            ReceivedMoney(**key._asdict(), amount=amounts[key], payments=counts[key])
            for key in sorted(counts, key=_order)
        ),
        batch_size=1000,
    )
    return len(counts)


def project_of_invoice(*_args, invoice, **_kwargs) -> int | None:
    """A milestone invoice's project; None for other invoices."""
    if invoice.milestone_id is None:
        return None
    return (
        Milestone.objects.filter(pk=invoice.milestone_id)
        .values_list("project_id", flat=True)
        .get()
    )
