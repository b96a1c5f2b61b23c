"""The permission matrix of the REST API, generated from its URL patterns.

Every route under /api/v1/ and every method it offers is tried by each role
(anonymous, research-centre staff, superuser, the partner of the side the
roles are named after, the partner of the other side, the researcher who
invented the side's achievement) on an object of the roles' own side and on
one of the other side. ``RULES`` says, per route name
and method, how to find those objects and who may act; ``expected`` turns a
rule into the status each role must get:

- anonymous: 401;
- an object the role may not see: 404, exactly as for a missing id (the
  test asks for a missing id too and compares);
- an operation the role may not perform on an object it sees: 403; an
  operation refused by the view's permission class before any lookup
  (staff-only viewsets) answers 403 on any id, seen or not;
- otherwise the operation's success status when the rule sends a valid
  body, or at least none of 401/403/404 when it does not.

Lists are checked for what they show: the side's objects appear in the list
of a role that sees them and in no one else's. A route or method missing
from ``RULES`` fails ``test_every_route_and_method_is_in_the_matrix``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from pipelines.models import StageDefinition
from tests.api.conftest import ROLES, SCORECARD_INPUTS, Side, World, client_for

pytestmark = pytest.mark.django_db

MISSING_ID = "999999999"
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
REFUSALS = {401, 403, 404}
# The kind of user each role is: both partners are partners.
KIND = {
    "staff": "staff",
    "superuser": "superuser",
    "partner": "partner",
    "other_partner": "partner",
    "researcher": "researcher",
}
EVERYONE = frozenset({"staff", "superuser", "partner"})
STAFF = frozenset({"staff", "superuser"})
PAYER = frozenset({"partner", "superuser"})
RESEARCHER = frozenset({"researcher"})
ANYONE = EVERYONE | RESEARCHER
OFFICE = STAFF | RESEARCHER
# The kinds of user a view's permission class turns away before any lookup,
# whatever the rule's ``who``: researchers, from all but their own routes.
NOT_RESEARCHERS = frozenset({"researcher"})
NOT_PARTNERS = frozenset({"partner"})
NOBODY = frozenset()


# --- Who sees what ----------------------------------------------------------------
#
# ``which`` is "own" (side a: the staff's institution, the partner's
# enterprise) or "foreign" (side b: the other partner's).


def sees(visibility: str, role: str, which: str) -> bool:
    if visibility == "everyone":
        return True
    if visibility == "personal":
        # Notifications and tokens: each user's own, superusers included.
        return which == "own"
    if role == "superuser":
        return True
    if visibility == "staff_own":
        # Webhook endpoints: the staff member who registered them.
        return role == "staff" and which == "own"
    if visibility == "public":
        # Comparable deals: "own" is a published deal, "foreign" a
        # confidential one that only staff may see.
        return role == "staff" or which == "own"
    if visibility == "directory" and role == "staff":
        # Staff see every institution, enterprise, person and joint centre.
        return True
    if visibility == "draft":
        # A draft disclosure is its researcher's until it is submitted.
        return role == "researcher" and which == "own"
    # Scoped: staff and the partner see side a; the other partner side b.
    return (role == "other_partner") == (which == "foreign")


# --- The rules ---------------------------------------------------------------------

Getter = Callable[[World, Side, str], dict]


@dataclass(frozen=True)
class Rule:
    """How to try one route and method, and who may use it.

    ``obj`` gives the URL's keyword arguments for a side's object (``None``
    for a collection route). ``who`` lists the kinds of user that may act
    (on an object they see). ``gate="class"`` means the view's permission
    class refuses the others before looking anything up. ``body`` and
    ``query`` build the request for a side; ``ok`` is the success status
    when the body is valid (``None``: assert no refusal only). A collection
    POST whose body names an object of a side the role cannot see answers
    ``refused_parent``. ``members`` gives the ids a list shows for a side.
    ``has_foreign=False`` for what belongs to no side (reference data,
    stateless computations); ``missing`` is an id that matches nothing.
    ``class_refuses`` lists the kinds of user the view's permission class
    turns away (403) before anything else.
    """

    obj: Getter | None = None
    visibility: str = "scoped"
    who: frozenset = EVERYONE
    gate: str = "object"
    body: Getter | None = None
    query: Getter | None = None
    ok: int | None = 200
    multipart: bool = False
    refused_parent: int | None = None
    members: Callable[[World, Side, str], set] | None = None
    has_foreign: bool = True
    missing: str = MISSING_ID
    class_refuses: frozenset = NOT_RESEARCHERS


def pk(attribute: str) -> Getter:
    def getter(world, side, role):
        return {"pk": _attr(side, attribute).pk}

    return getter


def nested(attribute: str) -> Getter:
    def getter(world, side, role):
        return {"agreement_pk": side.agreement.pk, "pk": _attr(side, attribute).pk}

    return getter


def under_agreement(world, side, role):
    return {"agreement_pk": side.agreement.pk}


def _attr(side: Side, path: str):
    value = side
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def ids(*attributes: str):
    def getter(world, side, role):
        return {_attr(side, attribute).pk for attribute in attributes}

    return getter


def valuation_of(world, side, role):
    """Each side sees the valuations its own people made."""
    maker = "partner" if KIND.get(role) == "partner" else "staff"
    return {"pk": side.valuations[maker].pk}


def deal_valuation_of(world, side, role):
    """An rNPV with a deal and a menu, made by the role's own side."""
    maker = "partner" if KIND.get(role) == "partner" else "staff"
    return {"pk": side.deal_valuations[maker].pk}


def portfolio_run_of(world, side, role):
    """Each side sees the portfolio runs its own people made."""
    maker = "partner" if KIND.get(role) == "partner" else "staff"
    return {"pk": side.portfolio_runs[maker].pk}


def portfolio_body(world, side, role):
    """The side's enterprise: every staff member sees it in the directory,
    only its own partner may run its portfolio."""
    return {"scope": "enterprise", "id": side.enterprise.pk, "trials": 1000}


def personal(attribute: str) -> Getter:
    """The role's own notification or token; "foreign" is another user's."""

    def getter(world, side, role):
        owner = "staff" if role == "anonymous" else role
        if side is world.b:
            owner = "other_partner" if owner != "other_partner" else "partner"
        return {"pk": getattr(world, attribute)[owner].pk}

    return getter


def import_body(world, side, role):
    """A dry run importing a person of the side's institution: a report,
    valid or not, and nothing written."""
    csv = f"full_name,institution\nLi Wei,{side.institution.code}\n".encode()
    return {
        "file": SimpleUploadedFile("people.csv", csv, content_type="text/csv"),
        "kind": "people",
        "dry_run": "true",
    }


def deal(world, side, role):
    return {"pk": (world.public_deal if side is world.a else world.private_deal).pk}


def reference_rate(world, side, role):
    from valuations.models import ReferenceSuccessRate

    return {"pk": ReferenceSuccessRate.objects.order_by("pk").first().pk}


