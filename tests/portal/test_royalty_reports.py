"""Royalty reports in the partner portal: the enterprise's reports and where
its year stands, reporting a period's net sales with a preview of the
royalty before it is submitted, and correcting a queried report."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.computations.reporting import last_ended_period
from projects.models import RoyaltyReport
from tests.factories import RoyaltyReportFactory, RoyaltyTierFactory

pytestmark = pytest.mark.django_db

NEW = reverse("portal:royalty_report_new")


@pytest.fixture
def partner(client, partner_user):
    client.force_login(partner_user)
    return partner_user


@pytest.fixture
def terms(own):
    """5% up to 1,000,000 of annual sales, 8% above; a minimum annual royalty
    of 100,000 and 20% of sublicense income."""
    agreement = own.agreement
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=agreement, lower_bound=1_000_000, rate_percent=8)
    agreement.minimum_annual_royalty = Decimal("100000")
    agreement.sublicense_income_share = Decimal("20")
    agreement.save()
    return agreement


def new_url(agreement):
    return f"{NEW}?agreement={agreement.reference}"


def detail_url(report):
    return reverse("portal:royalty_report_detail", kwargs={"report_pk": report.pk})


def resubmit_url(report):
    return reverse("portal:royalty_report_resubmit", kwargs={"report_pk": report.pk})


Q2_2025 = {
    "period_start": "2025-04-01",
    "period_end": "2025-06-30",
    "net_sales": "1100000",
    "sublicense_income": "50000",
    "project": "",
    "note": "",
}


def lines_data(*lines):
    data = {
        "lines-TOTAL_FORMS": str(max(len(lines), 1)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, (product, territory, sales) in enumerate(lines):
        data[f"lines-{index}-product"] = product
        data[f"lines-{index}-territory"] = territory
        data[f"lines-{index}-net_sales"] = sales
    return data


# --- The list ------------------------------------------------------------------------


def test_the_list_shows_the_enterprises_reports_and_the_minimum_royalty(
    client, partner, own, foreign, terms
):
    own.royalty_report.status = "queried"
    own.royalty_report.query_reason = "Please add the Hong Kong sales."
    own.royalty_report.save()

    response = client.get(reverse("portal:royalty_reports"))

    assert response.status_code == 200
    page = response.content.decode()
    assert own.agreement.reference in page
    assert "100,000.00 CNY" in page
    assert "Please add the Hong Kong sales." in page
    assert resubmit_url(own.royalty_report) in page
    assert foreign.agreement.reference not in page
    assert [r.pk for r in response.context["reports"]] == [own.royalty_report.pk]


def test_the_list_shows_where_the_year_stands_against_the_minimum(client, partner, own, terms):
    this_year = datetime.date.today().year
    RoyaltyReportFactory(
        agreement=own.agreement,
        period_start=datetime.date(this_year, 1, 1),
        period_end=datetime.date(this_year, 1, 31),
        royalty_due=30_000,
    )

    response = client.get(reverse("portal:royalty_reports"))

    (summary,) = response.context["summaries"]
    current = summary["years"][-1]
    assert current["year"] == this_year
    assert (current["royalties"], current["shortfall"]) == (Decimal(30_000), Decimal(70_000))
    assert "70,000.00 CNY to go to the minimum" in response.content.decode()


def test_the_list_takes_as_many_queries_for_many_reports_as_for_one(
    client, partner, own, terms, django_assert_num_queries
):
    address = reverse("portal:royalty_reports")
    with CaptureQueriesContext(connection) as one:
        assert client.get(address).status_code == 200
    for month in range(4, 13):
        RoyaltyReportFactory(
            agreement=own.agreement,
            period_start=datetime.date(2025, month, 1),
            period_end=datetime.date(2025, month, 28),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(address).status_code == 200


def test_another_enterprises_report_answers_404(client, partner, own, foreign):
    assert client.get(detail_url(own.royalty_report)).status_code == 200
    assert client.get(detail_url(foreign.royalty_report)).status_code == 404
    assert client.get(resubmit_url(foreign.royalty_report)).status_code == 404


# --- Reporting sales -----------------------------------------------------------------


def test_with_one_royalty_agreement_the_form_opens_on_it(client, partner, own, foreign, terms):
    response = client.get(NEW)

    assert response.status_code == 302
    assert response["Location"] == new_url(own.agreement)


def test_the_form_offers_the_last_period_that_ended_when_none_is_reported(
    client, partner, own, terms
):
    own.royalty_report.delete()

    form = client.get(new_url(own.agreement)).context["form"]

    start, end = last_ended_period("quarterly", timezone.localdate())
    assert (form.initial["period_start"], form.initial["period_end"]) == (start, end)


def test_the_form_offers_the_next_period_not_yet_reported(client, partner, own, terms):
    """Q1 2025 is reported (the fixture's report); the form offers Q2 2025,
    which the submission then accepts, rather than a period it refuses."""
    form = client.get(new_url(own.agreement)).context["form"]

    offered = (form.initial["period_start"], form.initial["period_end"])
    assert offered == (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    response = client.post(
        new_url(own.agreement),
        {
            **Q2_2025,
            "period_start": offered[0].isoformat(),
            "period_end": offered[1].isoformat(),
            "step": "confirm",
        },
    )
    assert response.status_code == 302


def test_when_every_ended_period_is_reported_the_form_says_when_the_next_opens(
    client, partner, own, terms
):
    today = timezone.localdate()
    own.royalty_report.delete()
    start, end = last_ended_period("quarterly", today)
    RoyaltyReportFactory(agreement=own.agreement, period_start=start, period_end=end)

    response = client.get(new_url(own.agreement))

    assert response.context["form"].initial["period_start"] == end + datetime.timedelta(days=1)
    assert "Every period that has ended is reported." in response.text


def test_another_enterprises_agreement_is_not_offered(client, partner, own, foreign, terms):
    RoyaltyTierFactory(agreement=foreign.agreement)

    assert client.get(new_url(foreign.agreement)).status_code == 404
    assert (
        client.post(new_url(foreign.agreement), {**Q2_2025, "step": "confirm"}).status_code == 404
    )
    assert not RoyaltyReport.objects.filter(agreement=foreign.agreement, period_start__month=4)


def test_the_preview_shows_the_royalty_tier_by_tier_before_anything_is_saved(
    client, partner, own, terms
):
    """Q1 reported 100,000 of sales: Q2's 1,100,000 fills the 5% band up to
    1,000,000 (900,000 → 45,000) and puts 200,000 in the 8% band (16,000);
    20% of 50,000 sublicense income adds 10,000."""
    response = client.post(new_url(own.agreement), {**Q2_2025, "step": "preview"})

    assert response.status_code == 200
    context = response.context
    assert context["royalty_due"] == Decimal("71000.00")
    assert [(s.sales, s.royalty) for s in context["slices"]] == [
        (Decimal("900000"), Decimal("45000")),
        (Decimal("200000"), Decimal("16000")),
    ]
    assert context["sales_before"] == Decimal("100000")
    assert context["sublicense_royalty"] == Decimal("10000.00")
    assert context["royalties_after"] == Decimal("76000.00")
    assert context["minimum_shortfall"] == Decimal("24000.00")
    page = response.content.decode()
    assert "71,000.00 CNY" in page
    assert "Confirm and submit" in page and "Change" in page
    assert not RoyaltyReport.objects.filter(period_start=datetime.date(2025, 4, 1)).exists()


def test_confirming_submits_the_report_and_shows_it_submitted(client, partner, own, terms):
    response = client.post(new_url(own.agreement), {**Q2_2025, "step": "confirm"})

    report = RoyaltyReport.objects.get(period_start=datetime.date(2025, 4, 1))
    assert response.status_code == 302
    assert response["Location"] == detail_url(report)
    assert report.status == "submitted"
    assert report.royalty_due == Decimal("71000.00")
    assert report.submitted_by == partner
    listed = client.get(reverse("portal:royalty_reports")).content.decode()
    assert detail_url(report) in listed and "Submitted" in listed


def test_change_returns_to_the_figures_as_typed(client, partner, own, terms):
    response = client.post(new_url(own.agreement), {**Q2_2025, "step": "change"})

    assert response.status_code == 200
    assert response.context["form"]["net_sales"].value() == "1100000"
    assert not RoyaltyReport.objects.filter(period_start=datetime.date(2025, 4, 1)).exists()


def test_a_refused_report_comes_back_with_the_reason_and_the_figures(client, partner, own, terms):
    """Q1 2025 is already reported: the period overlaps."""
    data = {**Q2_2025, "period_start": "2025-01-01", "period_end": "2025-03-31", "step": "preview"}

    response = client.post(new_url(own.agreement), data)

    assert response.status_code == 400
    assert "A report for an overlapping period exists." in response.content.decode()
    assert response.context["form"]["net_sales"].value() == "1100000"


def test_a_period_in_the_future_is_refused_not_a_server_error(client, partner, own, terms):
    next_year = datetime.date.today().year + 1
    data = {
        **Q2_2025,
        "period_start": f"{next_year}-01-01",
        "period_end": f"{next_year}-03-31",
        "step": "confirm",
    }

    response = client.post(new_url(own.agreement), data)

    assert response.status_code == 400
    assert "A period that has not ended cannot be reported." in response.content.decode()


def test_sales_by_product_and_territory_when_the_agreement_asks_for_them(
    client, partner, own, terms
):
    terms.sales_breakdown_required = True
    terms.save()
    data = {
        **{k: v for k, v in Q2_2025.items() if k != "net_sales"},
        **lines_data(("Antibody 10 mg", "CN", "600000"), ("Antibody 10 mg", "HK", "500000")),
    }

    form = client.get(new_url(own.agreement))
    preview = client.post(new_url(own.agreement), {**data, "step": "preview"})
    client.post(new_url(own.agreement), {**data, "step": "confirm"})

    assert "lines-0-product" in form.content.decode()
    assert preview.context["net_sales"] == Decimal("1100000")
    report = RoyaltyReport.objects.get(period_start=datetime.date(2025, 4, 1))
    assert report.net_sales == Decimal("1100000.00")
    assert sorted(report.lines.values_list("territory", flat=True)) == ["CN", "HK"]


def test_a_breakdown_needs_at_least_one_line(client, partner, own, terms):
    terms.sales_breakdown_required = True
    terms.save()
    data = {**{k: v for k, v in Q2_2025.items() if k != "net_sales"}, **lines_data()}

    response = client.post(new_url(own.agreement), {**data, "step": "preview"})

    assert response.status_code == 400
    assert not RoyaltyReport.objects.filter(period_start=datetime.date(2025, 4, 1)).exists()


# --- Correcting a queried report -----------------------------------------------------


@pytest.fixture
def queried(own, terms, staff_user):
    report = own.royalty_report
    report.status = "queried"
    report.query_reason = "Hong Kong sales are missing."
    report.save()
    return report


def test_a_queried_report_is_corrected_previewed_and_resubmitted(client, partner, queried):
    form = client.get(resubmit_url(queried))
    preview = client.post(
        resubmit_url(queried), {"net_sales": "150000", "note": "With HK.", "step": "preview"}
    )
    done = client.post(
        resubmit_url(queried), {"net_sales": "150000", "note": "With HK.", "step": "confirm"}
    )

    assert form.status_code == 200
    assert "Hong Kong sales are missing." in form.content.decode()
    assert preview.context["royalty_due"] == Decimal("7500.00")
    assert done.status_code == 302
    queried.refresh_from_db()
    assert queried.status == "submitted"
    assert queried.net_sales == Decimal("150000.00")
    assert queried.royalty_due == Decimal("7500.00")


def test_only_a_queried_report_is_resubmitted(client, partner, own, terms):
    response = client.post(resubmit_url(own.royalty_report), {"net_sales": "1", "step": "confirm"})

    assert response.status_code == 302
    assert response["Location"] == detail_url(own.royalty_report)
    own.royalty_report.refresh_from_db()
    assert own.royalty_report.net_sales == Decimal("100000.00")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_period_of_a_report_reaches_the_date_pickers_in_iso(
    client, partner, own, terms, language
):
    """In Chinese the pickers used to get "2025/04/01", which a browser
    shows as blank and refuses to send."""
    data = {**Q2_2025, "step": "preview"}
    with_errors = {**data, "net_sales": "-1"}

    form = client.get(new_url(own.agreement), HTTP_ACCEPT_LANGUAGE=language)
    refused = client.post(new_url(own.agreement), with_errors, HTTP_ACCEPT_LANGUAGE=language)
    preview = client.post(new_url(own.agreement), data, HTTP_ACCEPT_LANGUAGE=language)

    suggested = re.search(r'<input[^>]*name="period_start"[^>]*>', form.text).group(0)
    assert re.search(r'value="\d{4}-\d{2}-\d{2}"', suggested), suggested
    assert 'value="2025-04-01"' in refused.text
    assert preview.status_code == 200
    assert preview.context["period"] is not None
