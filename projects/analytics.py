"""Portfolio analytics (DESIGN §6): the numbers of the dashboard and the
reports, over what the user may see.

Every figure starts from a scoping selector (``projects_visible_to`` and its
siblings) and is summed in the database, with ``annotate``/``aggregate``,
window functions and subqueries; Python only loops over the few stages,
cooperation modes and quarters that come back. Money is never added across
currencies: every money figure is per currency.

Definitions, stated once:

- Funnel: projects by their current stage and status.
- Conversion: for each cooperation mode (of the project's partnership), the
  share of its projects that ever reached each stage position. The highest
  stage a project held is its current stage, or a stage it was sent back
  from (a revert is the only move back), so only reverts are read from the
  history. Termination rate: terminated projects over all of the mode's.
- Years in stage: over the stays in a stage that ended with the project
  moving on (an advance or a skip), the median time from entering the stage
  to leaving it, holds included. The stays are kept by the stage-gate
  services (``StageStay``, see ``projects.services.stays``). PostgreSQL
  computes the median with ``percentile_cont(0.5)``; SQLite, which has no
  such aggregate, with a median aggregate registered on the connection,
  over each stage's list of durations. Both give the mean of the two middle
  values of an even list.
- Receivables aging: the unpaid part of invoiced milestones and fixed
  payments (upfronts, annual fees…), by days past the invoice's due date.
- Expected receipts: open milestones, amount × probability of reaching the
  trigger stage (the product of the default success probabilities of the
  current stage and every stage after it before the trigger stage), in the
  quarter they are expected, discounted from the middle of that quarter to
  today at ``DEFAULT_DISCOUNT_RATE``; and open fixed payments, which are
  owed whatever becomes of the projects (probability 1), in the quarter of
  their due date (of their invoice's, once invoiced; overdue ones in
  today's). See ``expected_receipts``.
"""

import datetime
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    DurationField,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import (
    Coalesce,
    ExtractQuarter,
    ExtractYear,
    Greatest,
    TruncQuarter,
)
from django.utils.translation import gettext_lazy as _

from accounts.selectors import has_full_access
from core.exchange import total_in
from core.money import quantize_money
from partnerships.choices import AgreementKind, CooperationMode
from partnerships.models import Partnership
from partnerships.selectors import agreements_visible_to, partnerships_visible_to
from pipelines.models import StageDefinition

from . import selectors
from .choices import (
    FIXED_PAYMENT_OPEN_STATUSES,
    FixedPaymentStatus,
    MilestoneStatus,
    ProjectStatus,
    RoyaltyReportStatus,
    TransitionKind,
)
from .computations.receipts import (
    DAYS_PER_YEAR,
    Quarter,
    quarter_discount_factor,
    quarters_around,
    years_between,
)
from .models import StageTransition
from .selectors import (
    billed_with_amount_paid,
    fixed_payments_visible_to,
    invoices_visible_to,
    invoices_with_amount_paid,
    milestones_visible_to,
    open_milestone_money_visible_to,
    payments_visible_to,
    portfolio_counts_visible_to,
    projects_visible_to,
    received_money_visible_to,
    royalty_reports_visible_to,
    stage_stays_visible_to,
)
from .services import open_money
from .stay_medians import cached_stay_medians

# The annual rate at which expected receipts are discounted to today: a
# research centre's cost of capital, roughly; the dashboard states it.
DEFAULT_DISCOUNT_RATE = Decimal("0.08")
NO_MODE = "none"
AMOUNT = DecimalField(max_digits=30, decimal_places=6)
RATIO = DecimalField(max_digits=30, decimal_places=12)
ROYALTY_INCOME_STATUSES = [
    RoyaltyReportStatus.ACCEPTED,
    RoyaltyReportStatus.INVOICED,
    RoyaltyReportStatus.PARTIALLY_PAID,
    RoyaltyReportStatus.PAID,
]
LICENSING_KINDS = [AgreementKind.LICENCE, AgreementKind.ASSIGNMENT]


def _scoped_projects(user, *, sector=None, mode=None):
    projects = projects_visible_to(user).order_by()
    if sector:
        projects = projects.filter(current_stage__pipeline__sector__code=sector)
    if mode == NO_MODE:
        projects = projects.filter(partnership__isnull=True)
    elif mode:
        projects = projects.filter(partnership__mode=mode)
    return projects


