"""The demo's income distribution: ``seed_distribution()``, part of
``seed_demo()``.

It writes ``demo.distribution_specs``: the invoices and payments of the
contracts the annual reports count (through the fixed-payment and payment
services), the achievements they concern, the costs of 2025, the equity the
institutions hold and sold, each institution's distribution policy, and the
runs of the distributing institutions, prepared by one staff member and
approved by the other through the run services, their cash paid and equity
granted, with the last half-year a draft awaiting approval. The equity goes
through the equity services; the policies, which have no service yet, are
written as the office would enter them.

The services date what they do today; the demo dates it as the history
would have it (a run approved in July 2025 was approved in July 2025), so
the approval times are set to their day after the service has approved.
What exists already is left alone: an agreement's fixed payments once it
has any, an institution's policies and runs once it has any.
"""

import datetime
import zlib
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import User
from achievements.models import Achievement, AchievementAgreement, IpCost
from achievements.services import achievement_agreement_link, ip_cost_record
from demo.distribution_specs import (
    COSTS,
    DEDUCTIBLE_COST_KINDS,
    DISTRIBUTING,
    HOLDINGS,
    INSTALMENTS,
    LINKS,
    NOTICE_DAYS,
    POLICIES,
    RUNS,
    RunSpec,
)
from demo.money import record_vat_invoice
from demo.specs import DEMO_TIME_ZONE
from distributions.choices import LineState, RecipientKind, RewardForm
from distributions.models import DistributionPolicy, DistributionRun, EquityHolding, PolicyTier
from distributions.services.equity import record_holding, record_sale
from distributions.services.runs import (
    approve_run,
    prepare_run,
    record_public_notice,
    settle_line,
)
from partnerships.models import Agreement, Enterprise, Institution
from projects.models import FixedPayment
from projects.services import fixed_payment_add, fixed_payment_invoice, payment_record


@dataclass(frozen=True)
class DistributionSummary:
    policies: int
    runs: int
    lines: int
    holdings: int

    def __str__(self) -> str:
        return (
            f"{self.policies} distribution policies, {self.runs} distribution runs "
            f"({self.lines} lines), {self.holdings} equity holdings"
        )


def seed_distribution(*, preparer: User, approver: User) -> DistributionSummary:
    """The money of the new contracts, the equity held, the policies and
    the runs, as ``preparer`` (who also invoices and pays) and ``approver``."""
    agreements = {a.reference: a for a in Agreement.objects.select_related("partnership")}
    achievements = {a.reference: a for a in Achievement.objects.all()}
    institutions = {i.code: i for i in Institution.objects.all()}
    _seed_instalments(agreements, preparer)
    _seed_links(achievements, agreements, preparer)
    _seed_costs(achievements, preparer)
    _seed_holdings(institutions, agreements, preparer)
    _seed_policies(institutions, preparer)
    for code in DISTRIBUTING:
        institution = institutions[code]
        if not DistributionRun.objects.filter(institution=institution).exists():
            for spec in RUNS:
                _seed_run(institution, spec, preparer, approver)
    runs = DistributionRun.objects.filter(institution__code__in=institutions)
    return DistributionSummary(
        policies=DistributionPolicy.objects.count(),
        runs=runs.count(),
        lines=sum(run.lines.count() for run in runs),
        holdings=EquityHolding.objects.count(),
    )


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=DEMO_TIME_ZONE)


def _seed_instalments(agreements, staff: User) -> None:
    done = set(
        FixedPayment.objects.filter(
            agreement__reference__in={spec.agreement for spec in INSTALMENTS}
        ).values_list("agreement__reference", flat=True)
    )
    for spec in INSTALMENTS:
        if spec.agreement in done:
            continue
        agreement = agreements[spec.agreement]
        fixed_payment = fixed_payment_add(
            agreement=agreement,
            by=staff,
            kind=spec.kind,
            amount=Decimal(spec.amount),
            due_date=spec.issued_on + datetime.timedelta(days=30),
            description=spec.description,
        )
        invoice = fixed_payment_invoice(
            fixed_payment=fixed_payment, by=staff, issued_on=spec.issued_on
        )
        record_vat_invoice(invoice, by=staff)
        serial = zlib.crc32(f"{invoice.number}:{spec.paid_on}".encode()) % 1_000_000
        payment_record(
            invoice=invoice,
            amount=invoice.amount,
            currency=invoice.currency,
            paid_on=spec.paid_on,
            by=staff,
            reference=f"TT{spec.paid_on:%Y%m%d}{serial:06d}",
        )


