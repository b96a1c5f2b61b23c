"""Distribution runs: the net income of an institution's achievements over
a period, shared by the policy in force at the period's end, first with the
co-owners by their ownership shares, then by the policy's tiers with the
inventors, their departments, the institution and its transfer office.

A run is prepared as a draft (recomputed at will), approved by a second
staff member and immutable from then on; its lines are then paid (cash) or
granted (equity). A mistake in an approved run is put right by a correction:
a new run over the same period whose lines are the differences.

What has been distributed is remembered per achievement as the cumulative
net income shared so far, so each run shares only what the achievement has
earned net since the last one, and a loss in one period is made good out of
the next period's income before anything more is shared.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.choices import TransferMode
from achievements.models import Achievement, AchievementAgreement, AchievementOwner, Inventor
from core.errors import DomainError
from core.events import publish
from core.exchange import convert
from core.i18n import localized_name
from core.money import MINOR_UNITS, Currency, quantize_money
from partnerships.models import Agreement, Institution

from ..choices import LineState, RecipientKind, RewardForm, RewardSource, RunState, TaxTreatment
from ..computations.shares import Beneficiary, Tier, distribute, minor_unit, split_by_shares
from ..events import LineSettled, RunApproved
from ..models import (
    DistributionLine,
    DistributionPolicy,
    DistributionRun,
    EquityHolding,
    OperatingProfit,
    RunAchievement,
)
from ..selectors import acts_for_institution, policy_in_force
from .net_income import HUNDRED, ZERO, achievement_income

ONE_SHARE = Decimal(1)


class RunError(DomainError):
    code = "distribution_refused"


def may_distribute_for(user, institution: Institution) -> bool:
    """Staff of the institution (and superusers) prepare, approve and settle
    its distributions."""
    return acts_for_institution(user, institution)


def require_distribution_staff(user, institution: Institution) -> None:
    if not may_distribute_for(user, institution):
        raise RunError(
            _("Only staff of %(institution)s distribute its income.")
            % {"institution": localized_name(institution)},
            code="not_institution_staff",
        )


# ---------------------------------------------------------------------------
# Computing a run


@dataclass
class PlannedLine:
    achievement_id: int
    kind: str
    recipient_name: str
    amount: Decimal
    form: str = RewardForm.CASH
    source: str = RewardSource.NET_INCOME
    person_id: int | None = None
    co_owner_institution_id: int | None = None
    co_owner_enterprise_id: int | None = None
    department: str = ""
    base: Decimal = ZERO
    rate: Decimal = ZERO
    tier_slices: list = field(default_factory=list)
    equity_shares: Decimal | None = None
    main_contributor: bool = False
    tax_treatment: str = TaxTreatment.NONE

    @property
    def key(self) -> tuple:
        """Who the line is for, so a correction can compare lines."""
        return (
            self.achievement_id,
            self.kind,
            self.source,
            self.form,
            self.person_id,
            self.co_owner_institution_id,
            self.co_owner_enterprise_id,
            self.department,
        )


@dataclass
class PlannedAchievement:
    achievement: Achievement
    receipts: Decimal
    deductible_costs: Decimal
    cumulative_net_income: Decimal
    previously_distributed_net_income: Decimal
    net_income: Decimal
    own_share_percent: Decimal
    equity_shares_received: Decimal = ZERO


@dataclass
class RunPlan:
    """What a run would contain: computed, not saved."""

    institution: Institution
    period_start: date
    period_end: date
    currency: str
    policy: DistributionPolicy
    corrects: DistributionRun | None
    achievements: list[PlannedAchievement]
    lines: list[PlannedLine]

    @property
    def net_income(self) -> Decimal:
        return sum((entry.net_income for entry in self.achievements), ZERO)

    @property
    def cash_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.form == RewardForm.CASH), ZERO)


def plan_run(
    institution: Institution,
    *,
    period_start: date,
    period_end: date,
    currency: str = Currency.CNY,
    corrects: DistributionRun | None = None,
) -> RunPlan:
    """Compute the run for a period without saving it: the preview."""
    if period_end < period_start:
        raise RunError(_("A period ends on or after its first day."), code="period_unordered")
    if period_end > timezone.localdate():
        raise RunError(
            _("A period is distributed once it is over; it ends on %(date)s at the latest.")
            % {"date": timezone.localdate().isoformat()},
            code="period_not_over",
        )
    if corrects is None:
        _refuse_overlap(institution, currency, period_start, period_end)
    policy = policy_in_force(institution, period_end)
    if policy is None:
        raise RunError(
            _("%(institution)s has no distribution policy in force on %(date)s.")
            % {"institution": localized_name(institution), "date": period_end.isoformat()},
            code="no_policy_in_force",
        )
    tiers = [
        Tier(tier.up_to, tier.inventors, tier.department, tier.institution, tier.office)
        for tier in policy.tiers.all()
    ]
    places = MINOR_UNITS[Currency(currency)]
    quantum = minor_unit(places)
    achievements = list(
        Achievement.objects.filter(owners__institution=institution)
        .filter(Q(agreement_links__isnull=False) | Q(operating_profits__institution=institution))
        .distinct()
        .order_by("reference")
    )
    # The institution's achievements as a subquery, not a list of ids: a
    # large portfolio would exceed the database's limit of parameters.
    ids = Achievement.objects.filter(owners__institution=institution).values("id")
    incomes = achievement_income(
        ids,
        institution_id=institution.pk,
        start=period_start,
        end=period_end,
        currency=currency,
        deductible_cost_kinds=policy.deductible_cost_kinds,
    )
    distributed_before = _distributed_before(institution, currency, period_start, ids)
    owners = defaultdict(list)
    for owner in AchievementOwner.objects.filter(achievement_id__in=ids).select_related(
        "institution", "enterprise"
    ):
        owners[owner.achievement_id].append(owner)
    inventors = defaultdict(list)
    for inventor in Inventor.objects.filter(achievement_id__in=ids).select_related("person"):
        inventors[inventor.achievement_id].append(inventor)
    equity = _equity_received(institution, ids, period_start, period_end)
    profits = _operating_profits(institution, ids, currency, period_start, period_end, policy)
    registered = _registered_agreement_ids(institution)

    planned_achievements, lines = [], []
    for achievement in achievements:
        income = incomes.get(achievement.pk)
        shares_received = equity.get(achievement.pk, ([], ZERO))[1]
        profit_years = profits.get(achievement.pk, [])
        if income is None and not shares_received and not profit_years:
            continue
        cumulative = income.cumulative_net_income if income else ZERO
        previously = distributed_before.get(achievement.pk, ZERO)
        distributable = max(ZERO, cumulative - previously)
        own_percent = sum(
            (
                o.share_percent
                for o in owners[achievement.pk]
                if o.institution_id == institution.pk
            ),
            ZERO,
        )
        entry = PlannedAchievement(
            achievement=achievement,
            receipts=income.receipts if income else ZERO,
            deductible_costs=income.costs if income else ZERO,
            cumulative_net_income=cumulative,
            previously_distributed_net_income=previously,
            net_income=distributable,
            own_share_percent=own_percent,
            equity_shares_received=shares_received,
        )
        if distributable == 0 and not shares_received and not profit_years:
            if income and (income.receipts or income.costs):
                planned_achievements.append(entry)
            continue
        if not inventors[achievement.pk]:
            raise RunError(
                _("%(reference)s has no inventors recorded: record them before distributing.")
                % {"reference": achievement.reference},
                code="achievement_without_inventors",
            )
        planned_achievements.append(entry)
        if distributable:
            cash_tax = (
                TaxTreatment.CASH_HALF_REDUCTION
                if income.agreement_ids and income.agreement_ids <= registered
                else TaxTreatment.CASH_ORDINARY
            )
            lines += _cash_lines(
                institution,
                achievement,
                distributable,
                previously,
                owners[achievement.pk],
                inventors[achievement.pk],
                tiers,
                places,
                quantum,
                cash_tax,
            )
        if shares_received:
            lines += _equity_lines(
                achievement, equity[achievement.pk][0], inventors[achievement.pk], policy, currency
            )
        if profit_years:
            lines += _operating_profit_lines(
                achievement, profit_years, inventors[achievement.pk], policy, quantum
            )
    plan = RunPlan(
        institution=institution,
        period_start=period_start,
        period_end=period_end,
        currency=currency,
        policy=policy,
        corrects=corrects,
        achievements=planned_achievements,
        lines=lines,
    )
    if corrects is not None:
        plan = _as_correction(plan, corrects)
    return plan


def preview_run(user, institution: Institution, **period) -> RunPlan:
    """The plan of a period, for the institution's staff: what preparing a
    run would save."""
    require_distribution_staff(user, institution)
    return plan_run(institution, **period)


def _refuse_overlap(institution, currency, period_start, period_end) -> None:
    overlapping = (
        DistributionRun.objects.filter(
            institution=institution,
            currency=currency,
            state=RunState.APPROVED,
            corrects__isnull=True,
            period_start__lte=period_end,
            period_end__gte=period_start,
        )
        .order_by("period_start")
        .first()
    )
    if overlapping is not None:
        raise RunError(
            _(
                "%(start)s to %(end)s is distributed already by an approved run; "
                "correct that run instead."
            )
            % {
                "start": overlapping.period_start.isoformat(),
                "end": overlapping.period_end.isoformat(),
            },
            code="period_already_distributed",
        )


def _distributed_before(institution, currency, period_start, achievement_ids) -> dict:
    """The cumulative net income already shared per achievement by approved
    runs (and their corrections) over periods before ``period_start``."""
    rows = (
        RunAchievement.objects.filter(
            run__institution=institution,
            run__currency=currency,
            run__state=RunState.APPROVED,
            run__period_end__lt=period_start,
            achievement_id__in=achievement_ids,
        )
        .values("achievement_id")
        .annotate(total=Sum("net_income"))
    )
    return {row["achievement_id"]: row["total"] for row in rows}


def _equity_received(institution, achievement_ids, start, end) -> dict:
    """Shares received in the period for contributing each achievement: the
    holdings under its equity-contribution agreements, by the agreement's
    income share for it."""
    links = AchievementAgreement.objects.filter(
        achievement_id__in=achievement_ids, mode=TransferMode.EQUITY_CONTRIBUTION
    ).values("achievement_id", "agreement_id", "income_share_percent")
    by_agreement = defaultdict(list)
    for link in links:
        by_agreement[link["agreement_id"]].append(
            (link["achievement_id"], link["income_share_percent"] / HUNDRED)
        )
    received: dict[int, tuple[list, Decimal]] = {}
    holdings = EquityHolding.objects.filter(
        institution=institution,
        agreement_id__in=list(by_agreement),
        acquired_on__gte=start,
        acquired_on__lte=end,
    )
    for holding in holdings:
        for achievement_id, share in by_agreement[holding.agreement_id]:
            parts, total = received.get(achievement_id, ([], ZERO))
            shares = (holding.shares * share).to_integral_value(ROUND_HALF_UP)
            parts.append((holding, shares))
            received[achievement_id] = (parts, total + shares)
    return received


def _operating_profits(institution, achievement_ids, currency, start, end, policy) -> dict:
    """The years of operating profit to share in the period, per achievement:
    years ending within it, within the policy's number of years from the
    first year recorded, with a profit."""
    if not policy.operating_profit_share or not policy.operating_profit_years:
        return {}
    records = OperatingProfit.objects.filter(
        institution=institution, achievement_id__in=achievement_ids, currency=currency
    ).order_by("achievement_id", "year")
    first_year: dict[int, int] = {}
    shared: dict[int, list[OperatingProfit]] = defaultdict(list)
    for record in records:
        first = first_year.setdefault(record.achievement_id, record.year)
        year_end = date(record.year, 12, 31)
        if (
            start <= year_end <= end
            and record.year - first < policy.operating_profit_years
            and record.profit > 0
        ):
            shared[record.achievement_id].append(record)
    return shared


def _operating_profit_lines(achievement, profits, inventors, policy, quantum) -> list[PlannedLine]:
    """The inventors' share of the operating profit of the years shared in
    the run, one line each, split by their contributions."""
    base = sum((profit.profit for profit in profits), ZERO)
    to_inventors = sum(
        (
            (profit.profit * policy.operating_profit_share).quantize(
                quantum, rounding=ROUND_HALF_UP
            )
            for profit in profits
        ),
        ZERO,
    )
    split = split_by_shares(
        to_inventors, [inventor.contribution_percent for inventor in inventors], quantum
    )
    return [
        PlannedLine(
            achievement_id=achievement.pk,
            kind=RecipientKind.INVENTOR,
            source=RewardSource.OPERATING_PROFIT,
            recipient_name=localized_name(inventor.person, "full_name"),
            person_id=inventor.person_id,
            department=inventor.department,
            amount=amount,
            base=base,
            rate=amount / base,
            main_contributor=True,
            tax_treatment=TaxTreatment.CASH_ORDINARY,
        )
        for inventor, amount in zip(inventors, split, strict=True)
        if amount
    ]


def _registered_agreement_ids(institution) -> set[int]:
    """The institution's agreements with a technology-contract registration
    number, whose cash rewards qualify for the tax reduction."""
    return set(
        Agreement.objects.filter(partnership__institution=institution)
        .exclude(registration_number="")
        .values_list("pk", flat=True)
    )


def _cash_lines(
    institution,
    achievement,
    distributable,
    previously,
    owners,
    inventors,
    tiers,
    places,
    quantum,
    cash_tax,
) -> list[PlannedLine]:
    lines = []
    own_percent = sum(
        (o.share_percent for o in owners if o.institution_id == institution.pk), ZERO
    )
    co_owners = [o for o in owners if o.institution_id != institution.pk]
    parts = split_by_shares(
        distributable, [own_percent, *(o.share_percent for o in co_owners)], quantum
    )
    own_part = parts[0]
    for owner, amount in zip(co_owners, parts[1:], strict=True):
        lines.append(
            PlannedLine(
                achievement_id=achievement.pk,
                kind=RecipientKind.CO_OWNER,
                recipient_name=localized_name(owner.institution or owner.enterprise),
                co_owner_institution_id=owner.institution_id,
                co_owner_enterprise_id=owner.enterprise_id,
                amount=amount,
                base=distributable,
                rate=owner.share_percent / HUNDRED,
            )
        )
    own_fraction = own_percent / HUNDRED
    previously_own = (previously * own_fraction).quantize(quantum, rounding=ROUND_HALF_UP)
    distribution = distribute(
        own_part,
        previously_own,
        tiers,
        [
            Beneficiary(
                name=inventor.person.full_name,
                share=inventor.contribution_percent,
                department=inventor.department,
                key=inventor,
            )
            for inventor in inventors
        ],
        places=places,
    )
    for line in distribution.lines:
        inventor = line.key
        lines.append(
            PlannedLine(
                achievement_id=achievement.pk,
                kind=line.kind,
                recipient_name=_recipient_name(line, institution, inventor),
                person_id=inventor.person_id if inventor else None,
                department=(
                    inventor.department
                    if inventor
                    else line.name
                    if line.kind == "department"
                    else ""
                ),
                amount=line.amount,
                base=own_part,
                rate=line.rate,
                tier_slices=[
                    {
                        "tier": piece.tier,
                        "base": str(piece.base),
                        "rate": str(piece.rate),
                        "amount": str(piece.amount),
                    }
                    for piece in line.slices
                ],
                main_contributor=line.kind == RecipientKind.INVENTOR,
                tax_treatment=cash_tax
                if line.kind == RecipientKind.INVENTOR
                else TaxTreatment.NONE,
            )
        )
    return lines


def _recipient_name(line, institution, inventor) -> str:
    if inventor is not None:
        return localized_name(inventor.person, "full_name")
    if line.kind == RecipientKind.DEPARTMENT:
        return line.name or _("The inventors' department")
    if line.kind == RecipientKind.OFFICE:
        return _("Technology-transfer office")
    return localized_name(institution)


def _equity_lines(achievement, holdings, inventors, policy, currency) -> list[PlannedLine]:
    """The inventors' part of the shares received, in whole shares, valued
    at the holding's value per share when received."""
    lines = []
    for holding, shares in holdings:
        to_inventors = (shares * policy.equity_inventor_share).to_integral_value(ROUND_HALF_UP)
        if not to_inventors:
            continue
        value_per_share = holding.value / holding.shares
        if holding.currency != currency:
            converted = convert(
                value_per_share, holding.currency, currency, on=holding.acquired_on
            )
            value_per_share = converted.amount if converted.amount is not None else ZERO
        split = split_by_shares(
            to_inventors, [inventor.contribution_percent for inventor in inventors], ONE_SHARE
        )
        for inventor, granted in zip(inventors, split, strict=True):
            if not granted:
                continue
            lines.append(
                PlannedLine(
                    achievement_id=achievement.pk,
                    kind=RecipientKind.INVENTOR,
                    source=RewardSource.EQUITY,
                    form=RewardForm.EQUITY,
                    recipient_name=localized_name(inventor.person, "full_name"),
                    person_id=inventor.person_id,
                    department=inventor.department,
                    amount=quantize_money(granted * value_per_share, currency),
                    base=shares,
                    rate=granted / shares,
                    equity_shares=granted,
                    main_contributor=True,
                    tax_treatment=TaxTreatment.EQUITY_DEFERRED,
                )
            )
    return lines