def _mode_filter(mode: str | None, field_name: str = "mode") -> Q:
    if mode is None:
        return Q(**{f"{field_name}__isnull": True})
    return Q(**{field_name: mode})


def _mode_label(mode: str | None):
    return CooperationMode(mode).label if mode else _("No partnership")


def _modes() -> list[str | None]:
    return [*CooperationMode.values, None]


# --- Pipeline funnel ------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStage:
    """The projects whose current stage is this one, by status."""

    stage: StageDefinition
    active: int = 0
    on_hold: int = 0
    productized: int = 0
    terminated: int = 0

    @property
    def in_pipeline(self) -> int:
        """Projects still in the pipeline or through it: all but the
        terminated."""
        return self.active + self.on_hold + self.productized


def _counted_by_partnership(user, *, sector=None, mode=None) -> list[dict]:
    """The visible projects by current stage, status and partnership: for
    staff, summed from the counts the services keep (``PortfolioCount``),
    a few hundred rows however many projects there are; for a partner,
    whose projects the counts cannot tell apart, grouped from its
    projects."""
    counts = portfolio_counts_visible_to(user)
    if counts is None:
        return list(
            _scoped_projects(user, sector=sector, mode=mode)
            .values("current_stage_id", "status", "partnership_id")
            .annotate(count=Count("*"))
        )
    if sector:
        counts = counts.filter(stage__pipeline__sector__code=sector)
    if mode == NO_MODE:
        counts = counts.filter(partnership__isnull=True)
    elif mode:
        counts = counts.filter(partnership__mode=mode)
    return list(
        counts.order_by()
        .values("status", "partnership_id", current_stage_id=F("stage_id"))
        .annotate(count=Sum("projects"))
        .filter(count__gt=0)
    )


def portfolio_counts(user, *, sector: str | None = None, mode: str | None = None):
    """The visible projects counted by current stage, status and cooperation
    mode: a few hundred rows however many projects there are. The funnel
    and the conversion both read it.

    Counted by partnership, and only then by the partnerships' modes: a
    partnership's change of mode moves no count, and the few partnerships'
    modes are read after."""
    rows = _counted_by_partnership(user, sector=sector, mode=mode)
    mode_of = dict(
        Partnership.objects.filter(
            pk__in={row["partnership_id"] for row in rows if row["partnership_id"]}
        ).values_list("pk", "mode")
    )
    counts = defaultdict(int)
    for row in rows:
        key = (row["current_stage_id"], row["status"], mode_of.get(row["partnership_id"]))
        counts[key] += row["count"]
    return [
        {"current_stage_id": stage_id, "status": status, "mode": mode, "count": count}
        for (stage_id, status, mode), count in counts.items()
    ]


def _stages(sector: str | None = None) -> list[StageDefinition]:
    stages = StageDefinition.objects.select_related("pipeline__sector").order_by(
        "pipeline__sector__position", "pipeline__code", "position"
    )
    if sector:
        stages = stages.filter(pipeline__sector__code=sector)
    return list(stages)


def _in_mode(row, mode: str | None) -> bool:
    if not mode:
        return True
    return row["mode"] is None if mode == NO_MODE else row["mode"] == mode


def pipeline_funnel(
    user, *, sector: str | None = None, mode: str | None = None, counts: list | None = None
):
    """Per stage of every pipeline that holds a project the user sees (or of
    ``sector``'s pipelines), its projects by status; ``mode`` keeps the
    projects of partnerships in that cooperation mode. ``counts``: the
    user's ``portfolio_counts``, when the caller has them already."""
    if counts is None:
        counts = portfolio_counts(user, sector=sector, mode=mode)
    stages = _stages(sector)
    tally = defaultdict(lambda: defaultdict(int))
    for row in counts:
        if _in_mode(row, mode):
            tally[row["current_stage_id"]][row["status"]] += row["count"]
    if not sector:
        # All sectors: only the pipelines that hold one of the projects.
        occupied = {stage.pipeline_id for stage in stages if stage.pk in tally}
        stages = [stage for stage in stages if stage.pipeline_id in occupied]
    return [
        FunnelStage(
            stage=stage,
            active=tally[stage.pk][ProjectStatus.ACTIVE],
            on_hold=tally[stage.pk][ProjectStatus.ON_HOLD],
            productized=tally[stage.pk][ProjectStatus.PRODUCTIZED],
            terminated=tally[stage.pk][ProjectStatus.TERMINATED],
        )
        for stage in stages
    ]


