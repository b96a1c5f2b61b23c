"""How net income from an achievement is shared: the tiers of a policy cut
the cumulative net income into slices, each slice is shared among the
inventors, their departments, the institution and the transfer office, and
the amounts are rounded to the currency's minor unit so that they add up to
the total exactly (largest remainder).

Pure arithmetic on Decimals: the stateless calculator of the API and the
stored distribution runs call the same functions, so a what-if and a run
never disagree.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.errors import InvalidInput

ZERO = Decimal(0)
ONE = Decimal(1)

# The parties a slice is shared among, in the order lines are listed.
PARTS = ("inventors", "department", "institution", "office")


@dataclass(frozen=True)
class Tier:
    """The shares of the slice of cumulative net income up to ``up_to``
    (None: no limit), as fractions (0.5 = 50 %). What the four shares leave
    of a slice stays with the institution."""

    up_to: Decimal | None
    inventors: Decimal
    department: Decimal = ZERO
    institution: Decimal = ZERO
    office: Decimal = ZERO

    def share_of(self, part: str) -> Decimal:
        share = getattr(self, part)
        if part == "institution":
            return share + (ONE - self.total_share)
        return share

    @property
    def total_share(self) -> Decimal:
        return self.inventors + self.department + self.institution + self.office


@dataclass(frozen=True)
class Beneficiary:
    """An inventor with their contribution (any positive weights; they are
    normalised) and the department or lab their department share goes to."""

    name: str
    share: Decimal
    department: str = ""
    key: object = None


@dataclass(frozen=True)
class Slice:
    """The part of this period's net income that falls in one tier."""

    tier: int
    lower: Decimal
    upper: Decimal | None
    base: Decimal


@dataclass(frozen=True)
class SliceAmount:
    tier: int
    base: Decimal
    rate: Decimal
    amount: Decimal


@dataclass
class Line:
    """What one recipient gets: ``kind`` is inventor, department,
    institution or office; ``slices`` the amount from each tier slice."""

    kind: str
    name: str
    key: object = None
    rate: Decimal = ZERO
    amount: Decimal = ZERO
    slices: list[SliceAmount] = field(default_factory=list)


@dataclass(frozen=True)
class Distribution:
    net_income: Decimal
    previously_distributed_net_income: Decimal
    total: Decimal
    slices: list[Slice]
    lines: list[Line]


def minor_unit(places: int) -> Decimal:
    return ONE.scaleb(-places)


def validate_tiers(tiers: Sequence[Tier]) -> None:
    """Refuse tiers that cannot be applied, every fault at once: no tier,
    a share below 0 or a slice shared beyond 100 %, limits that are not
    strictly increasing, a limit on the last tier (income above it would
    belong to no tier) or no limit before the last."""
    errors: dict[str, list[str]] = {}
    if not tiers:
        raise InvalidInput({"tiers": [_("A policy has at least one tier.")]}, code="no_tiers")
    code = None
    previous_limit = ZERO
    for index, tier in enumerate(tiers):
        path = f"tiers.{index}"
        for part in PARTS:
            if getattr(tier, part) < 0:
                errors.setdefault(f"{path}.{part}", []).append(_("A share is not negative."))
                code = code or "negative_share"
        if tier.total_share > ONE:
            errors.setdefault(path, []).append(
                _("The shares of a tier add up to %(total)s %%, more than 100 %%.")
                % {"total": _percent(tier.total_share)}
            )
            code = code or "tier_over_100_percent"
        last = index == len(tiers) - 1
        if tier.up_to is None and not last:
            errors.setdefault(f"{path}.up_to", []).append(
                _("Only the last tier has no limit; the tiers after it would never apply.")
            )
            code = code or "tiers_overlap"
        elif tier.up_to is not None and last:
            errors.setdefault(f"{path}.up_to", []).append(
                _("The last tier has no limit, so that every amount falls in a tier.")
            )
            code = code or "last_tier_limited"
        elif tier.up_to is not None:
            if tier.up_to <= previous_limit:
                errors.setdefault(f"{path}.up_to", []).append(
                    _("Each tier's limit is above the one before (%(previous)s).")
                    % {"previous": previous_limit}
                )
                code = code or "tiers_unordered"
            previous_limit = max(previous_limit, tier.up_to)
    if errors:
        raise InvalidInput(errors, code=code)


def _percent(fraction: Decimal) -> str:
    return format((fraction * 100).normalize(), "f")