def _as_correction(plan: RunPlan, corrected: DistributionRun) -> RunPlan:
    """The plan as the differences from what the corrected run and its
    approved corrections already distributed."""
    chain = DistributionRun.objects.filter(
        Q(pk=corrected.pk) | Q(corrects=corrected, state=RunState.APPROVED)
    )
    before_lines: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    before_shares: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for line in DistributionLine.objects.filter(run__in=chain):
        key = (
            line.achievement_id,
            line.kind,
            line.source,
            line.form,
            line.person_id,
            line.co_owner_institution_id,
            line.co_owner_enterprise_id,
            line.department,
        )
        before_lines[key] += line.amount
        before_shares[key] += line.equity_shares or ZERO
    before_net = defaultdict(lambda: ZERO)
    for entry in RunAchievement.objects.filter(run__in=chain):
        before_net[entry.achievement_id] += entry.net_income
    differences = []
    seen = set()
    for line in plan.lines:
        seen.add(line.key)
        delta = line.amount - before_lines[line.key]
        shares_delta = (
            line.equity_shares - before_shares[line.key]
            if line.equity_shares is not None
            else None
        )
        if delta or shares_delta:
            line.amount = delta
            line.equity_shares = shares_delta
            differences.append(line)
    for key, amount in before_lines.items():
        if key not in seen and amount:
            (
                achievement_id,
                kind,
                source,
                form,
                person_id,
                institution_id,
                enterprise_id,
                department,
            ) = key
            previous = (
                DistributionLine.objects.filter(run__in=chain, achievement_id=achievement_id)
                .filter(
                    kind=kind, source=source, form=form, person_id=person_id, department=department
                )
                .first()
            )
            differences.append(
                PlannedLine(
                    achievement_id=achievement_id,
                    kind=kind,
                    source=source,
                    form=form,
                    person_id=person_id,
                    co_owner_institution_id=institution_id,
                    co_owner_enterprise_id=enterprise_id,
                    department=department,
                    recipient_name=previous.recipient_name if previous else "",
                    amount=-amount,
                    equity_shares=-before_shares[key] if form == RewardForm.EQUITY else None,
                    main_contributor=previous.main_contributor if previous else False,
                    tax_treatment=previous.tax_treatment if previous else TaxTreatment.NONE,
                )
            )
    for entry in plan.achievements:
        entry.net_income -= before_net[entry.achievement.pk]
    plan.lines = differences
    return plan


