"""The expected receipts, the receivables' aging and the money received
per quarter as they were computed before the open milestones' money and the
money received were kept (``OpenMilestoneMoney``, ``ReceivedMoney``): every
open milestone read with correlated subqueries over the stages and its
payments, every invoice and every payment. The oracles of the tests that
the summaries give the same figures."""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    Exp,
    ExtractQuarter,
    ExtractYear,
    Floor,
    Greatest,
    Ln,
    TruncQuarter,
)

from core.money import quantize_money
from pipelines.models import StageDefinition
from projects.analytics import (
    AGING_BUCKETS,
    AMOUNT,
    DEFAULT_DISCOUNT_RATE,
    RATIO,
    AgingRow,
    ExpectedReceipts,
    QuarterlyMoney,
    aging_ranges,
    quarterly_money,
    receipts_by_quarter,
)
from projects.choices import (
    MILESTONE_OPEN_STATUSES,
    FixedPaymentStatus,
    MilestoneStatus,
    ProjectStatus,
)
from projects.computations.receipts import (
    DAYS_PER_YEAR,
    Quarter,
    quarters_around,
    years_between,
)
from projects.models import Payment
from projects.selectors import (
    invoices_visible_to,
    invoices_with_amount_paid,
    milestones_visible_to,
    payments_visible_to,
)


def _stages_to_trigger():
    """The stages a milestone's project still has to pass before entering
    the trigger stage: its current stage and those after it, before the
    trigger, in the same pipeline."""
    return StageDefinition.objects.filter(
        pipeline=OuterRef("project__current_stage__pipeline"),
        position__gte=OuterRef("project__current_stage__position"),
        position__lt=OuterRef("trigger_stage__position"),
    ).order_by()


def _reach_probability():
    """The probability that the project reaches the milestone's trigger:
    exp(Σ ln p) over ``_stages_to_trigger`` (a probability of 0 counts as
    one in a billion, which ln can take)."""
    product = Subquery(
        _stages_to_trigger()
        .values("pipeline")
        .annotate(
            p=Exp(Sum(Ln(Greatest(F("default_success_probability"), Value(Decimal("1e-9"))))))
        )
        .values("p")[:1],
        output_field=RATIO,
    )
    return Case(
        # Event-triggered, triggered already, or past the planned state:
        # claimable, certain.
        When(trigger_stage__isnull=True, then=Value(Decimal(1))),
        When(triggered_on__isnull=False, then=Value(Decimal(1))),
        When(~Q(status=MilestoneStatus.PLANNED), then=Value(Decimal(1))),
        When(project__status=ProjectStatus.TERMINATED, then=Value(Decimal(0))),
        When(
            ~Q(trigger_stage__pipeline=F("project__current_stage__pipeline")),
            then=Value(Decimal(0)),
        ),
        default=Coalesce(product, Value(Decimal(1))),
        output_field=RATIO,
    )


def _years_to_trigger():
    """Typical years until an untriggered milestone falls due: the typical
    durations of the stages still to pass, and the days allowed after the
    trigger."""
    typical = Subquery(
        _stages_to_trigger()
        .values("pipeline")
        .annotate(years=Sum("typical_years"))
        .values("years")[:1],
        output_field=RATIO,
    )
    return ExpressionWrapper(
        Coalesce(typical, Value(Decimal(0)))
        + F("due_offset_days") / Value(DAYS_PER_YEAR, output_field=RATIO),
        output_field=FloatField(),
    )


