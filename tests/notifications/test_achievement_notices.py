"""Notices of the patent docket and of disclosures: deadlines due 90, 30
and 7 days ahead and overdue reach the staff of the owning institutions;
a submitted disclosure reaches its institution's staff; a returned or an
accepted one reaches its researchers, linking to their own pages."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from achievements.models import Deadline
from achievements.services import (
    InventorInput,
    deadlines_refresh,
    deadlines_remind,
    disclosure_convert,
    disclosure_create,
    disclosure_return,
    disclosure_submit,
)
from achievements.tasks import run_docket
from notifications.choices import NotificationKind
from notifications.models import Notification
from tests.factories import (
    AchievementFactory,
    InstitutionFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_staff(db):
    """Staff of another institution: told of nothing here."""
    return UserFactory(institutions=[InstitutionFactory()])


@pytest.fixture
def researcher(institution):
    return ResearcherUserFactory(person=PersonFactory(institution=institution))


@pytest.fixture
def family(institution, researcher):
    achievement = AchievementFactory(
        reference="ACH-2024-0007", owner=institution, inventors=[researcher.person]
    )
    family = PatentFamilyFactory(achievement=achievement, title="IL-2 family")
    PatentApplicationFactory(
        family=family,
        application_number="202410000007.X",
        filed_on=datetime.date(2024, 3, 15),
        granted_on=datetime.date(2025, 6, 1),
        status="granted",
    )
    deadlines_refresh(family)
    # No filing abroad: the family's PCT and phase deadlines are let pass.
    Deadline.objects.filter(family=family, application__isnull=True).update(
        state="waived", waived_reason="No filing abroad."
    )
    return family


def first_reminded(family) -> Deadline:
    """The application's first deadline to remind (an annuity)."""
    return (
        Deadline.objects.filter(family=family, state="open", application__isnull=False)
        .exclude(kind="expiry")
        .order_by("due_on", "id")
        .first()
    )


# --- Deadlines --------------------------------------------------------------------------


def test_a_deadline_30_days_ahead_reaches_the_owners_staff_once(
    family, staff_user, other_staff, researcher
):
    deadline = first_reminded(family)
    today = deadline.due_on - datetime.timedelta(days=30)

    deadlines_remind(today=today)
    deadlines_remind(today=today)

    notice = Notification.objects.get()
    assert notice.recipient == staff_user
    assert notice.kind == NotificationKind.DEADLINE_DUE
    assert notice.title.startswith("ACH-2024-0007: ")
    assert "202410000007.X" in notice.body
    assert "30 days left" in notice.body