# ---------------------------------------------------------------------------
# Preparing, approving and settling


@transaction.atomic
def prepare_run(
    user,
    institution: Institution,
    *,
    period_start: date,
    period_end: date,
    currency: str = Currency.CNY,
    corrects: DistributionRun | None = None,
    notes: str = "",
) -> DistributionRun:
    """Save the plan of a period as a draft run."""
    require_distribution_staff(user, institution)
    if corrects is not None:
        corrects = DistributionRun.objects.get(pk=corrects.pk)
        _check_correctable(corrects, institution)
        period_start, period_end, currency = (
            corrects.period_start,
            corrects.period_end,
            corrects.currency,
        )
    plan = plan_run(
        institution,
        period_start=period_start,
        period_end=period_end,
        currency=currency,
        corrects=corrects,
    )
    run = DistributionRun.objects.create(
        institution=institution,
        period_start=period_start,
        period_end=period_end,
        currency=currency,
        policy=plan.policy,
        corrects=corrects,
        prepared_by=user,
        notes=notes,
    )
    _save_plan(run, plan)
    return run


def _check_correctable(corrected: DistributionRun, institution: Institution) -> None:
    if corrected.institution_id != institution.pk:
        raise RunError(_("A correction is for a run of the same institution."), code="foreign_run")
    if corrected.state != RunState.APPROVED or corrected.corrects_id is not None:
        raise RunError(
            _("Only an approved run is corrected; a draft is recomputed instead."),
            code="run_not_correctable",
        )


