"""Scoping selectors: the only way user-facing code reads project data.

Staff see the projects that their institutions lead, that run in a joint
centre they work for or host, or that belong to one of their partnerships.
A partner user sees the projects its enterprise is a partner of.
"""

from django.db.models import Prefetch, Q, QuerySet

from accounts.selectors import (
    has_full_access,
    is_centre_staff_user,
    is_partner_user,
    staff_centre_filter,
    staff_institution_ids,
)
from partnerships.models import Enterprise, JointCentre, Partnership

from .models import Pipeline, ResearchProject, Sector, StageDefinition, StageTransition


def projects_visible_to(user) -> QuerySet[ResearchProject]:
    projects = ResearchProject.objects.all()
    if has_full_access(user):
        return projects
    if is_centre_staff_user(user):
        institution_ids = staff_institution_ids(user)
        return projects.filter(
            Q(lead_institution__in=institution_ids)
            | Q(
                joint_centre__in=JointCentre.objects.filter(staff_centre_filter(user)).values("id")
            )
            | Q(
                partnership__in=Partnership.objects.filter(institution__in=institution_ids).values(
                    "id"
                )
            )
        )
    if is_partner_user(user):
        return projects.filter(partner_enterprises=user.enterprise_id)
    return projects.none()


def project_list_for(user) -> QuerySet[ResearchProject]:
    """Visible projects with what a list shows, in a fixed number of queries
    whatever the page size."""
    return (
        projects_visible_to(user)
        .select_related("current_stage__pipeline__sector", "lead_institution", "joint_centre")
        .prefetch_related(
            Prefetch("partner_enterprises", queryset=Enterprise.objects.order_by("name"))
        )
    )


def project_detail_for(user) -> QuerySet[ResearchProject]:
    """Visible projects with their parties and gate history."""
    return (
        project_list_for(user)
        .select_related("principal_investigator", "partnership", "agreement")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related(
                    "from_stage", "to_stage", "decided_by"
                ).order_by("decided_at", "id"),
            )
        )
    )


def stage_transitions_visible_to(user) -> QuerySet[StageTransition]:
    return StageTransition.objects.filter(
        project__in=projects_visible_to(user).values("id")
    ).select_related("project", "from_stage", "to_stage", "decided_by")


def sectors_visible_to(user) -> QuerySet[Sector]:
    """Sectors and pipelines are reference data: every signed-in user reads them."""
    return Sector.objects.all() if user.is_authenticated else Sector.objects.none()


def pipelines_visible_to(user) -> QuerySet[Pipeline]:
    pipelines = Pipeline.objects.select_related("sector")
    return pipelines if user.is_authenticated else pipelines.none()


def stages_visible_to(user) -> QuerySet[StageDefinition]:
    stages = StageDefinition.objects.select_related("pipeline__sector")
    return stages if user.is_authenticated else stages.none()
