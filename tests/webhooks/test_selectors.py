"""Who sees which endpoints and deliveries."""

import pytest
from django.utils import timezone

from webhooks.models import WebhookDelivery
from webhooks.selectors import (
    object_api_path,
    webhook_deliveries_visible_to,
    webhook_endpoints_visible_to,
)


@pytest.fixture
def endpoints(make_endpoint, make_event, staff_user, other_staff_user):
    mine = make_endpoint(owner=staff_user)
    theirs = make_endpoint(owner=other_staff_user)
    for endpoint in (mine, theirs):
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=make_event(), next_attempt_at=timezone.now()
        )
    return mine, theirs


def test_a_superuser_sees_every_endpoint_and_delivery(endpoints, superuser):
    assert set(webhook_endpoints_visible_to(superuser)) == set(endpoints)
    assert webhook_deliveries_visible_to(superuser).count() == 2


def test_staff_see_their_own_endpoints_and_deliveries(endpoints, staff_user):
    mine, _theirs = endpoints

    assert list(webhook_endpoints_visible_to(staff_user)) == [mine]
    assert [d.endpoint for d in webhook_deliveries_visible_to(staff_user)] == [mine]


def test_partners_see_no_endpoint_and_no_delivery(endpoints, partner_user):
    assert not webhook_endpoints_visible_to(partner_user).exists()
    assert not webhook_deliveries_visible_to(partner_user).exists()


def test_an_inactive_staff_member_sees_nothing(endpoints, staff_user):
    staff_user.is_active = False
    staff_user.save()

    assert not webhook_endpoints_visible_to(staff_user).exists()


@pytest.mark.parametrize(
    ("object_type", "path"),
    [
        ("project", "/api/v1/projects/7/"),
        ("milestone", "/api/v1/milestones/7/"),
        ("payment", "/api/v1/payments/7/"),
        ("royalty_report", "/api/v1/royalty-reports/7/"),
        ("valuation", "/api/v1/valuations/7/"),
        ("stage_transition", ""),
    ],
)
def test_an_event_links_to_its_object_in_the_api(object_type, path):
    assert object_api_path(object_type, 7) == path
