"""A new enterprise, in a real browser, in English and in Chinese: staff
invite its first partner admin from the enterprise's page, and, while the
enterprise has confirmed a claim only by a signed letter, record its
verification with the letter attached; the milestone can then be
invoiced."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/portal/invitations/[^/\s]+/[^/\s]+/)")
LETTER = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def shown(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_onboard_a_new_enterprise_and_record_its_verification(
    page, browser, live_server, mailoutbox, language
):
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    enterprise = EnterpriseFactory(code="NWC", name="Newco Biologics", name_zh="新科生物")
    agreement = AgreementFactory(
        partnership__institution=institution, partnership__enterprise=enterprise
    )
    project = ProjectUnderAgreementFactory(code="ELU-070", agreement=agreement)
    milestone = MilestoneFactory(
        project=project, name="IND filed", amount=Decimal("800000"), status="claimed"
    )
    staff = UserFactory(email="officer@example.com", institutions=[institution])
    sign_in(page, staff.email)
    if language != "en":
        with page.expect_navigation():
            page.get_by_label("Language").select_option(language)

    # The enterprise has no portal user: staff invite its partner admin.
    page.goto(enterprise.get_absolute_url())
    invite = page.locator("form[action$='/invitations/']")
    invite.locator("input[name=email]").fill("liu.yang@newco.example")
    invite.locator("input[name=full_name]").fill("Liu Yang")
    invite.locator("button[type=submit]").click()
    accounts = page.get_by_test_id("portal-accounts")
    expect(accounts).to_contain_text("liu.yang@newco.example")
    expect(accounts).to_contain_text(shown(language, "Invited"))

    # The invitee follows the one-time link from the email.
    (mail,) = mailoutbox
    invitee_page = browser.new_context(base_url=live_server.url).new_page()
    invitee_page.goto(LINK.search(mail.body).group(1))
    invitee_page.locator("input[name=new_password1]").fill("Rhizome-cascade-42")
    invitee_page.locator("input[name=new_password2]").fill("Rhizome-cascade-42")
    invitee_page.locator("form button[type=submit]").click()
    expect(invitee_page).to_have_url(re.compile(r"/portal/"))
    invitee_page.context.close()
    invitee = User.objects.get(email="liu.yang@newco.example")
    assert invitee.is_active and invitee.is_partner_admin
    assert invitee.enterprise == enterprise

    # The enterprise confirmed the claim by a signed letter: staff record it.
    page.goto(project.get_absolute_url())
    card = page.locator(f"#milestone-{milestone.pk}")
    card.locator("button[hx-get$='/record_verification/']").click()
    card.locator("select[name=evidence]").select_option("letter")
    card.locator("input[name=file]").set_input_files(
        {"name": "newco-confirmation.pdf", "mimeType": "application/pdf", "buffer": LETTER}
    )
    card.locator("textarea[name=note]").fill("Signed by Liu Yang, CTO.")
    card.locator("form button[type=submit]").click()
    expect(card.get_by_test_id("milestone-status")).to_have_text(shown(language, "Verified"))
    expect(card.get_by_test_id("verification-record")).to_contain_text(
        "新科生物" if language != "en" else "Newco Biologics"
    )
    expect(card.get_by_role("link", name="newco-confirmation.pdf")).to_be_visible()

    # Verified, it can be invoiced.
    card.locator("button[hx-get$='/invoice/']").click()
    card.locator("form button[type=submit]").click()
    expect(card.get_by_test_id("milestone-status")).to_have_text(shown(language, "Invoiced"))
    milestone.refresh_from_db()
    assert milestone.status == "invoiced"
    assert milestone.verified_by is None and milestone.verification_recorded_by == staff
