"""The whole money path of a licence, by staff and the licensee in a real
browser, each on their own page, in English and in Chinese: staff set the
terms of a draft agreement and sign it, which makes the upfront owed; they
invoice it and record its payment; they plan the project's milestone from
the agreement's schedule and claim it, the partner verifies it in the
portal, staff invoice it and record its payment; the partner reports a
quarter's sales, staff query the report, the partner corrects and
resubmits it, staff accept, invoice and record its payment; the year over,
staff true it up to the minimum annual royalty and invoice the true-up.
The agreement's page then shows what was received and what is still owed.

Only what a person could not set up in the UI in a few steps is arranged:
the parties, their users, a draft agreement and a project under it; the
terms (upfront, minimum annual royalty, royalty tier, milestone schedule)
and the project's milestone are made in the UI."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from partnerships.models import Agreement
from projects.choices import (
    FixedPaymentStatus,
    MilestoneStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
)
from projects.models import FixedPayment, Milestone, RoyaltyReport
from tests.e2e.browsing import sign_in_as
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The royalty year reported must be over for its true-up: last year, in the
# server's time zone (Asia/Shanghai), which dates invoices and payments.
YEAR = timezone.localdate().year - 1


@pytest.fixture
def licence_world():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    enterprise = EnterpriseFactory(name="Hanhai Biopharma", name_zh="瀚海生物医药")
    agreement = AgreementFactory(
        partnership__institution=institution,
        partnership__enterprise=enterprise,
        reference="AGR-ELU-9",
        title="Licence of the Claudin 18.2 ADC",
        currency="CNY",
        status=Agreement.Status.DRAFT,
        signed_on=None,
        effective_on=None,
    )
    project = ProjectUnderAgreementFactory(
        code="ELU-009", title="Claudin 18.2 antibody-drug conjugate", agreement=agreement
    )
    staff = UserFactory(email="officer@example.com", full_name="Li Na", institutions=[institution])
    partner = PartnerUserFactory(
        enterprise=enterprise, email="partner@example.com", full_name="Zhou Min"
    )
    return staff, partner, agreement, project


def words(language: str) -> dict[str, str]:
    """The status words a person reads, in ``language``."""
    with translation.override(language):
        return {
            "enterprise": "瀚海生物医药" if language == "zh-hans" else "Hanhai Biopharma",
            "signed": str(Agreement.Status.SIGNED.label),
            "claimed": str(MilestoneStatus.CLAIMED.label),
            "verified": str(MilestoneStatus.VERIFIED.label),
            "invoiced": str(MilestoneStatus.INVOICED.label),
            "paid": str(MilestoneStatus.PAID.label),
            "fixed_paid": str(FixedPaymentStatus.PAID.label),
            **{f"report_{value}": str(label) for value, label in RoyaltyReportStatus.choices},
        }


def submit(form):
    form.locator("button[type=submit]").click()


def royalty_action(page, action):
    page.get_by_test_id(f"royalty-action-{action}").locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_and_partner_take_a_licence_from_signature_to_true_up_in_the_ui(
    page, browser, live_server, licence_world, language
):
    staff, partner, agreement, project = licence_world
    said = words(language)
    today = timezone.localdate().isoformat()
    agreement_url = f"/agreements/{agreement.reference}/"

    # --- Staff: the terms, then the signature. --------------------------------
    sign_in_as(page, live_server, staff.email, language)
    page.goto(f"{agreement_url}terms/")
    payment = page.locator("#payment")
    payment.locator("[name=payment-upfront_amount]").fill("5000000")
    payment.locator("[name=payment-minimum_annual_royalty]").fill("100000")
    submit(payment)
    expect(page.locator("[name=payment-upfront_amount]")).to_have_value("5000000.00")
    tiers = page.locator("#royalty-tiers")
    tiers.locator("[name=tiers-0-lower_bound]").fill("0")
    tiers.locator("[name=tiers-0-rate_percent]").fill("5")
    submit(tiers)
    expect(page.locator("[name=tiers-0-rate_percent]")).to_have_value("5.0000")
    schedule = page.locator("#schedule")
    schedule.locator("[name=schedule-0-name]").fill("IND filed")
    schedule.locator("[name=schedule-0-amount]").fill("800000")
    schedule.locator("[name=schedule-0-trigger_event]").fill("IND accepted by the NMPA")
    submit(schedule)
    expect(page.locator("[name=schedule-0-amount]")).to_have_value("800000.00")

    page.goto(f"{agreement_url}edit/")
    particulars = page.locator("main form.card")
    particulars.locator("select[name=status]").select_option("signed")
    particulars.locator("input[name=signed_on]").fill(f"{YEAR}-01-10")
    submit(particulars)

    # Signed, the upfront is owed, and overdue: it fell due 30 days after
    # the signature.
    expect(page).to_have_url(f"{live_server.url}{agreement_url}")
    expect(page.locator("main .status-signed").first).to_have_text(said["signed"])
    fixed = page.get_by_test_id("agreement-fixed-payments")
    expect(fixed).to_contain_text("5,000,000.00 CNY")
    expect(fixed.locator(".status-overdue")).to_be_visible()
    money = page.get_by_test_id("money-position")
    # Owed, overdue, received: the upfront is owed and overdue.
    expect(money.locator("tr[data-kind=fixed] td").nth(0)).to_contain_text("5,000,000.00 CNY")
    expect(money.locator("tr[data-kind=total] td").nth(1)).to_contain_text("5,000,000.00 CNY")

    # --- Staff: invoice the upfront and record its payment. -----------------------
    fixed.locator("a[href$='/invoice/']").click()
    submit(page.locator("main form.card"))
    upfront = FixedPayment.objects.get(agreement=agreement, kind="upfront")
    fixed = page.get_by_test_id("agreement-fixed-payments")
    expect(fixed).to_contain_text(upfront.invoice.number)
    fixed.locator("a[href$='/pay/']").click()
    expect(page.locator("input[name=amount]")).to_have_value("5000000.00")
    page.locator("input[name=paid_on]").fill(today)
    page.locator("input[name=reference]").fill("ICBC-UPFRONT")
    submit(page.locator("main form.card"))
    expect(page.get_by_test_id("agreement-fixed-payments").locator(".status-paid")).to_have_text(
        said["fixed_paid"]
    )

    # --- Staff plan the milestone from the schedule and claim it; the partner
    # verifies it in the portal. ------------------------------------------------
    page.goto(project.get_absolute_url())
    page.locator("form[action$='/milestones/from-schedule/'] button[type=submit]").click()
    expect(page.locator(".bb-milestone")).to_have_count(1)
    milestone = Milestone.objects.get(project=project)
    card = page.locator(f"#milestone-{milestone.pk}")
    expect(card).to_contain_text("800,000.00 CNY")
    card.locator("button[hx-get$='/claim/']").click()
    card.locator("textarea[name=evidence_note]").fill("IND accepted by the NMPA on 3 March.")
    submit(card.locator("form"))
    expect(card.get_by_test_id("milestone-status")).to_have_text(said["claimed"])
    # Invoicing waits for the enterprise, and says so.
    expect(card.locator(f"#milestone-{milestone.pk}-invoice-reason")).to_contain_text(
        said["enterprise"]
    )

    portal = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 860}
    ).new_page()
    portal.set_default_timeout(15_000)
    try:
        sign_in_as(portal, live_server, partner.email, language)
        # The claim waits on the partner's list of milestones.
        portal.locator("a[href='/portal/milestones/']").first.click()
        portal.locator(f"a[href='/portal/milestones/{milestone.pk}/']").first.click()
        expect(portal.get_by_text("IND accepted by the NMPA on 3 March.")).to_be_visible()
        verify = portal.locator("form[action$='/verify/']")
        verify.locator("textarea[name=comment]").fill("Confirmed by our regulatory lead.")
        portal.once("dialog", lambda dialog: dialog.accept())
        submit(verify)
        expect(portal.get_by_test_id("milestone-status")).to_have_text(said["verified"])

        # --- Staff invoice the milestone and record its payment. ----------------
        page.reload()
        card = page.locator(f"#milestone-{milestone.pk}")
        expect(card.get_by_test_id("milestone-status")).to_have_text(said["verified"])
        card.locator("button[hx-get$='/invoice/']").click()
        submit(card.locator("form"))
        expect(card.get_by_test_id("milestone-status")).to_have_text(said["invoiced"])
        card.locator("button[hx-get$='/pay/']").click()
        card.locator("input[name=amount]").fill("800000")
        card.locator("input[name=reference]").fill("CMB-IND-0303")
        submit(card.locator("form"))
        expect(card.get_by_test_id("milestone-status")).to_have_text(said["paid"])
        expect(card).to_contain_text("CMB-IND-0303")

        # --- The partner reports the first quarter's sales. ----------------------
        portal.locator("a[href='/portal/royalty-reports/']").first.click()
        portal.locator(
            f"a[href='/portal/royalty-reports/new/?agreement={agreement.reference}']"
        ).click()
        portal.locator("input[name=period_start]").fill(f"{YEAR}-01-01")
        portal.locator("input[name=period_end]").fill(f"{YEAR}-03-31")
        portal.locator("input[name=net_sales]").fill("800000")
        portal.locator("button[name=step][value=preview]").click()
        expect(portal.get_by_test_id("royalty-due")).to_contain_text("40,000.00 CNY")
        portal.locator("button[name=step][value=confirm]").click()
        expect(portal.get_by_test_id("report-status")).to_have_text(said["report_submitted"])
        report = RoyaltyReport.objects.get(agreement=agreement)

        # --- Staff query it with a reason. --------------------------------------
        page.goto("/royalties/")
        page.locator(f'a[href="/royalties/{report.pk}/"]').first.click()
        expect(page.get_by_test_id("report-status")).to_have_text(said["report_submitted"])
        page.get_by_test_id("royalty-action-query").locator("textarea").fill(
            "Hong Kong sales are missing."
        )
        royalty_action(page, "query")
        expect(page.get_by_test_id("report-status")).to_have_text(said["report_queried"])
        expect(page.get_by_test_id("royalty-blocked")).to_contain_text(said["enterprise"])

        # --- The partner reads the question and resubmits. ----------------------
        portal.locator("a[href='/portal/royalty-reports/']").first.click()
        portal.locator(f"a[href='/portal/royalty-reports/{report.pk}/']").first.click()
        expect(portal.get_by_test_id("report-status")).to_have_text(said["report_queried"])
        expect(portal.get_by_text("Hong Kong sales are missing.")).to_be_visible()
        portal.locator(f'a[href="/portal/royalty-reports/{report.pk}/resubmit/"]').click()
        portal.locator("input[name=net_sales]").fill("1000000")
        portal.locator("button[name=step][value=preview]").click()
        expect(portal.get_by_test_id("royalty-due")).to_contain_text("50,000.00 CNY")
        portal.locator("button[name=step][value=confirm]").click()
        expect(portal.get_by_test_id("report-status")).to_have_text(said["report_submitted"])

        # --- Staff accept, invoice and record the payment. ----------------------
        page.reload()
        expect(page.get_by_test_id("report-status")).to_have_text(said["report_submitted"])
        expect(page.get_by_test_id("royalty-due")).to_contain_text("50,000.00 CNY")
        royalty_action(page, "accept")
        expect(page.get_by_test_id("report-status")).to_have_text(said["report_accepted"])
        royalty_action(page, "invoice")
        expect(page.get_by_test_id("report-status")).to_have_text(said["report_invoiced"])
        pay = page.get_by_test_id("royalty-action-pay")
        pay.locator("input[name=paid_on]").fill(today)
        pay.locator("input[name=reference]").fill("ICBC-ROY-Q1")
        royalty_action(page, "pay")
        expect(page.get_by_test_id("report-status")).to_have_text(said["report_paid"])
        expect(page.get_by_test_id("report-history")).to_contain_text(
            "Hong Kong sales are missing."
        )

        # --- The year is over: true it up to the minimum and invoice that. ------
        expect(page.get_by_test_id("year-shortfall")).to_contain_text("50,000.00 CNY")
        royalty_action(page, "true_up")
        expect(page.get_by_test_id("royalty-due")).to_contain_text("50,000.00 CNY")
        true_up = RoyaltyReport.objects.get(
            agreement=agreement, kind=RoyaltyReportKind.MINIMUM_TRUE_UP
        )
        expect(page).to_have_url(f"{live_server.url}/royalties/{true_up.pk}/")
        royalty_action(page, "invoice")
        expect(page.get_by_test_id("report-status")).to_have_text(said["report_invoiced"])
        expect(page.get_by_test_id("report-invoice")).to_contain_text("50,000.00 CNY")

        # The partner finds the true-up among its reports, invoiced.
        portal.locator("a[href='/portal/royalty-reports/']").first.click()
        portal.locator(f"a[href='/portal/royalty-reports/{true_up.pk}/']").first.click()
        expect(portal.get_by_test_id("report-status")).to_have_text(said["report_invoiced"])
        expect(portal.locator("main")).to_contain_text(true_up.invoice.number)
        expect(portal.locator("a[href$='/download/']")).to_be_visible()
    finally:
        portal.context.close()

    # --- The agreement's page: what was received, what is still owed. ----------
    page.goto(agreement_url)
    money = page.get_by_test_id("money-position")
    expect(money.locator("tbody")).to_have_count(1)

    def owed_and_received(kind):
        cells = money.locator(f"tr[data-kind={kind}] td")
        return cells.nth(0), cells.nth(2)

    for kind, owed, received in [
        ("milestones", "0.00 CNY", "800,000.00 CNY"),
        ("royalties", "50,000.00 CNY", "50,000.00 CNY"),
        ("fixed", "0.00 CNY", "5,000,000.00 CNY"),
        ("total", "50,000.00 CNY", "5,850,000.00 CNY"),
    ]:
        owed_cell, received_cell = owed_and_received(kind)
        expect(owed_cell).to_contain_text(owed)
        expect(received_cell).to_contain_text(received)
    royalties = page.get_by_test_id("agreement-royalties")
    expect(royalties.locator(".status-paid")).to_have_text(said["report_paid"])
    expect(royalties.locator(".status-invoiced")).to_have_text(said["report_invoiced"])

    assert FixedPayment.objects.get(pk=upfront.pk).status == FixedPaymentStatus.PAID
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.PAID
    report.refresh_from_db()
    true_up.refresh_from_db()
    assert (report.status, report.royalty_due) == (RoyaltyReportStatus.PAID, Decimal("50000.00"))
    assert true_up.status == RoyaltyReportStatus.INVOICED
    assert true_up.invoice.amount == Decimal("50000.00")
