"""The partner's notices in the portal, with links into the portal."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from portal.views.notifications import portal_url

pytestmark = pytest.mark.django_db


def notice(recipient, *, title="Milestone claimed", url="", read=False, key=None):
    from django.utils import timezone

    return Notification.objects.create(
        recipient=recipient,
        kind="claim_awaiting_verification",
        event_key=key or f"{title}-{Notification.objects.count()}",
        title=title,
        body="Please verify it.",
        url=url,
        read_at=timezone.now() if read else None,
    )


@pytest.fixture
def signed_in(client, partner_user):
    client.force_login(partner_user)
    return client


def test_a_partner_sees_its_own_notices_only(signed_in, partner_user, other_partner_user):
    notice(partner_user, title="Your claim awaits")
    notice(other_partner_user, title="Someone else's claim")

    response = signed_in.get(reverse("portal:notifications"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Your claim awaits" in text
    assert "Someone else&#x27;s claim" not in text and "Someone else's claim" not in text


def test_unread_only(signed_in, partner_user):
    notice(partner_user, title="Fresh news")
    notice(partner_user, title="Old news", read=True)

    text = signed_in.get(reverse("portal:notifications"), {"unread": "1"}).content.decode()

    assert "Fresh news" in text and "Old news" not in text


def test_marking_one_read_and_all_read(signed_in, partner_user, other_partner_user):
    first, second = notice(partner_user), notice(partner_user)
    theirs = notice(other_partner_user)

    signed_in.post(reverse("portal:notifications_read"), {"id": first.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None

    response = signed_in.post(reverse("portal:notifications_read"))
    assert response.status_code == 302
    assert response.url == reverse("portal:notifications")
    second.refresh_from_db()
    theirs.refresh_from_db()
    assert second.read_at is not None
    assert theirs.read_at is None


def test_opening_a_notice_marks_it_read_and_leads_into_the_portal(signed_in, partner_user, own):
    staff_link = reverse("projects:detail", kwargs={"code": own.project.code})
    item = notice(partner_user, url=staff_link)

    response = signed_in.get(reverse("portal:notification_open"), {"id": item.pk})

    assert response.status_code == 302
    assert response.url == reverse("portal:project_detail", kwargs={"code": own.project.code})
    item.refresh_from_db()
    assert item.read_at is not None


def test_the_list_links_into_the_portal_not_the_staff_ui(signed_in, partner_user, own):
    item = notice(partner_user, url=reverse("projects:detail", kwargs={"code": own.project.code}))

    text = signed_in.get(reverse("portal:notifications")).content.decode()

    assert f"{reverse('portal:notification_open')}?id={item.pk}" in text
    assert reverse("projects:detail", kwargs={"code": own.project.code}) not in text


def test_someone_else_s_notice_is_not_opened(signed_in, other_partner_user):
    theirs = notice(other_partner_user)

    response = signed_in.get(reverse("portal:notification_open"), {"id": theirs.pk})

    assert response.url == reverse("portal:notifications")
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "url,expected",
    [
        ("", "portal:notifications"),
        ("/no/such/page/", "portal:notifications"),
        ("/portal/documents/", "/portal/documents/"),
    ],
)
def test_links_that_are_not_a_project_lead_to_the_notices_or_stay(url, expected):
    assert portal_url(url) == (expected if expected.startswith("/") else reverse(expected))


def test_the_list_takes_as_many_queries_for_many_notices_as_for_one(
    signed_in, partner_user, django_assert_max_num_queries, django_assert_num_queries
):
    notice(partner_user)
    url = reverse("portal:notifications")
    signed_in.get(url)
    with django_assert_max_num_queries(20) as one:
        signed_in.get(url)
    for number in range(10):
        notice(partner_user, title=f"Notice {number}")
    with django_assert_num_queries(len(one.captured_queries)):
        signed_in.get(url)
