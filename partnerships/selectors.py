"""Scoping selectors: the only way user-facing code reads partnership data.

Research-centre staff see the directory of institutions, enterprises, people
and joint centres, and the partnerships and agreements of the institutions and
centres they work for. A partner user sees its own enterprise and what that
enterprise is party to. Superusers see everything; anyone else nothing.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from accounts.models import User
from accounts.selectors import (
    has_full_access,
    is_centre_staff_user,
    is_partner_user,
    staff_centre_filter,
    staff_institution_ids,
)

from .models import (
    Agreement,
    CostShare,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    JointCentreParty,
    MilestoneScheduleItem,
    Partnership,
    Person,
)


def _centre_ids_for_staff(user):
    return JointCentre.objects.filter(staff_centre_filter(user)).values("id")


def institutions_visible_to(user) -> QuerySet[Institution]:
    institutions = Institution.objects.all()
    if has_full_access(user) or is_centre_staff_user(user):
        return institutions
    if is_partner_user(user):
        enterprise_id = user.enterprise_id
        return institutions.filter(
            Q(
                id__in=Partnership.objects.filter(enterprise_id=enterprise_id).values(
                    "institution_id"
                )
            )
            # The institutions leading the projects the enterprise partners
            # in, through the projects' reverse relation: projects sit above
            # this app and are not imported here. Asked per institution, so
            # a search's few matches cost a few lookups rather than a list
            # of every project of the enterprise.
            | Q(
                Exists(
                    Institution.objects.filter(
                        pk=OuterRef("pk"), led_projects__partner_enterprises=enterprise_id
                    )
                )
            )
            | Q(
                id__in=JointCentreParty.objects.filter(
                    centre__parties__enterprise_id=enterprise_id
                ).values("institution_id")
            )
        )
    return institutions.none()


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.all()
    if has_full_access(user) or is_centre_staff_user(user):
        return enterprises
    if is_partner_user(user):
        return enterprises.filter(id=user.enterprise_id)
    return enterprises.none()


def joint_centres_visible_to(user) -> QuerySet[JointCentre]:
    centres = JointCentre.objects.all()
    if has_full_access(user) or is_centre_staff_user(user):
        return centres
    if is_partner_user(user):
        return centres.filter(
            Exists(
                JointCentreParty.objects.filter(
                    centre=OuterRef("pk"), enterprise_id=user.enterprise_id
                )
            )
            | Exists(
                Partnership.objects.filter(
                    joint_centre=OuterRef("pk"), enterprise_id=user.enterprise_id
                )
            )
        )
    return centres.none()


def people_visible_to(user) -> QuerySet[Person]:
    people = Person.objects.select_related("institution", "enterprise", "user")
    if has_full_access(user) or is_centre_staff_user(user):
        return people
    if is_partner_user(user):
        # A partner sees the projects its enterprise partners in
        # (``projects_visible_to``), so the investigators leading them.
        return people.filter(
            Q(enterprise_id=user.enterprise_id)
            | Q(
                Exists(
                    Person.objects.filter(
                        pk=OuterRef("pk"), led_projects__partner_enterprises=user.enterprise_id
                    )
                )
            )
        )
    return people.none()


def partnerships_visible_to(user) -> QuerySet[Partnership]:
    partnerships = Partnership.objects.select_related("institution", "joint_centre", "enterprise")
    if has_full_access(user):
        return partnerships
    if is_centre_staff_user(user):
        return partnerships.filter(
            Q(institution__in=staff_institution_ids(user))
            | Q(joint_centre__in=_centre_ids_for_staff(user))
        )
    if is_partner_user(user):
        return partnerships.filter(enterprise_id=user.enterprise_id)
    return partnerships.none()


def agreements_visible_to(user) -> QuerySet[Agreement]:
    agreements = Agreement.objects.select_related(
        "partnership__institution", "partnership__joint_centre", "partnership__enterprise"
    )
    if has_full_access(user):
        return agreements
    return agreements.filter(partnership__in=partnerships_visible_to(user).values("id"))


# --- Who acts for which side of an agreement --------------------------------


def acts_for_research_party(user, agreement: Agreement) -> bool:
    """Whether ``user`` may act for the agreement's institution or joint
    centre (the payee): superusers and the staff who work for it."""
    if has_full_access(user):
        return True
    if not is_centre_staff_user(user):
        return False
    # A page asks this for each milestone and each action on it: the answer
    # is kept on the agreement as loaded for the request, per user and
    # partnership, so that a page's queries do not grow with its milestones.
    answers = agreement.__dict__.setdefault("_research_party_answers", {})
    key = (user.pk, agreement.partnership_id)
    if key not in answers:
        answers[key] = partnerships_visible_to(user).filter(pk=agreement.partnership_id).exists()
    return answers[key]


def acts_for_enterprise(user, agreement: Agreement) -> bool:
    """Whether ``user`` may act for the agreement's enterprise (the payer):
    superusers and the enterprise's own partner users."""
    if has_full_access(user):
        return True
    return is_partner_user(user) and user.enterprise_id == agreement.partnership.enterprise_id


