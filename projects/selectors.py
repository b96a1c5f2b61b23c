"""Scoping selectors: the only way user-facing code reads project data.

Staff see the projects that their institutions lead, that run in a joint
centre they work for or host, or that belong to one of their partnerships.
A partner user sees the projects its enterprise is a partner of.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from itertools import groupby

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONArray

from accounts.choices import Role
from accounts.models import User
from accounts.selectors import (
    has_full_access,
    is_centre_staff_user,
    is_partner_user,
    staff_centre_filter,
    staff_institution_ids,
)
from core.db.aggregates import JSONBAgg
from core.db.expressions import ExistsRowByRow
from core.exchange import total_in
from core.money import DECIMAL_PLACES, MAX_DIGITS, quantize_money
from partnerships.computations.reporting import last_ended_period
from partnerships.models import CostShare, Enterprise, Institution, JointCentre, Partnership
from partnerships.selectors import agreements_visible_to, partnerships_visible_to
from pipelines.models import StageDefinition
from pipelines.selectors import stages_visible_to

from .choices import MilestoneStatus, ProjectStatus, RoyaltyReportKind
from .computations.ledger import Cost, LedgerLine, ShareRange, cost_ledger
from .models import (
    MILESTONE_EXPECTED,
    Activity,
    CostEntry,
    Document,
    FixedPayment,
    Invoice,
    Milestone,
    OpenMilestoneMoney,
    PartnerStageCount,
    Payment,
    PortfolioCount,
    ReceivedMoney,
    ResearchProject,
    RoyaltyReport,
    StageStay,
    StageTransition,
    VatInvoice,
)


def staff_project_links(user) -> dict[str, QuerySet]:
    """The links that choose the projects a staff member works on, each with
    the ids it accepts as a subquery: the institutions that lead them, its
    joint centres, and its institutions' partnerships."""
    institution_ids = staff_institution_ids(user)
    return {
        "lead_institution": institution_ids,
        "joint_centre": JointCentre.objects.filter(staff_centre_filter(user)).values("id"),
        "partnership": Partnership.objects.filter(institution__in=institution_ids).values("id"),
    }


def _staff_projects_filter(user, prefix: str = "") -> Q:
    """The projects a staff member works on, as a filter on ``prefix`` (a
    path to a ResearchProject): any of ``staff_project_links``."""
    chosen = Q()
    for link, ids in staff_project_links(user).items():
        chosen |= Q(**{f"{prefix}{link}__in": ids})
    return chosen


def projects_visible_to(user) -> QuerySet[ResearchProject]:
    projects = ResearchProject.objects.all()
    if has_full_access(user):
        return projects
    if is_centre_staff_user(user):
        return projects.filter(_staff_projects_filter(user))
    if is_partner_user(user):
        return projects.filter(partner_enterprises=user.enterprise_id)
    return projects.none()


def project_visible_filter(user, path: str = "project") -> Q:
    """``projects_visible_to`` as a filter on rows that name a project at
    ``path``, written on the row's own project rather than as ``IN`` every
    visible project: for staff, the project joined by its key; for a
    partner, whether its enterprise partners in that project (the link
    table's unique index answers). A few rows (documents, achievements, a
    search's matches) then cost a few lookups, where the list made
    PostgreSQL hash every project the user reaches (100,000 for staff,
    23,545 for the largest partner in bench/search.py) before looking at
    one row."""
    if has_full_access(user):
        return Q()
    if is_centre_staff_user(user):
        return _staff_projects_filter(user, f"{path}__")
    if is_partner_user(user):
        return Q(
            Exists(
                ResearchProject.partner_enterprises.through.objects.filter(
                    researchproject_id=OuterRef(path), enterprise_id=user.enterprise_id
                )
            )
        )
    return Q(pk__in=[])


def _terms_shown_to(user) -> dict:
    """``shown_partnership_id`` and ``shown_agreement_id``: the partnership
    and agreement a project runs under, as the user may know them. A
    partner on a project shared under another enterprise's agreement is not
    told which one (null): it sees only what its own agreement governs."""
    if not is_partner_user(user):
        return {
            "shown_partnership_id": F("partnership_id"),
            "shown_agreement_id": F("agreement_id"),
        }
    return {
        "shown_partnership_id": Case(
            When(
                partnership__in=partnerships_visible_to(user).values("id"),
                then=F("partnership_id"),
            ),
            default=None,
        ),
        "shown_agreement_id": Case(
            When(agreement__in=agreements_visible_to(user).values("id"), then=F("agreement_id")),
            default=None,
        ),
    }


def project_terms_for(user, project: ResearchProject) -> tuple:
    """(agreement, partnership) a project runs under, as the user may know
    them, each None when unknown to it: a partner on a project shared under
    another enterprise's agreement sees neither. The project's page names
    them from here."""
    agreement = partnership = None
    if project.agreement_id:
        agreement = agreements_visible_to(user).filter(pk=project.agreement_id).first()
    if agreement is not None:
        partnership = agreement.partnership
    elif project.partnership_id:
        partnership = partnerships_visible_to(user).filter(pk=project.partnership_id).first()
    return agreement, partnership


def projects_in_mode(user, projects: QuerySet, mode: str) -> QuerySet[ResearchProject]:
    """Those of ``projects`` whose partnership works in the cooperation
    ``mode``, as the user may know it: a partner filters through its own
    partnerships only, so the filter does not tell how another enterprise
    works on a project they share."""
    projects = projects.filter(partnership__mode=mode)
    if is_partner_user(user):
        projects = projects.filter(partnership__in=partnerships_visible_to(user).values("id"))
    return projects


def project_list_for(user) -> QuerySet[ResearchProject]:
    """Visible projects with what a list shows, in a fixed number of queries
    whatever the page size."""
    return (
        projects_visible_to(user)
        .annotate(**_terms_shown_to(user))
        .select_related("current_stage__pipeline__sector", "lead_institution", "joint_centre")
        .prefetch_related(
            Prefetch("partner_enterprises", queryset=Enterprise.objects.order_by("name"))
        )
    )


