"""Webhook events of achievements, disclosures, patent applications and the
docket: what each service's domain event writes to the outbox, and who
hears of it."""

import datetime
from decimal import Decimal

import pytest

from achievements import services
from tests.factories import (
    AchievementFactory,
    InstitutionFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)
from webhooks.models import OutboxEvent
from webhooks.selectors import event_visible_to

pytestmark = pytest.mark.django_db

EVENT_TYPES = [
    "achievement.status_changed",
    "disclosure.submitted",
    "disclosure.converted",
    "patent_application.status_changed",
    "deadline.due",
]


@pytest.fixture
def subscriber(make_endpoint):
    return make_endpoint(event_types=EVENT_TYPES)


@pytest.fixture
def achievement(institution):
    return AchievementFactory(owner=institution)


def written(event_type=None):
    events = OutboxEvent.objects.order_by("occurred_at", "id")
    if event_type:
        events = events.filter(event_type=event_type)
    return list(events)


def _disclosure(institution):
    person = PersonFactory(institution=institution)
    researcher = ResearcherUserFactory(person=person)
    disclosure = services.disclosure_create(
        by=researcher,
        inventors=[services.InventorInput(person, Decimal(100))],
        title="Cell-free lysate",
        kind="biological_material",
        summary="Expresses membrane proteins.",
        institution=institution,
        funding_source="government",
    )
    return disclosure, researcher


def _family_with_an_application(achievement):
    """A family with a Chinese application on its priority date: its PCT
    filing is on the docket."""
    family = PatentFamilyFactory(achievement=achievement, priority_date=datetime.date(2026, 1, 5))
    PatentApplicationFactory(family=family, filed_on=family.priority_date)
    services.deadlines_refresh(family)
    return family


def test_an_assessment_announces_the_achievements_new_status(
    subscriber, staff_user, achievement, queued_tasks
):
    services.achievement_assess(achievement=achievement, by=staff_user, notes="Novel.")

    [event] = written()
    assert event.event_type == "achievement.status_changed"
    assert (event.object_type, event.object_id) == ("achievement", achievement.pk)
    assert event.object_url_path == f"/api/v1/achievements/{achievement.pk}/"
    assert event.payload == {
        "reference": achievement.reference,
        "status": "under_assessment",
        "previous_status": "disclosed",
    }


def test_a_decision_announces_the_achievements_new_status(subscriber, staff_user, achievement):
    services.achievement_decide(
        achievement=achievement, by=staff_user, decision="protect", rationale="Strong claims."
    )

    [event] = written()
    assert event.payload["status"] == "protect"
    assert event.payload["previous_status"] == "disclosed"


def test_a_submitted_disclosure_and_its_conversion_are_announced(
    subscriber, staff_user, institution
):
    disclosure, researcher = _disclosure(institution)

    services.disclosure_submit(disclosure=disclosure, by=researcher)
    achievement = services.disclosure_convert(disclosure=disclosure, by=staff_user)

    submitted, converted = written("disclosure.submitted"), written("disclosure.converted")
    assert [(e.object_type, e.object_id) for e in submitted] == [("disclosure", disclosure.pk)]
    assert submitted[0].payload == {"institution_id": institution.pk}
    assert submitted[0].object_url_path == f"/api/v1/disclosures/{disclosure.pk}/"
    assert converted[0].payload == {
        "institution_id": institution.pk,
        "achievement_id": achievement.pk,
        "achievement_reference": achievement.reference,
    }


def test_an_applications_new_status_is_announced(subscriber, staff_user, achievement):
    application = PatentApplicationFactory(
        family=PatentFamilyFactory(achievement=achievement), status="filed"
    )

    services.application_update(application=application, by=staff_user, status="examination")

    [event] = written("patent_application.status_changed")
    assert (event.object_type, event.object_id) == ("patent_application", application.pk)
    assert event.object_url_path == f"/api/v1/patent-applications/{application.pk}/"
    assert event.payload == {
        "status": "examination",
        "previous_status": "filed",
        "jurisdiction": "CN",
        "application_number": application.application_number,
        "family_id": application.family_id,
        "achievement_id": achievement.pk,
    }


def test_a_reminder_of_a_deadline_is_announced_with_its_days_left(subscriber, achievement):
    family = _family_with_an_application(achievement)
    pct = family.deadlines.get(kind="pct_filing")

    services.deadlines_remind(today=pct.due_on - datetime.timedelta(days=30))

    [event] = [e for e in written("deadline.due") if e.object_id == pct.pk]
    assert event.object_type == "deadline"
    assert event.object_url_path == f"/api/v1/deadlines/{pct.pk}/"
    assert event.payload == {
        "kind": "pct_filing",
        "sequence": pct.sequence,
        "due_on": pct.due_on.isoformat(),
        "grace_until": None,
        "days_left": 30,
        "achievement_id": achievement.pk,
        "family_id": family.pk,
        "application_id": None,
    }


def test_nothing_is_written_without_a_subscriber(staff_user, achievement):
    services.achievement_assess(achievement=achievement, by=staff_user)

    assert written() == []


def test_only_staff_of_the_owning_institution_hear_of_an_achievement(
    subscriber, staff_user, achievement
):
    """Endpoints hear of what their owners see: staff of another institution
    do not."""
    services.achievement_assess(achievement=achievement, by=staff_user)
    [event] = written()
    other_staff = UserFactory(institutions=[InstitutionFactory()])
    inventor = ResearcherUserFactory(person=achievement.inventors.first().person)

    assert event_visible_to(staff_user, event)
    assert not event_visible_to(other_staff, event)
    # The inventor sees the achievement; endpoints, though, are staff's.
    assert event_visible_to(inventor, event)


def test_a_deadline_is_heard_of_by_staff_only(subscriber, achievement, staff_user):
    family = _family_with_an_application(achievement)
    pct = family.deadlines.get(kind="pct_filing")
    services.deadlines_remind(today=pct.due_on - datetime.timedelta(days=7))
    [event] = written("deadline.due")
    inventor = ResearcherUserFactory(person=achievement.inventors.first().person)

    assert event_visible_to(staff_user, event)
    assert not event_visible_to(inventor, event)