# --- Conversion by cooperation mode ---------------------------------------------


@dataclass(frozen=True)
class ModeConversion:
    mode: str | None
    projects: int
    terminated: int
    # reached[k] counts the projects that reached stage position k + 1.
    reached: tuple[int, ...]
    # median_years[k]: median years in position k + 1, None without stays;
    # stays[k]: how many stays it is taken over.
    median_years: tuple[float | None, ...] = ()
    stays: tuple[int, ...] = ()

    @property
    def label(self):
        return _mode_label(self.mode)

    @property
    def key(self) -> str:
        return self.mode or NO_MODE

    @property
    def shares(self) -> tuple[float | None, ...]:
        """Per position, the share (0–1) of the mode's projects that
        reached it."""
        if not self.projects:
            return tuple(None for _ in self.reached)
        return tuple(count / self.projects for count in self.reached)

    @property
    def termination_rate(self) -> float | None:
        return self.terminated / self.projects if self.projects else None

    @property
    def positions(self):
        """Per position: (number, reached, share, median years, stays)."""
        medians = self.median_years or (None,) * len(self.reached)
        stays = self.stays or (0,) * len(self.reached)
        return [
            (index + 1, self.reached[index], self.shares[index], medians[index], stays[index])
            for index in range(len(self.reached))
        ]


@dataclass(frozen=True)
class Conversion:
    positions: int
    modes: list[ModeConversion] = field(default_factory=list)


def conversion_by_mode(
    user, *, sector: str | None = None, with_durations: bool = True, counts: list | None = None
):
    """Per cooperation mode: projects, how many reached each stage position,
    termination rate and (``with_durations``) median years in each stage.
    Modes without projects are left out. ``counts``: the user's
    ``portfolio_counts`` over all sectors, when the caller has them."""
    stages = _stages(sector)
    position_of = {stage.pk: stage.position for stage in stages}
    if counts is None:
        counts = portfolio_counts(user, sector=sector)
    # As far as the longest pipeline that holds one of the projects.
    occupied = {row["current_stage_id"] for row in counts}
    pipelines = {stage.pipeline_id for stage in stages if stage.pk in occupied}
    positions = max(
        (stage.position for stage in stages if stage.pipeline_id in pipelines), default=0
    )
    # The projects sent back from a stage higher than the one they are in,
    # each with its mode, current position and the highest position it held
    # (the highest of its reverts, which is above the current one). Read
    # from the few reverts through their partial index, each checked
    # against its own project: starting from the projects made PostgreSQL
    # scan every project a staff member sees (12-20 ms, 1 ms from the
    # reverts).
    reverts = StageTransition.objects.filter(
        selectors.project_visible_filter(user),
        kind=TransitionKind.REVERT,
        from_stage__position__gt=F("project__current_stage__position"),
    )
    if sector:
        reverts = reverts.filter(project__current_stage__pipeline__sector__code=sector)
    sent_back = (
        reverts.order_by()
        .values(
            "project",
            mode=F("project__partnership__mode"),
            position=F("project__current_stage__position"),
        )
        .annotate(highest=Max("from_stage__position"))
    )
    totals = defaultdict(int)
    terminated = defaultdict(int)
    # highest[mode][p]: projects whose highest stage position held is p.
    highest = defaultdict(lambda: [0] * (positions + 1))
    for row in counts:
        if row["current_stage_id"] not in position_of:
            continue
        totals[row["mode"]] += row["count"]
        highest[row["mode"]][position_of[row["current_stage_id"]]] += row["count"]
        if row["status"] == ProjectStatus.TERMINATED:
            terminated[row["mode"]] += row["count"]
    for row in sent_back:
        highest[row["mode"]][row["position"]] -= 1
        highest[row["mode"]][row["highest"]] += 1
    durations = median_years_in_stage(user, sector=sector) if with_durations else {}
    modes = []
    numbers = range(1, positions + 1)
    for mode in _modes():
        if not totals[mode]:
            continue
        modes.append(
            ModeConversion(
                mode=mode,
                projects=totals[mode],
                terminated=terminated[mode],
                reached=tuple(sum(highest[mode][n:]) for n in numbers),
                median_years=tuple(durations.get((mode, n), (None, 0))[0] for n in numbers),
                stays=tuple(durations.get((mode, n), (None, 0))[1] for n in numbers),
            )
        )
    return Conversion(positions=positions, modes=modes)


