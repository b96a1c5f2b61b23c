"""A research-centre staff member edits an agreement's terms in a real
browser: adds a stage range of cost shares, sees the running total that is
not 100 yet, is refused, corrects it and saves; adds a royalty tier row."""

import pytest
from playwright.sync_api import expect

from partnerships.models import CostShare, RoyaltyTier
from pipelines.models import StageDefinition
from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnershipFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agreement():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    UserFactory(email="staff@example.com", institutions=[institution])
    partnership = PartnershipFactory(
        institution=institution,
        enterprise=EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药"),
        title="Bispecific antibody licence",
    )
    agreement = AgreementFactory(
        partnership=partnership, reference="ELU-HHB-2024-01", title="Exclusive licence"
    )
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=4)
    return agreement


def stage(position):
    return StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", position=position)


def test_staff_set_cost_shares_that_add_up_to_100_and_add_a_royalty_tier(
    page, screenshot, agreement
):
    sign_in(page, "staff@example.com")
    page.goto(f"/agreements/{agreement.reference}/terms/")
    expect(page.get_by_role("heading", name=f"Terms of {agreement.reference}")).to_be_visible()

    shares = page.locator("#cost-shares")
    shares.get_by_label("From stage").first.select_option(str(stage(1).pk))
    shares.get_by_label("To stage").first.select_option(str(stage(3).pk))
    shares.get_by_label("Research party (%)").first.fill("40")
    shares.get_by_label("Enterprise (%)").first.fill("59")
    # The row's total warns before the server refuses.
    expect(shares.locator("[data-share-total]").first).to_have_text("99.00 %")
    shares.get_by_role("button", name="Save cost shares").click()
    expect(page.locator("#cost-shares")).to_contain_text("not 100%")
    expect(page.locator("#cost-shares").get_by_label("Enterprise (%)").first).to_have_value("59")
    assert not CostShare.objects.exists()

    page.locator("#cost-shares").get_by_label("Enterprise (%)").first.fill("60")
    expect(page.locator("#cost-shares [data-share-total]").first).to_have_text("100.00 %")
    page.locator("#cost-shares").get_by_role("button", name="Add a stage range").click()
    expect(page.locator("#cost-shares").get_by_label("From stage")).to_have_count(2)
    page.locator("#cost-shares").get_by_role("button", name="Save cost shares").click()
    expect(page.get_by_text(f"Terms of {agreement.reference} saved.")).to_be_visible()
    assert CostShare.objects.filter(agreement=agreement).count() == 2

    tiers = page.locator("#royalty-tiers")
    tiers.get_by_role("button", name="Add a tier").click()
    tiers.get_by_label("Annual net sales above").nth(1).fill("10000000")
    tiers.get_by_label("Royalty rate (%)").nth(1).fill("6")
    screenshot("agreement-terms")
    tiers.get_by_role("button", name="Save royalty tiers").click()
    expect(page.get_by_text(f"Terms of {agreement.reference} saved.")).to_be_visible()
    assert RoyaltyTier.objects.filter(agreement=agreement).count() == 2


def test_staff_record_an_agreement_and_see_the_errors_next_to_the_fields(
    page, screenshot, agreement
):
    sign_in(page, "staff@example.com")
    page.goto("/agreements/")
    page.get_by_role("link", name="New agreement").click()
    page.get_by_label("Partnership").select_option(str(agreement.partnership.pk))
    page.get_by_label("Reference").fill("ELU-HHB-2025-02")
    page.get_by_label("Title").fill("R&D contract for the second indication")
    page.get_by_label("Kind").select_option("rd_contract")
    page.get_by_label("Status").select_option("signed")
    page.get_by_role("button", name="Record agreement").click()
    expect(page.locator("#id_signed_on_error")).to_contain_text("signing date")
    expect(page.get_by_label("Title")).to_have_value("R&D contract for the second indication")
    screenshot("agreement-form-errors")


UNSAVED_WORDS = {
    "en": {"badge": "Unsaved changes", "payment": "Payment terms", "tiers": "Royalty tiers"},
    "zh-hans": {"badge": "未保存的更改", "payment": "付款条款", "tiers": "提成档位"},
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_saving_one_section_warns_of_unsaved_edits_in_another(
    page, live_server, agreement, language
):
    """The terms page saves a section at a time: edits typed in another
    section are shown as unsaved, and saving asks before it drops them."""
    words = UNSAVED_WORDS[language]
    sign_in(page, "staff@example.com")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"/agreements/{agreement.reference}/terms/")
    payment, tiers = page.locator("#payment"), page.locator("#royalty-tiers")
    expect(payment.get_by_text(words["badge"])).to_be_hidden()

    payment.locator('[name="payment-upfront_amount"]').fill("2500000")
    expect(payment.get_by_text(words["badge"])).to_be_visible()
    tiers.locator('[name="tiers-0-rate_percent"]').fill("5")

    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept() if len(questions) > 1 else dialog.dismiss()

    page.on("dialog", answer)
    # Declined: nothing is sent, both edits stay on the page.
    tiers.locator("button[type=submit]").click()
    expect(payment.locator('[name="payment-upfront_amount"]')).to_have_value("2500000")
    assert words["payment"] in questions[0] and words["tiers"] in questions[0]
    assert RoyaltyTier.objects.get(agreement=agreement).rate_percent == 4

    # Accepted: the payment terms are saved, the tier's edit is dropped.
    payment.locator("button[type=submit]").click()
    expect(page.locator('[name="payment-upfront_amount"]')).to_have_value("2500000.00")
    assert len(questions) == 2
    agreement.refresh_from_db()
    assert agreement.upfront_amount == 2500000
    assert RoyaltyTier.objects.get(agreement=agreement).rate_percent == 4
