"""Scoping selectors: the only way user-facing code reads achievements and
the patent docket.

- Staff see the achievements their institutions own, and those of the
  research projects they see; they alone see the docket's deadlines, the
  costs and the assessment.
- A researcher sees the achievements they are an inventor on and the
  disclosures they submitted or are named on; no costs, no deadlines.
- A partner user sees the achievements licensed, assigned or contributed
  to its enterprise under its own agreements, with their patents; no
  costs, deadlines, assessment or disclosures.

Superusers see everything; anyone else nothing.
"""

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from accounts.choices import Role
from accounts.models import User
from accounts.selectors import (
    has_full_access,
    is_centre_staff_user,
    is_partner_user,
    is_researcher_user,
    staff_institution_ids,
)
from partnerships.models import Institution, Person
from partnerships.selectors import (
    agreements_visible_to,
    institutions_visible_to,
    people_visible_to,
)
from projects.models import Activity, ResearchProject
from projects.selectors import project_visible_filter, projects_visible_to

from .choices import DeadlineState
from .models import (
    Achievement,
    AchievementAgreement,
    AchievementOwner,
    Counsel,
    Deadline,
    Disclosure,
    DisclosureInventor,
    Inventor,
    IpCost,
    OfficeAction,
    PatentApplication,
    PatentFamily,
)


def _seen_by_staff(user, field: str) -> Q:
    """The achievements a staff member sees, as a filter on ``field`` (an
    achievement's id): owned by an institution they work for, or made in a
    research project they see. Rows that hang from an achievement (the
    docket's deadlines) filter on their own column with it, not through a
    join to the achievements.

    Two correlated EXISTS, each answered by a unique index (owner:
    achievement and institution; project link: achievement and project),
    rather than ``IN`` lists of every visible achievement: the docket can
    then walk its (state, due date) index in order and stop at the first
    page, where with the lists SQLite gathered every deadline of every
    visible achievement and sorted them, and PostgreSQL hash-joined every
    open deadline (0.1–0.3 s at 100,000 achievements, 0.4–0.8 s on a busy
    machine; see docs/benchmarks.md)."""
    outer = OuterRef(field)
    owned = AchievementOwner.objects.filter(
        achievement_id=outer, institution__in=staff_institution_ids(user)
    )
    made_in_project = Achievement.projects.through.objects.filter(
        project_visible_filter(user, "researchproject"), achievement_id=outer
    )
    return Q(Exists(owned)) | Q(Exists(made_in_project))


def achievements_visible_to(user) -> QuerySet[Achievement]:
    achievements = Achievement.objects.all()
    if has_full_access(user):
        return achievements
    if is_centre_staff_user(user):
        return achievements.filter(_seen_by_staff(user, "id"))
    if is_researcher_user(user):
        return achievements.filter(
            id__in=Inventor.objects.filter(person__user=user).values("achievement_id")
        )
    if is_partner_user(user):
        return achievements.filter(
            id__in=AchievementAgreement.objects.filter(
                agreement__in=agreements_visible_to(user).values("id")
            ).values("achievement_id")
        )
    return achievements.none()


# The docket's order of states: what is still to do, then what was done,
# then what was let pass.
DOCKET_STATES = (DeadlineState.OPEN, DeadlineState.DONE, DeadlineState.WAIVED)
STATE_RANKS = [When(state=state, then=Value(rank)) for rank, state in enumerate(DOCKET_STATES)]


def sees_ip_internals(user) -> bool:
    """Costs, deadlines, assessment notes and counsel are the office's own:
    staff and superusers only."""
    return has_full_access(user) or is_centre_staff_user(user)


def may_manage_achievement(user, achievement: Achievement) -> bool:
    """Staff of an owning institution (and superusers) edit an achievement,
    its patents and its docket."""
    if has_full_access(user):
        return True
    if not is_centre_staff_user(user):
        return False
    return achievement.owners.filter(institution__in=staff_institution_ids(user)).exists()


def achievement_list_for(user) -> QuerySet[Achievement]:
    return achievements_visible_to(user).prefetch_related(
        Prefetch(
            "owners", queryset=AchievementOwner.objects.select_related("institution", "enterprise")
        ),
        Prefetch("inventors", queryset=Inventor.objects.select_related("person")),
    )


