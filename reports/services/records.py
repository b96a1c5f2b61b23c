"""The records of one institution that the annual reports count: its
agreements, the money received under them, its achievements, patents,
equity, rewards. Each function answers a queryset, so a figure can be
added up and listed from the same query."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from achievements.choices import FundingSource
from achievements.models import Achievement, AchievementAgreement, IpCost, PatentApplication
from distributions.choices import RecipientKind, RunState
from distributions.models import DistributionLine, DistributionRun, EquityHolding
from partnerships.models import Agreement
from projects.models import Payment
from reports.computations.periods import Period


def agreements_of(institution) -> QuerySet[Agreement]:
    """The institution's agreements that are or were in force: signed, or
    signed and since terminated."""
    return (
        Agreement.objects.filter(partnership__institution=institution)
        .exclude(status=Agreement.Status.DRAFT)
        .exclude(signed_on__isnull=True)
        .select_related("partnership__enterprise")
    )


def signed_in(agreements: QuerySet[Agreement], period: Period) -> QuerySet[Agreement]:
    """Contracts count by their signing date."""
    return agreements.filter(signed_on__range=(period.start, period.end))


def receipts_under(agreements: QuerySet[Agreement]) -> QuerySet[Payment]:
    """Payments received against invoices for milestones, royalty reports
    and fixed payments of ``agreements``."""
    ids = agreements.values("id")
    return Payment.objects.filter(
        Q(invoice__milestone__agreement__in=ids)
        | Q(invoice__royalty_report__agreement__in=ids)
        | Q(invoice__fixed_payment__agreement__in=ids)
    ).select_related("invoice")


def received_in(payments: QuerySet[Payment], period: Period, currency: str) -> QuerySet[Payment]:
    """Money counts by the day it was received (``paid_on``), in the
    report's currency."""
    return payments.filter(paid_on__range=(period.start, period.end), currency=currency)


def total(queryset: QuerySet, field: str = "amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal(0)


def achievements_of(institution) -> QuerySet[Achievement]:
    """Achievements the institution owns, alone or with others."""
    return Achievement.objects.filter(owners__institution=institution).distinct()


def with_government_funded_achievement(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Agreements that transfer at least one achievement of a
    government-funded project (财政资金资助)."""
    funded = AchievementAgreement.objects.filter(
        agreement=OuterRef("pk"), achievement__funding_source=FundingSource.GOVERNMENT
    )
    return agreements.filter(Exists(funded))


def applications_of(institution) -> QuerySet[PatentApplication]:
    return PatentApplication.objects.filter(
        family__achievement__in=achievements_of(institution).values("id")
    ).select_related("family")


def ip_costs_of(institution) -> QuerySet[IpCost]:
    return IpCost.objects.filter(
        achievement__in=achievements_of(institution).values("id")
    ).select_related("achievement")


def equity_holdings_of(institution) -> QuerySet[EquityHolding]:
    return EquityHolding.objects.filter(institution=institution).select_related("company")


def approved_runs_of(institution, period: Period) -> QuerySet[DistributionRun]:
    """The approved distribution runs of the income of ``period``: runs
    whose period ends in it, with their corrections (a correction carries
    the differences from the run it corrects, so both count)."""
    return DistributionRun.objects.filter(
        institution=institution,
        state=RunState.APPROVED,
        period_end__range=(period.start, period.end),
    )


def rewards_of(institution, period: Period, currency: str) -> QuerySet[DistributionLine]:
    """Rewards to persons (inventors and the other key contributors) in the
    approved runs of ``period``."""
    return DistributionLine.objects.filter(
        run__in=approved_runs_of(institution, period).values("id"),
        kind=RecipientKind.INVENTOR,
        person__isnull=False,
        currency=currency,
    ).select_related("person", "run")
