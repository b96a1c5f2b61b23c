"""Who sees which policies, runs and lines. Staff see their institutions'
policies and runs; an inventor sees the lines paid or granted to them in
approved runs, and nothing else of a run; partners see none of it."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from accounts.selectors import (
    has_full_access,
    is_centre_staff_user,
    is_researcher_user,
    staff_institution_ids,
)
from partnerships.models import Institution

from .choices import RecipientKind, RewardForm, RunState
from .models import (
    DistributionLine,
    DistributionPolicy,
    DistributionRun,
    EquityHolding,
    OperatingProfit,
    PolicyTier,
    RunAchievement,
)


def _institution_filter(user, prefix: str = "") -> Q | None:
    """The rows of the user's institutions (all for a superuser), or None
    when the user sees none."""
    if has_full_access(user):
        return Q()
    if is_centre_staff_user(user):
        return Q(**{f"{prefix}institution__in": staff_institution_ids(user)})
    return None


def policies_visible_to(user) -> QuerySet[DistributionPolicy]:
    """The policies of the institutions a staff member works for (all of
    them for a superuser), tiers in order; nothing for anyone else."""
    scope = _institution_filter(user)
    if scope is None:
        return DistributionPolicy.objects.none()
    return (
        DistributionPolicy.objects.filter(scope)
        .select_related("institution")
        .prefetch_related(Prefetch("tiers", queryset=PolicyTier.objects.order_by("position")))
    )


def policy_in_force(institution, on: date) -> DistributionPolicy | None:
    """The institution's policy version in force on ``on``: the latest one
    effective on or before it; None before the first."""
    return (
        DistributionPolicy.objects.filter(institution=institution, effective_from__lte=on)
        .prefetch_related(Prefetch("tiers", queryset=PolicyTier.objects.order_by("position")))
        .order_by("-effective_from")
        .first()
    )


def runs_visible_to(user) -> QuerySet[DistributionRun]:
    scope = _institution_filter(user)
    if scope is None:
        return DistributionRun.objects.none()
    return DistributionRun.objects.filter(scope)


def run_list_for(user) -> QuerySet[DistributionRun]:
    return runs_visible_to(user).select_related(
        "institution", "policy", "prepared_by", "approved_by"
    )


def run_detail_for(user) -> QuerySet[DistributionRun]:
    return run_list_for(user).prefetch_related(
        Prefetch(
            "achievements",
            queryset=RunAchievement.objects.select_related("achievement"),
        ),
        Prefetch(
            "lines",
            queryset=DistributionLine.objects.select_related(
                "achievement", "person", "co_owner_institution", "co_owner_enterprise"
            ),
        ),
    )


def lines_visible_to(user) -> QuerySet[DistributionLine]:
    """Staff: every line of their institutions' runs. A researcher: their
    own lines in approved runs (a draft may still change)."""
    lines = DistributionLine.objects.all()
    scope = _institution_filter(user, "run__")
    if scope is not None:
        return lines.filter(scope)
    if is_researcher_user(user):
        return lines.filter(person__user=user, run__state=RunState.APPROVED)
    return lines.none()


def statement_lines_for(user, run: DistributionRun, person) -> QuerySet[DistributionLine]:
    """The lines of one person's statement for a run, as ``user`` may see them."""
    return (
        lines_visible_to(user)
        .filter(run=run, person=person)
        .select_related("achievement", "run__institution")
        .order_by("achievement__reference", "form", "id")
    )


def equity_holdings_visible_to(user) -> QuerySet[EquityHolding]:
    scope = _institution_filter(user)
    if scope is None:
        return EquityHolding.objects.none()
    return EquityHolding.objects.filter(scope)


def reward_lines_for(user) -> QuerySet[DistributionLine]:
    """The lines the user sees with what a list of rewards shows (the run,
    its institution, the achievement), newest run first."""
    return (
        lines_visible_to(user)
        .select_related("run__institution", "achievement")
        .order_by("-run__period_end", "-run_id", "achievement__reference", "form", "id")
    )


def runs_with_lines_visible_to(user) -> QuerySet[DistributionRun]:
    """The runs in which the user sees a line: a researcher reaches the
    statement of a run through their own lines in it, never the run."""
    return DistributionRun.objects.filter(
        pk__in=lines_visible_to(user).values("run_id")
    ).select_related("institution", "approved_by")


def run_achievements_of_lines(lines: QuerySet[DistributionLine]) -> QuerySet[RunAchievement]:
    """The figures of the achievements behind ``lines`` (already scoped to
    the user) in their runs: an inventor's statement shows the net income
    their reward comes from, and nothing of the run's other achievements."""
    pairs = list(lines.order_by().values_list("run_id", "achievement_id").distinct())
    if not pairs:
        return RunAchievement.objects.none()
    condition = Q()
    for run_id, achievement_id in pairs:
        condition |= Q(run_id=run_id, achievement_id=achievement_id)
    return RunAchievement.objects.filter(condition).select_related("achievement")


def distributing_institutions_for(user) -> QuerySet[Institution]:
    """The institutions whose policies, income, equity and profits the user
    records: a staff member's own, every one for a superuser, none for
    anyone else."""
    if has_full_access(user):
        return Institution.objects.order_by("name")
    if is_centre_staff_user(user):
        return Institution.objects.filter(pk__in=staff_institution_ids(user)).order_by("name")
    return Institution.objects.none()


def acts_for_institution(user, institution) -> bool:
    """Whether the user records for the institution: its staff, and
    superusers. Policies, runs, equity and the reports' records all ask
    this one question."""
    return distributing_institutions_for(user).filter(pk=institution.pk).exists()


def operating_profits_visible_to(user) -> QuerySet[OperatingProfit]:
    scope = _institution_filter(user)
    if scope is None:
        return OperatingProfit.objects.none()
    return OperatingProfit.objects.filter(scope)


def run_inventor_statements(run: DistributionRun) -> list[tuple]:
    """The inventors of a run who sign in, each with their cash total and
    the shares granted to them in it: ``(user, cash, shares)``, by user."""
    totals: dict = {}
    lines = (
        DistributionLine.objects.filter(
            run=run,
            kind=RecipientKind.INVENTOR,
            person__user__isnull=False,
            person__user__is_active=True,
        )
        .select_related("person__user")
        .order_by("person__user_id", "id")
    )
    for line in lines:
        user = line.person.user
        cash, shares = totals.get(user.pk, (user, Decimal(0), Decimal(0)))[1:]
        if line.form == RewardForm.EQUITY:
            shares += line.equity_shares or 0
        else:
            cash += line.amount
        totals[user.pk] = (user, cash, shares)
    return list(totals.values())
