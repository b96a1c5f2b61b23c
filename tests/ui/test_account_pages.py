"""The notifications page and badge, and the API tokens page."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_create
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notice(user, title, **fields):
    return Notification.objects.create(
        recipient=user, kind="stage_changed", event_key=f"test:{title}", title=title, **fields
    )


class TestNotifications:
    def test_the_badge_counts_unread_notices(self, client, staff_user):
        notice(staff_user, "ELU-001 advanced", url="/projects/ELU-001/")
        notice(staff_user, "Invoice issued")
        client.force_login(staff_user)

        response = client.get(reverse("notifications:list"))

        assert response.status_code == 200
        assert 'id="notification-badge"' in response.text
        assert ">2<" in response.text
        assert "ELU-001 advanced" in response.text

    def test_a_user_sees_only_their_own_notices(self, client, staff_user):
        notice(UserFactory(), "Someone else's invoice")
        client.force_login(staff_user)

        response = client.get(reverse("notifications:list"))

        assert "Someone else" not in response.text
        assert "Nothing to tell you yet." in response.text

    def test_opening_a_notice_marks_it_read_and_follows_its_link(self, client, staff_user):
        unread = notice(staff_user, "Claim awaiting verification", url="/projects/ELU-001/")
        client.force_login(staff_user)

        response = client.get(reverse("notifications:open", args=[unread.pk]))

        assert response.url == "/projects/ELU-001/"
        unread.refresh_from_db()
        assert unread.read_at is not None

    def test_another_users_notice_cannot_be_opened(self, client, staff_user):
        foreign = notice(UserFactory(), "Foreign", url="/projects/X/")
        client.force_login(staff_user)

        response = client.get(reverse("notifications:open", args=[foreign.pk]))

        assert response.url == reverse("notifications:list")
        foreign.refresh_from_db()
        assert foreign.read_at is None

    def test_mark_all_read(self, client, staff_user):
        notice(staff_user, "One")
        notice(staff_user, "Two")
        client.force_login(staff_user)

        client.post(reverse("notifications:read"), {"next": "https://evil.example/"})

        assert not Notification.objects.filter(recipient=staff_user, read_at__isnull=True)


class TestApiTokens:
    def test_a_new_key_is_shown_once(self, client, staff_user):
        client.force_login(staff_user)

        created = client.post(reverse("accounts:tokens"), {"name": "ERP"})
        again = client.get(reverse("accounts:tokens"))

        token = ApiToken.objects.get(user=staff_user)
        key_line = next(line for line in created.text.splitlines() if "bb_" in line)
        assert token.prefix in key_line
        assert "shown only this once" in created.text
        assert "shown only this once" not in again.text
        assert "ERP" in again.text

    def test_a_token_needs_a_name(self, client, staff_user):
        client.force_login(staff_user)

        response = client.post(reverse("accounts:tokens"), {"name": ""})

        assert "is-invalid" in response.text
        assert not ApiToken.objects.exists()

    def test_a_user_revokes_their_token(self, client, staff_user):
        issued = api_token_create(user=staff_user, name="BI")
        client.force_login(staff_user)

        client.post(reverse("accounts:token_revoke", args=[issued.token.pk]))

        issued.token.refresh_from_db()
        assert issued.token.revoked_at is not None

    def test_another_users_token_answers_not_found(self, client, staff_user):
        foreign = api_token_create(user=UserFactory(), name="BI")
        client.force_login(staff_user)

        response = client.post(reverse("accounts:token_revoke", args=[foreign.token.pk]))

        assert response.status_code == 404
        foreign.token.refresh_from_db()
        assert foreign.token.revoked_at is None

    def test_the_pages_ask_anonymous_visitors_to_sign_in(self, client):
        for name in ("accounts:tokens", "notifications:list"):
            assert client.get(reverse(name)).status_code == 302