def expected_receipts_from_milestones(
    user,
    *,
    today: datetime.date,
    quarters: int = 8,
    annual_rate: Decimal = DEFAULT_DISCOUNT_RATE,
) -> ExpectedReceipts:
    """Open milestones (planned to partially paid) per quarter in which their
    money is expected, per currency: amount × probability of reaching the
    trigger stage (see ``_reach_probability``), and discounted to today.

    Invoiced milestones count for what is unpaid, in the quarter the invoice
    falls due. Other dated milestones count in the quarter of their due
    date; overdue ones in today's. An untriggered stage milestone falls due
    after the typical years of the stages still to pass plus its due offset;
    an event milestone without a date, its due offset from today (it is
    claimable now). Each quarter's money is discounted from the quarter's
    midpoint to today (``quarter_discount_factor``).
    """
    current = Quarter.of(today)
    due = Coalesce("invoice__due_on", "due_date")
    dated_offset = (ExtractYear(due) - Value(current.year)) * Value(4) + (
        ExtractQuarter(due) - Value(current.number)
    )
    # Undated: quarters of a quarter-year each, counted from today's
    # quarter's start.
    elapsed = float(years_between(current.start, today))
    undated_offset = Floor((Value(elapsed) + _years_to_trigger()) * Value(4.0))
    unpaid = Case(
        When(
            status__in=[MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID],
            then=F("amount")
            - Coalesce(
                Subquery(
                    Payment.objects.filter(invoice__milestone=OuterRef("pk"))
                    .order_by()
                    .values("invoice")
                    .annotate(total=Sum("amount"))
                    .values("total")[:1]
                ),
                Value(Decimal(0)),
                output_field=AMOUNT,
            ),
        ),
        default=F("amount"),
        output_field=AMOUNT,
    )
    rows = (
        milestones_visible_to(user)
        .filter(status__in=MILESTONE_OPEN_STATUSES)
        .order_by()
        .annotate(
            offset=Greatest(
                Case(
                    When(Q(invoice__isnull=False) | Q(due_date__isnull=False), then=dated_offset),
                    default=undated_offset,
                    output_field=IntegerField(),
                ),
                Value(0),
                output_field=IntegerField(),
            ),
            weighted=ExpressionWrapper(unpaid * _reach_probability(), AMOUNT),
        )
        .values("currency", "offset")
        .annotate(total=Sum("weighted"))
    )
    # The fixed payments and the sum per quarter are the function's own:
    # only the milestones' part is read another way.
    return receipts_by_quarter(user, rows, today=today, quarters=quarters, annual_rate=annual_rate)


def receivables_aging_from_invoices(user, *, today: datetime.date) -> list[AgingRow]:
    """Per currency, the unpaid part of invoiced milestones and fixed
    payments by days past the invoice's due date: not yet due, 0–30, 31–60,
    61–90 and over 90."""

    ranges = aging_ranges(today)
    rows = (
        invoices_with_amount_paid(
            invoices_visible_to(user)
            .filter(
                Q(milestone__status__in=[MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID])
                | Q(
                    fixed_payment__status__in=[
                        FixedPaymentStatus.INVOICED,
                        FixedPaymentStatus.PARTIALLY_PAID,
                    ]
                )
            )
            .order_by()
        )
        .filter(outstanding__gt=0)
        .values("currency")
        .annotate(
            **{
                key: Coalesce(
                    Sum("outstanding", filter=condition), Value(Decimal(0)), output_field=AMOUNT
                )
                for key, condition in ranges.items()
            }
        )
        .order_by("currency")
    )
    return [
        AgingRow(
            currency=row["currency"],
            buckets={
                key: quantize_money(row[key], row["currency"]) for key, _label in AGING_BUCKETS
            },
        )
        for row in rows
    ]


def received_per_quarter_from_payments(
    user, *, today: datetime.date, quarters: int = 8
) -> QuarterlyMoney:
    """Payments received per quarter and currency, summed from every
    payment the user sees."""
    span = quarters_around(today, before=quarters - 1)
    rows = (
        payments_visible_to(user)
        .filter(paid_on__gte=span[0].start, paid_on__lte=span[-1].end)
        .order_by()
        .values("currency", quarter=TruncQuarter("paid_on"))
        .annotate(total=Sum("amount"))
    )
    return quarterly_money(span, rows)
