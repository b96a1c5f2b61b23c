"""Equity the institution holds, received for contributing an achievement
(作价投资) or otherwise, the sales of it, and the operating profit of
achievements it exploits itself. The annual reports count these; the
distribution runs share the equity received and the operating profit."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from achievements.models import Achievement
from core.dates import PAST, date_check
from core.money import Currency, quantize_money
from partnerships.models import Agreement, Enterprise, Institution

from ..models import EquityHolding, EquityRealisation, OperatingProfit
from .runs import RunError, require_distribution_staff


class EquityError(RunError):
    code = "equity_refused"


@transaction.atomic
def record_holding(
    user,
    *,
    institution: Institution,
    company: Enterprise,
    acquired_on: date,
    shares: Decimal,
    value: Decimal,
    currency: str = Currency.CNY,
    agreement: Agreement | None = None,
    founded_by_institution: bool = False,
) -> EquityHolding:
    """Shares received in ``company``; under ``agreement`` when they were
    the price of a contribution or a licence."""
    require_distribution_staff(user, institution)
    date_check(acquired_on, field="acquired_on", bounds=PAST)
    if shares != shares.to_integral_value() or shares < 1:
        raise EquityError(
            _("A holding is a whole number of shares, at least one."),
            code="invalid_shares",
            field="shares",
        )
    if value < 0:
        raise EquityError(_("A value is 0 or more."), code="invalid_amount", field="value")
    if agreement is not None and agreement.partnership.institution_id != institution.pk:
        raise EquityError(
            _("The agreement is not one of %(institution)s's.")
            % {"institution": institution.name},
            code="foreign_agreement",
            field="agreement",
        )
    return EquityHolding.objects.create(
        institution=institution,
        company=company,
        agreement=agreement,
        acquired_on=acquired_on,
        shares=shares,
        value=quantize_money(value, currency),
        currency=currency,
        founded_by_institution=founded_by_institution,
    )


def shares_held(holding: EquityHolding) -> Decimal:
    sold = holding.realisations.aggregate(total=Sum("shares"))["total"] or Decimal(0)
    return holding.shares - sold


@transaction.atomic
def record_sale(
    user, holding: EquityHolding, *, realised_on: date, shares: Decimal, proceeds: Decimal
) -> EquityRealisation:
    """Shares of a holding sold: never more than are still held, never
    before they were received."""
    holding = EquityHolding.objects.select_for_update().get(pk=holding.pk)
    require_distribution_staff(user, holding.institution)
    date_check(realised_on, field="realised_on", bounds=PAST)
    if realised_on < holding.acquired_on:
        raise EquityError(
            _("Shares are sold on or after the day they were received (%(date)s).")
            % {"date": holding.acquired_on.isoformat()},
            code="sold_before_acquired",
            field="realised_on",
        )
    if shares != shares.to_integral_value() or shares < 1:
        raise EquityError(
            _("Sell a whole number of shares, at least one."),
            code="invalid_shares",
            field="shares",
        )
    held = shares_held(holding)
    if shares > held:
        raise EquityError(
            _("Only %(held)s shares are still held.") % {"held": held},
            code="more_than_held",
            field="shares",
        )
    if proceeds < 0:
        raise EquityError(_("Proceeds are 0 or more."), code="invalid_amount", field="proceeds")
    return EquityRealisation.objects.create(
        holding=holding,
        realised_on=realised_on,
        shares=shares,
        proceeds=quantize_money(proceeds, holding.currency),
        currency=holding.currency,
    )


@transaction.atomic
def record_operating_profit(
    user,
    *,
    institution: Institution,
    achievement: Achievement,
    year: int,
    profit: Decimal,
    currency: str = Currency.CNY,
) -> OperatingProfit:
    """A year's operating profit from an achievement the institution
    exploits itself; recorded again for the same year, it is replaced."""
    require_distribution_staff(user, institution)
    if not achievement.owners.filter(institution=institution).exists():
        raise EquityError(
            _("%(reference)s is not owned by %(institution)s.")
            % {"reference": achievement.reference, "institution": institution.name},
            code="not_owned",
            field="achievement",
        )
    if not 1980 <= year <= date.today().year:
        raise EquityError(_("A year from 1980 to this year."), code="invalid_year", field="year")
    record, _created = OperatingProfit.objects.update_or_create(
        achievement=achievement,
        institution=institution,
        year=year,
        currency=currency,
        defaults={"profit": quantize_money(profit, currency), "recorded_by": user},
    )
    return record