def _save_plan(run: DistributionRun, plan: RunPlan) -> None:
    RunAchievement.objects.bulk_create(
        RunAchievement(
            run=run,
            achievement=entry.achievement,
            receipts=entry.receipts,
            deductible_costs=entry.deductible_costs,
            cumulative_net_income=entry.cumulative_net_income,
            previously_distributed_net_income=entry.previously_distributed_net_income,
            net_income=entry.net_income,
            own_share_percent=entry.own_share_percent,
            equity_shares_received=entry.equity_shares_received,
        )
        for entry in plan.achievements
    )
    DistributionLine.objects.bulk_create(
        DistributionLine(
            run=run,
            achievement_id=line.achievement_id,
            kind=line.kind,
            source=line.source,
            person_id=line.person_id,
            co_owner_institution_id=line.co_owner_institution_id,
            co_owner_enterprise_id=line.co_owner_enterprise_id,
            recipient_name=line.recipient_name[:200],
            department=line.department,
            form=line.form,
            base=line.base,
            rate=line.rate.quantize(Decimal("1e-8")),
            tier_slices=line.tier_slices,
            amount=line.amount,
            currency=run.currency,
            equity_shares=line.equity_shares,
            main_contributor=line.main_contributor,
            tax_treatment=line.tax_treatment,
        )
        for line in plan.lines
    )
    run.net_income = plan.net_income
    run.save(update_fields=["net_income", "updated_at"])