def test_each_step_and_the_overdue_reminder_go_out_once_each(family, staff_user):
    deadline = first_reminded(family)

    for days_before in (90, 30, 7, -1, -2):
        deadlines_remind(today=deadline.due_on - datetime.timedelta(days=days_before))

    kinds = list(
        Notification.objects.filter(recipient=staff_user, event_key__contains=f":{deadline.pk}:")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["deadline_due", "deadline_due", "deadline_due", "deadline_overdue"]
    overdue = Notification.objects.get(kind=NotificationKind.DEADLINE_OVERDUE)
    assert "overdue since" in overdue.title


def test_a_deadline_notice_links_to_the_staff_achievement_page_when_there_is_one(
    family, staff_user
):
    deadline = first_reminded(family)

    deadlines_remind(today=deadline.due_on)

    notice = Notification.objects.get()
    assert notice.url in ("", f"/achievements/{family.achievement_id}/")
    # Whatever the link, opening the notice leads somewhere the staff can go.


def test_the_deadline_notice_is_written_in_the_recipients_language(family, staff_user):
    staff_user.language = "zh-hans"
    staff_user.save()
    deadline = first_reminded(family)

    deadlines_remind(today=deadline.due_on - datetime.timedelta(days=7))

    notice = Notification.objects.get()
    assert "ACH-2024-0007" in notice.title
    assert "剩" in notice.body


# --- The daily round -----------------------------------------------------------------


def test_the_beat_runs_the_docket_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["achievements-docket"]

    assert entry["task"] == run_docket.name
    assert entry["schedule"].hour == {6}


def test_the_task_reminds_once_however_often_it_runs(family, staff_user):
    deadline = first_reminded(family)
    day = str(deadline.due_on - datetime.timedelta(days=7))

    first = run_docket(today=day)
    second = run_docket(today=day)

    assert first == {"expired": 0, "reminded": 1}
    assert second == {"expired": 0, "reminded": 0}
    assert Notification.objects.filter(recipient=staff_user).count() == 1


def test_the_command_runs_the_docket_for_a_given_day(family, staff_user):
    deadline = first_reminded(family)
    out = StringIO()

    call_command("run_docket", date=str(deadline.due_on), stdout=out)

    assert "1 reminders sent" in out.getvalue()
    assert Notification.objects.filter(recipient=staff_user).count() == 1


def test_the_command_refuses_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("run_docket", date="2026-02-30")


# --- Disclosures --------------------------------------------------------------------


@pytest.fixture
def colleague(institution):
    return ResearcherUserFactory(person=PersonFactory(institution=institution))


@pytest.fixture
def submitted(researcher, colleague, institution):
    disclosure = disclosure_create(
        by=researcher,
        inventors=[
            InventorInput(person=researcher.person, contribution_percent=60),
            InventorInput(person=colleague.person, contribution_percent=40),
        ],
        title="Stable IL-2 mutein",
        title_zh="稳定的IL-2突变蛋白",
        kind="invention",
        summary="A mutein with a longer half-life.",
        institution=institution,
        funding_source="government",
    )
    return disclosure_submit(disclosure=disclosure, by=researcher)


def test_a_submitted_disclosure_reaches_its_institutions_staff(staff_user, other_staff, submitted):
    notice = Notification.objects.get()

    assert notice.recipient == staff_user
    assert notice.kind == NotificationKind.DISCLOSURE_SUBMITTED
    assert "Stable IL-2 mutein" in notice.title
    assert notice.url in ("", f"/achievements/disclosures/{submitted.pk}/")


def test_a_returned_disclosure_reaches_its_researchers_with_the_note(
    submitted, staff_user, researcher, colleague
):
    Notification.objects.all().delete()

    disclosure_return(disclosure=submitted, by=staff_user, note="Name the MTA provider.")

    notices = Notification.objects.order_by("recipient_id")
    assert {notice.recipient for notice in notices} == {researcher, colleague}
    for notice in notices:
        assert notice.kind == NotificationKind.DISCLOSURE_RETURNED
        assert notice.body == "Name the MTA provider."
        assert notice.url == reverse("research:disclosure_detail", kwargs={"pk": submitted.pk})


def test_an_accepted_disclosure_links_its_researchers_to_the_achievement(
    submitted, staff_user, researcher, colleague
):
    from achievements.services import disclosure_confirm

    disclosure_confirm(disclosure=submitted, by=colleague)
    Notification.objects.all().delete()

    achievement = disclosure_convert(disclosure=submitted, by=staff_user)

    notices = Notification.objects.all()
    assert {notice.recipient for notice in notices} == {researcher, colleague}
    for notice in notices:
        assert notice.kind == NotificationKind.DISCLOSURE_CONVERTED
        assert achievement.reference in notice.title
        assert notice.url == reverse("research:achievement_detail", kwargs={"pk": achievement.pk})


def test_a_researchers_notice_opens_on_their_own_pages(client, submitted, staff_user, researcher):
    disclosure_return(disclosure=submitted, by=staff_user, note="More data, please.")
    notice = Notification.objects.get(recipient=researcher)
    client.force_login(researcher)

    response = client.get(reverse("notifications:open", kwargs={"pk": notice.pk}))

    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
