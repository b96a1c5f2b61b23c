"""Loading the demo world: ``seed_demo()``.

It writes the directory, the partnerships and agreements, the logins and the
demo projects from ``demo.specs``, then their money (``demo.money``), the
IP portfolio (``demo.portfolio``), the distribution of its income
(``demo.distribution``) and what the annual reports take from the office
(``demo.report_facts``). It may run any number of times:
directory records are found by their natural keys (codes, references,
emails) and brought back to the values in ``demo.specs``. A demo project
that exists already is left as it is, because its history is append-only
and may have grown since it was seeded.
"""

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from demo.distribution import DistributionSummary, seed_distribution
from demo.drafts import (
    DEFAULT_BATCH_SIZE,
    PartnershipFacts,
    ProjectDraft,
    insert_projects,
    new_project,
    partnership_facts,
    project_description,
    stage_facts,
)
from demo.history import GATE_EVIDENCE, StageFacts, plan_history
from demo.money import MoneySummary, seed_money
from demo.portfolio import PortfolioSummary, seed_portfolio
from demo.rates import seed_rates, seed_yearly_rates
from demo.report_facts import seed_report_facts
from demo.specs import (
    AGREEMENTS,
    APPROVER_EMAIL,
    DEMO_AS_OF,
    DEMO_PASSWORD,
    DEMO_SEED,
    ENTERPRISES,
    INSTITUTIONS,
    JOINT_CENTRE,
    LOGINS,
    PARTNERSHIPS,
    PEOPLE,
    PIPELINE_OF_SECTOR,
    PORTAL_CONTACTS,
    PROJECTS,
    RESEARCHER_EMAIL,
    STAFF_EMAIL,
    AgreementSpec,
    EnterpriseSpec,
    InstitutionSpec,
    JointCentreSpec,
    LoginSpec,
    PartnershipSpec,
    PersonSpec,
    ProjectSpec,
)
from demo.valuations import seed_valuations
from notifications.models import Notification
from partnerships.models import (
    Agreement,
    Enterprise,
    Institution,
    JointCentre,
    JointCentreParty,
    Partnership,
    Person,
)
from pipelines.models import Sector
from projects.models import ResearchProject
from projects.services import (
    rebuild_open_milestone_money,
    rebuild_partner_stage_counts,
    rebuild_portfolio_counts,
    rebuild_received_money,
    rebuild_stage_stays,
)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo world holds after seeding, and what this run added."""

    institutions: int
    joint_centres: int
    enterprises: int
    people: int
    partnerships: int
    agreements: int
    projects: int
    projects_created: int
    transitions_created: int
    logins: int
    money: MoneySummary
    portfolio: PortfolioSummary
    distribution: DistributionSummary
    valuations: int

    def __str__(self) -> str:
        return (
            f"Demo data ready: {self.institutions} institutions, {self.joint_centres} joint "
            f"centre, {self.enterprises} enterprises, {self.people} people, "
            f"{self.partnerships} partnerships, {self.agreements} agreements, "
            f"{self.projects} projects ({self.projects_created} new, "
            f"{self.transitions_created} stage transitions), {self.money}, {self.portfolio}, "
            f"{self.distribution}, {self.valuations} valuations, "
            f"{self.logins} "
            f"logins (password {DEMO_PASSWORD})."
        )


@transaction.atomic
def seed_demo() -> DemoSummary:
    """Load the demo world, or bring an existing one back to it."""
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    institutions = {spec.code: _upsert_institution(spec) for spec in INSTITUTIONS}
    enterprises = {spec.code: _upsert_enterprise(spec, sectors) for spec in ENTERPRISES}
    people = {spec.email: _upsert_person(spec, institutions, enterprises) for spec in PEOPLE}
    centre = _upsert_joint_centre(JOINT_CENTRE, sectors, institutions, enterprises, people)
    users = {
        spec.email: _upsert_login(spec, institutions, centre, enterprises, people)
        for spec in LOGINS
    }
    for spec in PORTAL_CONTACTS:
        _upsert_portal_contact(spec, enterprises, people)
    for spec in PARTNERSHIPS:
        _upsert_partnership(spec, institutions, enterprises, centre)
    for spec in AGREEMENTS:
        _upsert_agreement(spec)

    existing = set(
        ResearchProject.objects.filter(code__in=[spec.code for spec in PROJECTS]).values_list(
            "code", flat=True
        )
    )
    stages = stage_facts()
    partnerships = partnership_facts([spec.code for spec in PARTNERSHIPS])
    drafts = [
        _draft_demo_project(spec, stages, partnerships, institutions, enterprises, people)
        for spec in PROJECTS
        if spec.code not in existing
    ]
    _created, _links, transitions = insert_projects(
        drafts, decided_by_id=users[STAFF_EMAIL].pk, batch_size=DEFAULT_BATCH_SIZE
    )
    # The histories and partner links were written past the services that
    # keep the stays, the portfolio's counts and the partners' counts by
    # stage.
    rebuild_stage_stays()
    rebuild_portfolio_counts()
    rebuild_partner_stage_counts()
    money = seed_money(users=users)
    seed_yearly_rates(by=users[STAFF_EMAIL])
    seed_rates(by=users[STAFF_EMAIL])
    portfolio = seed_portfolio(staff=users[STAFF_EMAIL], researcher=users[RESEARCHER_EMAIL])
    distribution = seed_distribution(preparer=users[STAFF_EMAIL], approver=users[APPROVER_EMAIL])
    seed_report_facts(staff=users[STAFF_EMAIL])
    valuations = seed_valuations(staff=users[STAFF_EMAIL])
    # Some of the demo's milestones and payments were written past the
    # services that keep the open milestones' money and the money received.
    rebuild_open_milestone_money()
    rebuild_received_money()
    # The demo's history raised notices as it was replayed; they are there to
    # be read in the app, not sent: the email tasks queued for them find them
    # already emailed when the transaction commits.
    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return DemoSummary(
        institutions=len(institutions),
        joint_centres=1,
        enterprises=len(enterprises),
        people=len(people),
        partnerships=len(PARTNERSHIPS),
        agreements=len(AGREEMENTS),
        projects=len(PROJECTS),
        projects_created=len(drafts),
        transitions_created=transitions,
        logins=len(users),
        money=money,
        portfolio=portfolio,
        distribution=distribution,
        valuations=valuations,
    )


def _upsert_institution(spec: InstitutionSpec) -> Institution:
    institution, _ = Institution.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_zh": spec.name_zh,
            "kind": spec.kind,
            "country": "CN",
            "city": spec.city,
            "region": spec.region,
            "website": spec.website,
            "unified_social_credit_code": spec.unified_social_credit_code,
            "registered_address": spec.registered_address,
            "bank_name": spec.bank_name,
            "bank_branch": spec.bank_branch,
            "bank_account_number": spec.bank_account_number,
        },
    )
    return institution


def _upsert_enterprise(spec: EnterpriseSpec, sectors: Mapping[str, Sector]) -> Enterprise:
    enterprise, _ = Enterprise.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_zh": spec.name_zh,
            "size": spec.size,
            "country": spec.country,
            "city": spec.city,
            "founded_on": spec.founded_on,
            "region": spec.region,
            "website": spec.website,
            "unified_social_credit_code": spec.unified_social_credit_code,
            "registered_address": spec.registered_address,
        },
    )
    enterprise.sectors.set([sectors[code] for code in spec.sectors])
    return enterprise


def _upsert_person(
    spec: PersonSpec,
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
) -> Person:
    person, _ = Person.objects.update_or_create(
        email=spec.email,
        defaults={
            "full_name": spec.full_name,
            "name_zh": spec.name_zh,
            "job_title": spec.job_title,
            "institution": institutions.get(spec.institution),
            "enterprise": enterprises.get(spec.enterprise),
        },
    )
    return person


def _upsert_joint_centre(
    spec: JointCentreSpec,
    sectors: Mapping[str, Sector],
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
    people: Mapping[str, Person],
) -> JointCentre:
    centre, _ = JointCentre.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_zh": spec.name_zh,
            "established_on": spec.established_on,
            "description": spec.description,
        },
    )
    for party in spec.parties:
        commitment = {
            "annual_funding_commitment": Decimal(party.annual_funding_commitment),
            "currency": "CNY",
            "commitment_from_year": party.commitment_from_year,
            "commitment_to_year": party.commitment_to_year,
        }
        if party.institution:
            JointCentreParty.objects.update_or_create(
                centre=centre, institution=institutions[party.institution], defaults=commitment
            )
        else:
            JointCentreParty.objects.update_or_create(
                centre=centre, enterprise=enterprises[party.enterprise], defaults=commitment
            )
    centre.focus_sectors.set([sectors[code] for code in spec.focus_sectors])
    centre.governance_contacts.set([people[email] for email in spec.governance_contacts])
    return centre


def _upsert_login(
    spec: LoginSpec,
    institutions: Mapping[str, Institution],
    centre: JointCentre,
    enterprises: Mapping[str, Enterprise],
    people: Mapping[str, Person],
) -> User:
    enterprise = enterprises.get(spec.enterprise)
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        create = User.objects.create_superuser if spec.superuser else User.objects.create_user
        user = create(
            spec.email,
            DEMO_PASSWORD,
            full_name=spec.full_name,
            role=spec.role,
            enterprise=enterprise,
            is_partner_admin=spec.partner_admin,
        )
    else:
        user.full_name = spec.full_name
        user.role = spec.role
        user.enterprise = enterprise
        user.is_partner_admin = spec.partner_admin
        user.is_superuser = user.is_staff = spec.superuser
        user.is_active = True
        # The demo logins are documented with their password: restore it if
        # someone changed it.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
    if spec.role == Role.CENTRE_STAFF and not spec.superuser:
        user.institutions.set(institutions.values())
        user.joint_centres.set([centre])
    if spec.person:
        person = people[spec.person]
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        if person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
    return user


def _upsert_portal_contact(
    spec: LoginSpec, enterprises: Mapping[str, Enterprise], people: Mapping[str, Person]
) -> User:
    """A partner user who acts for an enterprise without a demo login. It
    has no password unless someone set one."""
    enterprise = enterprises[spec.enterprise]
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            spec.email, None, full_name=spec.full_name, role=spec.role, enterprise=enterprise
        )
    elif (user.full_name, user.role, user.enterprise_id, user.is_active) != (
        spec.full_name,
        spec.role,
        enterprise.pk,
        True,
    ):
        user.full_name = spec.full_name
        user.role = spec.role
        user.enterprise = enterprise
        user.is_active = True
        user.save()
    person = people[spec.person]
    if person.user_id != user.pk:
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return user


def _upsert_partnership(
    spec: PartnershipSpec,
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
    centre: JointCentre,
) -> Partnership:
    partnership, _ = Partnership.objects.update_or_create(
        code=spec.code,
        defaults={
            "title": spec.title,
            "mode": spec.mode,
            "status": spec.status,
            "institution": institutions.get(spec.institution),
            "joint_centre": centre if spec.joint_centre == centre.code else None,
            "enterprise": enterprises[spec.enterprise],
            "started_on": spec.started_on,
            "ended_on": spec.ended_on,
            "description": spec.description,
        },
    )
    return partnership


def _upsert_agreement(spec: AgreementSpec) -> Agreement:
    agreement, _ = Agreement.objects.update_or_create(
        reference=spec.reference,
        defaults={
            "partnership": Partnership.objects.get(code=spec.partnership),
            "title": spec.title,
            "kind": spec.kind,
            "status": spec.status,
            "signed_on": spec.signed_on,
            "effective_on": spec.signed_on,
            "expires_on": spec.expires_on,
            "renewal": spec.renewal[0],
            "renewal_notice_days": spec.renewal[1],
            "renewal_term_months": spec.renewal[2],
            "exclusivity": spec.exclusivity,
            "field_of_use": spec.field_of_use,
            "territory": spec.territory,
            "institution_ip_share": Decimal(spec.institution_ip_share),
            "currency": spec.currency,
            "registration_number": spec.registration_number,
            "contract_value": (
                None if spec.contract_value is None else Decimal(spec.contract_value)
            ),
            "terminated_on": spec.terminated_on,
            "licensee_size": spec.licensee_size,
            "licensee_employees": spec.licensee_employees,
            "licensee_formed_for_licence": spec.licensee_formed_for_licence,
        },
    )
    return agreement


def _draft_demo_project(
    spec: ProjectSpec,
    stages_by_pipeline: Mapping[str, list[StageFacts]],
    partnerships: Mapping[str, PartnershipFacts],
    institutions: Mapping[str, Institution],
    enterprises: Mapping[str, Enterprise],
    people: Mapping[str, Person],
) -> ProjectDraft:
    # One generator per project, seeded by its code: a project's data does
    # not depend on which other demo projects exist already.
    rng = random.Random(f"{DEMO_SEED}:{spec.code}")
    pipeline_code = PIPELINE_OF_SECTOR[spec.sector]
    stages = stages_by_pipeline[pipeline_code]
    reach = next(index for index, stage in enumerate(stages) if stage.code == spec.stage)
    partnership = partnerships[spec.partnership] if spec.partnership else None
    lead = institutions[spec.lead] if spec.lead else None
    lead_institution_id = lead.pk if lead else partnership.institution_id
    history = plan_history(
        stages,
        reach=reach,
        status=spec.status,
        rng=rng,
        ends_on=spec.last_decision_on
        or DEMO_AS_OF - datetime.timedelta(days=rng.randint(14, 300)),
        evidence=GATE_EVIDENCE[pipeline_code],
        not_before=partnership.centre_established_on if partnership else None,
        paused=spec.paused,
        closing_reason=spec.reason,
    )
    institution_name = next(i.name for i in institutions.values() if i.pk == lead_institution_id)
    partner_ids = (partnership.enterprise_id,) if partnership else ()
    partner_ids += tuple(enterprises[code].pk for code in spec.also_partners)
    project = new_project(
        code=spec.code,
        title=spec.title,
        title_zh=spec.title_zh,
        stages=stages,
        reach=reach,
        status=spec.status,
        therapeutic_area=spec.therapeutic_area,
        lead_institution_id=lead_institution_id,
        investigator_id=people[spec.investigator].pk,
        partnership=partnership,
        history=history,
        description=project_description(partnership, institution_name),
        rng=rng,
    )
    return ProjectDraft(project=project, partner_ids=partner_ids, history=history)
