"""Staff import the central parity table in a real browser and read an
agreement's money in yuan, with the rate and its date, in English and in
Chinese; importing the same file again changes nothing."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_staff_pages import sign_in
from tests.factories import (
    InstitutionFactory,
    MilestoneFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "central-parity.csv"


@pytest.fixture
def staff_with_usd_agreement():
    institution = InstitutionFactory(name="East Lake University", name_zh="东湖大学")
    staff = UserFactory(email="finance@example.com", institutions=[institution])
    project = ProjectUnderAgreementFactory(
        agreement__partnership__institution=institution,
        agreement__reference="AGR-USD-7",
        agreement__currency="USD",
    )
    MilestoneFactory(project=project, amount=Decimal("100000"), status="claimed")
    return staff


def test_staff_import_the_rates_and_read_the_total_in_yuan(page, staff_with_usd_agreement):
    sign_in(page, staff_with_usd_agreement.email)
    page.get_by_role("link", name="Exchange rates").click()
    page.get_by_label("Central parity table (CSV)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("16 rates imported: 16 new, 0 updated, 0 unchanged.")).to_be_visible()
    expect(page.get_by_text("AUD/CNY")).to_be_visible()
    expect(page.get_by_role("cell", name="100 JPY = 4.661 CNY")).to_be_visible()

    page.goto("/agreements/AGR-USD-7/")
    converted = page.get_by_test_id("money-converted")
    expect(converted).to_contain_text("≈ 710,200.00 CNY in total")
    expect(converted).to_contain_text("1 USD = 7.102 CNY")
    expect(page.get_by_test_id("money-position")).to_contain_text("100,000.00 USD")

    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_test_id("money-converted")).to_contain_text("合计约 710,200.00 CNY")
    expect(page.get_by_test_id("money-converted")).to_contain_text("汇率：1 USD = 7.102 CNY")

    page.get_by_role("link", name="汇率").click()
    page.get_by_label("中间价表（CSV）").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="导入", exact=True).click()
    again = page.get_by_text("已导入 16 条汇率：新增 0 条，更新 0 条，未变 16 条。")
    expect(again).to_be_visible()