def stages():
    return list(StageDefinition.objects.filter(pipeline__code="ENV").order_by("position"))


def unique(prefix: str) -> str:
    unique.counter += 1
    return f"{prefix}{unique.counter}"


unique.counter = 0


# Bodies. A side's body names that side's objects.


def rationale(world, side, role):
    return {"rationale": "Gate review passed."}


def reason(world, side, role):
    return {"reason": "No longer applies."}


def empty(world, side, role):
    return {}


def payment(world, side, role):
    return {"amount": "500.00", "currency": "CNY", "paid_on": "2025-07-01"}


def vat_invoice(world, side, role):
    """The fully digitalised VAT invoice issued for the side's invoice, exempt
    as registered technology-transfer income."""
    return {
        "kind": "digital_special",
        "number": f"{side.invoice.pk:020d}",
        "issued_on": side.invoice.issued_on.isoformat(),
        "amount_with_tax": str(side.invoice.amount),
        "tax_rate": "exempt",
        "tax_amount": "0.00",
    }


def fixed_payment_body(world, side, role):
    return {
        "agreement": side.agreement.pk,
        "kind": "patent_costs",
        "amount": "12000.00",
        "due_date": "2026-03-31",
        "description": "PCT national phase",
    }


def royalty_submission(world, side, role):
    return {
        "agreement": side.agreement.pk,
        "period_start": "2024-10-01",
        "period_end": "2024-12-31",
        "net_sales": "100000.00",
    }


def project_body(world, side, role):
    return {
        "code": unique("MATRIX-"),
        "title": "Enzyme recycling",
        "current_stage": stages()[0].pk,
        "lead_institution": side.institution.pk,
        "trl": 1,
        "start_date": "2025-01-01",
    }


def cost_entry_body(world, side, role):
    return {
        "project": side.project.pk,
        "stage": side.project.current_stage_id,
        "paid_by": "research",
        "amount": "2500.00",
        "currency": "CNY",
        "incurred_on": "2025-05-01",
        "description": "Sequencing",
    }


def document_body(world, side, role):
    return {
        "file": SimpleUploadedFile("notes.txt", b"Lab notes", content_type="text/plain"),
        "project": side.project.pk,
        "description": "Lab notes",
    }


def structure_deal(world, side, role):
    return {"structure": "deal"}


def valuation_body(world, side, role):
    return {"project": side.project.pk, "method": "scorecard", "inputs": SCORECARD_INPUTS}


def cost_shares_body(world, side, role):
    first, last = stages()[0], stages()[-1]
    return {
        "cost_shares": [
            {"first_stage": first.pk, "last_stage": last.pk, "party": "research", "percent": 50},
            {"first_stage": first.pk, "last_stage": last.pk, "party": "enterprise", "percent": 50},
        ]
    }


def royalty_tiers_body(world, side, role):
    return {"royalty_tiers": [{"lower_bound": "0", "rate_percent": "6"}]}


def failure_clause_body(world, side, role):
    return {
        "stage": stages()[1].pk,
        "sunk_costs_borne_by": "research",
        "ip_reverts_to_institution": True,
    }


def schedule_item_body(world, side, role):
    return {
        "name": "Field trial passed",
        "kind": "scientific",
        "amount": "50000.00",
        "trigger_event": "Field trial passed",
    }


def partnership_body(world, side, role):
    return {
        "code": unique("PS-M"),
        "title": "Joint enzyme programme",
        "mode": "contract_rd",
        "institution": side.institution.pk,
        "enterprise": side.enterprise.pk,
        "started_on": "2025-01-01",
    }


def agreement_body(world, side, role):
    return {
        "partnership": side.partnership.pk,
        "reference": unique("AGR-M"),
        "title": "Option agreement",
        "kind": "licence",
        "status": "draft",
    }


def institution_body(world, side, role):
    return {"code": unique("INST-M"), "name": unique("Matrix Institute "), "kind": "university"}


def enterprise_body(world, side, role):
    return {"code": unique("ENT-M"), "name": unique("Matrix Biotech "), "size": "sme"}


def person_body(world, side, role):
    return {"full_name": "Dr. Matrix", "institution": side.institution.pk}


def joint_centre_body(world, side, role):
    return {
        "code": unique("JC-M"),
        "name": unique("Matrix Centre "),
        "established_on": "2024-01-01",
        "parties": [{"institution": side.institution.pk}, {"enterprise": side.enterprise.pk}],
    }


def project_query(world, side, role):
    return {"project": side.project.pk}


def search_query(world, side, role):
    """The side's project code: each role finds what it sees of it (what
    each finds is tested in tests/search)."""
    return {"q": side.project.code}


def own_notification(world, side, role):
    return {"ids": [world.notifications[role].pk]} if role in world.notifications else {}


def token_body(world, side, role):
    return {"name": "CRM sync"}


def endpoint_body(world, side, role):
    return {"url": "https://hooks.example.org/in", "event_types": ["milestone.claimed"]}


def description(world, side, role):
    return {"description": "Finance system"}


def city(world, side, role):
    return {"city": "Suzhou"}


def title(world, side, role):
    return {"title": "Renamed by the matrix"}


# Achievements, disclosures, patents and the docket.


def achievement_body(world, side, role):
    return {
        "title": "Thermostable polymerase",
        "kind": "invention",
        "funding_source": "government",
        "disclosed_on": "2025-02-01",
        "owners": [{"institution": side.institution.pk, "share_percent": "100"}],
        "inventors": [
            {"person": side.achievement.inventors.first().person_id, "contribution_percent": "100"}
        ],
    }


def decision(world, side, role):
    return {"decision": "protect", "rationale": "Strong claims and two licensees."}


def agreement_link(world, side, role):
    return {"agreement": side.agreement.pk, "mode": "assignment", "income_share_percent": "50"}


def agreement_of(world, side, role):
    return {"agreement": side.agreement.pk}


def disclosure_body(world, side, role):
    return {
        "title": "Lysate for membrane proteins",
        "kind": "biological_material",
        "summary": "Expresses membrane proteins without cells.",
        "institution": side.institution.pk,
        "funding_source": "industry",
    }


def confirmation(world, side, role):
    """Staff record the inventor's confirmation; an inventor confirms their
    own."""
    if KIND.get(role) in STAFF:
        return {"person": side.achievement.inventors.first().person_id}
    return {}


def family_body(world, side, role):
    return {
        "achievement": side.achievement.pk,
        "title": "Polymerase family",
        "priority_date": "2025-01-10",
    }


def application_body(world, side, role):
    return {
        "family": side.family.pk,
        "jurisdiction": "US",
        "kind": "invention",
        "application_number": unique("18/555,"),
        "filed_on": "2025-01-10",
        "status": "filed",
    }


def counsel_body(world, side, role):
    return {"name": unique("Matrix IP Firm "), "kind": "firm"}


