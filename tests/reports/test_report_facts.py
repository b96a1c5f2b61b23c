"""The facts the reports need about a counterparty are taken when an
agreement is signed, and the periods they count over."""

import datetime

import pytest

from partnerships import services
from partnerships.models import Agreement
from reports.computations.periods import Period, calendar_year, fiscal_year, licensee_class
from tests.factories import AgreementFactory, EnterpriseFactory, PartnershipFactory

D = datetime.date


@pytest.mark.django_db
def test_signing_copies_the_licensees_size_unless_staff_stated_it(staff_user, institution):
    startup = EnterpriseFactory(size="startup")
    draft = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=startup),
        status=Agreement.Status.DRAFT,
        signed_on=None,
    )
    stated = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=startup),
        status=Agreement.Status.DRAFT,
        signed_on=None,
        licensee_size="large",
    )

    services.agreement_update(
        agreement=draft, by=staff_user, status="signed", signed_on=D(2025, 3, 1)
    )
    services.agreement_update(
        agreement=stated, by=staff_user, status="signed", signed_on=D(2025, 3, 1)
    )

    draft.refresh_from_db()
    stated.refresh_from_db()
    assert draft.licensee_size == "startup"
    assert stated.licensee_size == "large"
    # The enterprise growing later leaves the signed agreement as it was.
    startup.size = "large"
    startup.save()
    draft.refresh_from_db()
    assert draft.licensee_size == "startup"


def test_a_fiscal_year_is_named_after_the_year_it_ends_in():
    assert fiscal_year(2025, 7) == Period(D(2024, 7, 1), D(2025, 6, 30))
    assert fiscal_year(2025, 10) == Period(D(2024, 10, 1), D(2025, 9, 30))
    assert fiscal_year(2025, 1) == calendar_year(2025)
    with pytest.raises(ValueError):
        fiscal_year(2025, 13)


@pytest.mark.parametrize(
    ("formed_for_licence", "founded_on", "employees", "size", "expected"),
    [
        (True, D(2025, 3, 1), 5, "startup", "startup"),
        # Founded the year before: no longer a start-up to AUTM; small.
        (True, D(2024, 3, 1), 5, "startup", "small"),
        # Founded in the year but not for this licence.
        (False, D(2025, 3, 1), None, "startup", "small"),
        (False, None, 499, "large", "small"),
        (False, None, 500, "small", "large"),
        (False, None, None, "large", "large"),
    ],
)
def test_autm_classifies_the_licensee_when_the_licence_was_executed(
    formed_for_licence, founded_on, employees, size, expected
):
    period = calendar_year(2025)

    assert (
        licensee_class(
            formed_for_licence=formed_for_licence,
            founded_on=founded_on,
            period=period,
            employees=employees,
            size=size,
        )
        == expected
    )