class _SQLiteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def _with_sqlite_median():
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_aggregate("bb_median", 1, _SQLiteMedian)


class _Median(Aggregate):
    """The median of a column: ``percentile_cont(0.5)`` on PostgreSQL, the
    median aggregate registered on the connection on SQLite. Both give the
    mean of the two middle values of an even list."""

    function = "bb_median"
    name = "Median"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )


def median_years_in_stage(user, *, sector: str | None = None):
    """{(mode, position): (median years, number of stays)} over the stays in a
    stage that ended with an advance or a skip.

    Read from the stays the stage-gate services keep (``StageStay``), in the
    order of their index on mode, position and duration: one pass over the
    index, no window over the history and no sort; then kept in the cache
    for the user's scope until the stays change (``projects.stay_medians``)."""
    return cached_stay_medians(user, sector, lambda: _median_years_in_stage(user, sector=sector))


def _median_years_in_stage(user, *, sector: str | None):
    stays = stage_stays_visible_to(user)
    if sector:
        stays = stays.filter(
            stage__in=StageDefinition.objects.filter(pipeline__sector__code=sector).values("id")
        )
    _with_sqlite_median()
    rows = (
        stays.order_by()
        .values("mode", "position")
        .annotate(median=_Median("duration", output_field=DurationField()), count=Count("*"))
    )
    durations = {}
    for row in rows:
        median_stay = row["median"]
        if not isinstance(median_stay, datetime.timedelta):
            # SQLite keeps durations as microseconds.
            median_stay = datetime.timedelta(microseconds=median_stay)
        years = median_stay.total_seconds() / 86400 / float(DAYS_PER_YEAR)
        durations[(row["mode"] or None, row["position"])] = (years, row["count"])
    return durations


# --- Money -----------------------------------------------------------------------


AGING_BUCKETS = [
    ("not_due", _("Not yet due")),
    ("days_0_30", _("0–30 days")),
    ("days_31_60", _("31–60 days")),
    ("days_61_90", _("61–90 days")),
    ("days_over_90", _("Over 90 days")),
]


@dataclass(frozen=True)
class AgingRow:
    currency: str
    # Outstanding money per bucket key of AGING_BUCKETS, in that order.
    buckets: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), Decimal(0))

    @property
    def overdue(self) -> Decimal:
        return self.total - self.buckets["not_due"]


def aging_ranges(today: datetime.date) -> dict[str, Q]:
    """Each of ``AGING_BUCKETS`` as a filter on an invoice's due date
    (``due_on``), as it stands on ``today``."""

    def days_ago(days):
        return today - datetime.timedelta(days=days)

    return {
        "not_due": Q(due_on__gt=today),
        "days_0_30": Q(due_on__lte=today, due_on__gte=days_ago(30)),
        "days_31_60": Q(due_on__lt=days_ago(30), due_on__gte=days_ago(60)),
        "days_61_90": Q(due_on__lt=days_ago(60), due_on__gte=days_ago(90)),
        "days_over_90": Q(due_on__lt=days_ago(90)),
    }


def receivables_aging(user, *, today: datetime.date) -> list[AgingRow]:
    """Per currency, the unpaid part of invoiced milestones and fixed
    payments by days past the invoice's due date: not yet due, 0–30, 31–60,
    61–90 and over 90."""

    ranges = aging_ranges(today)
    # Milestones' invoices from the open milestones' money the services
    # keep (for staff; a partner's from its invoices), fixed payments' from
    # the few billed ones still unpaid, joined through the index on their
    # status: read together, with an OR across two outer joins, they made
    # PostgreSQL read every invoice ever issued (264 ms at 100,000
    # projects, 4 s at a million).
    invoices = invoices_visible_to(user).order_by()
    money = open_milestone_money_visible_to(user)
    unpaid = [
        invoices.filter(
            fixed_payment__status__in=[
                FixedPaymentStatus.INVOICED,
                FixedPaymentStatus.PARTIALLY_PAID,
            ]
        ),
    ]
    if money is None:
        unpaid.append(
            invoices.filter(
                milestone__status__in=[MilestoneStatus.INVOICED, MilestoneStatus.PARTIALLY_PAID]
            )
        )
    totals = defaultdict(lambda: dict.fromkeys(ranges, Decimal(0)))
    for billed in unpaid:
        for row in (
            invoices_with_amount_paid(billed)
            .filter(outstanding__gt=0)
            .values("currency")
            .annotate(
                **{
                    key: Coalesce(
                        Sum("outstanding", filter=condition),
                        Value(Decimal(0)),
                        output_field=AMOUNT,
                    )
                    for key, condition in ranges.items()
                }
            )
            .order_by("currency")
        ):
            for key in ranges:
                totals[row["currency"]][key] += row[key]
    if money is not None:
        for row in (
            money.filter(invoice_due_on__isnull=False)
            .values("invoice_currency")
            .annotate(
                **{
                    key: Coalesce(
                        Sum(
                            "outstanding",
                            filter=Q(
                                **{
                                    f"invoice_{lookup}": value
                                    for lookup, value in condition.children
                                }
                            ),
                        ),
                        Value(Decimal(0)),
                        output_field=AMOUNT,
                    )
                    for key, condition in ranges.items()
                }
            )
            .order_by()
        ):
            for key in ranges:
                totals[row["invoice_currency"]][key] += row[key]
    return [
        AgingRow(
            currency=currency,
            buckets={key: quantize_money(buckets[key], currency) for key, _label in AGING_BUCKETS},
        )
        for currency, buckets in sorted(totals.items())
        if any(quantize_money(amount, currency) for amount in buckets.values())
    ]