def project_list_rows_for(user) -> QuerySet[dict]:
    """Visible projects as plain rows of what the API's list shows, in one
    query: the list is the most read page of the API, and building model
    instances took longer than the query. On PostgreSQL each row brings its
    partner enterprises (``partners``: [id, code, name] by name, as
    ``project_partners_of`` gives them) from a subquery; elsewhere
    ``project_partners_of`` adds those of a page in one more query.

    Building this queryset (twenty columns through four joins) cost more
    than running it. For superusers and partners, whose rows depend on
    nothing of theirs but their enterprise, it is built once per scope and
    cloned; it holds no rows, only the query, so nothing in it goes stale.
    A staff member's scope is read from their institutions and centres and
    built each time."""
    scope = _list_scope(user)
    if scope is None:
        return _project_list_rows(user)
    built = _project_list_rows_built.get(scope)
    if built is None:
        if len(_project_list_rows_built) >= PROJECT_LIST_SCOPES_KEPT:
            _project_list_rows_built.clear()
        built = _project_list_rows_built[scope] = _project_list_rows(user)
    return built.all()


# The built project lists, by scope: one for superusers and one per
# enterprise, emptied when it holds more than this many.
PROJECT_LIST_SCOPES_KEPT = 1000
_project_list_rows_built: dict[tuple, QuerySet[dict]] = {}


def _list_scope(user) -> tuple | None:
    """What ``projects_visible_to`` and ``_terms_shown_to`` make of the user,
    in the same order, when it is all they depend on; None otherwise."""
    if has_full_access(user):
        return ("all",)
    if is_centre_staff_user(user):
        return None
    if is_partner_user(user):
        return ("enterprise", user.enterprise_id)
    return None


def _project_list_rows(user) -> QuerySet[dict]:
    rows = projects_visible_to(user).values(
        "id",
        "code",
        "title",
        "title_zh",
        "status",
        "trl",
        "joint_centre_id",
        "start_date",
        "updated_at",
        sector_code=F("current_stage__pipeline__sector__code"),
        stage_id=F("current_stage_id"),
        stage_code=F("current_stage__code"),
        stage_name=F("current_stage__name"),
        stage_name_zh=F("current_stage__name_zh"),
        stage_position=F("current_stage__position"),
        stage_trl_min=F("current_stage__trl_min"),
        stage_trl_max=F("current_stage__trl_max"),
        lead_id=F("lead_institution_id"),
        lead_code=F("lead_institution__code"),
        lead_name=F("lead_institution__name"),
        **_terms_shown_to(user),
    )
    if connection.vendor != "postgresql":
        return rows
    return rows.annotate(partners=_partners_as_json())


def _partners_as_json() -> Subquery:
    """A project's partner enterprises as a JSON array of [id, code, name],
    by name then id, or null for none (PostgreSQL)."""
    links = ResearchProject.partner_enterprises.through.objects.filter(
        researchproject_id=OuterRef("pk")
    )
    return Subquery(
        links.order_by()
        .values("researchproject_id")
        .annotate(
            partners=JSONBAgg(
                JSONArray("enterprise_id", "enterprise__code", "enterprise__name"),
                order_by=("enterprise__name", "enterprise_id"),
            )
        )
        .values("partners")
    )


