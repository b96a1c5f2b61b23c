"""The income approach for intangible assets: relief from royalty, profit
split and multi-period excess earnings.

Each takes yearly figures from year 1 and discounts the figure of year t
like the rest of the engine: (1 + r)^t, or (1 + r)^(t - 0.5) mid-year. Tax
applies to positive yearly amounts only.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from .errors import EngineInputError
from .timing import Timing, check_rate, discount_factors

MAX_YEARS = 200


def _years_of(field_name: str, values) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise EngineInputError(field_name, "Give at least one year's figure.")
    if array.size > MAX_YEARS:
        raise EngineInputError(field_name, f"At most {MAX_YEARS} years.")
    if not np.isfinite(array).all():
        raise EngineInputError(field_name, "Every figure is a finite number.")
    return array


def _rate(field_name: str, value: float) -> float:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise EngineInputError(field_name, "A rate lies between 0 and 1.")
    return value


def after_tax(amounts: np.ndarray, tax_rate: float) -> np.ndarray:
    """Tax only what is positive: a loss year pays no tax (and earns no
    credit)."""
    return amounts - tax_rate * np.maximum(amounts, 0.0)


@dataclass(frozen=True)
class IncomeYear:
    year: int
    amount: float
    after_tax: float
    discount_factor: float
    present_value: float


@dataclass
class ReliefFromRoyaltyResult:
    value: float
    present_value_before_benefit: float
    benefit_factor: float
    annuity_factor: float | None
    years: list[IncomeYear] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IncomeResult:
    value: float
    years: list[IncomeYear] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _table(amounts, after, factors) -> list[IncomeYear]:
    present = after * factors
    return [
        IncomeYear(year, *row)
        for year, row in enumerate(
            zip(amounts.tolist(), after.tolist(), factors.tolist(), present.tolist(), strict=True),
            start=1,
        )
    ]


def relief_from_royalty(
    *,
    revenues,
    royalty_rate: float,
    discount_rate: float,
    tax_rate: float,
    tax_amortisation_benefit: bool = False,
    amortisation_years: int | None = None,
    timing: Timing = Timing.END_OF_YEAR,
) -> ReliefFromRoyaltyResult:
    """The royalties the owner saves by owning the technology instead of
    licensing it: revenue x royalty rate, after tax, discounted. With the
    tax amortisation benefit, the value is grossed up by
    1 / (1 - tax x annuity factor / amortisation years), where the annuity
    factor discounts one unit a year over the amortisation years."""
    revenues = _years_of("revenues", revenues)
    _rate("royalty_rate", royalty_rate)
    _rate("tax_rate", tax_rate)
    check_rate("discount_rate", discount_rate)
    royalties = revenues * royalty_rate
    after = after_tax(royalties, tax_rate)
    factors = discount_factors(np.arange(1, revenues.size + 1), discount_rate, timing)
    before_benefit = float(after @ factors)
    benefit_factor, annuity_factor = 1.0, None
    if tax_amortisation_benefit:
        if isinstance(amortisation_years, bool) or not isinstance(amortisation_years, int):
            raise EngineInputError("amortisation_years", "Whole years, needed with the benefit.")
        if not 1 <= amortisation_years <= MAX_YEARS:
            raise EngineInputError("amortisation_years", f"Between 1 and {MAX_YEARS} years.")
        annuity_factor = float(
            discount_factors(np.arange(1, amortisation_years + 1), discount_rate, timing).sum()
        )
        denominator = 1.0 - tax_rate * annuity_factor / amortisation_years
        if denominator <= 0:
            raise EngineInputError(
                "tax_rate", "The tax amortisation benefit is unbounded at this tax rate."
            )
        benefit_factor = 1.0 / denominator
    return ReliefFromRoyaltyResult(
        value=before_benefit * benefit_factor,
        present_value_before_benefit=before_benefit,
        benefit_factor=benefit_factor,
        annuity_factor=annuity_factor,
        years=_table(royalties, after, factors),
    )


def profit_split(
    *,
    revenues,
    profit_margin: float,
    technology_share: float,
    tax_rate: float,
    discount_rate: float,
    timing: Timing = Timing.END_OF_YEAR,
) -> IncomeResult:
    """The technology's share of the operating profit it helps earn:
    revenue x margin x share, after tax, discounted."""
    revenues = _years_of("revenues", revenues)
    if not (math.isfinite(profit_margin) and -10.0 <= profit_margin <= 1.0):
        raise EngineInputError("profit_margin", "A margin is at most 1 (100% of revenue).")
    _rate("technology_share", technology_share)
    _rate("tax_rate", tax_rate)
    check_rate("discount_rate", discount_rate)
    share = revenues * profit_margin * technology_share
    after = after_tax(share, tax_rate)
    factors = discount_factors(np.arange(1, revenues.size + 1), discount_rate, timing)
    return IncomeResult(value=float(after @ factors), years=_table(share, after, factors))


def excess_earnings(
    *,
    cash_flows,
    contributory_asset_charges,
    tax_rate: float,
    discount_rate: float,
    charges_after_tax: bool = True,
    timing: Timing = Timing.END_OF_YEAR,
) -> IncomeResult:
    """Multi-period excess earnings: the pre-tax cash flows that the asset
    and its contributory assets earn, taxed, less the charges for the
    contributory assets (working capital, fixed assets, workforce, other
    intangibles), discounted. Charges are after tax, as valuation practice
    states them; with ``charges_after_tax=False`` they are deducted before
    tax instead."""
    flows = _years_of("cash_flows", cash_flows)
    charges = _years_of("contributory_asset_charges", contributory_asset_charges)
    if charges.size != flows.size:
        raise EngineInputError(
            "contributory_asset_charges", "Give one charge per year of cash flows."
        )
    _rate("tax_rate", tax_rate)
    check_rate("discount_rate", discount_rate)
    if charges_after_tax:
        excess = after_tax(flows, tax_rate) - charges
    else:
        excess = after_tax(flows - charges, tax_rate)
    factors = discount_factors(np.arange(1, flows.size + 1), discount_rate, timing)
    return IncomeResult(value=float(excess @ factors), years=_table(flows, excess, factors))
