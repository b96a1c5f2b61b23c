"""Every date a service writes lies within its bounds: from 1 January 1990
to today for what has happened, a year ahead for an invoice, ten years ahead
for plans, fifty for the end of a term. A date outside them is refused with
``date_out_of_range`` on its field, whichever door it came through."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.dates import BUSINESS, PAST, TERM_END, DateOutOfRange, date_check
from partnerships import services as partnership_services
from projects.models import Invoice, InvoiceSequence
from projects.services import (
    milestone_claim,
    milestone_invoice,
    milestone_verify,
    payment_record,
    project_update,
)
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # read per test: a run may cross midnight
LAST_CENTURY = datetime.date(1989, 12, 31)
END_OF_TIME = datetime.date(9999, 12, 31)


@pytest.fixture
def agreement(institution, enterprise):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )


@pytest.fixture
def verified_milestone(agreement, staff_user, partner_user):
    project = ProjectUnderAgreementFactory(agreement=agreement)
    milestone = MilestoneFactory(project=project, amount=Decimal("1000.00"))
    milestone_claim(milestone=milestone, by=staff_user, evidence_note="Report BB-1.")
    milestone_verify(milestone=milestone, by=partner_user)
    milestone.refresh_from_db()
    return milestone


class TestBounds:
    def test_a_date_from_1990_to_the_horizon_passes(self):
        today = datetime.date(2026, 12, 6)

        date_check(datetime.date(1990, 1, 1), field="d", bounds=BUSINESS, today=today)
        date_check(datetime.date(2036, 12, 6), field="d", bounds=BUSINESS, today=today)
        date_check(None, field="d", bounds=PAST, today=today)

    @pytest.mark.parametrize(
        ("value", "bounds"),
        [
            (datetime.date(1989, 12, 31), BUSINESS),
            (datetime.date(2036, 12, 7), BUSINESS),
            (datetime.date(2026, 12, 7), PAST),
            (datetime.date(2076, 12, 7), TERM_END),
        ],
    )
    def test_a_date_outside_is_refused_on_its_field(self, value, bounds):
        with pytest.raises(DateOutOfRange) as refused:
            date_check(value, field="signed_on", bounds=bounds, today=datetime.date(2026, 12, 6))

        assert refused.value.code == "date_out_of_range"
        assert refused.value.fields == {"signed_on": [refused.value.message]}

    def test_the_horizon_of_a_leap_day_is_the_28th_of_february(self):
        assert BUSINESS.latest(datetime.date(2028, 2, 29)) == datetime.date(2038, 2, 28)


class TestInvoices:
    def test_an_invoice_at_the_end_of_the_calendar_is_refused_and_takes_no_number(
        self, verified_milestone, staff_user
    ):
        with pytest.raises(DateOutOfRange) as refused:
            milestone_invoice(milestone=verified_milestone, by=staff_user, issued_on=END_OF_TIME)

        assert refused.value.field == "issued_on"
        assert not Invoice.objects.exists()
        assert not InvoiceSequence.objects.exists()

    def test_an_invoice_of_the_year_1_is_refused(self, verified_milestone, staff_user):
        with pytest.raises(DateOutOfRange):
            milestone_invoice(
                milestone=verified_milestone, by=staff_user, issued_on=datetime.date(1, 1, 1)
            )

    def test_the_api_answers_400_with_the_field(self, verified_milestone, staff_user):
        client = APIClient()
        client.force_authenticate(staff_user)

        response = client.post(
            reverse("api:milestone-invoice", kwargs={"pk": verified_milestone.pk}),
            {"issued_on": "9999-12-31"},
            format="json",
        )

        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "date_out_of_range"
        assert list(error["fields"]) == ["issued_on"]

    def test_the_staff_invoice_form_shows_the_error_at_the_field(
        self, client, verified_milestone, staff_user
    ):
        client.force_login(staff_user)

        url = reverse(
            "projects:milestone_action",
            kwargs={
                "code": verified_milestone.project.code,
                "pk": verified_milestone.pk,
                "action": "invoice",
            },
        )

        response = client.post(url, {"issued_on": "9999-12-31", "payment_terms_days": 30})

        assert response.status_code < 500
        assert "1990" in response.content.decode()
        assert not Invoice.objects.exists()


def test_a_payment_before_1990_is_refused(verified_milestone, staff_user):
    invoice = milestone_invoice(milestone=verified_milestone, by=staff_user)

    with pytest.raises(DateOutOfRange) as refused:
        payment_record(
            invoice=invoice,
            amount=Decimal("10.00"),
            currency=invoice.currency,
            paid_on=LAST_CENTURY,
            by=staff_user,
        )

    assert refused.value.field == "paid_on"


class TestPartnershipDates:
    def test_an_agreement_may_expire_decades_ahead_but_not_centuries(self, agreement, staff_user):
        decades = TODAY().replace(year=TODAY().year + 40, day=1)
        partnership_services.agreement_update(
            agreement=agreement, by=staff_user, expires_on=decades
        )

        with pytest.raises(DateOutOfRange) as refused:
            partnership_services.agreement_update(
                agreement=agreement, by=staff_user, expires_on=END_OF_TIME
            )

        assert refused.value.field == "expires_on"

    def test_an_agreement_signed_before_1990_is_refused(self, agreement, staff_user):
        with pytest.raises(DateOutOfRange) as refused:
            partnership_services.agreement_update(
                agreement=agreement, by=staff_user, signed_on=LAST_CENTURY
            )

        assert refused.value.field == "signed_on"

    def test_a_record_kept_from_before_the_bounds_can_still_be_edited(self, agreement, staff_user):
        """Only the dates written are checked."""
        partnership = agreement.partnership
        type(partnership).objects.filter(pk=partnership.pk).update(
            started_on=datetime.date(1985, 5, 1)
        )

        partnership_services.partnership_update(
            partnership=partnership, by=staff_user, title="Renamed"
        )

    def test_a_partnership_starting_after_the_horizon_is_refused(self, agreement, staff_user):
        with pytest.raises(DateOutOfRange):
            partnership_services.partnership_update(
                partnership=agreement.partnership, by=staff_user, started_on=END_OF_TIME
            )


def test_a_project_starting_in_9999_is_refused(agreement, staff_user):
    project = ProjectUnderAgreementFactory(agreement=agreement)

    with pytest.raises(DateOutOfRange) as refused:
        project_update(project=project, by=staff_user, start_date=END_OF_TIME)

    assert refused.value.field == "start_date"
    project.refresh_from_db()
    assert project.start_date != END_OF_TIME