def project_partners_of(project_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The partner enterprises (id, code and name, by name) of each of the
    given projects, which the caller sees, in one query."""
    project_ids = list(project_ids)
    partners = defaultdict(list)
    if not project_ids:
        return partners
    links = (
        ResearchProject.partner_enterprises.through.objects.filter(
            researchproject_id__in=project_ids
        )
        .order_by("enterprise__name", "enterprise_id")
        .values_list("researchproject_id", "enterprise_id", "enterprise__code", "enterprise__name")
    )
    for project_id, enterprise_id, code, name in links:
        partners[project_id].append({"id": enterprise_id, "code": code, "name": name})
    return partners


def project_detail_for(user) -> QuerySet[ResearchProject]:
    """Visible projects with their parties and gate history."""
    return (
        project_list_for(user)
        .select_related("principal_investigator", "partnership", "agreement", "owner")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related(
                    "from_stage", "to_stage", "decided_by"
                ).order_by("decided_at", "id"),
            )
        )
    )


def stage_stays_visible_to(user) -> QuerySet[StageStay]:
    """The stays in a stage of the projects the user sees. A staff member's
    are chosen on the links each stay repeats from its project (lead
    institution, joint centre, partnership), as ``projects_visible_to``
    chooses the projects, without joining them."""
    stays = StageStay.objects.all()
    if has_full_access(user):
        return stays
    if is_centre_staff_user(user):
        return stays.filter(_staff_projects_filter(user))
    if is_partner_user(user):
        return stays.filter(project__partner_enterprises=user.enterprise_id)
    return stays.none()


def portfolio_counts_visible_to(user) -> QuerySet[PortfolioCount] | None:
    """The portfolio's counts of the projects the user sees: every row for
    a superuser, for a staff member the rows chosen on the links each row
    repeats from its projects, as ``projects_visible_to`` chooses the
    projects. None for a partner user, whose projects (those its
    enterprise partners) the counts cannot tell apart: the caller counts
    the projects instead."""
    counts = PortfolioCount.objects.all()
    if has_full_access(user):
        return counts
    if is_centre_staff_user(user):
        return counts.filter(_staff_projects_filter(user))
    if is_partner_user(user):
        return None
    return counts.none()


def open_milestone_money_visible_to(user) -> QuerySet[OpenMilestoneMoney] | None:
    """The open milestones' money of the projects the user sees: every row
    for a superuser, for a staff member the rows chosen on the links each
    row repeats from its projects, as ``projects_visible_to`` chooses the
    projects. None for a partner user, who sees only its own agreements'
    milestones of the projects its enterprise partners in, which the rows
    cannot tell apart: the caller reads the milestones instead."""
    money = OpenMilestoneMoney.objects.all()
    if has_full_access(user):
        return money
    if is_centre_staff_user(user):
        return money.filter(_staff_projects_filter(user))
    if is_partner_user(user):
        return None
    return money.none()


def received_money_visible_to(user) -> QuerySet[ReceivedMoney] | None:
    """The money received on what the user sees: every row for a
    superuser; for a staff member, the rows of milestone payments chosen on
    their projects' links (as ``open_milestone_money_visible_to``) and the
    rows of the agreements the user sees. None for a partner user, whose
    payments the rows cannot tell apart: the caller reads the payments."""
    money = ReceivedMoney.objects.all()
    if has_full_access(user):
        return money
    if is_centre_staff_user(user):
        return money.filter(
            Q(agreement__isnull=True) & _staff_projects_filter(user)
            | Q(agreement__in=agreements_visible_to(user).values("id"))
        )
    if is_partner_user(user):
        return None
    return money.none()


def stage_transitions_visible_to(user) -> QuerySet[StageTransition]:
    """Gate decisions of the projects the user sees, each with the evidence
    the user may see (``documents_visible_to``): a document that became
    another enterprise's claim evidence, or an internal one, is left out."""
    return (
        StageTransition.objects.filter(project__in=projects_visible_to(user).values("id"))
        .select_related("project", "from_stage", "to_stage", "decided_by")
        .prefetch_related(
            Prefetch("evidence", queryset=documents_visible_to(user).order_by("original_name"))
        )
    )


def project_stakeholders(project: ResearchProject):
    """The people told of a project's stage changes: staff of its lead
    institution and joint centre, and the users of its partner enterprises."""

    audience = Q(role="centre_staff", institutions=project.lead_institution_id) | Q(
        role="partner", enterprise__in=project.partner_enterprises.values("id")
    )
    if project.joint_centre_id:
        audience |= Q(role="centre_staff", joint_centres=project.joint_centre_id)
    return User.objects.filter(audience, is_active=True).distinct()


def staff_work_on_project(user, project: ResearchProject) -> bool:
    """Whether ``user`` is research-centre staff who may decide and record
    for the project: superusers, and staff who see it."""
    if has_full_access(user):
        return True
    return is_centre_staff_user(user) and projects_visible_to(user).filter(pk=project.pk).exists()


# --- Money, documents and activity ---------------------------------------------
#
# Everything under a project is visible to whoever sees the project; partners
# never see internal documents or internal activity.


def _under_visible_projects(queryset, user, path="project"):
    if has_full_access(user):
        return queryset
    return queryset.filter(project_visible_filter(user, path))


def milestones_visible_to(user) -> QuerySet[Milestone]:
    """Milestones of the projects the user sees; a partner sees only those
    of its own agreements (on a project shared by two enterprises, one's
    milestones, claims and invoices are none of the other's business)."""

    milestones = _under_visible_projects(
        Milestone.objects.select_related(
            "project",
            "agreement__partnership__institution",
            "agreement__partnership__joint_centre",
            "agreement__partnership__enterprise",
            "trigger_stage",
            "verification_recorded_by",
        ),
        user,
    )
    if is_partner_user(user):
        milestones = milestones.filter(agreement__in=agreements_visible_to(user).values("id"))
    return milestones


def fixed_payments_visible_to(user) -> QuerySet[FixedPayment]:
    """Fixed payments of the agreements the user sees: a partner, those its
    own enterprise owes. One naming a project stays with its agreement (a
    project shared by two enterprises shows each only its own)."""
    payments = FixedPayment.objects.select_related(
        "agreement__partnership__institution",
        "agreement__partnership__joint_centre",
        "agreement__partnership__enterprise",
        "project",
    )
    if has_full_access(user):
        return payments
    return payments.filter(agreement__in=agreements_visible_to(user).values("id"))


def invoices_visible_to(user) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related(
        "milestone__project",
        "royalty_report__agreement",
        "fixed_payment__agreement",
        "vat_invoice",
    )
    if has_full_access(user):
        return invoices
    # The invoices of what the user sees billed: a milestone of
    # ``milestones_visible_to``, a report of ``royalty_reports_visible_to``, a
    # payment of ``fixed_payments_visible_to``. Written on the invoice's own
    # milestone, report or payment (joined by its key) rather than as ``IN``
    # each of those lists, which made PostgreSQL collect every milestone the
    # user sees (468,000 for the largest partner at a million projects)
    # before looking at one invoice: the overview reads the few open
    # invoices due soonest and stops.
    visible_agreements = agreements_visible_to(user).values("id")
    if is_partner_user(user):
        return invoices.filter(agreement__in=visible_agreements).filter(
            _billed_under_own_agreement(user.enterprise_id)
        )
    milestone_visible = project_visible_filter(user, "milestone__project")
    return invoices.filter(
        milestone_visible
        | Q(royalty_report__agreement__in=visible_agreements)
        | Q(fixed_payment__agreement__in=visible_agreements)
    )


def _billed_under_own_agreement(enterprise_id) -> Q:
    """An invoice whose milestone, royalty report or fixed payment is under
    the invoice's own agreement, and whose milestone's project the
    enterprise partners.

    A partner's invoices are those of its agreements, read by the invoice's
    agreement key; this checks what each one bills, row by row: its
    milestone by key, its project's link to the enterprise by index
    (``ExistsRowByRow``: hashing the enterprise's links instead cost 130 ms
    for the overview's few open invoices at a million projects). Joining
    every milestone and partner link first made a count of a partner's
    invoices take 97 ms at 100,000 projects; it takes 40. Checked against
    the invoice's own key, a key out of step with what it bills could hide
    an invoice, never show another's."""
    partnered = ResearchProject.partner_enterprises.through.objects.filter(
        researchproject_id=OuterRef("milestone__project_id"), enterprise_id=enterprise_id
    )
    return (
        (Q(milestone__agreement_id=F("agreement_id")) & Q(ExistsRowByRow(partnered)))
        | Q(royalty_report__agreement_id=F("agreement_id"))
        | Q(fixed_payment__agreement_id=F("agreement_id"))
    )


def vat_invoices_visible_to(user) -> QuerySet[VatInvoice]:
    """The VAT invoices recorded on the invoices the user sees."""
    return VatInvoice.objects.select_related("invoice").filter(
        invoice__in=invoices_visible_to(user).values("id")
    )


def payments_visible_to(user) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("invoice")
    if has_full_access(user):
        return payments
    return payments.filter(invoice__in=invoices_visible_to(user).values("id"))


def royalty_reports_visible_to(user) -> QuerySet[RoyaltyReport]:
    """Reports of the agreements the user sees (a report belongs to an
    agreement; its project, when named, is under the same agreement)."""

    reports = RoyaltyReport.objects.select_related("agreement__partnership", "project")
    if has_full_access(user):
        return reports
    return reports.filter(agreement__in=agreements_visible_to(user).values("id"))


def cost_entries_visible_to(user) -> QuerySet[CostEntry]:
    """Cost entries of the projects the user sees. A project's costs are
    shared under the agreement the project runs under, so a partner sees
    them only when that agreement is its own: on a project shared with
    another enterprise under that enterprise's agreement, the costs and
    their split are the other's."""
    entries = _under_visible_projects(CostEntry.objects.select_related("project", "stage"), user)
    if is_partner_user(user):
        entries = entries.filter(project__agreement__in=agreements_visible_to(user).values("id"))
    return entries


def documents_visible_to(user) -> QuerySet[Document]:
    """Documents of the projects and agreements the user sees. A partner
    sees on a shared project only what its own agreement governs: a
    document reaches it when every link it has is the partner's (its
    project, its agreement, its milestone, its uploader when a partner) and
    it is not internal. A project document that staff linked to no
    agreement and no milestone is shared project-wide on purpose; claim
    evidence on another enterprise's milestone, a document of another
    enterprise's agreement, or one another enterprise's user uploaded, is
    not."""
    documents = Document.objects.select_related("project", "agreement", "milestone")
    if has_full_access(user):
        return documents
    visible_agreements = agreements_visible_to(user).values("id")
    visible = documents.filter(
        project_visible_filter(user) | Q(project__isnull=True, agreement__in=visible_agreements)
    )
    if is_partner_user(user):
        visible = visible.filter(
            Q(agreement__isnull=True) | Q(agreement__in=visible_agreements),
            Q(milestone__isnull=True) | Q(milestone__agreement__in=visible_agreements),
            _not_another_enterprises("uploaded_by", user),
            is_internal=False,
        )
    return visible


def _not_another_enterprises(path: str, user) -> Q:
    """Made by staff, by the system or by the partner's own enterprise: what
    another enterprise's users upload or do on a shared project without an
    agreement is theirs, not shared on purpose."""
    return (
        Q(**{f"{path}__isnull": True})
        | ~Q(**{f"{path}__role": Role.PARTNER})
        | Q(**{f"{path}__enterprise_id": user.enterprise_id})
    )


def activities_visible_to(user) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("actor", "project", "agreement")
    if has_full_access(user):
        return activities
    visible_agreements = agreements_visible_to(user).values("id")
    visible = activities.filter(
        project_visible_filter(user) | Q(project__isnull=True, agreement__in=visible_agreements)
    )
    if is_partner_user(user):
        visible = visible.filter(
            Q(agreement__in=visible_agreements)
            | Q(agreement__isnull=True) & _not_another_enterprises("actor", user),
            is_internal=False,
        )
    return visible


def project_timeline(user, project: ResearchProject) -> QuerySet[Activity]:
    """A project's activity, newest first, as the user may see it."""
    return activities_visible_to(user).filter(project=project).order_by("-created_at", "-id")


# --- The cost-sharing ledger ------------------------------------------------------


def _share_range(share) -> ShareRange:
    return ShareRange(
        pipeline_id=share.first_stage.pipeline_id,
        first_position=share.first_stage.position,
        last_position=share.last_stage.position,
        party=share.party,
        percent=share.percent,
    )


def _ledger(shares_queryset, entries_queryset) -> list[LedgerLine]:
    shares = [
        _share_range(share)
        for share in shares_queryset.select_related("first_stage", "last_stage")
    ]
    costs = (
        Cost(
            pipeline_id=pipeline_id,
            stage_position=position,
            paid_by=paid_by,
            amount=amount,
            currency=currency,
        )
        for pipeline_id, position, paid_by, currency, amount in _summed_costs(entries_queryset)
    )
    return _rounded_ledger(shares, costs)


def _summed_costs(entries, *by: str):
    """Cost entries summed by the database per stage, payer and currency
    (and ``by``), as (``*by``, pipeline, stage position, payer, currency,
    amount): the ledger splits each amount by a percent and rounds only the
    totals, so a sum splits exactly as its parts do, and a project with
    thousands of entries is read as a few rows."""
    return (
        entries.order_by()
        .values_list(*by, "stage__pipeline_id", "stage__position", "paid_by", "currency")
        .annotate(amount=Sum("amount"))
    )


def _rounded_ledger(shares: list[ShareRange], costs: Iterable[Cost]) -> list[LedgerLine]:
    # Round the research party's obligation and give the enterprise the rest,
    # so that the obligations add up to what was spent and the balances net
    # to zero.
    rounded = []
    for currency, lines in groupby(cost_ledger(shares, costs), key=lambda line: line.currency):
        lines = {line.party: line for line in lines}
        spent = sum(line.paid for line in lines.values())
        research_obligation = quantize_money(lines["research"].obligation, currency)
        obligations = {"research": research_obligation, "enterprise": spent - research_obligation}
        rounded.extend(
            LedgerLine(
                currency=currency,
                party=party,
                obligation=obligations[party],
                paid=quantize_money(line.paid, currency),
            )
            for party, line in lines.items()
        )
    return rounded


def project_cost_ledger(user, project: ResearchProject) -> list[LedgerLine]:
    """Per currency and party: obligation under the cost shares, paid, and
    balance, for one project the user sees."""

    project = projects_visible_to(user).get(pk=project.pk)
    if is_partner_user(user) and not (
        agreements_visible_to(user).filter(pk=project.agreement_id).exists()
    ):
        # The project runs under another enterprise's agreement: its cost
        # split is none of this partner's business (see
        # ``cost_entries_visible_to``).
        return []
    return _ledger(
        CostShare.objects.filter(agreement_id=project.agreement_id),
        cost_entries_visible_to(user).filter(project=project),
    )


def agreement_cost_ledger(user, agreement) -> list[LedgerLine]:
    """The ledger over all projects under an agreement the user sees."""

    agreement = agreements_visible_to(user).get(pk=agreement.pk)
    return _ledger(
        CostShare.objects.filter(agreement=agreement),
        CostEntry.objects.filter(project__agreement=agreement),
    )


# --- Money owed and received, for the detail pages of the staff UI ------------
#
# Sums are computed by the database, grouped by currency, from the scoping
# selectors: a page shows the money of what the user sees, and its queries do
# not grow with the milestones, reports or payments behind it.

# Money the payee may expect: claimed or later, not yet paid in full. A
# disputed claim is contested and planned milestones are not yet due.
MILESTONE_OWED_STATUSES = ("claimed", "verified", "invoiced", "partially_paid")
ROYALTY_OWED_STATUSES = ("accepted", "invoiced", "partially_paid")
# A fixed payment is owed from the day it is recorded.
FIXED_OWED_STATUSES = ("due", "invoiced", "partially_paid")


def _party_filter(prefix: str, party: dict) -> Q:
    """Milestones, royalty reports or payments (through ``prefix``) under
    the agreements of one institution, enterprise, joint centre, partnership
    or agreement."""
    paths = {
        "institution": "agreement__partnership__institution",
        "enterprise": "agreement__partnership__enterprise",
        "joint_centre": "agreement__partnership__joint_centre",
        "partnership": "agreement__partnership",
        "agreement": "agreement",
    }
    ((kind, value),) = party.items()
    return Q(**{f"{prefix}{paths[kind]}": value})


class MoneyPosition:
    """What one currency's money stands at for a party: owed (outstanding on
    claimed, verified and invoiced milestones, on accepted and invoiced
    royalty reports and on fixed payments due or invoiced), of which
    overdue, and received."""

    def __init__(self, currency: str):
        self.currency = currency
        zero = quantize_money(Decimal(0), currency)
        self.milestones_owed = zero
        self.milestones_owed_count = 0
        self.milestones_overdue = zero
        self.milestones_overdue_count = 0
        self.royalties_owed = zero
        self.royalties_owed_count = 0
        self.royalties_overdue = zero
        self.fixed_owed = zero
        self.fixed_owed_count = 0
        self.fixed_overdue = zero
        self.fixed_overdue_count = 0
        self.milestones_received = zero
        self.royalties_received = zero
        self.fixed_received = zero
        self.payments_count = 0
        self.last_paid_on = None

    @property
    def owed(self) -> Decimal:
        return self.milestones_owed + self.royalties_owed + self.fixed_owed

    @property
    def overdue(self) -> Decimal:
        return self.milestones_overdue + self.royalties_overdue + self.fixed_overdue

    @property
    def received(self) -> Decimal:
        return self.milestones_received + self.royalties_received + self.fixed_received


def money_position_for(user, *, today, **party) -> list[MoneyPosition]:
    """Per currency, the money owed, overdue and received under the
    agreements of one party (``institution=``, ``enterprise=``,
    ``joint_centre=``, ``partnership=`` or ``agreement=``), as the user may
    see it, in four queries whatever the number of rows behind it:
    milestones, royalties and fixed payments (upfront, fees…)."""
    zero = Value(Decimal(0), output_field=_money_output())
    milestone_overdue = Q(due_date__lt=today)
    milestones = (
        milestones_visible_to(user)
        .filter(_party_filter("", party), status__in=MILESTONE_OWED_STATUSES)
        .values("currency")
        .annotate(
            billed=Sum("amount"),
            count=Count("id"),
            overdue_billed=Coalesce(Sum("amount", filter=milestone_overdue), zero),
            overdue_count=Count("id", filter=milestone_overdue),
        )
        .order_by("currency")
    )
    royalty_overdue = Q(invoice__due_on__lt=today)
    royalties = (
        royalty_reports_visible_to(user)
        .filter(_party_filter("", party), status__in=ROYALTY_OWED_STATUSES)
        .values("currency")
        .annotate(
            billed=Sum("royalty_due"),
            count=Count("id"),
            overdue_billed=Coalesce(Sum("royalty_due", filter=royalty_overdue), zero),
        )
        .order_by("currency")
    )
    # Overdue past the date the agreement sets, as for milestones.
    fixed_overdue = Q(due_date__lt=today)
    fixed = (
        fixed_payments_visible_to(user)
        .filter(_party_filter("", party), status__in=FIXED_OWED_STATUSES)
        .values("currency")
        .annotate(
            billed=Sum("amount"),
            count=Count("id"),
            overdue_billed=Coalesce(Sum("amount", filter=fixed_overdue), zero),
            overdue_count=Count("id", filter=fixed_overdue),
        )
        .order_by("currency")
    )
    for_milestone = Q(invoice__milestone__isnull=False)
    for_royalty = Q(invoice__royalty_report__isnull=False)
    for_fixed = Q(invoice__fixed_payment__isnull=False)
    open_milestone = Q(invoice__milestone__status__in=MILESTONE_OWED_STATUSES)
    open_royalty = Q(invoice__royalty_report__status__in=ROYALTY_OWED_STATUSES)
    open_fixed = Q(invoice__fixed_payment__status__in=FIXED_OWED_STATUSES)
    payments = (
        payments_visible_to(user)
        .filter(
            _party_filter("invoice__milestone__", party)
            | _party_filter("invoice__royalty_report__", party)
            | _party_filter("invoice__fixed_payment__", party)
        )
        .values("currency")
        .annotate(
            milestones=Coalesce(Sum("amount", filter=for_milestone), zero),
            royalties=Coalesce(Sum("amount", filter=for_royalty), zero),
            fixed=Coalesce(Sum("amount", filter=for_fixed), zero),
            fixed_open=Coalesce(Sum("amount", filter=open_fixed), zero),
            fixed_open_overdue=Coalesce(
                Sum(
                    "amount",
                    filter=open_fixed & Q(invoice__fixed_payment__due_date__lt=today),
                ),
                zero,
            ),
            # Part payments reduce what is still owed.
            milestones_open=Coalesce(Sum("amount", filter=open_milestone), zero),
            milestones_open_overdue=Coalesce(
                Sum("amount", filter=open_milestone & Q(invoice__milestone__due_date__lt=today)),
                zero,
            ),
            royalties_open=Coalesce(Sum("amount", filter=open_royalty), zero),
            royalties_open_overdue=Coalesce(
                Sum("amount", filter=open_royalty & Q(invoice__due_on__lt=today)), zero
            ),
            count=Count("id"),
            last_paid_on=Max("paid_on"),
        )
        .order_by("currency")
    )
    positions: dict[str, MoneyPosition] = {}

    def position(currency):
        if currency not in positions:
            positions[currency] = MoneyPosition(currency)
        return positions[currency]

    paid = {row["currency"]: row for row in payments}
    for row in milestones:
        line = position(row["currency"])
        part_paid = paid.get(row["currency"], {})
        line.milestones_owed = quantize_money(
            row["billed"] - part_paid.get("milestones_open", 0), line.currency
        )
        line.milestones_owed_count = row["count"]
        line.milestones_overdue = quantize_money(
            row["overdue_billed"] - part_paid.get("milestones_open_overdue", 0), line.currency
        )
        line.milestones_overdue_count = row["overdue_count"]
    for row in royalties:
        line = position(row["currency"])
        part_paid = paid.get(row["currency"], {})
        line.royalties_owed = quantize_money(
            row["billed"] - part_paid.get("royalties_open", 0), line.currency
        )
        line.royalties_owed_count = row["count"]
        line.royalties_overdue = quantize_money(
            row["overdue_billed"] - part_paid.get("royalties_open_overdue", 0), line.currency
        )
    for row in fixed:
        line = position(row["currency"])
        part_paid = paid.get(row["currency"], {})
        line.fixed_owed = quantize_money(
            row["billed"] - part_paid.get("fixed_open", 0), line.currency
        )
        line.fixed_owed_count = row["count"]
        line.fixed_overdue = quantize_money(
            row["overdue_billed"] - part_paid.get("fixed_open_overdue", 0), line.currency
        )
        line.fixed_overdue_count = row["overdue_count"]
    for currency, row in paid.items():
        line = position(currency)
        line.milestones_received = quantize_money(row["milestones"], currency)
        line.royalties_received = quantize_money(row["royalties"], currency)
        line.fixed_received = quantize_money(row["fixed"], currency)
        line.payments_count = row["count"]
        line.last_paid_on = row["last_paid_on"]
    return [positions[currency] for currency in sorted(positions)]


def money_position_converted(positions: list[MoneyPosition], *, on) -> dict:
    """The owed, overdue and received money of ``money_position_for``, each
    added up across currencies in the reporting currency at the latest rates
    on or before ``on`` (``core.exchange.total_in``): None where there is
    nothing to convert, a total flagged incomplete where a rate is missing.
    The per-currency figures stay as they are; this goes beside them."""
    cache: dict = {}
    return {
        name: total_in(
            [(p.currency, getattr(p, name)) for p in positions if getattr(p, name)],
            on=on,
            cache=cache,
        )
        for name in ("owed", "overdue", "received")
    }


def ledger_converted(ledger: list[LedgerLine], *, on) -> dict:
    """A cost-sharing ledger across currencies, in the reporting currency
    (see ``money_position_converted``): what was spent in all, and the
    research party's balance (the enterprise's is its opposite)."""
    cache: dict = {}
    spent: dict[str, Decimal] = defaultdict(Decimal)
    research_balance: dict[str, Decimal] = defaultdict(Decimal)
    for line in ledger:
        spent[line.currency] += line.paid
        if line.party == "research":
            research_balance[line.currency] += line.balance
    research_balance = {c: amount for c, amount in research_balance.items() if amount}
    return {
        "spent": total_in(spent, on=on, cache=cache),
        "research_balance": total_in(research_balance, on=on, cache=cache),
    }


def _money_output():
    return DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)