@dataclass(frozen=True)
class QuarterlyMoney:
    """Money per quarter, per currency: ``amounts[currency][i]`` belongs to
    ``quarters[i]``."""

    quarters: list[Quarter]
    amounts: dict[str, list[Decimal]]

    @property
    def currencies(self) -> list[str]:
        return sorted(self.amounts)

    def rows(self):
        """(quarter, {currency: amount}) in order, for tables."""
        return [
            (quarter, {c: self.amounts[c][i] for c in self.currencies})
            for i, quarter in enumerate(self.quarters)
        ]


def quarterly_money(quarters: list[Quarter], rows, *, date_key="quarter", amount_key="total"):
    """Rows of a currency, a quarter's first day and an amount, placed in
    ``quarters`` (rows of other quarters are left out)."""
    index = {quarter.start: position for position, quarter in enumerate(quarters)}
    amounts = defaultdict(lambda: [Decimal(0)] * len(quarters))
    for row in rows:
        day = row[date_key]
        if isinstance(day, datetime.datetime):
            day = day.date()
        position = index.get(day)
        if position is not None:
            amounts[row["currency"]][position] = quantize_money(row[amount_key], row["currency"])
    return QuarterlyMoney(quarters=quarters, amounts=dict(amounts))


def received_per_quarter(user, *, today: datetime.date, quarters: int = 8) -> QuarterlyMoney:
    """Payments received per quarter and currency, over the last
    ``quarters`` quarters up to today's: for staff, read from the summary
    the payment services keep, a few hundred rows however many payments
    there are; for a partner, whose payments the summary cannot tell apart,
    summed from its payments."""
    span = quarters_around(today, before=quarters - 1)
    money = received_money_visible_to(user)
    if money is None:
        rows = (
            payments_visible_to(user)
            .filter(paid_on__gte=span[0].start, paid_on__lte=span[-1].end)
            .order_by()
            .values("currency", quarter=TruncQuarter("paid_on"))
            .annotate(total=Sum("amount"))
        )
    else:
        rows = (
            money.filter(quarter__gte=span[0].start, quarter__lte=span[-1].start)
            .order_by()
            .values("currency", "quarter")
            .annotate(total=Sum("amount"))
        )
    return quarterly_money(span, rows)


def royalty_income_per_quarter(user, *, today: datetime.date, quarters: int = 8) -> QuarterlyMoney:
    """Royalties of accepted reports (accepted, invoiced or paid), per
    quarter in which the reported period ends, and currency."""
    span = quarters_around(today, before=quarters - 1)
    rows = (
        royalty_reports_visible_to(user)
        .filter(
            status__in=ROYALTY_INCOME_STATUSES,
            period_end__gte=span[0].start,
            period_end__lte=span[-1].end,
        )
        .order_by()
        .values("currency", quarter=TruncQuarter("period_end"))
        .annotate(total=Sum("royalty_due"))
    )
    return quarterly_money(span, rows)


