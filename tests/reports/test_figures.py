"""Every figure of both reports, for the small institution's year of
``tests/reports/year.py``, against numbers derived by hand from its
records."""

from decimal import Decimal

import pytest

from achievements.choices import AchievementKind, FundingSource
from reports.services import autm_report, china_annual_report

from .year import build_year

M = Decimal


@pytest.fixture
def year(db):
    return build_year()


def _values(report) -> dict:
    return {figure.key: figure.value for figure in report.figures}


def test_china_annual_report_every_figure(year):
    """China's report for 2025 counts contracts signed in 2025 and money
    received in 2025, under the institution's agreements only."""
    report = china_annual_report(year.institution, 2025)

    expected = {
        # 2: A1 (invention, government) and A3 (invention, own) disclosed
        # in 2025; the CN patent of F1 (October) and the US one (June).
        "cn.2.achievements": 2,
        **{f"cn.2.kind.{kind}": 0 for kind in AchievementKind.values},
        "cn.2.kind.invention": 2,
        **{f"cn.2.source.{source}": 0 for source in FundingSource.values},
        "cn.2.source.government": 1,
        "cn.2.source.own": 1,
        "cn.2.patents_granted": 2,
        # 3: assignment AS1 (1.2 m, 600,000 received in October).
        "cn.3.assignment.contracts": 1,
        "cn.3.assignment.contract_value": M("1200000.00"),
        "cn.3.assignment.received": M("600000.00"),
        # Licences L1 (2 m) and L2 (0.5 m); received under any licence:
        # L1 1,000,000 + 300,000, L0 royalty 80,000 + patent costs 20,000.
        "cn.3.licence.contracts": 2,
        "cn.3.licence.contract_value": M("2500000.00"),
        "cn.3.licence.received": M("1400000.00"),
        # Contribution for equity EQ1, valued at 3 m, no cash.
        "cn.3.equity.contracts": 1,
        "cn.3.equity.contract_value": M("3000000.00"),
        "cn.3.equity.received": M("0.00"),
        "cn.3.total.contracts": 4,
        "cn.3.total.contract_value": M("6700000.00"),
        "cn.3.total.received": M("2000000.00"),
        # Of it under the contracts of 2025: L1 1,300,000 + AS1 600,000.
        "cn.3.total.received_on_contracts_of_year": M("1900000.00"),
        # 3a: L1 transfers A1 (government-funded).
        "cn.3a.contracts": 1,
        "cn.3a.contract_value": M("2000000.00"),
        "cn.3a.received": M("1300000.00"),
        # 3b: L1, AS1, EQ1 are 1 m and above: 3 of 4 contracts, 6.2 of 6.7 m.
        "cn.3b.contracts_1m_and_above": 3,
        "cn.3b.value_1m_and_above": M("6200000.00"),
        "cn.3b.share_of_count_1m_and_above": M("75.0"),
        "cn.3b.share_of_value_1m_and_above": M("92.5"),
        "cn.3b.contracts_100m_and_above": 0,
        "cn.3b.average_contract_value": M("1675000.00"),
        # 4: D1 (0.8 m) and D2 (0.45 m); 400,000 received in March.
        "cn.4.development.contracts": 2,
        "cn.4.development.contract_value": M("1250000.00"),
        "cn.4.development.received": M("400000.00"),
        "cn.4.consulting.contracts": 0,
        "cn.4.consulting.contract_value": M("0.00"),
        "cn.4.consulting.received": M("0.00"),
        "cn.4.service.contracts": 0,
        "cn.4.service.contract_value": M("0.00"),
        "cn.4.service.received": M("0.00"),
        "cn.4.total.contracts": 2,
        "cn.4.total.contract_value": M("1250000.00"),
        "cn.4.total.received": M("400000.00"),
        # 4a: the transfer office (own) and the joint lab (2025); the
        # platform closed in 2024. 3 + 2 technology managers.
        "cn.4a.rd_institution.own": 0,
        "cn.4a.rd_institution.joint": 1,
        "cn.4a.transfer_office.own": 1,
        "cn.4a.transfer_office.joint": 0,
        "cn.4a.service_platform.own": 0,
        "cn.4a.service_platform.joint": 0,
        "cn.4a.established_in_year": 1,
        "cn.4a.technology_managers": 5,
        # 4b: founded the spin-out, joined NewCo, the old holding sold.
        "cn.4b.companies_founded": 1,
        "cn.4b.companies_joined": 1,
        "cn.4b.companies_held": 2,
        # 4c: X part-time until June 2025, Y on leave from July 2025.
        "cn.4c.part_time": 1,
        "cn.4c.leave": 1,
        # 5: X 400,000 cash + 200,000 equity, Y 100,000 cash.
        "cn.5.rewards": M("700000.00"),
        "cn.5.cash": M("500000.00"),
        "cn.5.equity": M("200000.00"),
        "cn.5.persons": 2,
        "cn.5.person_times": 2,
        "cn.5.average_per_person": M("350000.00"),
        # 5a: X is the main contributor: 600,000 of 700,000.
        "cn.5a.main_contributors": M("600000.00"),
        "cn.5a.main_contributor_persons": 1,
        "cn.5a.share": M("85.7"),
        # 5b: 500,000 in cash of the run's 1,000,000; the run records no
        # shares received, so no equity share.
        "cn.5b.net_income": M("1000000.00"),
        "cn.5b.share": M("50.0"),
        "cn.5b.equity_share": None,
        # 5c.
        "cn.5c.cash_half": M("400000.00"),
        "cn.5c.cash_ordinary": M("100000.00"),
        "cn.5c.equity_deferred": M("200000.00"),
        # 6: the six contracts of 2025 and L0, with receipts in 2025.
        "cn.6.projects": 7,
    }
    assert _values(report) == expected

    rows = {row["reference"]: row for row in report.rows}
    assert list(rows) == ["L0", "D1", "L1", "L2", "EQ1", "AS1", "D2"]
    assert rows["L0"]["received"] == M("100000")
    assert rows["L1"]["received"] == M("1300000")
    assert rows["L1"]["registration_number"] == "2025110000000001"
    assert rows["L1"]["rewards"] == M("500000")
    assert rows["AS1"]["counterparty"] == "Buyer"


