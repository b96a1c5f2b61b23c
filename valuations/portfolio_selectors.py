"""Scoping selectors of portfolio runs, and the projects a portfolio takes.

A portfolio run is a negotiating position like a valuation: research-centre
staff see the runs made by staff of the parties they work with (an
institution they work for, a joint centre they work for or one of their
institutions hosts, an enterprise in partnership with one of their
institutions), since a run lists its projects and their values; a partner
user sees the runs made by users of its own enterprise; superusers all.
Researchers see none.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.choices import Role
from accounts.selectors import (
    has_full_access,
    is_centre_staff_user,
    is_partner_user,
    staff_centre_filter,
    staff_institution_ids,
)
from partnerships.models import JointCentre, Partnership
from partnerships.selectors import (
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
)
from projects.choices import ProjectStatus
from projects.models import ResearchProject
from projects.selectors import projects_visible_to

from .choices import PortfolioScope, ValuationMethod, ValuationStatus
from .models import PortfolioRun, Valuation
from .selectors import valuations_visible_to


def portfolio_runs_visible_to(user) -> QuerySet[PortfolioRun]:
    runs = PortfolioRun.objects.all()
    if has_full_access(user):
        return runs
    if is_centre_staff_user(user):
        institution_ids = staff_institution_ids(user)
        centres = JointCentre.objects.filter(staff_centre_filter(user)).values("id")
        enterprises = Partnership.objects.filter(institution__in=institution_ids).values(
            "enterprise_id"
        )
        return runs.filter(
            Q(created_by__isnull=True) | ~Q(created_by__role=Role.PARTNER),
            Q(institution__in=institution_ids)
            | Q(joint_centre__in=centres)
            | Q(enterprise__in=enterprises),
        )
    if is_partner_user(user):
        return runs.filter(created_by__enterprise_id=user.enterprise_id)
    return runs.none()


def portfolio_run_list_for(user) -> QuerySet[PortfolioRun]:
    """Visible runs with what a list shows, in a fixed number of queries."""
    return (
        portfolio_runs_visible_to(user)
        .select_related("institution", "joint_centre", "enterprise", "created_by")
        .defer("inputs", "results")
    )


def portfolio_runs_stalled(now=None) -> QuerySet[PortfolioRun]:
    """Portfolio runs queued or running for longer than any run takes: a
    chunk's task was lost (broker down when queued, or a worker restarted
    while it held one)."""
    now = now or timezone.now()
    queued = timedelta(seconds=settings.VALUATION_QUEUED_GRACE_SECONDS)
    running = timedelta(seconds=settings.VALUATION_RUNNING_GRACE_SECONDS)
    return PortfolioRun.objects.filter(
        Q(status=ValuationStatus.QUEUED, created_at__lte=now - queued)
        | Q(status=ValuationStatus.RUNNING, started_at__lte=now - running)
    )


def portfolio_parties_visible_to(user, scope: str) -> QuerySet:
    """The institutions, joint centres or enterprises whose portfolio the
    user may run."""
    return {
        PortfolioScope.INSTITUTION: institutions_visible_to,
        PortfolioScope.JOINT_CENTRE: joint_centres_visible_to,
        PortfolioScope.ENTERPRISE: enterprises_visible_to,
    }[PortfolioScope(scope)](user)


def portfolio_projects_for(user, scope: str, party) -> QuerySet[ResearchProject]:
    """The party's projects the user sees, terminated ones left out: those
    an institution leads, that run in a joint centre, or that an enterprise
    is a partner of."""
    lookup = {
        PortfolioScope.INSTITUTION: "lead_institution",
        PortfolioScope.JOINT_CENTRE: "joint_centre",
        PortfolioScope.ENTERPRISE: "partner_enterprises",
    }[PortfolioScope(scope)]
    return (
        projects_visible_to(user)
        .filter(**{lookup: party})
        .exclude(status=ProjectStatus.TERMINATED)
        .select_related("current_stage__pipeline__sector")
        .order_by("code")
    )


def latest_rnpv_valuations(user, projects) -> dict[int, Valuation]:
    """Per project id, the latest finished rNPV valuation the user sees."""
    valuations = (
        valuations_visible_to(user)
        .filter(project__in=projects, method=ValuationMethod.RNPV, status=ValuationStatus.DONE)
        .order_by("project_id", "-created_at", "-id")
        .only("id", "project_id", "currency", "inputs", "created_at")
    )
    latest: dict[int, Valuation] = {}
    for valuation in valuations:
        latest.setdefault(valuation.project_id, valuation)
    return latest
