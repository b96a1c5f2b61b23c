"""A research-centre staff member in a real browser follows an agreement
from the list to its page, then to its enterprise and its institution, and
reads what is owed and received."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects import services
from tests.e2e.browsing import sign_in
from tests.factories import (
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    MilestoneScheduleItemFactory,
    PartnershipFactory,
    PersonFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def licence():
    institution = InstitutionFactory(
        code="ELU", name="East Lake University", name_zh="东湖大学", city="Wuhan"
    )
    enterprise = EnterpriseFactory(
        code="HHB", name="Hanhai Biopharma", name_zh="瀚海生物医药", city="Suzhou"
    )
    staff = UserFactory(email="staff@example.com", institutions=[institution])
    PersonFactory(institution=institution, full_name="Prof. Lin Wei", job_title="PI")
    partnership = PartnershipFactory(
        code="PS-ELU-HHB",
        title="PD-1/VEGF antibody licence",
        institution=institution,
        enterprise=enterprise,
    )
    agreement = AgreementFactory(
        partnership=partnership,
        reference="AGR-ELU-HHB-1",
        title="Exclusive licence of ELU-7",
        currency="CNY",
        exclusivity="exclusive",
        territory="Greater China",
        upfront_amount=Decimal("1500000"),
        minimum_annual_royalty=Decimal("200000"),
        royalty_term_years=10,
    )
    project = ProjectUnderAgreementFactory(
        code="ELU-001", title="Bispecific antibody against PD-1/VEGF", agreement=agreement
    )
    stage = project.current_stage
    CostShareFactory(agreement=agreement, first_stage=stage, party="research", percent=60)
    CostShareFactory(agreement=agreement, first_stage=stage, party="enterprise", percent=40)
    MilestoneScheduleItemFactory(agreement=agreement, name="IND filed", amount=2_000_000)
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=4)
    RoyaltyTierFactory(agreement=agreement, lower_bound=50_000_000, rate_percent=6)
    CostEntryFactory(project=project, paid_by="research", amount=180_000)

    def invoiced(name, amount, due_date):
        milestone = MilestoneFactory(
            project=project,
            name=name,
            amount=Decimal(amount),
            status="verified",
            due_date=due_date,
        )
        return services.milestone_invoice(milestone=milestone, by=staff)

    def pay(invoice, amount):
        services.payment_record(
            invoice=invoice,
            amount=Decimal(amount),
            currency="CNY",
            paid_on=invoice.issued_on,
            by=staff,
        )

    pay(invoiced("Lead candidate nominated", "500000", datetime.date(2099, 1, 1)), "500000")
    pay(invoiced("Preclinical package", "800000", datetime.date(2020, 1, 1)), "300000")
    MilestoneFactory(
        project=project,
        name="GLP toxicology complete",
        amount=Decimal("400000"),
        status="claimed",
        due_date=datetime.date(2099, 6, 1),
    )
    report = RoyaltyReportFactory(
        agreement=agreement, project=project, net_sales=1_250_000, royalty_due=50_000
    )
    pay(services.royalty_report_invoice(report=report, by=staff), "50000")
    return staff


def test_staff_follow_an_agreement_to_its_enterprise_and_institution(page, licence):
    sign_in(page, licence.email)
    page.goto("/agreements/")
    page.get_by_role("link", name="AGR-ELU-HHB-1").click()

    expect(page.get_by_role("heading", name="Exclusive licence of ELU-7")).to_be_visible()
    expect(page.get_by_text("Greater China")).to_be_visible()
    money = page.get_by_test_id("money-position")
    # Owed: 500,000 left on the preclinical invoice + 400,000 claimed.
    expect(money.get_by_role("cell", name="900,000.00 CNY", exact=True)).to_be_visible()
    # Received: 800,000 for milestones + 50,000 royalties.
    assert "850,000.00 CNY" in money.inner_text()
    expect(
        page.get_by_test_id("agreement-milestones").get_by_text("Overdue").first
    ).to_be_visible()

    page.get_by_role("link", name="Hanhai Biopharma").first.click()
    expect(page.get_by_role("heading", name="Hanhai Biopharma")).to_be_visible()
    expect(
        page.get_by_test_id("milestones-owed").get_by_text("Preclinical package")
    ).to_be_visible()

    page.get_by_role("link", name="East Lake University").first.click()
    expect(page.get_by_role("heading", name="East Lake University")).to_be_visible()
    expect(page.get_by_text("Prof. Lin Wei")).to_be_visible()
