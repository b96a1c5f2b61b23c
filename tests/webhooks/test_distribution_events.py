"""Webhook events of income distribution: an approved run and a settled
line are written to the outbox for endpoints that subscribe, and only their
institution's staff hear of them."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from core.events import recorded_events
from distributions.events import LineSettled, RunApproved
from distributions.services import runs
from tests.distributions.test_runs import policy, receive
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    InstitutionFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)
from webhooks.models import OutboxEvent
from webhooks.selectors import event_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(make_endpoint):
    return make_endpoint(event_types=["distribution_run.approved", "distribution_line.settled"])


@pytest.fixture
def approved(institution, staff_user):
    person = PersonFactory(institution=institution, full_name="Li Wei")
    achievement = AchievementFactory(owner=institution, inventors=[person])
    agreement = AgreementFactory(partnership=PartnershipFactory(institution=institution))
    achievement.agreement_links.create(agreement=agreement, mode="licence")
    policy(institution, (None, "0.5", "0", "0.5", "0"))
    receive(agreement, Decimal("20000"), date(2025, 3, 1))
    preparer = UserFactory(institutions=[institution])
    run = runs.prepare_run(
        preparer, institution, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )
    with recorded_events() as events:
        runs.approve_run(staff_user, run)
    assert [type(event) for event in events] == [RunApproved]
    return run


def test_an_approved_run_is_announced_with_its_period(subscriber, approved):
    event = OutboxEvent.objects.get(event_type="distribution_run.approved")

    assert (event.object_type, event.object_id) == ("distribution_run", approved.pk)
    assert event.object_url_path == f"/api/v1/distribution-runs/{approved.pk}/"
    assert event.payload["period_end"] == "2025-12-31"
    assert event.payload["net_income"] == "20000.00"


def test_a_settled_line_is_announced(subscriber, approved, staff_user):
    line = approved.lines.get(recipient_name="Li Wei")

    with recorded_events() as events:
        runs.settle_line(staff_user, line, on=timezone.localdate(), reference="TX-9")

    assert [type(event) for event in events] == [LineSettled]
    event = OutboxEvent.objects.get(event_type="distribution_line.settled")
    assert (event.object_type, event.object_id) == ("distribution_line", line.pk)
    assert (event.payload["state"], event.payload["amount"]) == ("paid", "10000.00")


def test_only_the_institutions_staff_hear_of_its_runs(subscriber, approved, staff_user):
    event = OutboxEvent.objects.get(event_type="distribution_run.approved")
    foreign = UserFactory(institutions=[InstitutionFactory()])

    assert event_visible_to(staff_user, event)
    assert not event_visible_to(foreign, event)
