"""Factories for the domain objects; each builds a valid object with the
fewest choices made, so a test states only what matters to it."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from accounts.choices import Role
from partnerships.choices import AgreementKind, CooperationMode, EnterpriseSize, InstitutionKind
from partnerships.models import (
    Agreement,
    Enterprise,
    Institution,
    JointCentre,
    JointCentreParty,
    Partnership,
    Person,
)
from pipelines.models import StageDefinition
from projects.models import ResearchProject, StageTransition
from projects.services import open_money_kept, portfolio_counts_move, project_stage_rank_set
from projects.services.partner_counts import partner_stage_counts_add

DEMO_PASSWORD = "correct horse battery staple"


def valid_uscc(sequence: int) -> str:
    """A Unified Social Credit Code with correct check characters."""
    body = f"91310000MA1{sequence:06d}"[:17]
    return body + uscc.calc_check_digit(body)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"INST{n}")
    name = factory.Sequence(lambda n: f"Institute of Biology {n}")
    name_zh = factory.Sequence(lambda n: f"生物研究所{n}")
    kind = InstitutionKind.UNIVERSITY


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    code = factory.Sequence(lambda n: f"ENT{n}")
    name = factory.Sequence(lambda n: f"Biotech Company {n}")
    size = EnterpriseSize.SME
    unified_social_credit_code = factory.Sequence(valid_uscc)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Researcher {n}")
    institution = factory.SubFactory(InstitutionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    role = Role.CENTRE_STAFF
    password = factory.django.Password(DEMO_PASSWORD)

    @factory.post_generation
    def institutions(self, create, extracted, **kwargs):
        if create and extracted:
            self.institutions.set(extracted)

    @factory.post_generation
    def joint_centres(self, create, extracted, **kwargs):
        if create and extracted:
            self.joint_centres.set(extracted)


class PartnerUserFactory(UserFactory):
    role = Role.PARTNER
    enterprise = factory.SubFactory(EnterpriseFactory)


class JointCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointCentre

    code = factory.Sequence(lambda n: f"JC{n}")
    name = factory.Sequence(lambda n: f"Joint Centre {n}")
    established_on = datetime.date(2022, 3, 1)


class JointCentrePartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointCentreParty

    centre = factory.SubFactory(JointCentreFactory)
    institution = factory.SubFactory(InstitutionFactory)
    annual_funding_commitment = 5_000_000


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    code = factory.Sequence(lambda n: f"PS-{n}")
    title = factory.Sequence(lambda n: f"Partnership {n}")
    mode = CooperationMode.TRANSFER
    institution = factory.SubFactory(InstitutionFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    started_on = datetime.date(2024, 1, 15)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    partnership = factory.SubFactory(PartnershipFactory)
    reference = factory.Sequence(lambda n: f"AGR-{n}")
    title = factory.Sequence(lambda n: f"Licence agreement {n}")
    kind = AgreementKind.LICENCE
    status = Agreement.Status.SIGNED
    signed_on = datetime.date(2024, 2, 1)
    effective_on = datetime.date(2024, 2, 1)


def first_stage(pipeline_code: str = "BIOMED-DRUG") -> StageDefinition:
    return StageDefinition.objects.get(pipeline__code=pipeline_code, position=1)


class ResearchProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchProject
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"PRJ-{n:04d}")
    title = factory.Sequence(lambda n: f"Antibody programme {n}")
    current_stage = factory.LazyFunction(first_stage)
    lead_institution = factory.SubFactory(InstitutionFactory)
    trl = factory.LazyAttribute(lambda project: project.current_stage.trl_min)
    start_date = datetime.date(2024, 3, 1)

    @factory.post_generation
    def partner_enterprises(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner_enterprises.set(extracted)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Ranked and counted as a registration ranks and counts it
        # (``project_register``), without opening its history.
        project = model_class(*args, **kwargs)
        project_stage_rank_set(project=project)
        project.save()
        portfolio_counts_move(before=None, project=project)
        return project


class StageTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageTransition

    project = factory.SubFactory(ResearchProjectFactory)
    kind = "start"
    to_stage = factory.LazyAttribute(lambda transition: transition.project.current_stage)
    to_status = "active"
    rationale = "Project registered after the intake review."


# --- Royalties, cost sharing, documents and activity ---------------------------
#
# Models are named as "app.Model" strings so that this block needs no imports
# of its own.


class RoyaltyTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partnerships.RoyaltyTier"

    agreement = factory.SubFactory(AgreementFactory)
    lower_bound = 0
    rate_percent = 5


class CostShareFactory(factory.django.DjangoModelFactory):
    """A party's share of the costs of one stage (or a range, with
    ``last_stage``)."""

    class Meta:
        model = "partnerships.CostShare"

    agreement = factory.SubFactory(AgreementFactory)
    first_stage = factory.LazyFunction(first_stage)
    last_stage = factory.SelfAttribute("first_stage")
    party = "research"
    percent = 100


class FailureClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partnerships.FailureClause"

    agreement = factory.SubFactory(AgreementFactory)
    stage = factory.LazyFunction(first_stage)
    sunk_costs_borne_by = "by_cost_shares"
    ip_reverts_to_institution = True


class CostEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.CostEntry"

    project = factory.SubFactory(ResearchProjectFactory)
    stage = factory.SelfAttribute("project.current_stage")
    paid_by = "research"
    amount = 10_000
    currency = "CNY"
    incurred_on = datetime.date(2025, 3, 1)
    description = factory.Sequence(lambda n: f"Reagents, batch {n}")


class RoyaltyReportFactory(factory.django.DjangoModelFactory):
    """A quarterly sales report, as stored; services compute real ones."""

    class Meta:
        model = "projects.RoyaltyReport"

    agreement = factory.SubFactory(AgreementFactory)
    kind = "sales"
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 3, 31)
    net_sales = 100_000
    royalty_due = 5_000
    currency = "CNY"
    status = "accepted"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Document"

    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = 15
    project = factory.SubFactory(ResearchProjectFactory)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Activity"

    project = factory.SubFactory(ResearchProjectFactory)
    verb = "project.updated"
    target_type = "projects.researchproject"
    target_id = factory.LazyAttribute(lambda entry: (entry.project or entry.agreement).pk)
    summary = factory.Sequence(lambda n: f"Change {n}")


# --- Lifecycle: projects under agreements, milestones --------------------------
#
# Used by the tests of stage gates, milestones, invoicing and notifications.
# Models named as "app.Model" strings, like the block above.


class ProjectUnderAgreementFactory(ResearchProjectFactory):
    """A project run under a signed agreement: led by the agreement's
    institution, with the agreement's enterprise as its partner."""

    agreement = factory.SubFactory(AgreementFactory)
    partnership = factory.SelfAttribute("agreement.partnership")
    lead_institution = factory.SelfAttribute("agreement.partnership.institution")

    @factory.post_generation
    def partner_enterprises(self, create, extracted, **kwargs):
        if create:
            self.partner_enterprises.set(extracted or [self.agreement.partnership.enterprise])
            # Counted for its partners, as ``project_register`` counts a
            # project it registers.
            partner_stage_counts_add(project=self)


