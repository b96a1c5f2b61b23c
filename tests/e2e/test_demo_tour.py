"""The demo world in a real browser, as the README shows it: a research-centre
officer walks through the dashboard (in English and Chinese), a licensed
project with its milestones and money, its agreement and enterprise, a
royalty report to review, an invoice and its PDF, and a valuation of the
deal; the enterprise's partner follows the same project from the portal;
the office's achievements and docket, and an inventor's own pages.

Each page must answer, carry the demo's names and figures and show what a
person came for. ``make screenshots`` keeps the pictures (and the invoice
PDFs) the README links to; otherwise they go to the test's temporary folder.
"""

import os

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from achievements.choices import DeadlineState
from achievements.models import Achievement, Deadline
from demo.seeding import seed_demo
from demo.specs import DEMO_PASSWORD, PARTNER_A_EMAIL, RESEARCHER_EMAIL, STAFF_EMAIL
from projects.choices import MilestoneStatus, RoyaltyReportStatus
from projects.models import Invoice, Milestone, RoyaltyReport
from tests.e2e.browsing import sign_in
from tests.e2e.conftest import SCREENSHOTS
from tests.portal.test_milestones import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world():
    """The demo world, and the objects the tour opens: a royalty report
    submitted with sales lines, awaiting review; its licence and
    enterprise; the first project under that licence with invoiced
    milestones, and its latest invoice with the VAT invoice recorded."""
    seed_demo()
    report = (
        RoyaltyReport.objects.filter(
            status=RoyaltyReportStatus.SUBMITTED, lines__isnull=False, project__isnull=False
        )
        .select_related("agreement__partnership__enterprise", "project")
        .distinct()
        .order_by("agreement__reference", "period_start")
        .first()
    )
    agreement = report.agreement
    invoice = (
        Invoice.objects.filter(milestone__project__agreement=agreement, vat_invoice__isnull=False)
        .select_related("milestone__project", "vat_invoice")
        .order_by("milestone__project__code", "-issued_on")
        .first()
    )
    claim = (
        Milestone.objects.filter(
            project__partner_enterprises=agreement.partnership.enterprise,
            status=MilestoneStatus.CLAIMED,
        )
        .order_by("project__code", "pk")
        .first()
    )
    return {
        "claim": claim,
        "report": report,
        "agreement": agreement,
        "enterprise": agreement.partnership.enterprise,
        "project": invoice.milestone.project,
        "invoice": invoice,
    }


def visit(page, address):
    """Open ``address`` and insist that it answered a page, not an error."""
    response = page.goto(address)
    assert response is not None and response.status == 200, (address, response)
    return response


