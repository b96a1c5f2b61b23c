"""The calendar: what falls due for a user, in their private iCalendar feed
and on the month page. Each object gives one all-day event whose UID names
the object, so a moved date updates the subscriber's event."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from achievements.models import Deadline
from calendars.models import CalendarFeed
from calendars.selectors import calendar_events_for
from calendars.services import calendar_feed_issue
from projects import services
from projects.models import Invoice
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def make_portfolio(institution, *, code: str, start: datetime.date) -> dict:
    """One of each kind of event for ``institution``, on the days after
    ``start``: a milestone on day 1, an invoice on 2, a royalty report due on
    3, an agreement's expiry on 4, a patent deadline on 5, the project's
    next gate review on 6."""
    partnership = PartnershipFactory(
        code=f"PS-{code}", institution=institution, enterprise=EnterpriseFactory()
    )
    agreement = AgreementFactory(
        partnership=partnership, reference=f"AGR-{code}", expires_on=start + 4 * DAY
    )
    project = ProjectUnderAgreementFactory(
        agreement=agreement, code=f"PRJ-{code}", next_gate_review_on=start + 6 * DAY
    )
    milestone = MilestoneFactory(
        project=project, name=f"{code} first patient", due_date=start + DAY
    )
    invoice = Invoice.objects.create(
        number=f"INV-{code}-0001",
        milestone=milestone,
        payee_name="Payee",
        payer_name="Payer",
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=start,
        due_on=start + 2 * DAY,
    )
    # Due a set number of days after the period ends (the agreement's term).
    period_end = start + 3 * DAY - datetime.timedelta(days=agreement.royalty_report_due_days)
    report = RoyaltyReportFactory(
        agreement=agreement,
        project=project,
        period_start=period_end - datetime.timedelta(days=89),
        period_end=period_end,
    )
    family = PatentFamilyFactory(
        achievement=AchievementFactory(owner=institution, title=f"{code} antibody method")
    )
    application = PatentApplicationFactory(family=family)
    deadline = Deadline.objects.create(
        family=family,
        application=application,
        achievement=family.achievement,
        kind="annuity",
        sequence=3,
        due_on=start + 5 * DAY,
    )
    return {
        "project": project,
        "milestone": milestone,
        "invoice": invoice,
        "report": report,
        "agreement": agreement,
        "deadline": deadline,
    }


def expected_uids(portfolio) -> set[str]:
    return {
        f"milestone-{portfolio['milestone'].pk}-due@biobridge",
        f"invoice-{portfolio['invoice'].pk}-due@biobridge",
        f"royalty-report-{portfolio['report'].pk}-due@biobridge",
        f"agreement-{portfolio['agreement'].pk}-expiry@biobridge",
        f"deadline-{portfolio['deadline'].pk}-due@biobridge",
        f"project-{portfolio['project'].pk}-gate-review@biobridge",
    }


def feed_url(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("calendars:feed_settings"), {"action": "issue"})
    client.logout()
    return response.context["new_url"]


def vevents(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {
        str(event["UID"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")
    }


# --- The feed --------------------------------------------------------------------


def test_the_feed_has_one_all_day_event_per_due_date(client, staff_user, institution):
    start = today() + 10 * DAY
    portfolio = make_portfolio(institution, code="OWN", start=start)

    events = vevents(client.get(feed_url(client, staff_user)))

    assert set(events) == expected_uids(portfolio)
    days = {uid.split("-")[0]: event.decoded("DTSTART") for uid, event in events.items()}
    assert days == {
        "milestone": start + DAY,
        "invoice": start + 2 * DAY,
        "royalty": start + 3 * DAY,
        "agreement": start + 4 * DAY,
        "deadline": start + 5 * DAY,
        "project": start + 6 * DAY,
    }
    for event in events.values():
        assert type(event.decoded("DTSTART")) is datetime.date  # all day, no time
        assert event.decoded("DTEND") == event.decoded("DTSTART") + DAY
    summaries = sorted(str(event["SUMMARY"]) for event in events.values())
    assert summaries == sorted(
        [
            "Milestone due: PRJ-OWN OWN first patient",
            "Invoice due: INV-OWN-0001",
            "Royalty report due: AGR-OWN",
            "Agreement expires: AGR-OWN",
            "Patent deadline: Annuity, OWN antibody method",
            f"Gate review: PRJ-OWN, {portfolio['project'].current_stage.name}",
        ]
    )
    milestone_event = events[f"milestone-{portfolio['milestone'].pk}-due@biobridge"]
    assert str(milestone_event["URL"]) == "http://testserver" + reverse(
        "projects:detail", kwargs={"code": "PRJ-OWN"}
    )


def test_a_gate_decision_takes_the_planned_review_off_the_calendar(
    client, staff_user, institution
):
    portfolio = make_portfolio(institution, code="OWN", start=today())
    project = portfolio["project"]
    uid = f"project-{project.pk}-gate-review@biobridge"
    url = feed_url(client, staff_user)
    assert uid in vevents(client.get(url))

    services.project_hold(project=project, by=staff_user, rationale="Reviewed: waiting for data.")

    project.refresh_from_db()
    assert project.next_gate_review_on is None
    assert uid not in vevents(client.get(url))


def test_the_feed_keeps_to_its_window(client, staff_user, institution):
    make_portfolio(institution, code="PAST", start=today() - datetime.timedelta(days=200))
    near = make_portfolio(institution, code="NEAR", start=today() - 30 * DAY)
    make_portfolio(institution, code="FAR", start=today() + datetime.timedelta(days=500))

    events = vevents(client.get(feed_url(client, staff_user)))

    assert set(events) == expected_uids(near)


def test_a_moved_date_keeps_the_event_s_uid(client, staff_user, institution):
    portfolio = make_portfolio(institution, code="OWN", start=today())
    url = feed_url(client, staff_user)
    milestone = portfolio["milestone"]
    uid = f"milestone-{milestone.pk}-due@biobridge"
    before = vevents(client.get(url))[uid].decoded("DTSTART")

    milestone.due_date = before + datetime.timedelta(days=20)
    milestone.save(update_fields=["due_date"])
    after = vevents(client.get(url))

    assert after[uid].decoded("DTSTART") == before + datetime.timedelta(days=20)
    assert len(after) == 6


def test_the_feed_speaks_its_owner_s_language(client, staff_user, institution):
    make_portfolio(institution, code="OWN", start=today())
    staff_user.language = "zh-hans"
    staff_user.save(update_fields=["language"])

    events = vevents(client.get(feed_url(client, staff_user)))

    summaries = {str(event["SUMMARY"]) for event in events.values()}
    assert "付款通知到期：INV-OWN-0001" in summaries


def test_another_institution_s_objects_stay_out_of_the_feed(client, staff_user, institution):
    own = make_portfolio(institution, code="OWN", start=today())
    make_portfolio(InstitutionFactory(), code="OTHER", start=today())

    events = vevents(client.get(feed_url(client, staff_user)))

    assert set(events) == expected_uids(own)
    assert "OTHER" not in client.get(feed_url(client, staff_user)).content.decode()


def test_a_new_address_replaces_the_old_one(client, staff_user):
    old = feed_url(client, staff_user)
    new = feed_url(client, staff_user)

    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=staff_user).count() == 1


def test_a_revoked_feed_answers_404(client, staff_user):
    url = feed_url(client, staff_user)
    client.force_login(staff_user)

    client.post(reverse("calendars:feed_settings"), {"action": "revoke"})
    client.logout()

    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.filter(user=staff_user).exists()


def test_a_deactivated_user_s_feed_answers_404(client, staff_user):
    url = feed_url(client, staff_user)
    staff_user.is_active = False
    staff_user.save(update_fields=["is_active"])

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["cal_unknown", "nonsense", "cal_" + "x" * 200])
def test_an_unknown_address_answers_404(client, staff_user, token):
    calendar_feed_issue(user=staff_user)

    assert client.get(reverse("calendars:feed", args=[token])).status_code == 404


def test_the_secret_is_stored_only_as_its_digest(client, staff_user):
    url = feed_url(client, staff_user)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")

    stored = CalendarFeed.objects.get(user=staff_user).token_digest

    assert token not in stored
    assert len(stored) == 64


def test_the_feed_page_shows_the_address_once(client, staff_user):
    client.force_login(staff_user)

    issued = client.post(reverse("calendars:feed_settings"), {"action": "issue"})
    later = client.get(reverse("calendars:feed_settings"))

    url = issued.context["new_url"]
    assert url.startswith("http://testserver/calendar/feed/cal_")
    assert url.endswith(".ics")
    assert url in issued.content.decode()
    assert url not in later.content.decode()
    assert "Your feed is active since" in later.content.decode()


def test_queries_do_not_grow_with_the_events(staff_user, institution):
    start = today()
    make_portfolio(institution, code="ONE", start=start)
    with CaptureQueriesContext(connection) as few:
        assert len(calendar_events_for(staff_user, start, start + 30 * DAY)) == 6
    for n in range(4):
        make_portfolio(institution, code=f"MORE{n}", start=start)
    with CaptureQueriesContext(connection) as many:
        assert len(calendar_events_for(staff_user, start, start + 30 * DAY)) == 30

    assert len(many) == len(few)
    assert len(many) <= 8


# --- The month page ----------------------------------------------------------------


def test_the_month_page_lists_the_month_s_events_by_day(client, staff_user, institution):
    make_portfolio(institution, code="DEC", start=datetime.date(2026, 11, 30))
    make_portfolio(institution, code="JAN", start=datetime.date(2027, 1, 2))
    client.force_login(staff_user)

    page = client.get(reverse("calendars:month"), {"month": "2026-12"})

    text = page.content.decode()
    assert page.status_code == 200
    assert [day.date for day in page.context["month"].days] == [
        datetime.date(2026, 12, day) for day in (1, 2, 3, 4, 5, 6)
    ]
    assert "Invoice due: INV-DEC-0001" in text
    assert "INV-JAN-0001" not in text
    assert 'href="/calendar/?month=2027-01"' in text
    assert 'href="/calendar/?month=2026-11"' in text


def test_the_month_page_navigates_to_the_next_month(client, staff_user, institution):
    make_portfolio(institution, code="JAN", start=datetime.date(2027, 1, 2))
    client.force_login(staff_user)

    page = client.get(reverse("calendars:month"), {"month": "2027-01"})

    assert "Invoice due: INV-JAN-0001" in page.content.decode()


@pytest.mark.parametrize("month", ["", "2026-13", "soon", "2026"])
def test_a_month_it_cannot_read_shows_this_month(client, staff_user, month):
    client.force_login(staff_user)

    page = client.get(reverse("calendars:month"), {"month": month})

    assert page.status_code == 200
    assert page.context["month"].first == today().replace(day=1)


def test_the_month_page_speaks_chinese(client, staff_user, institution):
    portfolio = make_portfolio(institution, code="DEC", start=datetime.date(2026, 11, 30))
    project = portfolio["milestone"].project
    project.title_zh = "抗体药物"
    project.save(update_fields=["title_zh"])
    client.force_login(staff_user)

    with translation.override("zh-hans"):
        page = client.get(
            reverse("calendars:month"), {"month": "2026-12"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )

    text = page.content.decode()
    assert "日历" in text
    assert "付款通知到期：INV-DEC-0001" in text
    assert "抗体药物" in text  # the project's Chinese title, where it has one


def test_a_partner_is_sent_to_the_portal_s_calendar(client, partner_user):
    client.force_login(partner_user)

    response = client.get(reverse("calendars:month"))

    assert response.status_code == 302
    assert response.url == reverse("portal:calendar")


def test_the_calendar_is_for_signed_in_users(client):
    for name in ("calendars:month", "calendars:feed_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_the_admin_lists_feeds_and_deleting_one_revokes_it(client, superuser, staff_user):
    url = feed_url(client, staff_user)
    feed = CalendarFeed.objects.get(user=staff_user)
    client.force_login(superuser)

    listing = client.get(reverse("admin:calendars_calendarfeed_changelist"))
    client.post(reverse("admin:calendars_calendarfeed_delete", args=[feed.pk]), {"post": "yes"})
    client.logout()

    assert listing.status_code == 200
    assert str(staff_user) in listing.content.decode()
    assert client.get(url).status_code == 404