def distribution_period(world, side, role):
    """A year with no run yet of either side."""
    return {
        "institution": side.institution.pk,
        "period_start": "2023-01-01",
        "period_end": "2023-12-31",
        "currency": "CNY",
    }


def public_notice(world, side, role):
    return {"published_on": "2026-01-10", "days": 15}


def settlement(world, side, role):
    return {"on": timezone.localdate().isoformat(), "reference": "TX-1"}


def ip_cost_body(world, side, role):
    return {
        "achievement": side.achievement.pk,
        "kind": "official_fee",
        "amount": "900.00",
        "currency": "CNY",
        "incurred_on": "2025-02-01",
        "description": "Examination fee",
    }


def equity_holding_body(world, side, role):
    return {
        "institution": side.institution.pk,
        "company": side.enterprise.pk,
        "acquired_on": "2025-02-01",
        "shares": "500",
        "value": "50000.00",
        "currency": "CNY",
    }


def equity_sale_body(world, side, role):
    return {"realised_on": "2025-03-01", "shares": "10", "proceeds": "2000.00"}


def operating_profit_body(world, side, role):
    return {
        "institution": side.institution.pk,
        "achievement": side.achievement.pk,
        "year": 2025,
        "profit": "80000.00",
        "currency": "CNY",
    }


def staff_mobility_body(world, side, role):
    # Leave beside the world's part-time work: no overlap of the same kind.
    return {
        "institution": side.institution.pk,
        "person": side.researcher.person.pk,
        "kind": "leave",
        "enterprise": side.enterprise.pk,
        "starts_on": "2025-03-01",
        "ends_on": "2028-02-29",
    }


def transfer_entity_body(world, side, role):
    return {
        "institution": side.institution.pk,
        "name": unique("Joint R&D centre "),
        "kind": "rd_institution",
        "built": "joint",
        "established_on": "2024-09-01",
        "technology_managers": 2,
    }


def distribution_compute_body(world, side, role):
    return {
        "net_income": "50000",
        "previously_distributed_net_income": "80000",
        "policy": {
            "tiers": [
                {"up_to": "100000", "inventors": "0.5", "department": "0.25"},
                {"up_to": None, "inventors": "0.25", "department": "0.25"},
            ]
        },
        "inventors": [{"name": "A", "share": 2}, {"name": "B", "share": 1}],
    }


def distribution_policy_body(world, side, role):
    return {
        "institution": side.institution.pk,
        "preset": "us_two_tiers",
        "effective_from": "2026-01-01",
    }


SCHEDULE = "agreement-schedule-item"
CLAUSE = "agreement-failure-clause"
COMPUTE = (
    "rnpv",
    "relief-from-royalty",
    "profit-split",
    "excess-earnings",
    "cost-approach",
    "market-approach",
    "scorecard",
    "solve",
)

