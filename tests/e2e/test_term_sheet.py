"""Staff turn a valuation's deal into a term sheet and a draft agreement
in a real browser, in English and in Chinese."""

import pytest
from playwright.sync_api import expect

from partnerships.models import Agreement
from pipelines.models import StageDefinition
from tests.e2e.browsing import sign_in, sign_in_as
from tests.factories import ProjectUnderAgreementFactory, UserFactory
from tests.valuations.termsheet_factory import valuation_with_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def valuation():
    project = ProjectUnderAgreementFactory(
        code="ELU-201",
        current_stage=StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code="phase_1"),
        agreement__currency="USD",
        agreement__partnership__institution__name="East Lake University",
        agreement__partnership__institution__name_zh="东湖大学",
    )
    staff = UserFactory(email="bd@example.com", institutions=[project.lead_institution])
    return valuation_with_menu(project, by=staff)


def test_staff_make_a_term_sheet_and_turn_it_into_a_draft_agreement(
    page, screenshot, live_server, valuation
):
    sign_in(page, "bd@example.com")

    page.goto(f"/valuations/{valuation.pk}/")
    page.get_by_role("link", name="Term sheet: Balanced").click()
    expect(page.get_by_role("heading", name="Term sheet: Balanced")).to_be_visible()
    page.get_by_label("Territory").fill("Greater China")
    page.locator("#stage-terms tbody tr").first.get_by_label("Licensee's cost share (%)").fill(
        "55"
    )
    screenshot("valuation-term-sheet")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download term sheet (PDF)").click()
    assert download.value.suggested_filename.endswith("-structure-1-en.pdf")

    page.get_by_role("button", name="Turn into an agreement").click()

    expect(page.get_by_text("made from the term sheet")).to_be_visible()
    agreement = Agreement.objects.get(term_sheet_source__valuation=valuation)
    assert agreement.status == "draft" and agreement.territory == "Greater China"
    assert agreement.cost_shares.get(first_stage__code="phase_1", party="enterprise").percent == 55

    sign_in_as(page, live_server, "bd@example.com", "zh-hans")
    page.goto(f"/valuations/{valuation.pk}/term-sheet/?structure=deal")
    expect(page.get_by_role("heading", name="条款清单：估值中的交易")).to_be_visible()