def achievement_detail_for(user) -> QuerySet[Achievement]:
    return achievement_list_for(user).prefetch_related(
        "projects",
        Prefetch(
            "agreement_links",
            queryset=agreement_links_visible_to(user).select_related(
                "agreement__partnership__enterprise"
            ),
        ),
    )


def agreement_links_visible_to(user) -> QuerySet[AchievementAgreement]:
    """The transfers of visible achievements under agreements the user sees:
    a partner sees its own agreements only, never another licensee's. An
    inventor is told which agreements use their achievement (the licensee
    and the mode, not the terms) without seeing the agreements themselves."""
    links = AchievementAgreement.objects.filter(
        achievement__in=achievements_visible_to(user).values("id")
    )
    if is_researcher_user(user):
        return links
    return links.filter(agreement__in=agreements_visible_to(user).values("id"))


def inventors_visible_to(user) -> QuerySet[Inventor]:
    return Inventor.objects.filter(achievement__in=achievements_visible_to(user).values("id"))


def patent_families_visible_to(user) -> QuerySet[PatentFamily]:
    return PatentFamily.objects.filter(achievement__in=achievements_visible_to(user).values("id"))


def patent_applications_visible_to(user) -> QuerySet[PatentApplication]:
    return PatentApplication.objects.filter(
        family__achievement__in=achievements_visible_to(user).values("id")
    )


def office_actions_visible_to(user) -> QuerySet[OfficeAction]:
    if not sees_ip_internals(user):
        return OfficeAction.objects.none()
    return OfficeAction.objects.filter(
        application__family__achievement__in=achievements_visible_to(user).values("id")
    )


def deadlines_visible_to(user) -> QuerySet[Deadline]:
    if not sees_ip_internals(user):
        return Deadline.objects.none()
    deadlines = Deadline.objects.all()
    if has_full_access(user):
        return deadlines
    return deadlines.filter(_seen_by_staff(user, "achievement_id"))


def docket_for(user) -> QuerySet[Deadline]:
    """The docket: open deadlines first, soonest (so the overdue) first;
    then the done ones and the waived ones, each by due date. Narrowed to
    one state, the order is the due date's alone, which the (state, due_on)
    index serves."""
    return (
        deadlines_visible_to(user)
        .select_related("achievement", "family", "application__counsel", "office_action")
        .alias(state_rank=Case(*STATE_RANKS, default=Value(len(DOCKET_STATES))))
        .order_by("state_rank", "due_on", "id")
    )


def docket_filter(
    deadlines: QuerySet[Deadline],
    *,
    jurisdiction: str | None = None,
    counsel=None,
    achievement=None,
) -> QuerySet[Deadline]:
    """Narrow a docket to the deadlines of one jurisdiction, one counsel or
    one achievement, the docket page's and the API's filters.

    The application's jurisdiction and counsel are tested with an EXISTS on
    the application's primary key rather than a join: the docket keeps
    walking its (state, due date) index and stops at the first page. With a
    join, PostgreSQL hash-joined every open deadline with the
    jurisdiction's applications and sorted them (0.3–0.4 s for a staff
    member at 300,000 applications)."""
    if jurisdiction:
        deadlines = deadlines.filter(
            Exists(
                PatentApplication.objects.filter(
                    pk=OuterRef("application_id"), jurisdiction=jurisdiction
                )
            )
        )
    if counsel:
        deadlines = deadlines.filter(
            Exists(
                PatentApplication.objects.filter(pk=OuterRef("application_id"), counsel=counsel)
            )
        )
    if achievement:
        deadlines = deadlines.filter(achievement=achievement)
    return deadlines


def ip_costs_visible_to(user) -> QuerySet[IpCost]:
    if not sees_ip_internals(user):
        return IpCost.objects.none()
    return IpCost.objects.filter(achievement__in=achievements_visible_to(user).values("id"))


def counsel_visible_to(user) -> QuerySet[Counsel]:
    """The firms and attorneys the office instructs: a directory for staff."""
    if not sees_ip_internals(user):
        return Counsel.objects.none()
    return Counsel.objects.all()