RULES: dict[tuple[str, str], Rule] = {
    # --- The directory -------------------------------------------------------------
    ("institution-list", "get"): Rule(members=ids("institution"), visibility="directory"),
    ("institution-list", "post"): Rule(who=STAFF, gate="class", body=institution_body, ok=201),
    ("institution-detail", "get"): Rule(obj=pk("institution"), visibility="directory"),
    ("institution-detail", "patch"): Rule(
        obj=pk("institution"), visibility="directory", who=STAFF, gate="class", body=city
    ),
    ("enterprise-list", "get"): Rule(members=ids("enterprise"), visibility="directory"),
    ("enterprise-list", "post"): Rule(who=STAFF, gate="class", body=enterprise_body, ok=201),
    ("enterprise-detail", "get"): Rule(obj=pk("enterprise"), visibility="directory"),
    ("enterprise-detail", "patch"): Rule(
        obj=pk("enterprise"), visibility="directory", who=STAFF, gate="class", body=city
    ),
    ("person-list", "get"): Rule(members=ids("person"), visibility="directory"),
    ("person-list", "post"): Rule(who=STAFF, gate="class", body=person_body, ok=201),
    ("person-detail", "get"): Rule(obj=pk("person"), visibility="directory"),
    ("person-detail", "patch"): Rule(
        obj=pk("person"),
        visibility="directory",
        who=STAFF,
        gate="class",
        body=lambda w, s, r: {"job_title": "Head of licensing"},
    ),
    ("joint-centre-list", "get"): Rule(members=ids("joint_centre"), visibility="directory"),
    ("joint-centre-list", "post"): Rule(who=STAFF, gate="class", body=joint_centre_body, ok=201),
    ("joint-centre-detail", "get"): Rule(obj=pk("joint_centre"), visibility="directory"),
    ("joint-centre-detail", "patch"): Rule(
        obj=pk("joint_centre"), visibility="directory", who=STAFF, gate="class", body=description
    ),
    # --- Partnerships and agreements -------------------------------------------------
    ("partnership-list", "get"): Rule(members=ids("partnership")),
    # Staff see the other side's institution in the directory, but may not
    # start a partnership or register a project for it: 403.
    ("partnership-list", "post"): Rule(
        who=STAFF, gate="class", body=partnership_body, ok=201, refused_parent=403
    ),
    ("partnership-detail", "get"): Rule(obj=pk("partnership")),
    ("partnership-detail", "patch"): Rule(
        obj=pk("partnership"), who=STAFF, gate="class", body=title
    ),
    ("agreement-list", "get"): Rule(members=ids("agreement")),
    ("agreement-list", "post"): Rule(
        who=STAFF, gate="class", body=agreement_body, ok=201, refused_parent=400
    ),
    ("agreement-detail", "get"): Rule(obj=pk("agreement")),
    ("agreement-detail", "patch"): Rule(obj=pk("agreement"), who=STAFF, gate="class", body=title),
    ("agreement-terms", "get"): Rule(obj=pk("agreement")),
    ("agreement-ledger", "get"): Rule(obj=pk("agreement")),
    ("agreement-cost-shares", "get"): Rule(obj=pk("agreement")),
    ("agreement-cost-shares", "put"): Rule(
        obj=pk("agreement"), who=STAFF, gate="class", body=cost_shares_body
    ),
    ("agreement-royalty-tiers", "get"): Rule(obj=pk("agreement")),
    ("agreement-royalty-tiers", "put"): Rule(
        obj=pk("agreement"), who=STAFF, gate="class", body=royalty_tiers_body
    ),
    (f"{CLAUSE}-list", "get"): Rule(obj=under_agreement, members=ids("failure_clause")),
    (f"{CLAUSE}-list", "post"): Rule(
        obj=under_agreement, who=STAFF, gate="class", body=failure_clause_body, ok=201
    ),
    (f"{CLAUSE}-detail", "get"): Rule(obj=nested("failure_clause")),
    (f"{CLAUSE}-detail", "patch"): Rule(
        obj=nested("failure_clause"),
        who=STAFF,
        gate="class",
        body=lambda w, s, r: {"ip_reverts_to_institution": False},
    ),
    (f"{CLAUSE}-detail", "delete"): Rule(
        obj=nested("failure_clause"), who=STAFF, gate="class", ok=204
    ),
    (f"{SCHEDULE}-list", "get"): Rule(obj=under_agreement, members=ids("schedule_item")),
    (f"{SCHEDULE}-list", "post"): Rule(
        obj=under_agreement, who=STAFF, gate="class", body=schedule_item_body, ok=201
    ),
    (f"{SCHEDULE}-detail", "get"): Rule(obj=nested("schedule_item")),
    (f"{SCHEDULE}-detail", "patch"): Rule(
        obj=nested("schedule_item"),
        who=STAFF,
        gate="class",
        body=lambda w, s, r: {"due_offset_days": 45},
    ),
    (f"{SCHEDULE}-detail", "delete"): Rule(
        obj=nested("schedule_item"), who=STAFF, gate="class", ok=204
    ),
    # --- Projects and their stage gates ---------------------------------------------
    ("project-list", "get"): Rule(members=ids("project")),
    ("project-list", "post"): Rule(
        who=STAFF, gate="class", body=project_body, ok=201, refused_parent=403
    ),
    ("project-detail", "get"): Rule(obj=pk("project")),
    ("project-detail", "patch"): Rule(obj=pk("project"), who=STAFF, gate="class", body=title),
    ("project-advance", "post"): Rule(obj=pk("project"), who=STAFF, gate="class", body=rationale),
    ("project-hold", "post"): Rule(obj=pk("project"), who=STAFF, gate="class", body=rationale),
    # An active project cannot resume, nor revert from its first stage: 409.
    ("project-resume", "post"): Rule(
        obj=pk("project"), who=STAFF, gate="class", body=rationale, ok=409
    ),
    ("project-revert", "post"): Rule(
        obj=pk("project"), who=STAFF, gate="class", body=rationale, ok=409
    ),
    ("project-skip", "post"): Rule(
        obj=pk("project"),
        who=STAFF,
        gate="class",
        body=lambda w, s, r: {"rationale": "Pilot not needed.", "to_stage": stages()[2].pk},
    ),
    ("project-terminate", "post"): Rule(
        obj=pk("project"), who=STAFF, gate="class", body=rationale
    ),
    ("project-milestones-from-schedule", "post"): Rule(
        obj=pk("project"), who=STAFF, gate="class", ok=201
    ),
    ("project-ledger", "get"): Rule(obj=pk("project")),
    ("stage-transition-list", "get"): Rule(members=ids("transition")),
    ("stage-transition-detail", "get"): Rule(obj=pk("transition")),
    # --- Milestones and money --------------------------------------------------------
    ("milestone-list", "get"): Rule(
        members=ids(*(f"milestones.{s}" for s in ("planned", "claimed", "verified", "invoiced")))
    ),
    ("milestone-detail", "get"): Rule(obj=pk("milestones.planned")),
    ("milestone-claim", "post"): Rule(
        obj=pk("milestones.planned"),
        who=STAFF,
        body=lambda w, s, r: {"evidence_note": "Pilot plant running."},
    ),
    ("milestone-verify", "post"): Rule(obj=pk("milestones.claimed"), who=PAYER, body=empty),
    ("milestone-dispute", "post"): Rule(obj=pk("milestones.claimed"), who=PAYER, body=reason),
    # The enterprise's verification received in writing: its payee's staff
    # record it, never a partner.
    ("milestone-record-verification", "post"): Rule(
        obj=pk("milestones.claimed"),
        who=STAFF,
        body=lambda w, s, r: {"evidence": "letter", "documents": [s.document.pk]},
    ),
    ("milestone-cancel", "post"): Rule(obj=pk("milestones.planned"), who=STAFF, body=reason),
    ("milestone-waive", "post"): Rule(obj=pk("milestones.planned"), who=STAFF, body=reason),
    ("milestone-invoice", "post"): Rule(
        obj=pk("milestones.verified"), who=STAFF, body=empty, ok=201
    ),
    ("milestone-payments", "get"): Rule(obj=pk("milestones.invoiced")),
    ("milestone-payments", "post"): Rule(
        obj=pk("milestones.invoiced"), who=STAFF, body=payment, ok=201
    ),
    ("fixed-payment-list", "get"): Rule(
        members=ids("fixed_payments.due", "fixed_payments.invoiced")
    ),
    ("fixed-payment-list", "post"): Rule(
        who=STAFF, gate="class", body=fixed_payment_body, ok=201, refused_parent=400
    ),
    ("fixed-payment-detail", "get"): Rule(obj=pk("fixed_payments.due")),
    ("fixed-payment-invoice", "post"): Rule(
        obj=pk("fixed_payments.due"), who=STAFF, gate="class", body=empty, ok=201
    ),
    ("fixed-payment-cancel", "post"): Rule(
        obj=pk("fixed_payments.due"), who=STAFF, gate="class", body=reason
    ),
    ("fixed-payment-waive", "post"): Rule(
        obj=pk("fixed_payments.due"), who=STAFF, gate="class", body=reason
    ),
    ("invoice-list", "get"): Rule(members=ids("invoice", "fixed_payments.invoiced.invoice")),
    ("invoice-detail", "get"): Rule(obj=pk("invoice")),
    ("invoice-payments", "post"): Rule(obj=pk("invoice"), who=STAFF, body=payment, ok=201),
    ("invoice-vat-invoice", "put"): Rule(obj=pk("invoice"), who=STAFF, body=vat_invoice, ok=200),
    ("payment-list", "get"): Rule(members=ids("payment")),
    ("payment-detail", "get"): Rule(obj=pk("payment")),
    ("royalty-report-list", "get"): Rule(
        members=ids("reports.submitted", "reports.queried", "reports.accepted")
    ),
    ("royalty-report-list", "post"): Rule(body=royalty_submission, ok=201, refused_parent=400),
    ("royalty-report-preview", "post"): Rule(body=royalty_submission, refused_parent=400),
    ("royalty-report-detail", "get"): Rule(obj=pk("reports.submitted")),
    ("royalty-report-accept", "post"): Rule(obj=pk("reports.submitted"), who=STAFF),
    ("royalty-report-query", "post"): Rule(obj=pk("reports.submitted"), who=STAFF, body=reason),
    ("royalty-report-resubmit", "post"): Rule(
        obj=pk("reports.queried"), body=lambda w, s, r: {"net_sales": "90000.00"}
    ),
    ("royalty-report-invoice", "post"): Rule(
        obj=pk("reports.accepted"), who=STAFF, body=empty, ok=201
    ),
    ("cost-entry-list", "get"): Rule(members=ids("cost_entry")),
    ("cost-entry-list", "post"): Rule(
        who=STAFF, gate="class", body=cost_entry_body, ok=201, refused_parent=400
    ),
    ("cost-entry-detail", "get"): Rule(obj=pk("cost_entry")),
    ("document-list", "get"): Rule(members=ids("document")),
    ("document-list", "post"): Rule(
        body=document_body, multipart=True, ok=201, refused_parent=404
    ),
    ("document-detail", "get"): Rule(obj=pk("document")),
    ("document-download", "get"): Rule(obj=pk("document")),
    ("activity-list", "get"): Rule(members=ids("activity")),
    ("activity-detail", "get"): Rule(obj=pk("activity")),
    # --- Valuations --------------------------------------------------------------------
    # The income methods need long bodies that the valuation tests send; an
    # empty one is enough to show that every signed-in user may compute.
    **{
        (f"valuation-compute-{name}", "post"): Rule(body=empty, ok=None, has_foreign=False)
        for name in COMPUTE
    },
    ("valuation-compute-cost-approach", "post"): Rule(
        body=lambda w, s, r: {"costs": [{"amount": 100, "years_ago": 2}]}, has_foreign=False
    ),
    ("valuation-compute-market-approach", "post"): Rule(
        body=lambda w, s, r: {"comparables": [{"name": "a", "value": 10}]}, has_foreign=False
    ),
    ("valuation-compute-scorecard", "post"): Rule(
        body=lambda w, s, r: SCORECARD_INPUTS, has_foreign=False
    ),
    ("reference-rate-list", "get"): Rule(has_foreign=False),
    ("reference-rate-detail", "get"): Rule(
        obj=reference_rate, visibility="everyone", has_foreign=False
    ),
    ("comparable-deal-list", "get"): Rule(
        visibility="public",
        members=lambda w, s, r: {(w.public_deal if s is w.a else w.private_deal).pk},
    ),
    ("comparable-deal-detail", "get"): Rule(obj=deal, visibility="public"),
    ("valuation-list", "get"): Rule(members=lambda w, s, r: {valuation_of(w, s, r)["pk"]}),
    ("valuation-list", "post"): Rule(body=valuation_body, ok=201, refused_parent=404),
    ("valuation-defaults", "get"): Rule(query=project_query, refused_parent=404),
    ("valuation-detail", "get"): Rule(obj=valuation_of),
    ("portfolio-run-list", "get"): Rule(members=lambda w, s, r: {portfolio_run_of(w, s, r)["pk"]}),
    # A body naming a party the role sees is valued (201), or refused with
    # a coded 400 when none of its projects has an rNPV valuation.
    ("portfolio-run-list", "post"): Rule(
        body=portfolio_body, ok=None, refused_parent=404, visibility="directory"
    ),
    ("portfolio-run-detail", "get"): Rule(obj=portfolio_run_of),
    # --- Annual reports: staff, on their own institutions -------------------------------
    ("report-china-annual", "get"): Rule(
        query=lambda w, s, r: {"institution": s.institution.pk, "year": 2025},
        who=STAFF,
        gate="class",
        refused_parent=404,
    ),
    ("report-autm", "get"): Rule(
        query=lambda w, s, r: {"institution": s.institution.pk, "fiscal_year": 2025},
        who=STAFF,
        gate="class",
        refused_parent=404,
    ),
    ("valuation-rerun", "post"): Rule(obj=valuation_of, ok=201),
    # Term sheets: whoever sees the valuation; turning one into an agreement
    # is for the staff who act for the partnership's research party.
    ("valuation-term-sheet-pdf", "get"): Rule(obj=deal_valuation_of),
    ("valuation-term-sheet", "post"): Rule(obj=deal_valuation_of, body=structure_deal),
    ("valuation-agreement", "post"): Rule(
        obj=deal_valuation_of, body=structure_deal, ok=201, who=STAFF
    ),
    # --- Achievements, disclosures, patents, the docket ----------------------------------
    # Partners and researchers read the achievements and patents they may
    # see; only staff write (403 on one they see, 404 on one they do not).
    ("achievement-list", "get"): Rule(
        members=ids("achievement"), who=ANYONE, class_refuses=NOBODY
    ),
    ("achievement-list", "post"): Rule(
        who=STAFF, gate="class", body=achievement_body, ok=201, refused_parent=403
    ),
    ("achievement-detail", "get"): Rule(obj=pk("achievement"), who=ANYONE, class_refuses=NOBODY),
    ("achievement-detail", "patch"): Rule(
        obj=pk("achievement"), who=STAFF, body=title, class_refuses=NOBODY
    ),
    ("achievement-assess", "post"): Rule(
        obj=pk("achievement"),
        who=STAFF,
        body=lambda w, s, r: {"notes": "Novel."},
        class_refuses=NOBODY,
    ),
    ("achievement-decide", "post"): Rule(
        obj=pk("achievement"), who=STAFF, body=decision, class_refuses=NOBODY
    ),
    ("achievement-link-agreement", "post"): Rule(
        obj=pk("achievement"), who=STAFF, body=agreement_link, class_refuses=NOBODY
    ),
    ("achievement-unlink-agreement", "post"): Rule(
        obj=pk("achievement"), who=STAFF, body=agreement_of, class_refuses=NOBODY
    ),
    # Disclosures are between researchers and the office: partners get 403.
    ("disclosure-list", "get"): Rule(
        who=OFFICE, members=ids("disclosures.submitted"), class_refuses=NOT_PARTNERS
    ),
    ("disclosure-list", "post"): Rule(
        who=RESEARCHER,
        gate="class",
        body=disclosure_body,
        ok=201,
        refused_parent=400,
        class_refuses=NOT_PARTNERS,
    ),
    ("disclosure-detail", "get"): Rule(
        obj=pk("disclosures.submitted"), who=OFFICE, class_refuses=NOT_PARTNERS
    ),
    ("disclosure-detail", "patch"): Rule(
        obj=pk("disclosures.draft"),
        visibility="draft",
        who=RESEARCHER,
        body=title,
        class_refuses=NOT_PARTNERS,
    ),
    ("disclosure-submit", "post"): Rule(
        obj=pk("disclosures.draft"),
        visibility="draft",
        who=RESEARCHER,
        class_refuses=NOT_PARTNERS,
    ),
    ("disclosure-withdraw", "post"): Rule(
        obj=pk("disclosures.draft"),
        visibility="draft",
        who=RESEARCHER,
        class_refuses=NOT_PARTNERS,
    ),
    ("disclosure-confirm", "post"): Rule(
        obj=pk("disclosures.submitted"),
        who=OFFICE,
        body=confirmation,
        class_refuses=NOT_PARTNERS,
    ),
    ("disclosure-return", "post"): Rule(
        obj=pk("disclosures.submitted"),
        who=STAFF,
        body=lambda w, s, r: {"note": "Add data."},
        class_refuses=NOT_PARTNERS,
    ),
    ("disclosure-convert", "post"): Rule(
        obj=pk("disclosures.submitted"),
        who=STAFF,
        body=empty,
        ok=201,
        class_refuses=NOT_PARTNERS,
    ),
    ("patent-family-list", "get"): Rule(members=ids("family"), who=ANYONE, class_refuses=NOBODY),
    ("patent-family-list", "post"): Rule(
        who=STAFF, gate="class", body=family_body, ok=201, refused_parent=400
    ),
    ("patent-family-detail", "get"): Rule(obj=pk("family"), who=ANYONE, class_refuses=NOBODY),
    ("patent-family-detail", "patch"): Rule(
        obj=pk("family"), who=STAFF, body=title, class_refuses=NOBODY
    ),
    ("patent-application-list", "get"): Rule(
        members=ids("application"), who=ANYONE, class_refuses=NOBODY
    ),
    ("patent-application-list", "post"): Rule(
        who=STAFF, gate="class", body=application_body, ok=201, refused_parent=400
    ),
    ("patent-application-detail", "get"): Rule(
        obj=pk("application"), who=ANYONE, class_refuses=NOBODY
    ),
    ("patent-application-detail", "patch"): Rule(
        obj=pk("application"),
        who=STAFF,
        body=lambda w, s, r: {"status": "examination"},
        class_refuses=NOBODY,
    ),
    # The docket, counsel and costs are the office's own.
    ("deadline-list", "get"): Rule(who=STAFF, gate="class", members=ids("deadline")),
    ("deadline-detail", "get"): Rule(obj=pk("deadline"), who=STAFF, gate="class"),
    ("deadline-complete", "post"): Rule(obj=pk("deadline"), who=STAFF, gate="class", body=empty),
    ("deadline-waive", "post"): Rule(obj=pk("deadline"), who=STAFF, gate="class", body=reason),
    ("counsel-list", "get"): Rule(
        who=STAFF, gate="class", visibility="directory", members=ids("counsel")
    ),
    ("counsel-list", "post"): Rule(
        who=STAFF, gate="class", body=counsel_body, ok=201, has_foreign=False
    ),
    ("counsel-detail", "get"): Rule(
        obj=pk("counsel"), who=STAFF, gate="class", visibility="directory"
    ),
    ("equity-holding-list", "get"): Rule(who=STAFF, gate="class", members=ids("equity_holding")),
    ("equity-holding-list", "post"): Rule(
        who=STAFF, gate="class", body=equity_holding_body, ok=201, refused_parent=400
    ),
    ("equity-holding-detail", "get"): Rule(obj=pk("equity_holding"), who=STAFF, gate="class"),
    ("equity-holding-sales", "post"): Rule(
        obj=pk("equity_holding"), who=STAFF, gate="class", body=equity_sale_body, ok=201
    ),
    ("operating-profit-list", "get"): Rule(
        who=STAFF, gate="class", members=ids("operating_profit")
    ),
    ("operating-profit-list", "post"): Rule(
        who=STAFF, gate="class", body=operating_profit_body, ok=201, refused_parent=400
    ),
    ("operating-profit-detail", "get"): Rule(obj=pk("operating_profit"), who=STAFF, gate="class"),
    # --- What the annual report counts beside the deals: the office's own ---------
    # Another institution's staff see none of its records, and a POST naming
    # it is a 400 (the institution is not among those they may choose).
    ("staff-mobility-list", "get"): Rule(who=STAFF, gate="class", members=ids("staff_mobility")),
    ("staff-mobility-list", "post"): Rule(
        who=STAFF, gate="class", body=staff_mobility_body, ok=201, refused_parent=400
    ),
    ("staff-mobility-detail", "get"): Rule(obj=pk("staff_mobility"), who=STAFF, gate="class"),
    ("staff-mobility-detail", "patch"): Rule(
        obj=pk("staff_mobility"),
        who=STAFF,
        gate="class",
        body=lambda w, s, r: {"ends_on": "2025-06-30"},
    ),
    ("staff-mobility-detail", "delete"): Rule(
        obj=pk("staff_mobility"), who=STAFF, gate="class", ok=204
    ),
    ("transfer-entity-list", "get"): Rule(who=STAFF, gate="class", members=ids("transfer_entity")),
    ("transfer-entity-list", "post"): Rule(
        who=STAFF, gate="class", body=transfer_entity_body, ok=201, refused_parent=400
    ),
    ("transfer-entity-detail", "get"): Rule(obj=pk("transfer_entity"), who=STAFF, gate="class"),
    ("transfer-entity-detail", "patch"): Rule(
        obj=pk("transfer_entity"),
        who=STAFF,
        gate="class",
        body=lambda w, s, r: {"technology_managers": 6},
    ),
    ("transfer-entity-detail", "delete"): Rule(
        obj=pk("transfer_entity"), who=STAFF, gate="class", ok=204
    ),
    ("ip-cost-list", "get"): Rule(who=STAFF, gate="class", members=ids("ip_cost")),
    ("ip-cost-list", "post"): Rule(
        who=STAFF, gate="class", body=ip_cost_body, ok=201, refused_parent=400
    ),
    ("ip-cost-detail", "get"): Rule(obj=pk("ip_cost"), who=STAFF, gate="class"),
    # --- Income distribution: the office's own ------------------------------------------
    ("distribution-compute", "post"): Rule(
        who=STAFF, gate="class", body=distribution_compute_body, has_foreign=False
    ),
    ("distribution-policy-list", "get"): Rule(
        who=STAFF, gate="class", members=ids("policy", "later_policy")
    ),
    # Staff see no other institution's policies, and may not make one: 403.
    ("distribution-policy-list", "post"): Rule(
        who=STAFF, gate="class", body=distribution_policy_body, ok=201, refused_parent=403
    ),
    ("distribution-policy-detail", "get"): Rule(obj=pk("policy"), who=STAFF, gate="class"),
    ("distribution-policy-detail", "patch"): Rule(
        obj=pk("policy"),
        who=STAFF,
        gate="class",
        body=lambda w, s, r: {"name": "Statutory default, as adopted"},
    ),
    ("distribution-policy-detail", "delete"): Rule(
        obj=pk("later_policy"), who=STAFF, gate="class", ok=204
    ),
    # --- Income distribution ----------------------------------------------------------------
    # Runs are the office's: partners and researchers get 403 before any
    # lookup; another institution's staff 404 (a POST naming another
    # institution: 400 not_institution_staff). Lines: staff and the
    # inventor read them; only staff settle; partners get 403.
    ("distribution-run-list", "get"): Rule(who=STAFF, gate="class", members=ids("approved_run")),
    ("distribution-run-list", "post"): Rule(
        who=STAFF, gate="class", body=distribution_period, ok=201, refused_parent=400
    ),
    ("distribution-run-preview", "post"): Rule(
        who=STAFF, gate="class", body=distribution_period, refused_parent=400
    ),
    ("distribution-run-detail", "get"): Rule(obj=pk("approved_run"), who=STAFF, gate="class"),
    ("distribution-run-detail", "delete"): Rule(
        obj=pk("draft_run"), who=STAFF, gate="class", ok=204
    ),
    ("distribution-run-recompute", "post"): Rule(obj=pk("draft_run"), who=STAFF, gate="class"),
    ("distribution-run-approve", "post"): Rule(obj=pk("draft_run"), who=STAFF, gate="class"),
    ("distribution-run-public-notice", "post"): Rule(
        obj=pk("approved_run"), who=STAFF, gate="class", body=public_notice
    ),
    ("distribution-line-list", "get"): Rule(
        who=OFFICE, members=ids("distribution_line"), class_refuses=NOT_PARTNERS
    ),
    ("distribution-line-detail", "get"): Rule(
        obj=pk("distribution_line"), who=OFFICE, class_refuses=NOT_PARTNERS
    ),
    ("distribution-line-settle", "post"): Rule(
        obj=pk("distribution_line"), who=STAFF, body=settlement, class_refuses=NOT_PARTNERS
    ),
    # --- Notifications, webhooks, tokens -------------------------------------------------
    ("notification-list", "get"): Rule(has_foreign=False, who=ANYONE, class_refuses=NOBODY),
    ("notification-mark-read", "post"): Rule(
        body=own_notification, has_foreign=False, who=ANYONE, class_refuses=NOBODY
    ),
    ("notification-detail", "get"): Rule(
        obj=personal("notifications"), visibility="personal", who=ANYONE, class_refuses=NOBODY
    ),
    ("webhook-endpoint-list", "get"): Rule(who=STAFF, gate="class", members=ids("endpoint")),
    # Registering checks that the URL's host resolves, and tests have no DNS.
    ("webhook-endpoint-list", "post"): Rule(
        who=STAFF, gate="class", body=endpoint_body, ok=None, has_foreign=False
    ),
    ("webhook-endpoint-detail", "get"): Rule(
        obj=pk("endpoint"), visibility="staff_own", who=STAFF, gate="class"
    ),
    ("webhook-endpoint-detail", "patch"): Rule(
        obj=pk("endpoint"), visibility="staff_own", who=STAFF, gate="class", body=description
    ),
    ("webhook-endpoint-disable", "post"): Rule(
        obj=pk("endpoint"), visibility="staff_own", who=STAFF, gate="class", body=reason
    ),
    ("webhook-endpoint-enable", "post"): Rule(
        obj=pk("endpoint"), visibility="staff_own", who=STAFF, gate="class"
    ),
    ("webhook-endpoint-rotate-secret", "post"): Rule(
        obj=pk("endpoint"), visibility="staff_own", who=STAFF, gate="class"
    ),
    ("webhook-delivery-list", "get"): Rule(who=STAFF, gate="class", members=ids("delivery")),
    ("webhook-delivery-detail", "get"): Rule(
        obj=pk("delivery"), visibility="staff_own", who=STAFF, gate="class", missing=MISSING_UUID
    ),
    ("webhook-delivery-redeliver", "post"): Rule(
        obj=pk("delivery"),
        visibility="staff_own",
        who=STAFF,
        gate="class",
        ok=202,
        missing=MISSING_UUID,
    ),
    # --- Imports: staff only; a dry run writes nothing ----------------------------------
    ("imports", "post"): Rule(
        body=import_body, multipart=True, who=STAFF, gate="class", has_foreign=True
    ),
    # Everything the caller sees, as an import workbook; its scoping is
    # tested in tests/imports/test_round_trip.py.
    ("imports-export", "get"): Rule(who=STAFF, gate="class", has_foreign=False),
    ("token-list", "get"): Rule(has_foreign=False, who=ANYONE, class_refuses=NOBODY),
    ("token-list", "post"): Rule(
        body=token_body, ok=201, has_foreign=False, who=ANYONE, class_refuses=NOBODY
    ),
    ("token-detail", "get"): Rule(
        obj=personal("tokens"), visibility="personal", who=ANYONE, class_refuses=NOBODY
    ),
    # Everyone signed in searches, each within their own scope.
    ("search", "get"): Rule(
        query=search_query, visibility="everyone", who=ANYONE, class_refuses=NOBODY
    ),
    ("token-revoke", "post"): Rule(
        obj=personal("tokens"), visibility="personal", who=ANYONE, class_refuses=NOBODY
    ),
}


