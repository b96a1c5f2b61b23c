"""A research-centre staff member in a real browser, on a project's page:
passes a stage gate, claims a milestone, invoices it once the enterprise has
verified it, and records the payment."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from partnerships.choices import Party
from projects import services
from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    DocumentFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    RoyaltyTierFactory,
    StageTransitionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project_with_milestone():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        reference="AGR-ELU-7",
        title="Licence of the PD-1/VEGF antibody",
        upfront_amount=Decimal("1000000"),
    )
    staff = UserFactory(email="officer@example.com", full_name="Li Na", institutions=[institution])
    partner = PartnerUserFactory(enterprise=enterprise)
    project = ProjectUnderAgreementFactory(
        code="ELU-007",
        title="Bispecific antibody against PD-1/VEGF",
        agreement=agreement,
        budget=Decimal("8000000"),
    )
    StageTransitionFactory(project=project, rationale="Target validated in two models.")
    stage = project.current_stage
    CostShareFactory(agreement=agreement, first_stage=stage, party=Party.RESEARCH, percent=70)
    CostShareFactory(agreement=agreement, first_stage=stage, party=Party.ENTERPRISE, percent=30)
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=4)
    CostEntryFactory(project=project, amount=250_000, description="Mouse efficacy study")
    DocumentFactory(project=project, original_name="efficacy-report.pdf")
    milestone = MilestoneFactory(
        project=project,
        name="Proof of concept in vivo",
        amount=Decimal("500000"),
        due_date=datetime.date.today() + datetime.timedelta(days=20),
    )
    return staff, partner, project, milestone


def test_staff_pass_a_gate_and_take_a_milestone_from_claim_to_payment(
    page, screenshot, project_with_milestone
):
    staff, partner, project, milestone = project_with_milestone
    sign_in(page, staff.email)
    page.goto(project.get_absolute_url())
    expect(
        page.get_by_role("heading", name="Bispecific antibody against PD-1/VEGF")
    ).to_be_visible()

    # A stage gate: advance with a rationale and the report as evidence.
    page.get_by_role("button", name="Advance").click()
    expect(page.get_by_label("Rationale")).to_be_focused()
    page.get_by_label("Rationale").fill("Lead series meets the candidate profile.")
    page.get_by_label("efficacy-report.pdf").check()
    screenshot("project-gate-form")
    page.get_by_role("button", name="Record: Advance").click()
    timeline = page.locator("#project-gates table")
    expect(timeline.get_by_text("Lead series meets the candidate profile.")).to_be_visible()
    expect(page.locator("#project-header")).to_contain_text("Lead discovery")
    expect(page.locator("#project-activity")).to_contain_text("Lead discovery")

    # The milestone: claim it with evidence.
    card = page.locator(f"#milestone-{milestone.pk}")
    card.get_by_role("button", name="Claim").click()
    card.get_by_label("Evidence", exact=True).fill("Tumour regression in two xenograft models.")
    card.get_by_role("button", name="Confirm: Claim").click()
    expect(card.get_by_test_id("milestone-status")).to_have_text("Claimed")

    # The enterprise verifies it in its portal.
    services.milestone_verify(milestone=milestone, by=partner, comment="Accepted.")
    page.reload()

    card = page.locator(f"#milestone-{milestone.pk}")
    card.get_by_role("button", name="Invoice").click()
    card.get_by_role("button", name="Confirm: Invoice").click()
    expect(card.get_by_test_id("milestone-status")).to_have_text("Invoiced")
    expect(card).to_contain_text("INV-")

    card.get_by_role("button", name="Record payment").click()
    card.get_by_label("Amount").fill("500000")
    card.get_by_label("Bank reference").fill("CMB-2025-0042")
    card.get_by_role("button", name="Confirm: Record payment").click()
    expect(card.get_by_test_id("milestone-status")).to_have_text("Paid")
    expect(card).to_contain_text("CMB-2025-0042")
    screenshot("project-milestone-paid")

    milestone.refresh_from_db()
    project.refresh_from_db()
    assert milestone.status == "paid"
    assert project.current_stage.position == 2


def test_staff_register_a_project_and_correct_a_field_error(page, screenshot):
    institution = InstitutionFactory(name="East Lake University")
    staff = UserFactory(email="intake@example.com", institutions=[institution])
    sign_in(page, staff.email)

    page.goto("/projects/new/")
    page.get_by_label("Code").fill("ELU-042")
    page.get_by_role("textbox", name="Title", exact=True).fill("CAR-T against solid tumours")
    page.get_by_label("Starting stage").select_option(
        label="Drugs and biologics — 1. Basic research"
    )
    page.get_by_label("Lead institution").select_option(label="East Lake University")
    page.get_by_label("Technology readiness level").fill("12")
    page.get_by_label("Start date").fill("2025-03-01")
    page.get_by_role("button", name="Register project").click()

    expect(page.locator("#id_trl_error")).to_be_visible()
    expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value(
        "CAR-T against solid tumours"
    )
    screenshot("project-form")

    page.get_by_label("Technology readiness level").fill("2")
    page.get_by_role("button", name="Register project").click()
    expect(page.get_by_role("heading", name="CAR-T against solid tumours")).to_be_visible()
    expect(page.get_by_text("Project ELU-042 registered.")).to_be_visible()


def test_staff_upload_a_document_record_a_cost_and_waive_a_milestone(
    page, screenshot, project_with_milestone, tmp_path
):
    staff, _partner, project, milestone = project_with_milestone
    for number in range(20):
        ActivityFactory(project=project, summary=f"Review note {number:02d}")
    sign_in(page, staff.email)
    page.goto(project.get_absolute_url())

    # A wrong file type is refused in words; a PDF is listed.
    documents = page.locator("#project-documents")
    (tmp_path / "macro.exe").write_bytes(b"MZ\x90\x00")
    documents.get_by_label("File").set_input_files(tmp_path / "macro.exe")
    documents.get_by_role("button", name="Upload").click()
    expect(documents).to_contain_text("Files of type .exe are not accepted")
    (tmp_path / "gmp-audit.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    documents.get_by_label("File").set_input_files(tmp_path / "gmp-audit.pdf")
    documents.get_by_role("button", name="Upload").click()
    expect(documents.get_by_role("link", name="gmp-audit.pdf")).to_be_visible()

    # The enterprise's share of a cost shows in the ledger.
    ledger = page.locator("#project-ledger")
    ledger.get_by_text("Record a cost").click()
    ledger.get_by_label("Paid by").select_option("enterprise")
    ledger.get_by_label("Amount").fill("100000")
    ledger.get_by_label("Description").fill("Toxicology batch")
    ledger.get_by_role("button", name="Record cost").click()
    expect(ledger).to_contain_text("105,000.00 CNY")

    # Waiving asks for confirmation first.
    card = page.locator(f"#milestone-{milestone.pk}")
    card.get_by_role("button", name="Waive").click()
    card.get_by_label("Reason").fill("Folded into the licence fee.")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Confirm: Waive").click()
    expect(card.get_by_test_id("milestone-status")).to_have_text("Waived")

    # The timeline shows the newest first, and more on demand.
    activity = page.locator("#project-activity")
    expect(activity).to_contain_text("waived")
    activity.get_by_role("button", name="Show more").click()
    expect(activity).to_contain_text("Review note 00")
    screenshot("project-documents-ledger-activity")


GATE_WORDS = {
    "en": {"advance": "Advance", "rationale": "Rationale", "record": "Record: Advance"},
    "zh-hans": {"advance": "推进", "rationale": "理由", "record": "记录：推进"},
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_overviews_trl_follows_a_gate_decision_without_a_reload(
    page, live_server, project_with_milestone, language
):
    staff, _partner, project, _milestone = project_with_milestone
    type(project).objects.filter(pk=project.pk).update(trl=1)
    next_stage = project.pipeline.stages.get(position=project.current_stage.position + 1)
    sign_in(page, staff.email)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    words = GATE_WORDS[language]
    page.goto(project.get_absolute_url())
    trl = page.get_by_test_id("project-trl")
    expect(trl).to_have_text("1")

    page.get_by_role("button", name=words["advance"], exact=True).click()
    page.get_by_label(words["rationale"]).fill("Lead series meets the candidate profile.")
    page.get_by_role("button", name=words["record"]).click()

    expect(trl).to_have_text(str(max(1, next_stage.trl_min)))