def slices_of(net_income: Decimal, previously: Decimal, tiers: Sequence[Tier]) -> list[Slice]:
    """Cut the income between ``previously`` and ``previously + net_income``
    of cumulative net income at the tiers' limits."""
    start, end = previously, previously + net_income
    slices = []
    lower = ZERO
    for index, tier in enumerate(tiers):
        upper = tier.up_to
        low = max(start, lower)
        high = end if upper is None else min(end, upper)
        if high > low:
            slices.append(Slice(tier=index, lower=lower, upper=upper, base=high - low))
        if upper is not None:
            lower = upper
    return slices


def largest_remainder(exact: Sequence[Decimal], total: Decimal, quantum: Decimal) -> list[Decimal]:
    """Round ``exact`` amounts (which add up to ``total``) down to
    ``quantum`` and hand the units left over to the largest remainders, the
    earlier one first on a tie, so the rounded amounts add up to ``total``."""
    floors = [amount.quantize(quantum, rounding=ROUND_DOWN) for amount in exact]
    left_over = int(((total - sum(floors, ZERO)) / quantum).to_integral_value(ROUND_HALF_UP))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: max(left_over, 0)]:
        floors[i] += quantum
    return floors


def distribute(
    net_income: Decimal,
    previously_distributed_net_income: Decimal,
    tiers: Sequence[Tier],
    inventors: Sequence[Beneficiary],
    *,
    places: int = 2,
) -> Distribution:
    """Share this period's net income by the tiers over cumulative net
    income: the lines per inventor, department, institution and office,
    each with its amount from every tier slice, in the currency's minor
    unit (``places`` decimals), adding up to the net income exactly."""
    _validate_inputs(net_income, previously_distributed_net_income, inventors)
    validate_tiers(tiers)
    quantum = minor_unit(places)
    total = net_income.quantize(quantum, rounding=ROUND_HALF_UP)
    slices = slices_of(total, previously_distributed_net_income, tiers)

    weight_total = sum((inventor.share for inventor in inventors), ZERO)
    inventor_weights = [inventor.share / weight_total for inventor in inventors]
    department_weights: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for inventor, weight in zip(inventors, inventor_weights, strict=True):
        department_weights[inventor.department] += weight

    lines = [Line("inventor", inventor.name, inventor.key) for inventor in inventors]
    inventor_lines = list(zip(lines, inventor_weights, strict=True))
    department_lines = []
    for name, weight in department_weights.items():
        line = Line("department", name)
        department_lines.append((line, weight))
        lines.append(line)
    institution_line = Line("institution", "")
    office_line = Line("office", "")
    lines += [institution_line, office_line]

    # One cell per recipient and slice, rounded together so that cells,
    # lines and the total all agree to the minor unit.
    cells: list[tuple[Line, int, Decimal, Decimal]] = []
    for slice_ in slices:
        tier = tiers[slice_.tier]
        for part, recipients in (
            ("inventors", inventor_lines),
            ("department", department_lines),
            ("institution", [(institution_line, ONE)]),
            ("office", [(office_line, ONE)]),
        ):
            for line, weight in recipients:
                rate = tier.share_of(part) * weight
                cells.append((line, slice_.tier, slice_.base, rate))
    exact = [base * rate for _line, _tier, base, rate in cells]
    rounded = largest_remainder(exact, total, quantum)
    for (line, tier_index, base, rate), amount in zip(cells, rounded, strict=True):
        if rate == 0:
            continue
        line.slices.append(SliceAmount(tier=tier_index, base=base, rate=rate, amount=amount))
        line.amount += amount
    for line in lines:
        line.rate = (line.amount / total) if total else ZERO
    return Distribution(
        net_income=total,
        previously_distributed_net_income=previously_distributed_net_income,
        total=total,
        slices=slices,
        lines=[line for line in lines if line.slices or line.kind == "inventor"],
    )


def _validate_inputs(net_income, previously, inventors) -> None:
    errors: dict[str, list[str]] = {}
    if net_income < 0:
        errors["net_income"] = [
            _(
                "Net income to distribute is not negative; "
                "a loss is carried in the cumulative figure."
            )
        ]
    if previously < 0:
        errors["previously_distributed_net_income"] = [_("This amount is not negative.")]
    if not inventors:
        errors["inventors"] = [_("Name at least one inventor.")]
    for index, inventor in enumerate(inventors):
        if inventor.share <= 0:
            errors[f"inventors.{index}.share"] = [_("An inventor's share is more than 0.")]
    if errors:
        raise InvalidInput(errors, code="invalid_distribution")


def split_by_shares(amount: Decimal, shares: Sequence[Decimal], quantum: Decimal) -> list[Decimal]:
    """Split ``amount`` by positive weights, rounded to ``quantum`` with the
    largest remainder, adding up to ``amount`` (co-owners' parts, whole
    shares of equity)."""
    weight_total = sum(shares, ZERO)
    exact = [amount * share / weight_total for share in shares]
    return largest_remainder(exact, amount, quantum)