class MilestoneScheduleItemFactory(factory.django.DjangoModelFactory):
    """A payment the agreement promises; triggered by an event unless a
    trigger stage is given."""

    class Meta:
        model = "partnerships.MilestoneScheduleItem"

    agreement = factory.SubFactory(AgreementFactory)
    name = factory.Sequence(lambda n: f"Milestone payment {n}")
    kind = "scientific"
    amount = Decimal("100000.00")
    trigger_stage = None
    trigger_event = factory.LazyAttribute(
        lambda item: "" if item.trigger_stage else "First commercial sale"
    )
    due_offset_days = 30


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A planned milestone of a project under an agreement. Triggered by an
    event (claimable at once) unless a trigger stage is given."""

    class Meta:
        model = "projects.Milestone"

    project = factory.SubFactory(ProjectUnderAgreementFactory)
    agreement = factory.SelfAttribute("project.agreement")
    name = factory.Sequence(lambda n: f"Proof of concept {n}")
    kind = "scientific"
    trigger_stage = None
    trigger_event = factory.LazyAttribute(
        lambda milestone: "" if milestone.trigger_stage else "Proof of concept in vivo"
    )
    due_offset_days = 30
    amount = Decimal("100000.00")
    currency = factory.SelfAttribute("agreement.currency")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Summed into the open milestones' money as the services sum what
        # they create; a test that changes it past the services rebuilds
        # the summary (``rebuild_open_milestone_money``).
        with transaction.atomic(), open_money_kept(kwargs["project"].pk):
            return super()._create(model_class, *args, **kwargs)


class VatInvoiceFactory(factory.django.DjangoModelFactory):
    """A fully digitalised VAT invoice for the whole of an invoice in yuan,
    exempt (registered technology-transfer income), dated with it."""

    class Meta:
        model = "projects.VatInvoice"

    invoice = None
    kind = "digital_special"
    code = ""
    number = factory.Sequence(lambda n: f"{26110000000000000000 + n:020d}")
    issued_on = factory.SelfAttribute("invoice.issued_on")
    amount_with_tax = factory.SelfAttribute("invoice.amount")
    tax_rate = "exempt"
    tax_amount = Decimal("0.00")


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    """A published rate: 1 USD = 7.1 CNY on 2026-12-01 unless told."""

    class Meta:
        model = "core.ExchangeRate"

    currency = "USD"
    quote_currency = "CNY"
    valid_on = datetime.date(2026, 12, 1)
    unit = 1
    rate = Decimal("7.1")
    source = "Test"


class FixedPaymentFactory(factory.django.DjangoModelFactory):
    """A fixed amount owed under a signed agreement: a patent-cost
    reimbursement due in a month unless told otherwise."""

    class Meta:
        model = "projects.FixedPayment"

    agreement = factory.SubFactory(AgreementFactory)
    kind = "patent_costs"
    description = "Patent family CN-2024"
    amount = Decimal("50000.00")
    currency = factory.SelfAttribute("agreement.currency")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


# --- Achievements and the IP docket ------------------------------------------


class ResearcherUserFactory(UserFactory):
    """A researcher who signs in, with their ``Person`` at an institution."""

    role = Role.RESEARCHER

    @factory.post_generation
    def person(self, create, extracted, **kwargs):
        if not create:
            return
        person = extracted or PersonFactory(full_name=self.full_name, email=self.email)
        person.user = self
        person.save()


class AchievementFactory(factory.django.DjangoModelFactory):
    """An invention owned wholly by ``owner`` (an institution), with one
    inventor unless ``inventors`` names the people."""

    class Meta:
        model = "achievements.Achievement"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"ACH-2025-{n:04d}")
    title = factory.Sequence(lambda n: f"Antibody discovery method {n}")
    kind = "invention"
    funding_source = "government"
    disclosed_on = datetime.date(2024, 3, 1)

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create:
            self.owners.create(institution=extracted or InstitutionFactory(), share_percent=100)

    @factory.post_generation
    def inventors(self, create, extracted, **kwargs):
        if not create:
            return
        people = extracted or [PersonFactory(institution=self.owners.first().institution)]
        share = Decimal(100) / len(people)
        for person in people:
            self.inventors.create(
                person=person, contribution_percent=share.quantize(Decimal("0.01"))
            )


class CounselFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "achievements.Counsel"

    name = factory.Sequence(lambda n: f"Patent Firm {n}")
    kind = "firm"


class PatentFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "achievements.PatentFamily"

    achievement = factory.SubFactory(AchievementFactory)
    title = factory.Sequence(lambda n: f"Family {n}")
    priority_date = datetime.date(2024, 3, 15)


class PatentApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "achievements.PatentApplication"

    family = factory.SubFactory(PatentFamilyFactory)
    jurisdiction = "CN"
    kind = "invention"
    application_number = factory.Sequence(lambda n: f"2024{n:08d}.X")
    filed_on = datetime.date(2024, 3, 15)
    status = "filed"