def disclosures_visible_to(user) -> QuerySet[Disclosure]:
    disclosures = Disclosure.objects.all()
    if has_full_access(user):
        return disclosures
    if is_centre_staff_user(user):
        # A draft is the researcher's until it is submitted.
        return disclosures.filter(institution__in=staff_institution_ids(user)).exclude(
            status="draft"
        )
    if is_researcher_user(user):
        return disclosures.filter(
            Q(submitted_by=user)
            | Q(
                id__in=DisclosureInventor.objects.filter(person__user=user).values("disclosure_id")
            )
        )
    return disclosures.none()


def disclosure_detail_for(user) -> QuerySet[Disclosure]:
    return (
        disclosures_visible_to(user)
        .select_related("institution", "project", "submitted_by", "reviewed_by", "achievement")
        .prefetch_related(
            Prefetch("inventors", queryset=DisclosureInventor.objects.select_related("person"))
        )
    )


def inventor_candidates_for(user, disclosure: Disclosure | None = None) -> QuerySet[Person]:
    """The people a user may name as a disclosure's inventors: for a
    researcher, the people of their own institution and those the
    disclosure names already; for staff, the directory."""
    if not is_researcher_user(user):
        return people_visible_to(user)
    own = Person.objects.filter(user=user).values("institution_id")
    named = (
        DisclosureInventor.objects.filter(disclosure=disclosure).values("person_id")
        if disclosure is not None
        else DisclosureInventor.objects.none().values("person_id")
    )
    return (
        Person.objects.filter(Q(institution__in=own) | Q(id__in=named) | Q(user=user))
        .select_related("institution")
        .order_by("full_name", "id")
    )


def disclosure_institutions_for(user) -> QuerySet[Institution]:
    """The institutions a user's disclosure may name: a researcher's own."""
    if is_researcher_user(user):
        return Institution.objects.filter(people__user=user)
    return institutions_visible_to(user)


def disclosure_projects_for(user) -> QuerySet[ResearchProject]:
    """The research projects a disclosure may name: for a researcher, those
    they lead at their institution."""
    if is_researcher_user(user):
        return ResearchProject.objects.filter(
            principal_investigator__user=user,
            lead_institution__in=Institution.objects.filter(people__user=user).values("id"),
        ).order_by("code")
    return projects_visible_to(user).order_by("code")


def achievement_patents_for(user, achievement: Achievement) -> QuerySet[PatentFamily]:
    """An achievement's patent families with their applications, as the user
    may see them: numbers, dates, status and expiry. Counsel, costs and
    deadlines are read elsewhere, by staff only."""
    return (
        patent_families_visible_to(user)
        .filter(achievement=achievement)
        .order_by("priority_date", "id")
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=patent_applications_visible_to(user).order_by("filed_on", "id"),
            )
        )
    )


# --- Who is told -----------------------------------------------------------------------


def institutions_staff(institution_ids) -> QuerySet:
    """The active research-centre staff working for any of the institutions
    (a subquery or a list of ids)."""
    return (
        User.objects.filter(
            is_active=True, role=Role.CENTRE_STAFF, institutions__in=institution_ids
        )
        .distinct()
        .order_by("id")
    )


def achievement_office_staff(achievement: Achievement) -> QuerySet:
    """The staff of the institutions that own the achievement: they keep
    its docket."""
    return institutions_staff(
        AchievementOwner.objects.filter(achievement=achievement, institution__isnull=False).values(
            "institution_id"
        )
    )


def disclosure_inventor_users(disclosure: Disclosure) -> QuerySet:
    """The researchers a disclosure concerns: its writer and the inventors
    named on it who sign in."""
    return (
        User.objects.filter(is_active=True, role=Role.RESEARCHER)
        .filter(
            Q(pk=disclosure.submitted_by_id)
            | Q(person__disclosure_inventorships__disclosure=disclosure)
        )
        .distinct()
        .order_by("id")
    )


def achievement_timeline(user, achievement: Achievement) -> QuerySet[Activity]:
    """An achievement's history, newest first: the office's own, so staff
    (and superusers) of an achievement they see, nobody else."""
    if not sees_ip_internals(user):
        return Activity.objects.none()
    if not achievements_visible_to(user).filter(pk=achievement.pk).exists():
        return Activity.objects.none()
    return (
        Activity.objects.filter(
            target_type=Achievement._meta.label_lower, target_id=achievement.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