# --- Amount paid --------------------------------------------------------------------
#
# What was received on an invoice is the sum of its payments, 0 before the
# first. Pages, endpoints and services all read it from here.


def _amount_paid(invoice_ref: str):
    """The sum of the payments on the invoice whose id the annotated rows
    hold in ``invoice_ref``; 0 when there are none (or no invoice)."""
    return Coalesce(
        Subquery(
            Payment.objects.filter(invoice=OuterRef(invoice_ref))
            .order_by()
            .values("invoice")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        ),
        Value(Decimal(0)),
        output_field=_money_output(),
    )


def _with_amount_paid(queryset, *, invoice_ref: str, amount: str):
    return queryset.annotate(amount_paid=_amount_paid(invoice_ref)).annotate(
        outstanding=ExpressionWrapper(F(amount) - F("amount_paid"), output_field=_money_output())
    )


def invoices_with_amount_paid(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """The invoices, each with ``amount_paid`` (received on it so far) and
    ``outstanding`` (its amount less that), computed in the database."""
    return _with_amount_paid(invoices, invoice_ref="pk", amount="amount")


def billed_with_amount_paid(queryset, *, amount: str = "amount"):
    """Milestones or royalty reports, each with ``amount_paid`` on its
    invoice and ``outstanding`` (its ``amount`` less that; a royalty report
    bills its ``royalty_due``)."""
    return _with_amount_paid(queryset, invoice_ref="invoice", amount=amount)


def invoice_amount_paid(invoice: Invoice) -> Decimal:
    """What was received on one invoice so far, read afresh: a service that
    has locked the invoice reads it inside its transaction."""
    return (
        invoices_with_amount_paid(Invoice.objects.filter(pk=invoice.pk))
        .values_list("amount_paid", flat=True)
        .get()
    )


def milestones_owed_for(user, **party) -> QuerySet[Milestone]:
    """The milestones still owed under one party's agreements (see
    ``money_position_for``), earliest due first, each with ``amount_paid``:
    what was received on its invoice so far."""
    return billed_with_amount_paid(
        milestones_visible_to(user)
        .filter(_party_filter("", party), status__in=MILESTONE_OWED_STATUSES)
        .select_related("invoice")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def agreement_milestones_for(user, agreement) -> QuerySet[Milestone]:
    """All the milestones of an agreement the user sees, with their
    invoices and what was paid on each, by due date."""
    return billed_with_amount_paid(
        milestones_visible_to(user)
        .filter(agreement=agreement)
        .select_related("invoice")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def agreement_fixed_payments_for(user, agreement) -> QuerySet[FixedPayment]:
    """The fixed payments of an agreement the user sees, by due date, with
    their invoices and what was paid on each."""
    return billed_with_amount_paid(
        fixed_payments_visible_to(user)
        .filter(agreement=agreement)
        .select_related("invoice")
        .order_by("due_date", "id")
    )


def agreement_royalty_reports_for(user, agreement) -> QuerySet[RoyaltyReport]:
    """The royalty reports of an agreement the user sees, newest period
    first, with their invoices and what was paid on each."""
    return billed_with_amount_paid(
        royalty_reports_visible_to(user)
        .filter(agreement=agreement)
        .select_related("invoice")
        .order_by("-period_start", "kind", "id"),
        amount="royalty_due",
    )


def royalty_report_detail_for(user) -> QuerySet[RoyaltyReport]:
    """The royalty reports the user sees, each with its agreement's parties,
    its lines, its invoice with its payments, and ``amount_paid`` on it."""
    return billed_with_amount_paid(
        royalty_reports_visible_to(user)
        .select_related(
            "agreement__partnership__enterprise",
            "agreement__partnership__institution",
            "agreement__partnership__joint_centre",
            "invoice",
            "submitted_by",
            "accepted_by",
        )
        .prefetch_related(
            "lines",
            Prefetch("invoice__payments", queryset=Payment.objects.order_by("paid_on", "id")),
        ),
        amount="royalty_due",
    )


def royalty_report_history(user, report: RoyaltyReport) -> QuerySet[Activity]:
    """What happened to a report, oldest first, as the user may see it: its
    submission, queries, corrections, acceptance, invoice, true-up, and the
    payments recorded on its invoice."""
    payments = Payment.objects.filter(invoice__royalty_report=report).values("id")
    return (
        activities_visible_to(user)
        .filter(
            Q(target_type=RoyaltyReport._meta.label_lower, target_id=report.pk)
            | Q(target_type=Payment._meta.label_lower, target_id__in=payments)
        )
        .order_by("created_at", "id")
    )


# --- The partner portal -------------------------------------------------------------
#
# What a partner's overview and pages show, read through the scoping
# selectors above, in a fixed number of queries whatever the number of rows.


def project_milestones_for(user, project: ResearchProject) -> QuerySet[Milestone]:
    """A project's milestones the user sees, earliest due first."""
    return (
        milestones_visible_to(user)
        .filter(project=project)
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def partner_stage_counts_of(user) -> QuerySet[PartnerStageCount]:
    """A partner user's counts by stage: its enterprise's, at the stages
    where it has projects; none for anyone else."""
    if not is_partner_user(user):
        return PartnerStageCount.objects.none()
    return PartnerStageCount.objects.filter(enterprise_id=user.enterprise_id, project_count__gt=0)


def _stage_counts(user) -> dict[int, int]:
    """Visible projects per stage id, for the stages that have any. A
    partner's are read from its counts by stage (``PartnerStageCount``),
    which hold exactly the projects its enterprise partners in, as
    ``projects_visible_to`` does; anyone else's are counted."""
    if is_partner_user(user):
        return dict(partner_stage_counts_of(user).values_list("stage_id", "project_count"))
    return dict(
        projects_visible_to(user)
        .order_by()
        .values_list("current_stage_id")
        .annotate(projects=Count("id"))
    )


def project_stage_counts(user) -> list[StageDefinition]:
    """The stages at which the user's projects stand, by sector, pipeline
    and position, each with ``project_count``."""
    counts = _stage_counts(user)
    stages = list(
        stages_visible_to(user)
        .filter(pk__in=list(counts))
        .order_by("pipeline__sector__position", "pipeline__code", "position")
    )
    for stage in stages:
        stage.project_count = counts[stage.pk]
    return stages


def project_pipeline_ids(user) -> QuerySet:
    """The ids of the pipelines of the user's projects, as a subquery: a
    partner's read from its counts by stage, a row per stage."""
    if is_partner_user(user):
        return partner_stage_counts_of(user).values("stage__pipeline_id")
    # Distinct, so that PostgreSQL reads the projects once for their few
    # pipelines rather than once per stage.
    return projects_visible_to(user).order_by().values("current_stage__pipeline_id").distinct()


def invoices_open_for(user, *, due_by) -> QuerySet[Invoice]:
    """Visible invoices not yet paid in full that fall due by ``due_by``
    (overdue ones included), soonest first, with ``amount_paid`` and
    ``outstanding`` computed in the database."""
    # What is outstanding decides; an invoice paid in full never is, and
    # leaving those out first lets PostgreSQL walk the open ones in due date
    # order (``invoice_unpaid_due_idx``) instead of summing the payments of
    # every invoice ever issued.
    return (
        invoices_with_amount_paid(invoices_visible_to(user))
        .filter(paid_in_full_on__isnull=True, outstanding__gt=0, due_on__lte=due_by)
        .select_related(
            "milestone__project", "royalty_report__agreement", "fixed_payment__agreement"
        )
        .order_by("due_on", "id")
    )


def milestones_expected_for(user, *, due_by) -> QuerySet[Milestone]:
    """Visible milestones that can be claimed (their stage was entered, or
    an event triggers them) and are not invoiced yet, falling due by
    ``due_by``: money the payer should expect to be asked for."""

    return (
        milestones_visible_to(user)
        .filter(MILESTONE_EXPECTED, due_date__lte=due_by)
        .order_by("due_date", "id")
    )


def fixed_payments_expected_for(user, *, due_by) -> QuerySet[FixedPayment]:
    """Visible upfronts, fees and other fixed payments owed and not invoiced
    yet, falling due by ``due_by`` (overdue ones included), soonest first."""
    return (
        fixed_payments_visible_to(user)
        .filter(status="due", due_date__lte=due_by)
        .order_by("due_date", "id")
    )


def claims_awaiting_verification(user) -> QuerySet[Milestone]:
    """Visible milestones claimed by the payee, oldest claim first."""

    return (
        milestones_visible_to(user)
        .filter(status=MilestoneStatus.CLAIMED)
        .order_by(F("claimed_at").asc(nulls_last=True), "id")
    )


def royalty_reports_due_for(user, *, today) -> list[dict]:
    """The sales reports the user's agreements owe for the last period that
    ended before ``today``, as the daily reminders count them: signed
    agreements with royalty tiers and a product on the market, inside the
    royalty term, with no sales report covering the period. Each entry
    gives the agreement, the period, the due date and whether it is late."""

    on_market = ResearchProject.objects.filter(
        agreement=OuterRef("pk"), status=ProjectStatus.PRODUCTIZED
    )
    agreements = list(
        agreements_visible_to(user)
        .filter(Exists(on_market), status="signed", royalty_tiers__isnull=False)
        .distinct()
        .annotate(
            first_sales=Min(
                "royalty_reports__period_start",
                filter=Q(royalty_reports__kind=RoyaltyReportKind.SALES),
            )
        )
        .order_by("reference")
    )
    periods = {
        agreement.pk: last_ended_period(agreement.royalty_reporting, today)
        for agreement in agreements
    }
    reported = set()
    if agreements:
        earliest = min(start for start, _end in periods.values())
        reported = {
            (agreement_id, start, end)
            for agreement_id, start, end in RoyaltyReport.objects.filter(
                agreement__in=[agreement.pk for agreement in agreements],
                kind=RoyaltyReportKind.SALES,
                period_end__gte=earliest,
            ).values_list("agreement_id", "period_start", "period_end")
        }
    due = []
    for agreement in agreements:
        start, end = periods[agreement.pk]
        last_year = None
        if agreement.first_sales is not None:
            if agreement.royalty_term_years:
                last_year = agreement.first_sales.year + agreement.royalty_term_years - 1
            if agreement.expires_on and (
                last_year is None or agreement.expires_on.year < last_year
            ):
                last_year = agreement.expires_on.year
        if (agreement.expires_on and agreement.expires_on < start) or (
            last_year is not None and start.year > last_year
        ):
            continue
        if any(
            agreement_id == agreement.pk and report_start <= end and report_end >= start
            for agreement_id, report_start, report_end in reported
        ):
            continue
        due_on = end + timedelta(days=agreement.royalty_report_due_days)
        due.append(
            {
                "agreement": agreement,
                "period_start": start,
                "period_end": end,
                "due_on": due_on,
                "late": today > due_on,
            }
        )
    return due


def enterprise_cost_balances(user) -> list[dict]:
    """Per visible agreement and currency, the enterprise's line of the
    cost-sharing ledger (obligation, paid, balance), in two queries for all
    agreements, the entries summed by the database: a positive balance is
    owed to the enterprise."""

    agreements = agreements_visible_to(user)
    shares = defaultdict(list)
    for share in CostShare.objects.filter(agreement__in=agreements.values("id")).select_related(
        "first_stage", "last_stage", "agreement"
    ):
        shares[share.agreement_id].append(share)
    costs = defaultdict(list)
    reference = {}
    entries = _summed_costs(
        CostEntry.objects.filter(project__agreement__in=agreements.values("id")),
        "project__agreement_id",
        "project__agreement__reference",
    )
    for agreement_id, ref, pipeline_id, position, paid_by, currency, amount in entries:
        reference[agreement_id] = ref
        costs[agreement_id].append(
            Cost(
                pipeline_id=pipeline_id,
                stage_position=position,
                paid_by=paid_by,
                amount=amount,
                currency=currency,
            )
        )
    balances = []
    for agreement_id in sorted(costs, key=reference.get):
        shares_of = [_share_range(share) for share in shares[agreement_id]]
        for line in _rounded_ledger(shares_of, costs[agreement_id]):
            if line.party == "enterprise":
                balances.append({"reference": reference[agreement_id], "line": line})
    return balances


def project_text_matches(text: str) -> Q:
    """Projects whose code or title (in either language) holds ``text``, or
    whose lead institution, joint centre or a partner enterprise is named
    with it (in either language): a search of the project list finds a
    partner's projects by the partner's name. The enterprises are matched
    through a subquery, so a project with several partners is listed once
    and the list's pagination stays a plain query."""
    names = Q(name__icontains=text) | Q(name_zh__icontains=text)
    partner_named = ResearchProject.partner_enterprises.through.objects.filter(
        Q(enterprise__name__icontains=text) | Q(enterprise__name_zh__icontains=text),
        researchproject_id=OuterRef("pk"),
    )
    return (
        Q(code__icontains=text)
        | Q(title__icontains=text)
        | Q(title_zh__icontains=text)
        | Q(lead_institution__in=Institution.objects.filter(names))
        | Q(joint_centre__in=JointCentre.objects.filter(names))
        | Q(Exists(partner_named))
    )
