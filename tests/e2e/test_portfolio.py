"""A research-centre staff member values an institution's portfolio in a
real browser: starts it from the institution's page, watches its progress,
reads the results, in English and in Chinese."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in, sign_in_as
from tests.e2e.test_chinese_pages import english_on, typed_texts
from tests.factories import InstitutionFactory, ResearchProjectFactory, UserFactory
from tests.valuations.test_portfolio_services import valued
from valuations import portfolio_services
from valuations.models import PortfolioRun

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def institution_with_projects():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    staff = UserFactory(email="portfolio@example.com", institutions=[institution])
    for code, title, title_zh, peak in (
        ("ELU-201", "Oral GLP-1 agonist", "口服 GLP-1 激动剂", 1500),
        ("ELU-202", "Bispecific antibody", "双特异性抗体", 900),
    ):
        project = ResearchProjectFactory(
            code=code, title=title, title_zh=title_zh, lead_institution=institution
        )
        valued(project, staff, peak_sales=peak)
    ResearchProjectFactory(
        code="ELU-203", title="Gene therapy", title_zh="基因治疗", lead_institution=institution
    )
    return institution, staff


def test_staff_run_a_portfolio_from_the_institution_page(
    page, screenshot, institution_with_projects
):
    institution, staff = institution_with_projects
    sign_in(page, staff.email)

    page.goto(institution.get_absolute_url())
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.get_by_label("Correlation within a sector").fill("0.3")
    page.get_by_label("Trials").fill("20000")
    page.get_by_role("button", name="Run the portfolio").click()

    figures = page.get_by_test_id("portfolio-figures")
    expect(figures).to_contain_text("Sum of rNPVs")
    expect(page.locator("svg rect")).to_have_count(50)
    expect(page.get_by_test_id("project-table").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("not-valued")).to_contain_text("ELU-203")
    screenshot("valuation-portfolio")


def test_a_queued_portfolio_shows_progress_then_its_results(
    page, institution_with_projects, monkeypatch
):
    """The chunks wait for workers; the page polls and reloads itself with
    the results once the last one is merged."""
    institution, staff = institution_with_projects
    monkeypatch.setattr(portfolio_services, "INLINE_WORK", 0)
    monkeypatch.setattr(portfolio_services, "CHUNK_TRIALS", 2048)
    monkeypatch.setattr(portfolio_services, "group", lambda signatures: _NoBroker())
    run = portfolio_services.portfolio_run_start(
        user=staff, scope="institution", party_id=institution.pk, trials=4096
    )
    sign_in(page, staff.email)

    page.goto(run.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("Queued")
    portfolio_services.portfolio_chunk_execute(run_id=run.pk, index=0)
    expect(page.get_by_role("status")).to_contain_text("1 of 2 chunks done")
    portfolio_services.portfolio_chunk_execute(run_id=run.pk, index=1)

    expect(page.get_by_test_id("portfolio-figures")).to_be_visible(timeout=10_000)


def test_the_portfolio_pages_speak_chinese(page, live_server, institution_with_projects):
    institution, staff = institution_with_projects
    run = portfolio_services.portfolio_run_start(
        user=staff, scope="institution", party_id=institution.pk, trials=5000
    )
    assert PortfolioRun.objects.count() == 1
    sign_in_as(page, live_server, staff.email, "zh-hans")
    typed = typed_texts()

    for url in (
        "/valuations/portfolios/",
        f"/valuations/portfolios/institution/{institution.pk}/new/",
        run.get_absolute_url(),
    ):
        page.goto(url)
        text = page.locator("body").inner_text()
        assert english_on(text, typed) == set(), url


class _NoBroker:
    def apply_async(self):
        return None