def _locked_draft(run: DistributionRun) -> DistributionRun:
    run = DistributionRun.objects.select_for_update().get(pk=run.pk)
    if run.state != RunState.DRAFT:
        raise RunError(
            _("The run is approved and cannot change; correct it with a new run."),
            code="run_approved",
        )
    return run


@transaction.atomic
def recompute_run(user, run: DistributionRun) -> DistributionRun:
    """Recompute a draft from today's records (a payment recorded late, a
    cost corrected)."""
    require_distribution_staff(user, run.institution)
    run = _locked_draft(run)
    plan = plan_run(
        run.institution,
        period_start=run.period_start,
        period_end=run.period_end,
        currency=run.currency,
        corrects=run.corrects,
    )
    run.lines.all().delete()
    run.achievements.all().delete()
    run.policy = plan.policy
    run.save(update_fields=["policy", "updated_at"])
    _save_plan(run, plan)
    return run


@transaction.atomic
def discard_run(user, run: DistributionRun) -> None:
    require_distribution_staff(user, run.institution)
    run = _locked_draft(run)
    run.lines.all().delete()
    run.achievements.all().delete()
    run.delete()


@transaction.atomic
def approve_run(user, run: DistributionRun) -> DistributionRun:
    """Approve a draft: another staff member than its preparer, and only if
    the period is not distributed already (two drafts of one period cannot
    both be approved)."""
    require_distribution_staff(user, run.institution)
    # The institution's row serialises approvals of its runs, so two
    # approvals of overlapping drafts cannot both pass the overlap check.
    Institution.objects.select_for_update().filter(pk=run.institution_id).first()
    # The policy versions too: a policy change checks approved runs under
    # the same locks, so it and this approval cannot both pass.
    list(
        DistributionPolicy.objects.select_for_update()
        .filter(institution_id=run.institution_id)
        .values_list("pk", flat=True)
    )
    run = _locked_draft(run)
    if run.prepared_by_id == user.pk:
        raise RunError(
            _("A run is approved by a staff member other than the one who prepared it."),
            code="approver_is_preparer",
        )
    if run.corrects_id is None:
        _refuse_overlap(run.institution, run.currency, run.period_start, run.period_end)
    in_force = policy_in_force(run.institution, run.period_end)
    if in_force is None or in_force.pk != run.policy_id:
        raise RunError(
            _(
                "The policy in force for the period has changed since the run was prepared; "
                "recompute it."
            ),
            code="policy_changed",
        )
    run.state = RunState.APPROVED
    run.approved_by = user
    run.approved_at = timezone.now()
    run.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    publish(RunApproved(run=run, by=user))
    return run


