"""A research-centre staff member values a project in a real browser: starts
from the pipeline, edits the forecast, adds a simulation and reads the
chart."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_staff_pages import sign_in
from tests.factories import InstitutionFactory, ResearchProjectFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_with_project():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    staff = UserFactory(email="valuer@example.com", institutions=[institution])
    ResearchProjectFactory(
        code="ELU-101",
        title="Oral GLP-1 agonist",
        title_zh="口服 GLP-1 激动剂",
        lead_institution=institution,
    )
    return staff


def test_staff_run_a_valuation_and_see_its_chart(page, screenshot, staff_with_project):
    sign_in(page, staff_with_project.email)

    page.goto("/valuations/")
    page.get_by_role("link", name="Value ELU-101").click()
    expect(page.get_by_role("group", name="Development phases")).to_be_visible()
    expect(page.locator('input[value="Phase II"]')).to_have_count(1)
    screenshot("valuation-form")

    page.get_by_label("Peak annual sales").fill("1500000000")
    page.get_by_label("Value a deal").check()
    page.get_by_label("Upfront").fill("20000000")
    page.locator('[data-formset-add="milestones"]').click()
    milestone = page.locator("#milestones-table tbody tr").last
    milestone.get_by_label("Milestone").fill("Phase II start")
    milestone.get_by_label("Amount").fill("10000000")
    milestone.get_by_label("Phase").fill("Phase I")
    page.locator('[data-formset-add="tiers"]').click()
    page.locator("#tiers-table tbody tr").last.get_by_label("Rate").fill("0.08")
    page.get_by_label("Run a Monte Carlo simulation").check()
    page.get_by_label("Trials", exact=True).fill("5000")
    page.get_by_label("Seed", exact=True).fill("7")
    page.get_by_label("Peak sales", exact=True).select_option("triangular")
    page.get_by_label("Low", exact=True).fill("750000000")
    page.get_by_label("Mode", exact=True).fill("1500000000")
    page.get_by_label("High", exact=True).fill("2250000000")
    page.get_by_role("button", name="Run the valuation").click()

    expect(page.get_by_text("rNPV (risk-adjusted)")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('cashflow-chart')")
    drawn = page.evaluate(
        """() => {
            const canvas = document.getElementById('cashflow-chart');
            const chart = Chart.getChart(canvas);
            return {width: canvas.width, height: canvas.height,
                    datasets: chart.data.datasets.length, years: chart.data.labels.length};
        }"""
    )
    assert drawn["width"] > 0 and drawn["height"] > 0
    assert drawn["datasets"] == 2 and drawn["years"] > 10
    assert page.evaluate("() => !!Chart.getChart('histogram-chart')")
    assert page.locator("#yearly-table tbody tr").count() == drawn["years"]
    expect(
        page.get_by_role("heading", name="Lump sum or milestones and royalties?")
    ).to_be_visible()
    expect(page.locator("#structures-table tbody tr")).to_have_count(2)
    expect(page.get_by_role("rowheader", name="Phase II start")).to_be_visible()

    page.get_by_role("link", name="Valuations", exact=True).first.click()
    expect(page.get_by_role("heading", name="Recent valuations")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)


def test_a_queued_simulation_shows_progress_then_its_results(page, staff_with_project):
    """The result page of a queued run polls every 2 s and reloads itself
    with the charts once a worker has finished it."""
    from projects.models import ResearchProject
    from tests.valuations.conftest import ISSUE_EXAMPLE
    from valuations.engine import ENGINE_VERSION
    from valuations.models import Valuation
    from valuations.services import inputs_validate, valuation_execute

    inputs = inputs_validate("rnpv", {**ISSUE_EXAMPLE, "deal": None})
    inputs["simulation"]["trials"] = 150_000
    valuation = Valuation.objects.create(
        project=ResearchProject.objects.get(code="ELU-101"),
        method="rnpv",
        currency="USD",
        inputs=inputs,
        engine_version=ENGINE_VERSION,
        created_by=staff_with_project,
    )
    sign_in(page, staff_with_project.email)

    page.goto(f"/valuations/{valuation.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Queued")
    valuation_execute(valuation_id=valuation.pk)

    expect(page.get_by_text("rNPV (risk-adjusted)")).to_be_visible(timeout=10_000)
    page.wait_for_function("() => window.Chart && Chart.getChart('histogram-chart')")


def test_staff_weigh_the_option_to_abandon_build_a_menu_and_solve_a_term(
    page, screenshot, staff_with_project
):
    sign_in(page, staff_with_project.email)
    page.goto("/valuations/")
    page.get_by_role("link", name="Value ELU-101").click()

    page.get_by_label("Peak annual sales").fill("3000000000")
    page.get_by_label("Value a deal").check()
    page.get_by_label("Upfront").fill("20000000")
    page.locator('[data-formset-add="tiers"]').click()
    page.locator("#tiers-table tbody tr").last.get_by_label("Rate").fill("0.08")
    page.get_by_label("Value the option to abandon").check()
    page.get_by_label("Known after the phase").fill("Phase I")
    for probability, peak in (("0.3", "300000000"), ("0.5", "3000000000"), ("0.2", "6000000000")):
        page.locator('[data-formset-add="scenarios"]').click()
        row = page.locator("#scenarios-table tbody tr").last
        row.get_by_label("Probability").fill(probability)
        row.get_by_label("Peak annual sales").fill(peak)
    page.get_by_label("Build a menu of deal structures").check()
    page.get_by_label("Value to the licensor").fill("50000000")
    page.get_by_label("Trials per structure").fill("2000")
    page.get_by_role("button", name="Run the valuation").click()

    expect(page.get_by_role("img", name="Decision tree of the option to abandon")).to_be_visible()
    expect(page.locator("#flexibility-table tbody tr")).to_have_count(3)
    expect(
        page.get_by_role("img", name="Each party's range of outcomes across the menu")
    ).to_be_visible()
    expect(page.locator("#menu-table tbody tr[data-structure]")).to_have_count(6)
    screenshot("valuation-menu")

    page.get_by_label("Solve for").select_option("upfront")
    page.get_by_label("So that").select_option("licensor")
    page.get_by_label("Gets an rNPV of").fill("60000000")
    page.get_by_role("button", name="Solve", exact=True).click()
    answer = page.get_by_test_id("solve-answer")
    expect(answer).to_contain_text("60,000,000")
