"""The partner's calendar: the portal's month page and the partner's feed
hold the enterprise's own milestones, invoices, royalty reports,
agreements and its projects' planned gate reviews, never another
enterprise's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from partnerships.models import Agreement
from projects.models import Invoice, Milestone, ResearchProject, RoyaltyReport

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def falling_due(side, start):
    """Moves the side's dates to the days after ``start``."""
    Milestone.objects.filter(pk=side.claimed_milestone.pk).update(due_date=start + DAY)
    Invoice.objects.filter(pk=side.invoice.pk).update(issued_on=start, due_on=start + 2 * DAY)
    report = side.royalty_report
    period_end = start + 3 * DAY - datetime.timedelta(days=side.agreement.royalty_report_due_days)
    RoyaltyReport.objects.filter(pk=report.pk).update(
        period_start=period_end - 89 * DAY, period_end=period_end
    )
    Agreement.objects.filter(pk=side.agreement.pk).update(expires_on=start + 4 * DAY)
    ResearchProject.objects.filter(pk=side.project.pk).update(next_gate_review_on=start + 5 * DAY)


def own_uids(side):
    return {
        f"milestone-{side.claimed_milestone.pk}-due@biobridge",
        f"invoice-{side.invoice.pk}-due@biobridge",
        f"royalty-report-{side.royalty_report.pk}-due@biobridge",
        f"agreement-{side.agreement.pk}-expiry@biobridge",
        f"project-{side.project.pk}-gate-review@biobridge",
    }


def test_a_partner_s_feed_holds_only_its_own_enterprise_s_dates(
    client, partner_user, own, foreign
):
    start = timezone.localdate()
    falling_due(own, start)
    falling_due(foreign, start)
    client.force_login(partner_user)
    url = client.post(reverse("calendars:feed_settings"), {"action": "issue"}).context["new_url"]
    client.logout()

    response = client.get(url)

    events = {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert set(events) == own_uids(own)
    text = response.content.decode()
    for marker in ("FOREIGN", foreign.invoice.number, foreign.agreement.reference):
        assert marker not in text
    milestone = events[f"milestone-{own.claimed_milestone.pk}-due@biobridge"]
    assert str(milestone["URL"]).endswith(
        reverse("portal:milestone_detail", kwargs={"milestone_pk": own.claimed_milestone.pk})
    )


def test_the_portal_s_month_lists_the_enterprise_s_dates_with_portal_links(
    client, partner_user, own, foreign
):
    start = datetime.date(2026, 11, 30)
    falling_due(own, start)
    falling_due(foreign, start)
    client.force_login(partner_user)

    page = client.get(reverse("portal:calendar"), {"month": "2026-12"})

    text = page.content.decode()
    assert page.status_code == 200
    assert [day.date for day in page.context["month"].days] == [
        datetime.date(2026, 12, day) for day in (1, 2, 3, 4, 5)
    ]
    assert f"Invoice due: {own.invoice.number}" in text
    assert (
        reverse("portal:agreement_detail", kwargs={"reference": own.agreement.reference}) in text
    )
    assert reverse("portal:project_detail", kwargs={"code": own.project.code}) in text
    assert "FOREIGN" not in text
    assert 'href="/portal/calendar/?month=2027-01"' in text


def test_the_portal_s_month_speaks_chinese(client, partner_user, own):
    falling_due(own, datetime.date(2026, 11, 30))
    client.force_login(partner_user)
    client.cookies["django_language"] = "zh-hans"

    page = client.get(reverse("portal:calendar"), {"month": "2026-12"})

    text = page.content.decode()
    assert "日历" in text
    assert f"付款通知到期：{own.invoice.number}" in text


def test_the_portal_s_project_page_shows_the_planned_gate_review(client, partner_user, own):
    falling_due(own, datetime.date(2026, 11, 30))
    client.force_login(partner_user)

    page = client.get(reverse("portal:project_detail", kwargs={"code": own.project.code}))

    assert 'data-testid="project-next-gate-review"' in page.content.decode()
