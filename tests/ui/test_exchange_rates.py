"""Exchange rates in the staff UI: the rates page (list, add, edit, import
the central parity CSV) for research-centre staff only, money forms that
start in the agreement's currency, and totals across currencies shown in
the reporting currency with the rate and its date beside them."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.formats import date_format

from core.models import ExchangeRate
from projects import services
from tests.factories import (
    AgreementFactory,
    CostEntryFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    ProjectUnderAgreementFactory,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "central-parity.csv"
DEC_1 = datetime.date(2026, 12, 1)
RATES = reverse("rates:list")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return staff_user


def short(day):
    return date_format(day, "SHORT_DATE_FORMAT")


# --- The rates page -----------------------------------------------------------------


def test_staff_list_the_rates_newest_first(client, staff):
    ExchangeRateFactory(valid_on=datetime.date(2026, 11, 30), rate=Decimal("7.0"))
    ExchangeRateFactory(currency="JPY", unit=100, rate=Decimal("4.6523"))

    page = client.get(RATES)

    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("100 JPY = 4.6523 CNY") < text.index("1 USD = 7 CNY")
    assert reverse("rates:list") in client.get(reverse("dashboard")).content.decode()


def test_partners_are_refused_the_rates_pages(client, partner_user):
    rate = ExchangeRateFactory()
    client.force_login(partner_user)

    assert client.get(RATES).status_code == 403
    assert client.get(reverse("rates:create")).status_code == 403
    assert client.get(reverse("rates:edit", args=[rate.pk])).status_code == 403
    upload = SimpleUploadedFile("rates.csv", SAMPLE.read_bytes())
    assert client.post(RATES, {"file": upload}).status_code == 403
    assert ExchangeRate.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(RATES).status_code == 302


def test_staff_add_a_rate_quoted_per_100_units(client, staff):
    response = client.post(
        reverse("rates:create"),
        {
            "valid_on": "2026-12-01",
            "currency": "JPY",
            "quote_currency": "CNY",
            "unit": "100",
            "rate": "4.6523",
            "source": "PBoC announcement",
        },
    )

    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.unit, rate.rate, rate.recorded_by) == (100, Decimal("4.6523"), staff)


def test_a_second_rate_for_the_same_pair_and_day_is_refused_at_the_date(client, staff):
    ExchangeRateFactory()

    response = client.post(
        reverse("rates:create"),
        {
            "valid_on": "2026-12-01",
            "currency": "USD",
            "quote_currency": "CNY",
            "unit": "1",
            "rate": "7.3",
        },
    )

    assert response.status_code == 200
    assert "There is a rate for this pair on this day already." in response.content.decode()
    assert ExchangeRate.objects.get().rate == Decimal("7.1")


def test_staff_correct_a_rate(client, staff):
    rate = ExchangeRateFactory()

    response = client.post(
        reverse("rates:edit", args=[rate.pk]),
        {
            "valid_on": "2026-12-01",
            "currency": "USD",
            "quote_currency": "CNY",
            "unit": "1",
            "rate": "7.105",
            "source": "Corrected",
        },
    )

    assert response.status_code == 302
    rate.refresh_from_db()
    assert (rate.rate, rate.source) == (Decimal("7.105"), "Corrected")


def test_staff_import_the_central_parity_table_and_see_what_was_skipped(client, staff):
    upload = SimpleUploadedFile("central-parity.csv", SAMPLE.read_bytes(), "text/csv")

    response = client.post(RATES, {"file": upload}, follow=True)

    text = response.content.decode()
    assert ExchangeRate.objects.count() == 16
    assert "16 rates imported: 16 new, 0 updated, 0 unchanged." in text
    assert "AUD/CNY" in text  # the ignored column is named


def test_a_bad_file_shows_every_bad_row_and_imports_nothing(client, staff):
    upload = SimpleUploadedFile("rates.csv", b"Date,USD/CNY\n2026-12-01,seven\n", "text/csv")

    response = client.post(RATES, {"file": upload})

    assert response.status_code == 400
    assert "line 2, USD/CNY: “seven” is not a number." in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_the_django_admin_lists_the_rates(client, superuser):
    ExchangeRateFactory()
    client.force_login(superuser)

    page = client.get(reverse("admin:core_exchangerate_changelist"))

    assert page.status_code == 200 and "7.1" in page.text


# --- Money forms start in the agreement's currency ------------------------------------


def test_the_cost_form_of_a_project_starts_in_its_agreements_currency(client, staff_user):
    project = ProjectUnderAgreementFactory(currency="USD", agreement__currency="CNY")
    staff_user.institutions.add(project.lead_institution)
    client.force_login(staff_user)

    page = client.get(project.get_absolute_url())

    form = page.context["cost_form"]
    assert form.initial["currency"] == "CNY"


# --- Totals in the reporting currency, with the rate beside them ------------------------


@pytest.fixture
def usd_agreement(staff_user):
    """A USD agreement of the staff user's institution with 100,000 USD owed
    and a cost ledger in USD and CNY."""
    project = ProjectUnderAgreementFactory(
        agreement__currency="USD", agreement__reference="AGR-USD"
    )
    staff_user.institutions.add(project.lead_institution)
    MilestoneFactory(project=project, amount=Decimal("100000"), status="claimed")
    CostEntryFactory(project=project, paid_by="research", amount=1000, currency="USD")
    CostEntryFactory(project=project, paid_by="research", amount=2900, currency="CNY")
    return project.agreement


def test_the_agreement_page_shows_the_money_in_cny_with_the_rate_and_its_date(
    client, staff, usd_agreement
):
    ExchangeRateFactory(rate=Decimal("7.1"))

    page = client.get(usd_agreement.get_absolute_url())

    text = page.content.decode()
    converted = text[text.index('data-testid="money-converted"') :]
    assert "≈ 710,000.00 CNY in total" in converted
    assert f"rates of {short(DEC_1)}: 1 USD = 7.1 CNY" in converted
    # The per-currency figures stay.
    assert "100,000.00 USD" in text
    ledger = text[text.index('data-testid="ledger-converted"') :]
    assert "≈ 10,000.00 CNY in total" in ledger  # 1,000 USD + 2,900 CNY


def test_without_a_rate_the_page_says_which_is_missing_and_converts_nothing(
    client, staff, usd_agreement
):
    page = client.get(usd_agreement.get_absolute_url())

    text = page.content.decode()
    assert "No total in CNY: no exchange rate for USD on or before" in text
    assert "≈" not in text


def test_the_institution_page_adds_up_its_agreements_currencies(
    client, staff, staff_user, usd_agreement
):
    ExchangeRateFactory(rate=Decimal("7"))
    cny_project = ProjectUnderAgreementFactory(
        agreement__currency="CNY",
        agreement__partnership__institution=usd_agreement.partnership.institution,
    )
    MilestoneFactory(project=cny_project, amount=Decimal("5000"), status="claimed")

    page = client.get(usd_agreement.partnership.institution.get_absolute_url())

    assert "≈ 705,000.00 CNY in total" in page.content.decode()


def test_the_dashboard_and_reports_show_totals_in_cny_with_their_rates(client, staff, staff_user):
    ExchangeRateFactory(rate=Decimal("7"), valid_on=datetime.date(2020, 1, 1))
    project = ProjectUnderAgreementFactory(agreement__currency="USD")
    staff_user.institutions.add(project.lead_institution)
    milestone = MilestoneFactory(
        project=project, amount=Decimal("1000"), status="verified", due_date=DEC_1
    )
    invoice = services.milestone_invoice(milestone=milestone, by=staff_user)
    services.payment_record(
        invoice=invoice,
        amount=Decimal("400"),
        currency="USD",
        paid_on=datetime.date.today(),
        by=staff_user,
    )

    dashboard = client.get(reverse("dashboard")).content.decode()
    reports = client.get(reverse("reports:index")).content.decode()

    aging = dashboard[dashboard.index('data-testid="aging-converted"') :]
    assert "≈ 4,200.00 CNY in total" in aging
    assert "1 USD = 7 CNY" in aging
    assert "≈ 2,800.00 CNY in total" in reports


def test_the_converted_total_reads_in_chinese(client, staff, usd_agreement):
    ExchangeRateFactory(rate=Decimal("7.1"))

    page = client.get(usd_agreement.get_absolute_url(), headers={"accept-language": "zh-hans"})

    text = page.content.decode()
    assert "合计约 710,000.00 CNY" in text
    assert "1 USD = 7.1 CNY" in text


def test_a_foreign_agreement_shows_no_money_at_all(client, staff):
    other = AgreementFactory(currency="USD")

    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_file_over_2_mb_is_refused_unread(client, staff):
    big = b"Date,USD/CNY\n" + b"2026-12-01,7.1\n" * 200_000
    upload = SimpleUploadedFile("rates.csv", big, "text/csv")

    response = client.post(RATES, {"file": upload})

    assert response.status_code == 400
    assert "<li>The file is larger than 2 MB.</li>" in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_choosing_an_agreement_on_the_project_form_sets_its_currency(client, staff, institution):
    agreement = AgreementFactory(partnership__institution=institution, currency="USD")

    page = client.get(reverse("projects:create"))

    select = page.context["form"].fields["agreement"].widget.attrs
    assert json.loads(select["data-bb-currencies"]) == {str(agreement.pk): "USD"}
    assert select["data-bb-currency-field"] == "currency"
    assert "data-bb-currencies=" in page.content.decode()
