"""Every staff list exports the rows ticked on it, or every row matching
its filter, with the columns of its own export; rows the user does not
see are never exported."""

import csv
import datetime
import io

import pytest

from projects.models import Invoice
from tests.factories import (
    AchievementFactory,
    InstitutionFactory,
    JointCentrePartyFactory,
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db

LISTS = {
    "/partners/institutions/": "/partners/institutions/bulk/",
    "/partners/enterprises/": "/partners/enterprises/bulk/",
    "/partners/joint-centres/": "/partners/joint-centres/bulk/",
    "/partners/partnerships/": "/partners/partnerships/bulk/",
    "/agreements/": "/agreements/bulk/",
    "/projects/": "/projects/bulk/",
    "/milestones/": "/milestones/bulk/",
    "/milestones/invoices/": "/milestones/invoices/bulk/",
    "/achievements/": "/achievements/bulk/",
}


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(("list_url", "bulk_url"), LISTS.items())
def test_every_staff_list_shows_the_bulk_bar_and_exports_the_selection(
    staff, world, institution, list_url, bulk_url
):
    JointCentrePartyFactory(institution=institution)
    AchievementFactory(owner=institution)
    milestone = MilestoneFactory(project=world.projects[0], status="invoiced")
    Invoice.objects.create(
        number="INV-EXPORT",
        milestone=milestone,
        payee_name="Payee",
        payer_name="Payer",
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 1),
    )
    page = staff.get(list_url)
    whole = csv_rows(staff.get(list_url, {"format": "csv"}))

    selection = staff.post(bulk_url, {"action": "export_csv", "all_matching": "1"})

    assert f'action="{bulk_url}"' in page.text
    assert selection.status_code == 200
    assert len(whole) > 1
    assert csv_rows(selection) == whole


def test_an_achievement_of_another_institution_is_not_exported(staff, institution):
    own = AchievementFactory(owner=institution, reference="ACH-OWN")
    foreign = AchievementFactory(owner=InstitutionFactory(), reference="ACH-FOREIGN")

    response = staff.post(
        "/achievements/bulk/", {"action": "export_csv", "selected": [own.pk, foreign.pk]}
    )

    assert [row[0] for row in csv_rows(response)[1:]] == ["ACH-OWN"]


@pytest.mark.parametrize("bulk_url", LISTS.values())
def test_a_partner_cannot_export_through_any_bulk_endpoint(client, partner_user, world, bulk_url):
    client.force_login(partner_user)

    response = client.post(bulk_url, {"action": "export_csv", "all_matching": "1"})

    assert response.status_code in (403, 404)
