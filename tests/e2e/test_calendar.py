"""A staff member opens the calendar in a real browser, finds a milestone
falling due this month, follows it to its project, then creates the private
feed address from their menu and fetches the feed a calendar app
would subscribe to."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def milestone():
    institution = InstitutionFactory(name="East Lake University")
    UserFactory(email="staff@example.com", institutions=[institution])
    partnership = PartnershipFactory(institution=institution, enterprise=EnterpriseFactory())
    project = ProjectUnderAgreementFactory(
        agreement=AgreementFactory(partnership=partnership), code="PRJ-CAL"
    )
    return MilestoneFactory(
        project=project, name="First patient dosed", due_date=timezone.localdate()
    )


def test_staff_find_a_due_date_on_the_calendar_and_subscribe(page, live_server, milestone):
    sign_in(page, "staff@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()

    expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
    event = page.get_by_role("link", name="Milestone due: PRJ-CAL First patient dosed")
    expect(event).to_be_visible()
    event.click()
    expect(page).to_have_url(f"{live_server.url}/projects/PRJ-CAL/")

    # The feed is the user's own: it sits in their menu, beside the API tokens.
    page.locator("div.dropdown > button").click()
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_text("You have no calendar feed.")).to_be_visible()
    page.get_by_role("button", name="Create my calendar address").click()
    address = page.get_by_test_id("feed-url").input_value()
    assert address.startswith(f"{live_server.url}/calendar/feed/cal_")

    feed = page.request.get(address)
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    (vevent,) = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(vevent["UID"]) == f"milestone-{milestone.pk}-due@biobridge"
    assert vevent.decoded("DTSTART") == timezone.localdate()
    assert type(vevent.decoded("DTSTART")) is datetime.date