@transaction.atomic
def record_public_notice(user, run: DistributionRun, *, published_on: date, days: int = 15):
    """Record when the cash rewards were put on public notice (公示)."""
    require_distribution_staff(user, run.institution)
    run = DistributionRun.objects.select_for_update().get(pk=run.pk)
    if days < 1:
        raise RunError(_("A notice lasts at least one day."), code="invalid_notice_days")
    run.notice_published_on = published_on
    run.notice_days = days
    run.save(update_fields=["notice_published_on", "notice_days", "updated_at"])
    return run


@transaction.atomic
def settle_line(
    user, line: DistributionLine, *, on: date, reference: str = ""
) -> DistributionLine:
    """Mark a line of an approved run paid (cash) or granted (equity)."""
    line = DistributionLine.objects.select_for_update().select_related("run").get(pk=line.pk)
    require_distribution_staff(user, line.run.institution)
    if line.run.state != RunState.APPROVED:
        raise RunError(
            _("Lines are paid or granted once the run is approved."), code="run_not_approved"
        )
    if line.state != LineState.PENDING:
        raise RunError(_("The line is settled already."), code="line_settled")
    if line.amount <= 0 and not line.equity_shares:
        raise RunError(
            _("Nothing is owed on this line: a reduction is settled against other payments."),
            code="nothing_to_settle",
        )
    if on < line.run.approved_at.date():
        raise RunError(
            _("A line is paid or granted on or after the run's approval (%(date)s).")
            % {"date": line.run.approved_at.date().isoformat()},
            code="settled_before_approval",
        )
    line.state = LineState.GRANTED if line.form == RewardForm.EQUITY else LineState.PAID
    line.settled_on = on
    line.settlement_reference = reference
    line.settled_by = user
    line.save(update_fields=["state", "settled_on", "settlement_reference", "settled_by"])
    publish(LineSettled(line=line, by=user))
    return line