def speak(page, live_server, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def save_pdf(name, data, tmp_path):
    folder = SCREENSHOTS if os.environ.get("BIOBRIDGE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def test_staff_tour_the_demo_from_the_dashboard_to_an_invoice_pdf_and_a_valuation(
    page, live_server, screenshot, demo_world, tmp_path
):
    world = demo_world
    project, agreement, enterprise = world["project"], world["agreement"], world["enterprise"]
    report, invoice = world["report"], world["invoice"]
    sign_in(page, STAFF_EMAIL, password=DEMO_PASSWORD)
    speak(page, live_server, "en")

    # The dashboard: the funnel is drawn and the demo's claims await.
    visit(page, "/")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    page.wait_for_function("document.querySelector('canvas[data-kind=funnel]').width > 0")
    expect(page.get_by_test_id("claims-count")).to_be_visible()
    screenshot("dashboard")

    # The same dashboard in Chinese, through the language switch.
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.wait_for_function("document.querySelector('canvas[data-kind=funnel]').width > 0")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_have_count(0)
    screenshot("dashboard-zh")
    with page.expect_navigation():
        page.locator("select[name=language]").first.select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The projects: the demo's portfolio, not a handful of rows.
    visit(page, reverse("projects:list"))
    expect(page.get_by_role("link", name=project.code, exact=True)).to_be_visible()
    assert page.locator("tbody tr").count() >= 20
    screenshot("projects")

    # A licensed project: its milestones from plan to payment, its invoice.
    visit(page, project.get_absolute_url())
    expect(page.get_by_role("heading", name=project.title)).to_be_visible()
    expect(page.get_by_test_id("milestone-status")).to_have_count(project.milestones.count())
    expect(page.get_by_role("link", name=invoice.number, exact=True)).to_be_visible()
    screenshot("project")

    # Its licence: terms, milestones and the money owed and received.
    visit(page, agreement.get_absolute_url())
    expect(page.get_by_role("heading", name=agreement.title)).to_be_visible()
    expect(page.get_by_test_id("money-position")).to_contain_text(agreement.currency)
    expect(page.get_by_test_id("agreement-milestones")).to_contain_text(invoice.milestone.name)
    expect(page.get_by_test_id("agreement-royalties")).to_be_visible()
    screenshot("agreement")

    # The enterprise: its partnerships, money and portal accounts.
    visit(page, enterprise.get_absolute_url())
    expect(page.get_by_role("heading", name=enterprise.name)).to_be_visible()
    expect(page.get_by_test_id("money-position")).to_contain_text(agreement.currency)
    expect(page.get_by_test_id("portal-accounts")).to_contain_text(PARTNER_A_EMAIL)
    screenshot("enterprise")

    # A royalty report to review, found on the list: its lines by product
    # and territory, the tiers, the year, and the decisions open to staff.
    visit(page, reverse("royalties:list"))
    assert page.locator("tbody tr").count() >= 10
    with page.expect_navigation():
        page.locator(f'a[href="{reverse("royalties:detail", args=[report.pk])}"]').first.click()
    with translation.override("en"):
        submitted = str(RoyaltyReportStatus.SUBMITTED.label)
    expect(page.get_by_test_id("report-status")).to_have_text(submitted)
    lines = page.get_by_test_id("report-lines")
    for line in report.lines.all():
        expect(lines).to_contain_text(line.territory)
    expect(page.get_by_test_id("royalty-tiers")).to_be_visible()
    expect(page.get_by_test_id("royalty-due")).to_contain_text(agreement.currency)
    expect(page.get_by_test_id("royalty-year")).to_be_visible()
    expect(page.get_by_test_id("royalty-action-accept")).to_be_visible()
    expect(page.get_by_test_id("royalty-action-query")).to_be_visible()
    screenshot("royalty-review")

    # The invoices, then one with its parties, payments and VAT invoice.
    visit(page, reverse("milestones:invoices"))
    assert page.locator("tbody tr").count() >= 20
    page.get_by_role("link", name=invoice.number, exact=True).click()
    expect(page.get_by_role("heading", name=invoice.number)).to_be_visible()
    expect(page.get_by_test_id("invoice-payee")).to_contain_text(invoice.payee_legal_name)
    expect(page.get_by_test_id("invoice-payer")).to_contain_text(invoice.payer_legal_name)
    expect(page.get_by_test_id("vat-invoice-number")).to_have_text(invoice.vat_invoice.number)
    screenshot("invoice")

    # Its PDF, in English and in Chinese, as the signed-in officer gets it.
    address = page.get_by_test_id("invoice-pdf").get_attribute("href")
    pdfs = {}
    for language, name in (("en", "invoice.pdf"), ("zh-hans", "invoice-zh.pdf")):
        speak(page, live_server, language)
        response = page.request.get(address)
        assert response.ok and response.headers["content-type"] == "application/pdf"
        pdfs[language] = response.body()
        assert pdfs[language].startswith(b"%PDF")
        assert invoice.number in pdf_text(pdfs[language])
        save_pdf(name, pdfs[language], tmp_path)
    assert pdfs["en"] != pdfs["zh-hans"]
    speak(page, live_server, "en")

    # A valuation that starts from the licence's terms, with a simulation.
    visit(page, f"{reverse('valuations:workspace')}?q={project.code}")
    page.get_by_role("link", name=f"Value {project.code}", exact=True).click()
    expect(page.get_by_label("Value a deal")).to_be_checked()
    # The officer's forecast of the product's peak sales, in the licence's currency.
    page.get_by_label("Peak annual sales").fill("3000000000")
    page.get_by_label("Run a Monte Carlo simulation").check()
    page.get_by_label("Trials", exact=True).fill("2000")
    page.get_by_label("Seed", exact=True).fill("7")
    page.get_by_role("button", name="Run the valuation").click()
    expect(page.get_by_test_id("rnpv")).to_contain_text(agreement.currency)
    page.wait_for_function("() => window.Chart && Chart.getChart('cashflow-chart')")
    page.wait_for_function("() => window.Chart && Chart.getChart('histogram-chart')")
    screenshot("valuation")

    visit(page, reverse("valuations:workspace"))
    expect(page.get_by_role("heading", name="Recent valuations")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text=project.code).first).to_be_visible()
    screenshot("valuations")