@dataclass(frozen=True)
class ExpectedReceipts:
    """Probability-weighted receipts of open milestones per quarter from
    today's on, and their present value; ``later_*`` beyond the last."""

    quarters: list[Quarter]
    weighted: dict[str, list[Decimal]]
    present_value: dict[str, list[Decimal]]
    later_weighted: dict[str, Decimal]
    later_present_value: dict[str, Decimal]
    annual_rate: Decimal

    @property
    def currencies(self) -> list[str]:
        return sorted(set(self.weighted) | set(self.later_weighted))

    def total_present_value(self, currency: str) -> Decimal:
        return sum(
            self.present_value.get(currency, []), Decimal(0)
        ) + self.later_present_value.get(currency, Decimal(0))


@dataclass(frozen=True)
class _Stage:
    pipeline_id: int
    position: int
    probability: Decimal
    years: Decimal


# A probability of 0 counts as one in a billion, as it always has.
_LEAST_PROBABILITY = Decimal("1e-9")


class _StagesToTrigger:
    """For a project's current stage and a milestone's trigger stage: the
    probability of reaching the trigger and the typical years until then,
    over the stages the project still has to pass (its current stage and
    those after it, before the trigger's position, in its pipeline). The
    stages are few: they are read once and each pair is worked out once,
    where a query per milestone cost seconds at 100,000 projects."""

    def __init__(self):
        self.stages = {
            stage["pk"]: _Stage(
                stage["pipeline_id"],
                stage["position"],
                stage["default_success_probability"],
                stage["typical_years"] or Decimal(0),
            )
            for stage in StageDefinition.objects.order_by().values(
                "pk", "pipeline_id", "position", "default_success_probability", "typical_years"
            )
        }
        self._pairs = {}

    def _to_pass(self, stage_id, trigger_stage_id) -> list[_Stage]:
        if stage_id is None or trigger_stage_id is None:
            return []
        current, trigger = self.stages[stage_id], self.stages[trigger_stage_id]
        return [
            stage
            for stage in self.stages.values()
            if stage.pipeline_id == current.pipeline_id
            and current.position <= stage.position < trigger.position
        ]

    def __call__(self, stage_id, trigger_stage_id) -> tuple[Decimal, Decimal]:
        """(probability, typical years) of the pair, not minding certainty."""
        pair = (stage_id, trigger_stage_id)
        if pair not in self._pairs:
            stages = self._to_pass(stage_id, trigger_stage_id)
            probability = Decimal(1)
            for stage in stages:
                probability *= max(stage.probability, _LEAST_PROBABILITY)
            if (
                stage_id is not None
                and trigger_stage_id is not None
                and self.stages[stage_id].pipeline_id != self.stages[trigger_stage_id].pipeline_id
            ):
                probability = Decimal(0)
            self._pairs[pair] = (probability, sum((s.years for s in stages), Decimal(0)))
        return self._pairs[pair]


def _open_milestone_money(user) -> list[dict]:
    """The user's open milestones' unpaid money by what the expected
    receipts compute with (``OpenMilestoneMoney``'s key): for staff, read
    from the summary the services keep, a few thousand rows however many
    milestones there are; for a partner, whose milestones the summary
    cannot tell apart, summed from its milestones."""
    fields = [
        "currency",
        "stage_id",
        "terminated",
        "trigger_stage_id",
        "certain",
        "due_quarter",
        "due_offset_days",
    ]
    money = open_milestone_money_visible_to(user)
    if money is None:
        rows = open_money.summed(
            open_money.open_milestones().filter(
                pk__in=milestones_visible_to(user).order_by().values("pk")
            ),
            fields,
        )
        return [{name: row[name] for name in [*fields, "amount"]} for row in rows]
    return list(
        money.order_by().values(*fields).annotate(amount=Sum("amount")).filter(milestones__gt=0)
    )