def _seed_links(achievements, agreements, staff: User) -> None:
    for spec in LINKS:
        achievement = achievements[spec.achievement]
        agreement = agreements[spec.agreement]
        if AchievementAgreement.objects.filter(
            achievement=achievement, agreement=agreement
        ).exists():
            continue
        achievement_agreement_link(
            achievement=achievement,
            agreement=agreement,
            mode=spec.mode,
            by=staff,
            income_share_percent=Decimal(spec.income_share_percent),
        )


def _seed_costs(achievements, staff: User) -> None:
    for spec in COSTS:
        achievement = achievements[spec.achievement]
        if IpCost.objects.filter(achievement=achievement, description=spec.description).exists():
            continue
        ip_cost_record(
            achievement=achievement,
            by=staff,
            kind=spec.kind,
            amount=Decimal(spec.amount),
            currency="CNY",
            incurred_on=spec.incurred_on,
            description=spec.description,
        )


def _seed_holdings(institutions, agreements, staff: User) -> None:
    companies = {e.code: e for e in Enterprise.objects.all()}
    for spec in HOLDINGS:
        institution, company = institutions[spec.institution], companies[spec.company]
        agreement = agreements[spec.agreement]
        if EquityHolding.objects.filter(
            institution=institution, company=company, agreement=agreement
        ).exists():
            continue
        holding = record_holding(
            staff,
            institution=institution,
            company=company,
            acquired_on=spec.acquired_on,
            shares=Decimal(spec.shares),
            value=Decimal(spec.value),
            agreement=agreement,
            founded_by_institution=spec.founded_by_institution,
        )
        for day, shares, proceeds in spec.sales:
            record_sale(
                staff,
                holding,
                realised_on=day,
                shares=Decimal(shares),
                proceeds=Decimal(proceeds),
            )


def _seed_policies(institutions, staff: User) -> None:
    # The policy services are not there yet: the policies are written as
    # the office would enter them, one tier each.
    with_policies = set(DistributionPolicy.objects.values_list("institution__code", flat=True))
    for spec in POLICIES:
        if spec.institution in with_policies:
            continue
        policy = DistributionPolicy.objects.create(
            institution=institutions[spec.institution],
            name=spec.name,
            name_zh=spec.name_zh,
            preset=spec.preset,
            effective_from=spec.effective_from,
            deductible_cost_kinds=list(DEDUCTIBLE_COST_KINDS),
            equity_inventor_share=Decimal(spec.equity_inventor_share),
            operating_profit_share=Decimal(spec.operating_profit_share),
            operating_profit_years=spec.operating_profit_years,
            source=spec.source,
            created_by=staff,
        )
        inventors, department, institution, office = (Decimal(s) for s in spec.shares)
        PolicyTier.objects.create(
            policy=policy,
            position=1,
            up_to=None,
            inventors=inventors,
            department=department,
            institution=institution,
            office=office,
        )


def _seed_run(institution, spec: RunSpec, preparer: User, approver: User) -> DistributionRun:
    run = prepare_run(
        preparer,
        institution,
        period_start=spec.period_start,
        period_end=spec.period_end,
        currency="CNY",
        notes=spec.notes,
    )
    DistributionRun.objects.filter(pk=run.pk).update(
        created_at=_at(spec.prepared_on), updated_at=_at(spec.prepared_on)
    )
    if spec.approved_on is None:
        return run
    run = approve_run(approver, run)
    DistributionRun.objects.filter(pk=run.pk).update(
        approved_at=_at(spec.approved_on, 15), updated_at=_at(spec.approved_on, 15)
    )
    run.refresh_from_db()
    record_public_notice(preparer, run, published_on=spec.notice_on, days=NOTICE_DAYS)
    for line in run.lines.filter(state=LineState.PENDING).order_by("pk"):
        if line.amount <= 0 and not line.equity_shares:
            continue
        if spec.co_owners_pending and line.kind == RecipientKind.CO_OWNER:
            continue
        settle_line(
            preparer, line, on=spec.settled_on, reference=_reference(line, spec.settled_on)
        )
    DistributionRun.objects.filter(pk=run.pk).update(updated_at=_at(spec.settled_on, 16))
    return run


def _reference(line, day: datetime.date) -> str:
    if line.form == RewardForm.EQUITY:
        return f"Share register {day:%Y-%m-%d}"
    if line.kind == RecipientKind.INVENTOR:
        return f"Payroll {day:%Y-%m}"
    return f"Transfer {day:%Y%m%d}-{line.pk}"
