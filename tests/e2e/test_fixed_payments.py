"""Staff invoice an agreement's upfront and record its payment in a real
browser; the partner then finds the invoice and the payment in the portal.
Once in English, once in Simplified Chinese."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import FixedPayment
from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    FixedPaymentFactory,
    InstitutionFactory,
    PartnerUserFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def upfront_world():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        reference="AGR-ELU-UP",
        title="Licence of the Claudin 18.2 ADC",
        currency="CNY",
        upfront_amount=Decimal("5000000"),
    )
    upfront = FixedPaymentFactory(
        agreement=agreement, kind="upfront", description="", amount=Decimal("5000000")
    )
    staff = UserFactory(email="staff@example.com", institutions=[institution])
    partner = PartnerUserFactory(enterprise=enterprise, email="partner@example.com")
    return staff, partner, upfront


def switch_language(page, language):
    if language != "en":
        with page.expect_navigation():
            page.get_by_label("Language").select_option(language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_invoice_the_upfront_record_its_payment_and_the_partner_sees_both(
    browser, live_server, page, upfront_world, language
):
    staff, partner, upfront = upfront_world
    agreement_url = f"/agreements/{upfront.agreement.reference}/"
    today = timezone.localdate().isoformat()

    sign_in(page, staff.email)
    switch_language(page, language)
    page.goto(agreement_url)
    table = page.get_by_test_id("agreement-fixed-payments")
    expect(table).to_contain_text("5,000,000.00 CNY")

    # Invoice it: the form offers 30 days' payment terms.
    table.locator(f'a[href$="/fixed-payments/{upfront.pk}/invoice/"]').click()
    page.locator("form.card button[type=submit]").click()
    upfront.refresh_from_db()
    number = upfront.invoice.number
    expect(page.get_by_test_id("agreement-fixed-payments")).to_contain_text(number)

    # Record the transfer: the form offers what is outstanding.
    page.get_by_test_id("agreement-fixed-payments").locator(
        f'a[href$="/fixed-payments/{upfront.pk}/pay/"]'
    ).click()
    expect(page.locator("input[name=amount]")).to_have_value("5000000.00")
    page.locator("input[name=paid_on]").fill(today)
    page.locator("input[name=reference]").fill("ICBC-UPFRONT")
    page.locator("form.card button[type=submit]").click()
    expect(page.get_by_test_id("money-position")).to_be_visible()
    assert FixedPayment.objects.get(pk=upfront.pk).status == "paid"

    # The partner finds the invoice and what was paid on it.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    portal = context.new_page()
    try:
        sign_in(portal, partner.email)
        switch_language(portal, language)
        portal.goto(f"/portal/agreements/{upfront.agreement.reference}/")
        fixed = portal.get_by_test_id("portal-fixed-payments")
        expect(fixed).to_contain_text(number)
        expect(fixed).to_contain_text("5,000,000.00 CNY")
        expect(fixed.locator(".status-paid")).to_be_visible()
    finally:
        context.close()