def expected_receipts(
    user,
    *,
    today: datetime.date,
    quarters: int = 8,
    annual_rate: Decimal = DEFAULT_DISCOUNT_RATE,
) -> ExpectedReceipts:
    """Open milestones (planned to partially paid) per quarter in which their
    money is expected, per currency: amount × probability of reaching the
    trigger stage, and discounted to today.

    The probability is 1 for a certain milestone (event-triggered, triggered
    already, or past the planned state: claimable), 0 when its project is
    terminated or the trigger stage is in another pipeline than the
    project's, else the product of the default success probabilities of the
    project's current stage and every stage after it before the trigger.

    Invoiced milestones count for what is unpaid, in the quarter the invoice
    falls due. Other dated milestones count in the quarter of their due
    date; overdue ones in today's. An untriggered stage milestone falls due
    after the typical years of the stages still to pass plus its due offset;
    an event milestone without a date, its due offset from today (it is
    claimable now). Each quarter's money is discounted from the quarter's
    midpoint to today (``quarter_discount_factor``).

    Read from the open milestones' money the services keep
    (``OpenMilestoneMoney``), summed by those inputs; the stages' figures
    are worked out per pair of stages (``_StagesToTrigger``).
    """
    current = Quarter.of(today)
    elapsed = float(years_between(current.start, today))
    to_trigger = _StagesToTrigger()
    rows = []
    totals = defaultdict(Decimal)
    for row in _open_milestone_money(user):
        probability, years = to_trigger(row["stage_id"], row["trigger_stage_id"])
        if row["certain"]:
            probability = Decimal(1)
        elif row["terminated"]:
            probability = Decimal(0)
        if row["due_quarter"] is not None:
            due = Quarter.of(row["due_quarter"])
            offset = (due.year - current.year) * 4 + (due.number - current.number)
        else:
            # Undated: quarters of a quarter-year each, counted from
            # today's quarter's start.
            years_to_trigger = float(years + Decimal(row["due_offset_days"]) / DAYS_PER_YEAR)
            offset = math.floor((elapsed + years_to_trigger) * 4.0)
        totals[(row["currency"], max(offset, 0))] += row["amount"] * probability
    rows = [
        {"currency": currency, "offset": offset, "total": total}
        for (currency, offset), total in totals.items()
    ]
    return receipts_by_quarter(user, rows, today=today, quarters=quarters, annual_rate=annual_rate)