def test_the_partner_tours_its_demo_project_agreement_and_a_claim_to_verify(
    page, screenshot, demo_world
):
    world = demo_world
    project, agreement = world["project"], world["agreement"]
    sign_in(page, PARTNER_A_EMAIL, password=DEMO_PASSWORD)

    # The overview: projects by stage, money due, claims, royalties.
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    for part in ("overview-stages", "overview-money", "overview-claims", "overview-royalties"):
        expect(page.get_by_test_id(part)).to_be_visible()
    screenshot("portal-overview")

    visit(page, reverse("portal:project_detail", args=[project.code]))
    expect(page.get_by_role("heading", name=project.title)).to_be_visible()
    expect(page.get_by_test_id("stage-timeline").locator("[aria-current=step]")).to_contain_text(
        project.current_stage.name
    )
    expect(page.get_by_test_id("project-milestones")).to_contain_text(
        world["invoice"].milestone.name
    )
    screenshot("portal-project")

    visit(page, reverse("portal:agreement_detail", args=[agreement.reference]))
    expect(page.get_by_role("heading", name="Agreement terms")).to_be_visible()
    expect(page.get_by_test_id("agreement-ledger")).to_be_visible()
    screenshot("portal-agreement")

    # The milestones open on the claims the enterprise has to verify.
    visit(page, reverse("portal:milestones"))
    expect(page.get_by_text(world["claim"].name).first).to_be_visible()
    screenshot("portal-milestones")

    # A claim, with the research team's evidence, to verify or dispute.
    page.get_by_role("link", name=world["claim"].name).first.click()
    with translation.override("en"):
        claimed = str(MilestoneStatus.CLAIMED.label)
    expect(page.get_by_test_id("milestone-status")).to_have_text(claimed)
    expect(page.get_by_role("button", name="Verify")).to_be_enabled()
    screenshot("portal-milestone")


def test_the_ip_office_and_an_inventor_tour_the_demo_portfolio(page, screenshot, demo_world):
    """The office keeps its achievements and their docket; an inventor
    follows the achievements they are on from the researcher's pages."""
    achievement = (
        Achievement.objects.annotate(applications=Count("patent_families__applications"))
        .order_by("-applications", "reference")
        .first()
    )
    family = achievement.patent_families.order_by("priority_date", "pk").first()
    overdue = Deadline.objects.filter(
        state=DeadlineState.OPEN, due_on__lt=timezone.localdate()
    ).count()
    sign_in(page, STAFF_EMAIL, password=DEMO_PASSWORD)

    visit(page, reverse("achievements:list"))
    expect(page.get_by_test_id("achievement-list")).to_contain_text(achievement.reference)

    visit(page, achievement.get_absolute_url())
    expect(page.get_by_role("heading", name=achievement.title)).to_be_visible()
    expect(page.get_by_test_id("achievement-inventors").locator("li")).to_have_count(
        achievement.inventors.count()
    )
    screenshot("achievement")

    visit(page, family.get_absolute_url())
    expect(page.get_by_test_id("family-expiry")).to_be_visible()

    # The docket opens on what is still to do, the overdue first.
    visit(page, reverse("achievements:docket"))
    docket = page.get_by_test_id("docket")
    assert overdue, "the demo docket has an overdue deadline to show"
    first_due = Deadline.objects.filter(state=DeadlineState.OPEN).order_by("due_on", "pk").first()
    expect(docket.locator("tbody tr").first).to_contain_text(first_due.achievement.reference)
    screenshot("docket")

    page.context.clear_cookies()
    sign_in(page, RESEARCHER_EMAIL, password=DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="My achievements")).to_be_visible()
    mine = Achievement.objects.filter(inventors__person__user__email=RESEARCHER_EMAIL)
    expect(page.get_by_test_id("achievement-list").locator("tbody tr")).to_have_count(mine.count())
    expect(page.get_by_test_id("disclosure-list")).to_be_visible()
    screenshot("research")
