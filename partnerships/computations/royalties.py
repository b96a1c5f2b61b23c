"""Royalties on annual net sales from tiered rates.

A tier's band runs from its lower bound up to the next tier's lower bound,
that threshold included: annual sales exactly at a threshold belong to the
lower tier (a licence's "5 % up to 1,000,000" covers the 1,000,000th yuan).
The first band starts at zero sales. With the marginal basis (the default,
like tax brackets) each rate applies to the slice of sales inside its band;
with the whole basis the rate of the band that holds the year's sales
applies to all of them.

Thresholds are annual, so a report for part of a year is charged the
difference between the royalty on the year's sales to date with and without
it. Results are exact decimals; the caller rounds once, with
``core.money.quantize_money``. ``royalty_on_annual_sales`` is the one place
that turns tiers, basis and sales into a royalty; the valuation engine
(``valuations/engine/deal.py``) follows the same rule in floats, and a test
holds the two to the cent.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Tier:
    lower_bound: Decimal
    rate_percent: Decimal


class TierError(ValueError):
    pass


def validate_tiers(tiers: Sequence[Tier]) -> None:
    """Tiers start at zero sales, rise strictly and have rates within 0–100."""
    if not tiers:
        return
    if tiers[0].lower_bound != 0:
        raise TierError("The first tier starts at zero sales.")
    for lower, upper in itertools.pairwise(tiers):
        if upper.lower_bound <= lower.lower_bound:
            raise TierError("Tier thresholds must rise strictly.")
    for tier in tiers:
        if not 0 <= tier.rate_percent <= 100:
            raise TierError("A royalty rate lies between 0 and 100 percent.")


def _bands(tiers: Sequence[Tier]) -> list[tuple[Tier, Decimal | None]]:
    """Each tier with the threshold its band runs up to (``None``: the last
    band has no upper bound)."""
    uppers = [tier.lower_bound for tier in tiers[1:]] + [None]
    return list(zip(tiers, uppers, strict=True))


def _sales_in_band(start: Decimal, end: Decimal, lower: Decimal, upper: Decimal | None) -> Decimal:
    """How much of the year's sales from ``start`` (excluded) to ``end``
    (included) falls in the band above ``lower`` up to ``upper``
    (included)."""
    top = end if upper is None else min(end, upper)
    return max(Decimal(0), top - max(start, lower))


def tier_holding(annual_sales: Decimal, tiers: Sequence[Tier]) -> Tier | None:
    """The tier whose band holds a year's sales: the last tier whose lower
    bound lies strictly below them, so that sales exactly at a threshold
    keep the lower tier's rate. Zero sales lie in a first band that starts
    at zero. ``None`` when the sales reach no band (tiers that skip zero)."""
    holding = None
    for tier in tiers:
        if not (tier.lower_bound < annual_sales or tier.lower_bound == 0):
            break
        holding = tier
    return holding


def royalty_on_annual_sales(
    annual_sales: Decimal, tiers: Sequence[Tier], basis: str = "marginal"
) -> Decimal:
    """The royalty on a year's net sales."""
    if annual_sales <= 0 or not tiers:
        return Decimal(0)
    if basis == "whole":
        tier = tier_holding(annual_sales, tiers)
        if tier is None:
            # Tiers that skip zero (raw admin rows) leave low sales in no band.
            return Decimal(0)
        return annual_sales * tier.rate_percent / HUNDRED
    return sum(
        (
            _sales_in_band(Decimal(0), annual_sales, tier.lower_bound, upper)
            * tier.rate_percent
            / HUNDRED
            for tier, upper in _bands(tiers)
        ),
        Decimal(0),
    )


def royalty_for_period(
    *,
    sales_earlier_in_year: Decimal,
    period_sales: Decimal,
    tiers: Sequence[Tier],
    basis: str = "marginal",
) -> Decimal:
    """The royalty on one period's sales, given the sales already reported
    for earlier periods of the same year."""
    before = royalty_on_annual_sales(sales_earlier_in_year, tiers, basis)
    after = royalty_on_annual_sales(sales_earlier_in_year + period_sales, tiers, basis)
    return after - before


def minimum_royalty_shortfall(*, royalties_in_year: Decimal, minimum: Decimal) -> Decimal:
    """What the licensee still owes to reach the minimum annual royalty."""
    return max(Decimal(0), minimum - royalties_in_year)


@dataclass(frozen=True)
class TierSlice:
    """The part of a report's sales that falls in one tier, and its royalty."""

    lower_bound: Decimal
    upper_bound: Decimal | None
    rate_percent: Decimal
    sales: Decimal
    royalty: Decimal


def tier_slices(
    *, tiers: Sequence[Tier], sales_earlier_in_year: Decimal, period_sales: Decimal
) -> list[TierSlice]:
    """How the marginal tiers charge one period's sales, band by band: the
    slice of the year's sales that the period adds to each band, a band
    holding the sales up to its upper bound included. The royalties add up
    to ``royalty_for_period`` before rounding."""
    start, end = sales_earlier_in_year, sales_earlier_in_year + period_sales
    slices = []
    for tier, upper in _bands(tiers):
        sales = _sales_in_band(start, end, tier.lower_bound, upper)
        slices.append(
            TierSlice(
                lower_bound=tier.lower_bound,
                upper_bound=upper,
                rate_percent=tier.rate_percent,
                sales=sales,
                royalty=sales * tier.rate_percent / HUNDRED,
            )
        )
    return slices