def receipts_by_quarter(
    user, milestone_rows, *, today: datetime.date, quarters: int, annual_rate: Decimal
) -> ExpectedReceipts:
    """``milestone_rows`` (currency, quarter offset, probability-weighted
    total) with the user's open fixed payments, per quarter from today's on
    and discounted to today."""
    current = Quarter.of(today)
    span = quarters_around(today, after=quarters - 1)
    fixed_due = Coalesce("invoice__due_on", "due_date")
    fixed_rows = (
        billed_with_amount_paid(
            fixed_payments_visible_to(user).filter(status__in=FIXED_PAYMENT_OPEN_STATUSES)
        )
        .order_by()
        .annotate(
            offset=Greatest(
                (ExtractYear(fixed_due) - Value(current.year)) * Value(4)
                + (ExtractQuarter(fixed_due) - Value(current.number)),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .values("currency", "offset")
        .annotate(total=Sum("outstanding"))
    )
    weighted = defaultdict(lambda: [Decimal(0)] * quarters)
    present = defaultdict(lambda: [Decimal(0)] * quarters)
    later_weighted = defaultdict(Decimal)
    later_present = defaultdict(Decimal)
    for row in [*milestone_rows, *fixed_rows]:
        currency, offset, total = row["currency"], int(row["offset"]), Decimal(row["total"] or 0)
        value = total * quarter_discount_factor(annual_rate, today, current.shifted(offset))
        if offset < quarters:
            weighted[currency][offset] += total
            present[currency][offset] += value
        else:
            later_weighted[currency] += total
            later_present[currency] += value

    def rounded(amounts):
        return {
            currency: (
                [quantize_money(a, currency) for a in values]
                if isinstance(values, list)
                else quantize_money(values, currency)
            )
            for currency, values in amounts.items()
        }

    return ExpectedReceipts(
        quarters=span,
        weighted=rounded(weighted),
        present_value=rounded(present),
        later_weighted=rounded(later_weighted),
        later_present_value=rounded(later_present),
        annual_rate=annual_rate,
    )


# --- Annual tech-transfer metrics -------------------------------------------------


@dataclass(frozen=True)
class YearMetrics:
    """One year in the usual form of tech-transfer surveys."""

    year: int
    agreements_executed: int = 0
    licences_executed: int = 0
    licensing_income: dict[str, Decimal] = field(default_factory=dict)
    startups_formed: int = 0
    projects_productized: int = 0


def annual_metrics(user, *, today: datetime.date, years: int = 5) -> list[YearMetrics]:
    """For each of the last ``years`` years up to today's:

    - agreements executed: agreements signed that year (of which licences
      and assignments);
    - licensing income: payments received that year under licences and
      assignments (milestones, royalties, upfronts and fees), per currency;
    - start-ups formed: co-founded-company partnerships started that year;
    - projects productized: projects that entered the last stage of their
      pipeline (status productized) that year.
    """
    first = today.year - years + 1
    agreements = {
        row["year"]: row
        for row in agreements_visible_to(user)
        .filter(signed_on__year__gte=first, signed_on__lte=today)
        .order_by()
        .values(year=ExtractYear("signed_on"))
        .annotate(executed=Count("pk"), licences=Count("pk", filter=Q(kind__in=LICENSING_KINDS)))
    }
    income = defaultdict(dict)
    for row in (
        payments_visible_to(user)
        .filter(paid_on__year__gte=first, paid_on__lte=today)
        .filter(
            Q(invoice__milestone__agreement__kind__in=LICENSING_KINDS)
            | Q(invoice__royalty_report__agreement__kind__in=LICENSING_KINDS)
            | Q(invoice__fixed_payment__agreement__kind__in=LICENSING_KINDS)
        )
        .order_by()
        .values("currency", year=ExtractYear("paid_on"))
        .annotate(total=Sum("amount"))
        .order_by("currency")
    ):
        income[row["year"]][row["currency"]] = quantize_money(row["total"], row["currency"])
    startups = dict(
        partnerships_visible_to(user)
        .filter(
            mode=CooperationMode.CO_FOUNDED_COMPANY,
            started_on__year__gte=first,
            started_on__lte=today,
        )
        .order_by()
        .values_list(ExtractYear("started_on"))
        .annotate(count=Count("pk"))
    )
    transitions = StageTransition.objects.filter(
        to_status=ProjectStatus.PRODUCTIZED, decided_at__year__gte=first
    ).exclude(from_status=ProjectStatus.PRODUCTIZED)
    if not has_full_access(user):
        transitions = transitions.filter(project__in=projects_visible_to(user).values("id"))
    productized = dict(
        transitions.order_by()
        .values_list(ExtractYear("decided_at"))
        .annotate(count=Count("project", distinct=True))
    )
    return [
        YearMetrics(
            year=year,
            agreements_executed=agreements.get(year, {}).get("executed", 0),
            licences_executed=agreements.get(year, {}).get("licences", 0),
            licensing_income=income.get(year, {}),
            startups_formed=startups.get(year, 0),
            projects_productized=productized.get(year, 0),
        )
        for year in range(first, today.year + 1)
    ]


# --- Totals across currencies, in the reporting currency --------------------------
#
# Beside the per-currency figures, never instead of them: each total is
# converted at the latest rate on or before a day and carries the rates it
# used, or says which rate is missing (``core.exchange.total_in``).


def money_totals_converted(
    aging: list[AgingRow], expected: ExpectedReceipts, *, on: datetime.date
) -> dict:
    """The dashboard's receivables (unpaid and overdue) and expected
    receipts (present value) added up in the reporting currency."""
    cache: dict = {}
    return {
        "unpaid": total_in([(r.currency, r.total) for r in aging if r.total], on=on, cache=cache),
        "overdue": total_in(
            [(r.currency, r.overdue) for r in aging if r.overdue], on=on, cache=cache
        ),
        "expected": total_in(
            [
                (currency, expected.total_present_value(currency))
                for currency in expected.currencies
                if expected.total_present_value(currency)
            ],
            on=on,
            cache=cache,
        ),
    }


def annual_income_converted(metrics: list[YearMetrics], *, today: datetime.date) -> list:
    """Each year's licensing income added up in the reporting currency at
    the rates of the year's last day (of today for the current year)."""
    cache: dict = {}
    return [
        total_in(
            {c: amount for c, amount in year.licensing_income.items() if amount},
            on=min(datetime.date(year.year, 12, 31), today),
            cache=cache,
        )
        for year in metrics
    ]


# --- Lists -------------------------------------------------------------------------


def overdue_milestones(user, *, today: datetime.date):
    """Open milestones past their due date, the longest overdue first."""
    return (
        milestones_visible_to(user)
        .overdue(today)
        .select_related("project", "agreement")
        .order_by("due_date", "id")
    )


def overdue_fixed_payments(user, *, today: datetime.date):
    """Open upfronts, fees and other fixed payments past their due date,
    the longest overdue first."""
    return (
        fixed_payments_visible_to(user)
        .overdue(today)
        .select_related("agreement")
        .order_by("due_date", "id")
    )


def claims_awaiting_verification(user):
    """Claimed milestones the payer has not verified or disputed yet, the
    oldest claim first, with their project and agreement for the list."""
    return selectors.claims_awaiting_verification(user).select_related("project", "agreement")