def test_china_figures_list_the_records_they_count(year):
    report = china_annual_report(year.institution, 2025)

    assert set(report["cn.3.licence.contracts"].records) == {year.l1, year.l2}
    assert sorted(p.amount for p in report["cn.3.licence.received"].records) == [
        M("20000"),
        M("80000"),
        M("300000"),
        M("1000000"),
    ]
    assert set(report["cn.2.achievements"].records) == {year.a1, year.a3}
    assert {line.amount for line in report["cn.5a.main_contributors"].records} == {
        M("400000"),
        M("200000"),
    }


def test_autm_report_every_figure(year):
    """The AUTM fiscal year 2025 runs from 1 July 2024 to 30 June 2025."""
    report = autm_report(year.institution, 2025)

    expected = {
        # Stated by the office.
        "autm.research_expenditure.total": M("7500000.00"),
        "autm.research_expenditure.federal": M("5000000.00"),
        "autm.research_expenditure.industry": M("2000000.00"),
        "autm.research_expenditure.other": M("500000.00"),
        "autm.staff.licensing_ftes": M("2.50"),
        "autm.staff.other_ftes": M("1.00"),
        # L1 (March 2025), L2 (April 2025); option OP1 (August 2024).
        "autm.licences_executed": 2,
        "autm.options_executed": 1,
        "autm.licences_options_executed": 3,
        "autm.licences.exclusive": 1,
        "autm.licences.non_exclusive": 1,
        # L2 to the spin-out founded in March 2025 for it; OP1 to a
        # company of 120 employees; L1 to a large one.
        "autm.licences_options.startup": 1,
        "autm.licences_options.small": 1,
        "autm.licences_options.large": 1,
        # L2 brought the spin-out's shares.
        "autm.licences_with_equity": 1,
        # L0, L1, L2 on 30 June 2025; OP1 ended in January.
        "autm.licences_active": 3,
        # L0's royalties of November 2024 and May 2025.
        "autm.income.running_royalties": M("200000.00"),
        # The old holding sold in December 2024.
        "autm.income.cashed_in_equity": M("80000.00"),
        # L1's upfront 1,000,000 and OP1's option fee 25,000; the patent
        # costs reimbursed are not licence income.
        "autm.income.other": M("1025000.00"),
        "autm.income.total": M("1305000.00"),
        "autm.income.paid_to_others": M("50000.00"),
        # Counsel 15,000 (January 2025) and official fee 5,000 (October
        # 2024); L0's reimbursement of 20,000.
        "autm.legal_fees.expended": M("20000.00"),
        "autm.legal_fees.reimbursed": M("20000.00"),
        # A1 (February 2025) and A2 (September 2024).
        "autm.disclosures": 2,
        # F1: the CN first filing (August 2024) and the US application.
        "autm.patents.new_applications": 1,
        "autm.patents.applications": 2,
        "autm.patents.us_applications": 1,
        "autm.patents.non_us_applications": 1,
        "autm.patents.us_issued": 1,
        "autm.patents.issued": 1,
        # The spin-out, in Beijing like the institution, still operating.
        "autm.startups.formed": 1,
        "autm.startups.formed_in_home_region": 1,
        "autm.startups.operational": 1,
        # The product under L1 on the market in May 2025.
        "autm.new_products": 1,
    }
    assert _values(report) == expected


def test_autm_question_numbers_come_from_the_survey_years_table(year):
    fy2019 = autm_report(year.institution, 2020)
    fy2023 = autm_report(year.institution, 2025)

    assert fy2019.survey_table == "autm_fy2019.json"
    assert fy2019["autm.licences_executed"].question == "Q4.1"
    assert fy2019["autm.income.total"].question == "Q5.4"
    assert fy2019["autm.startups.formed"].question == "Q8.1"
    assert fy2023.survey_table == "autm_fy2023.json"
    assert fy2023["autm.licences_executed"].question == "Q5"


def test_a_calendar_fiscal_year_is_the_calendar_year(year):
    """With a fiscal year from January, AUTM 2025 counts what China's 2025
    does: the assignment-free licences of 2025, not the option of 2024."""
    year.institution.fiscal_year_start_month = 1
    year.institution.save()

    report = autm_report(year.institution, 2025)

    assert report.period.start.isoformat() == "2025-01-01"
    assert report.value("autm.options_executed") == 0
    assert report.value("autm.licences_executed") == 2
    assert report.value("autm.income.running_royalties") == M("80000.00")