def research_party_users(agreement: Agreement):
    """Active staff who work for the agreement's institution or joint centre,
    directly or through a host institution: the people told of claims,
    verifications and disputes."""

    partnership = agreement.partnership
    users = User.objects.filter(is_active=True, role="centre_staff")
    if partnership.institution_id:
        return users.filter(institutions=partnership.institution_id).distinct()
    return users.filter(
        Q(joint_centres=partnership.joint_centre_id)
        | Q(
            institutions__in=JointCentreParty.objects.filter(
                centre=partnership.joint_centre_id, institution__isnull=False
            ).values("institution_id")
        )
    ).distinct()


def enterprise_users(agreement: Agreement):
    """Active partner users of the agreement's enterprise."""

    return User.objects.filter(
        is_active=True, role="partner", enterprise_id=agreement.partnership.enterprise_id
    )


def enterprise_admins(agreement: Agreement):
    """Active partner admins of the agreement's enterprise: the people who
    answer for the contract on the enterprise's side."""

    return enterprise_users(agreement).filter(is_partner_admin=True)


# --- Lists and details for the API and the staff UI -------------------------
#
# The scoping selectors above decide what a user sees; these add what a list
# or a page shows, so the number of queries does not grow with the rows.


def staff_works_for_research_party(user, *, institution=None, joint_centre=None) -> bool:
    """Whether ``user`` may act for ``institution`` or ``joint_centre`` as
    the research party of a new or changed partnership: superusers, and the
    staff who would see such a partnership (see partnerships_visible_to)."""
    if has_full_access(user):
        return True
    if not is_centre_staff_user(user):
        return False
    if institution is not None:
        return user.institutions.filter(pk=institution.pk).exists()
    if joint_centre is not None:
        return _centre_ids_for_staff(user).filter(pk=joint_centre.pk).exists()
    return False


def enterprise_list_for(user) -> QuerySet[Enterprise]:
    return enterprises_visible_to(user).prefetch_related("sectors")


def centre_parties_visible_to(user) -> QuerySet[JointCentreParty]:
    """Parties of the visible joint centres. A partner sees the host
    institutions and its own enterprise's membership, not what the other
    lead enterprises committed."""
    parties = JointCentreParty.objects.select_related("institution", "enterprise").filter(
        centre__in=joint_centres_visible_to(user).values("id")
    )
    if is_partner_user(user) and not has_full_access(user):
        parties = parties.filter(
            Q(institution__isnull=False) | Q(enterprise_id=user.enterprise_id)
        )
    return parties.order_by("id")


def joint_centre_list_for(user) -> QuerySet[JointCentre]:
    """Visible joint centres with their parties, focus sectors and the
    governance contacts the user may see, in a fixed number of queries."""
    return joint_centres_visible_to(user).prefetch_related(
        Prefetch("parties", queryset=centre_parties_visible_to(user)),
        "focus_sectors",
        Prefetch("governance_contacts", queryset=people_visible_to(user)),
    )


def failure_clauses_visible_to(user) -> QuerySet[FailureClause]:
    return FailureClause.objects.select_related("agreement", "stage").filter(
        agreement__in=agreements_visible_to(user).values("id")
    )


def milestone_schedule_visible_to(user) -> QuerySet[MilestoneScheduleItem]:
    return MilestoneScheduleItem.objects.select_related("agreement", "trigger_stage").filter(
        agreement__in=agreements_visible_to(user).values("id")
    )


def agreement_terms_for(user) -> QuerySet[Agreement]:
    """Visible agreements with all their terms: cost shares, failure
    clauses, milestone schedule and royalty tiers."""
    return agreements_visible_to(user).prefetch_related(
        Prefetch(
            "cost_shares",
            queryset=CostShare.objects.select_related("first_stage", "last_stage"),
        ),
        Prefetch("failure_clauses", queryset=FailureClause.objects.select_related("stage")),
        Prefetch(
            "milestone_schedule",
            queryset=MilestoneScheduleItem.objects.select_related("trigger_stage"),
        ),
        "royalty_tiers",
    )


# --- Detail pages of the staff UI ----------------------------------------------


def institution_partnerships_for(user, institution) -> QuerySet[Partnership]:
    """The visible partnerships of an institution: its own and those of the
    joint centres it hosts."""
    hosted = JointCentreParty.objects.filter(institution=institution).values("centre_id")
    return partnerships_visible_to(user).filter(
        Q(institution=institution) | Q(joint_centre__in=hosted)
    )


def centre_funding_for(user, centre) -> QuerySet[dict]:
    """Per currency, what the visible parties of a joint centre commit each
    year, summed by the database."""
    return (
        centre_parties_visible_to(user)
        .filter(centre=centre)
        .values("currency")
        .annotate(total=Sum("annual_funding_commitment"), parties=Count("id"))
        .order_by("currency")
    )


def enterprise_accounts_for(user, enterprise):
    """The partner users (portal accounts) of an enterprise the user sees:
    research-centre staff and superusers only."""

    if not (has_full_access(user) or is_centre_staff_user(user)):
        return User.objects.none()
    return User.objects.filter(
        role="partner",
        enterprise__in=enterprises_visible_to(user).filter(pk=enterprise.pk).values("id"),
    ).order_by("full_name", "email")
