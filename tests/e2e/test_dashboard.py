"""The dashboard in a real browser: charts drawn from the page's data, the
funnel filtered in place, the median years in stage loaded on demand."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pipelines.models import StageDefinition
from tests.factories import (
    DEMO_PASSWORD,
    AgreementFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    StageTransitionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_with_portfolio():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    staff = UserFactory(email="director@example.com", institutions=[institution])
    agreement = AgreementFactory(partnership=PartnershipFactory(institution=institution))
    stages = list(StageDefinition.objects.filter(pipeline__code="ENV").order_by("position"))
    for index, stage in enumerate(stages[:3]):
        for _ in range(3 - index):
            project = ProjectUnderAgreementFactory(agreement=agreement, current_stage=stage)
            StageTransitionFactory(project=project, to_stage=stages[0])
    MilestoneFactory(
        project=project,
        name="Pilot plant report",
        due_date=timezone.localdate() - datetime.timedelta(days=40),
    )
    return staff


def test_staff_read_the_dashboard_and_filter_the_funnel(page, staff_with_portfolio):
    page.goto("/")
    page.get_by_label("Email address").fill(staff_with_portfolio.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Pilot plant report")).to_be_visible()
    # Chart.js drew the funnel: its canvas has been sized.
    page.wait_for_function("document.querySelector('canvas[data-kind=funnel]').width > 0")

    page.get_by_label("Sector").select_option("agriculture")
    # The funnel alone is swapped, with the sector's stages.
    page.locator("#funnel-card").get_by_text("Laboratory research").wait_for(state="attached")
    assert "sector=agriculture" in page.url

    page.get_by_text("Median years in stage", exact=True).click()
    page.locator("#time-in-stage").wait_for()
    expect(page.locator("#time-in-stage").get_by_text("Technology transfer")).to_be_visible()

    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    page.locator("canvas[data-kind=funnel]").wait_for()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_role("heading", name="管线漏斗")).to_be_visible()
    expect(page.get_by_text("Pilot plant report")).to_be_visible()
