"""Income distribution in the browser, as the office and an inventor live
it: one staff member previews and saves a half-year's run, is told that
another must approve it; a colleague, reading the pages in Chinese,
approves it and marks the inventor's reward paid; the inventor finds the
reward and the statement on their own pages."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from achievements.models import AchievementAgreement
from distributions.models import DistributionLine, DistributionRun
from distributions.services.policies import policy_from_preset
from projects.models import FixedPayment, Invoice, Payment
from tests.e2e.browsing import sign_in, sign_in_as
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    InstitutionFactory,
    PartnershipFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    preparer = UserFactory(
        email="preparer@example.com", full_name="Chen Jing", institutions=[institution]
    )
    UserFactory(email="approver@example.com", full_name="Xu Tao", institutions=[institution])
    inventor = ResearcherUserFactory(
        email="li.wei@example.com",
        full_name="Li Wei",
        person=PersonFactory(full_name="Li Wei", institution=institution),
    )
    achievement = AchievementFactory(owner=institution, inventors=[inventor.person])
    achievement.inventors.update(department="Immunology")
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution),
        registration_number="2025420000000001",
    )
    AchievementAgreement.objects.create(
        achievement=achievement, agreement=agreement, mode="licence"
    )
    policy_from_preset(
        preparer,
        institution,
        preset_key="china_statutory",
        effective_from=datetime.date(2020, 1, 1),
    )
    fee = FixedPayment.objects.create(
        agreement=agreement,
        kind="upfront",
        amount=Decimal("100000.00"),
        currency="CNY",
        due_date=datetime.date(2025, 3, 1),
    )
    invoice = Invoice.objects.create(
        number="ELU-2025-0001",
        fixed_payment=fee,
        payee_name="East Lake University",
        payer_name="Licensee",
        amount=fee.amount,
        currency="CNY",
        issued_on=datetime.date(2025, 2, 1),
        due_on=datetime.date(2025, 3, 1),
    )
    Payment.objects.create(
        invoice=invoice, amount=fee.amount, currency="CNY", paid_on=datetime.date(2025, 3, 1)
    )
    return institution


@pytest.mark.usefixtures("office")
def test_a_run_is_prepared_approved_by_a_colleague_paid_and_seen_by_the_inventor(
    page, live_server, screenshot
):
    sign_in(page, "preparer@example.com")
    page.goto("/distributions/runs/prepare/")
    form = page.get_by_test_id("run-prepare-form")
    form.get_by_label("Institution").select_option(label="East Lake University")
    form.get_by_label("Period from").fill("2025-01-01")
    form.get_by_label("Period to").fill("2025-06-30")
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_test_id("plan-net-income")).to_have_text("100,000.00 CNY")
    assert not DistributionRun.objects.exists()
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_test_id("run-state")).to_have_text("Draft")
    expect(page.get_by_test_id("action-approve")).to_be_disabled()
    expect(page.get_by_test_id("action-reasons")).to_contain_text("another staff member")
    screenshot("distribution-run-draft")
    run = DistributionRun.objects.get()

    sign_in_as(page, live_server, "approver@example.com", "zh-hans")
    page.goto(f"/distributions/runs/{run.pk}/")
    page.get_by_test_id("action-approve").click()

    expect(page.get_by_test_id("run-state")).to_have_text("已批准")
    inventor_line = page.get_by_test_id("run-lines").locator("tr", has_text="Li Wei")
    expect(inventor_line).to_contain_text("50,000.00")
    inventor_line.locator("input[name=reference]").fill("BANK-2025-07")
    inventor_line.get_by_role("button").click()
    expect(page.get_by_test_id("run-lines").locator("tr", has_text="Li Wei")).to_contain_text(
        "BANK-2025-07"
    )
    line = DistributionLine.objects.get(person__full_name="Li Wei")
    assert (line.state, line.amount, line.settlement_reference) == (
        "paid",
        Decimal("50000.00"),
        "BANK-2025-07",
    )
    run.refresh_from_db()
    assert run.approved_by.email == "approver@example.com"

    sign_in_as(page, live_server, "li.wei@example.com", "en")
    page.goto("/research/rewards/")
    reward = page.get_by_test_id("reward-run")
    expect(reward).to_contain_text("50,000.00 CNY")
    screenshot("research-rewards")
    statement = page.request.get(
        reward.get_by_role("link", name="Statement (PDF)").get_attribute("href")
    )
    assert statement.status == 200
    assert statement.body().startswith(b"%PDF")