def expected(rule: Rule, method: str, role: str, which: str) -> int | str:
    """The status ``role`` gets, or "allowed" (none of 401/403/404)."""
    if role == "anonymous":
        return 401
    kind = KIND[role]
    if kind in rule.class_refuses:
        return 403
    if rule.gate == "class" and kind not in rule.who:
        return 403
    seen = sees(rule.visibility, role, which)
    if rule.obj is not None and not seen:
        return 404
    if rule.obj is None and not seen and rule.refused_parent:
        return rule.refused_parent
    if kind not in rule.who:
        return 403
    return "allowed" if rule.ok is None else rule.ok


# --- The routes -----------------------------------------------------------------------


def api_routes():
    """(route name, methods) of every route under /api/v1/, from the URL
    resolver; the methods a viewset route maps, less those its view refuses
    outright (``http_method_names``)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    routes = {}
    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or "(?P<format>" in route:
            continue
        callback = pattern.callback
        view = getattr(callback, "cls", None) or callback.view_class
        if getattr(callback, "actions", None):
            methods = set(callback.actions)
        else:
            methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
        routes[pattern.name] = methods & set(view.http_method_names)
    return routes


ROUTES = api_routes()
CASES = [
    pytest.param(name, method, role, which, id=f"{name}-{method}-{role}-{which}")
    for (name, method), rule in RULES.items()
    for role in ROLES
    for which in (("own", "foreign") if rule.has_foreign else ("own",))
]


def test_every_route_and_method_is_in_the_matrix():
    """A new route, or a new method on a route, needs a rule here; a rule
    for a route that is gone is stale."""
    routed = {(name, method) for name, methods in ROUTES.items() for method in methods}

    assert routed, "no API routes found"
    assert not routed - RULES.keys(), sorted(routed - RULES.keys())
    assert not RULES.keys() - routed, sorted(RULES.keys() - routed)


def request(world: World, name: str, method: str, role: str, side: Side, *, kwargs=None):
    rule = RULES[(name, method)]
    user = world.user(role)
    client = client_for(user)
    if kwargs is None:
        kwargs = rule.obj(world, side, role) if rule.obj else {}
    url = reverse(f"api:{name}", kwargs=kwargs)
    data = rule.body(world, side, role) if rule.body else None
    if rule.query:
        return client.get(url, rule.query(world, side, role))
    call = getattr(client, method)
    if method == "get":
        return call(url)
    if rule.multipart:
        return call(url, data, format="multipart")
    return call(url, data, format="json") if data is not None else call(url)


@pytest.mark.parametrize(("name", "method", "role", "which"), CASES)
def test_permission_matrix(world, name, method, role, which):
    rule = RULES[(name, method)]
    side = world.side(which)
    want = expected(rule, method, role, which)

    response = request(world, name, method, role, side)

    if want == "allowed":
        assert response.status_code not in REFUSALS, _explain(response)
        assert response.status_code < 500, _explain(response)
    else:
        assert response.status_code == want, _explain(response)

    if want == 404 and rule.obj is not None:
        # Another side's object answers exactly like one that does not exist.
        kwargs = rule.obj(world, side, role)
        kwargs[list(kwargs)[-1]] = rule.missing
        missing = request(world, name, method, role, side, kwargs=kwargs)
        assert missing.status_code == 404
        assert missing.json() == response.json()

    if method == "get" and rule.obj is None and rule.members and response.status_code == 200:
        listed = {str(row["id"]) for row in response.json()["results"]}
        members = {str(pk) for pk in rule.members(world, side, role)}
        if sees(rule.visibility, role, which):
            assert members <= listed, (members, listed)
        else:
            assert not members & listed, (members, listed)


def _explain(response) -> str:
    body = response.content[:500].decode(errors="replace")
    return f"{response.status_code}: {body}"


# --- Methods a route does not offer ----------------------------------------------------

UNOFFERED = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, methods in sorted(ROUTES.items())
    for method in ("get", "post", "put", "patch", "delete")
    if method not in methods
]


@pytest.mark.parametrize(("name", "method"), UNOFFERED)
def test_a_method_a_route_does_not_offer_answers_405(world, name, method):
    rule = next(rule for (n, _), rule in RULES.items() if n == name)
    kwargs = rule.obj(world, world.a, "superuser") if rule.obj else {}

    response = getattr(client_for(world.superuser), method)(reverse(f"api:{name}", kwargs=kwargs))

    assert response.status_code == 405, _explain(response)
    assert response.json()["error"]["code"] == "method_not_allowed"


# --- Filters by another side's objects -------------------------------------------------

FILTERS = [
    ("project-list", "enterprise", "enterprise"),
    ("project-list", "lead_institution", "institution"),
    ("project-list", "joint_centre", "joint_centre"),
    ("milestone-list", "project", "project"),
    ("milestone-list", "agreement", "agreement"),
    ("fixed-payment-list", "agreement", "agreement"),
    ("stage-transition-list", "project", "project"),
    ("payment-list", "invoice", "invoice"),
    ("royalty-report-list", "agreement", "agreement"),
    ("royalty-report-list", "project", "project"),
    ("cost-entry-list", "project", "project"),
    ("document-list", "project", "project"),
    ("document-list", "agreement", "agreement"),
    ("document-list", "milestone", "milestones.planned"),
    ("activity-list", "project", "project"),
    ("activity-list", "agreement", "agreement"),
    ("partnership-list", "institution", "institution"),
    ("agreement-list", "partnership", "partnership"),
    ("agreement-list", "enterprise", "enterprise"),
    ("person-list", "enterprise", "enterprise"),
    ("joint-centre-list", "enterprise", "enterprise"),
    ("achievement-list", "agreement", "agreement"),
    ("achievement-list", "institution", "institution"),
    ("patent-family-list", "achievement", "achievement"),
    ("patent-application-list", "achievement", "achievement"),
    ("patent-application-list", "family", "family"),
]


@pytest.mark.parametrize(
    ("name", "parameter", "attribute"),
    [pytest.param(*f, id=f"{f[0]}?{f[1]}") for f in FILTERS],
)
def test_a_partner_filtering_by_another_partners_object_gets_nothing(
    world, name, parameter, attribute
):
    """``?project=<another partner's project>`` lists nothing, as for a
    project that does not exist; the same filter on its own object does."""
    client = client_for(world.a.partner)
    url = reverse(f"api:{name}")

    foreign = client.get(url, {parameter: _attr(world.b, attribute).pk})
    missing = client.get(url, {parameter: MISSING_ID})
    own = client.get(url, {parameter: _attr(world.a, attribute).pk})

    assert foreign.status_code == missing.status_code == own.status_code == 200
    assert foreign.json()["results"] == missing.json()["results"] == []
    assert own.json()["results"]


def test_valuations_of_another_partners_project_answer_like_a_missing_project(world):
    client = client_for(world.a.partner)
    url = reverse("api:valuation-list")

    foreign = client.get(url, {"project": world.b.project.pk})
    missing = client.get(url, {"project": MISSING_ID})

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_a_partner_never_sees_an_internal_document_of_its_own_project(world):
    """Internal documents are the research party's: for a partner they
    answer like a missing one, in the detail, the download and the list."""
    client = client_for(world.a.partner)
    document = world.a.internal_document

    detail = client.get(reverse("api:document-detail", kwargs={"pk": document.pk}))
    download = client.get(reverse("api:document-download", kwargs={"pk": document.pk}))
    listed = client.get(reverse("api:document-list"), {"project": world.a.project.pk})
    staff_sees = client_for(world.a.staff).get(
        reverse("api:document-download", kwargs={"pk": document.pk})
    )

    assert detail.status_code == download.status_code == 404
    assert document.pk not in {row["id"] for row in listed.json()["results"]}
    assert staff_sees.status_code == 200


def test_the_world_is_what_the_matrix_assumes(world):
    """Guards the fixture: the states the actions need."""
    assert world.a.milestones["planned"].status == "planned"
    assert world.a.project.status == "active"
    assert not world.a.document.is_internal
    assert datetime.date(2025, 1, 1) == world.a.reports["submitted"].period_start


# --- A researcher's token and session ------------------------------------------------

RESEARCHER_READS = [
    pytest.param(name, id=name)
    for (name, method), rule in sorted(RULES.items())
    if method == "get" and "researcher" in rule.class_refuses
]


@pytest.mark.parametrize("name", RESEARCHER_READS)
def test_a_researchers_token_and_session_get_403_outside_their_endpoints(world, name):
    """Researchers reach the achievements, disclosures, patents and their
    own notifications and tokens; every other route refuses them before
    reading anything, with an API token as with a signed-in browser."""
    rule = RULES[(name, "get")]
    url = reverse(f"api:{name}", kwargs=rule.obj(world, world.a, "researcher") if rule.obj else {})
    by_token = client_for(token=world.keys["researcher"])
    by_session = client_for()
    by_session.force_login(world.a.researcher)

    for client in (by_token, by_session):
        response = client.get(url, rule.query(world, world.a, "researcher") if rule.query else {})
        assert response.status_code == 403, _explain(response)
        assert response.json()["error"]["code"] == "permission_denied"


def test_a_researchers_token_reads_their_achievement(world):
    client = client_for(token=world.keys["researcher"])

    listed = client.get(reverse("api:achievement-list")).json()["results"]

    assert [row["id"] for row in listed] == [world.a.achievement.pk]
    assert listed[0]["assessment_notes"] is None
