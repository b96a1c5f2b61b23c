"""Accounts: sign-in by email, and the two kinds of user."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction

from accounts.choices import Role
from tests.factories import DEMO_PASSWORD, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_email_is_the_login_and_is_case_insensitive():
    user = User.objects.create_user("Li.Na@Example.com", password=DEMO_PASSWORD)

    assert user.email == "li.na@example.com"
    assert authenticate(username="LI.NA@example.com", password=DEMO_PASSWORD) == user


def test_two_accounts_cannot_share_an_email_in_different_case():
    UserFactory(email="wang@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="WANG@example.com")


def test_a_partner_user_belongs_to_an_enterprise():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.PARTNER, enterprise=None)


def test_staff_do_not_belong_to_an_enterprise():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.CENTRE_STAFF, enterprise=EnterpriseFactory())


def test_a_partner_user_cannot_be_a_superuser():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.PARTNER, enterprise=EnterpriseFactory(), is_superuser=True)


def test_a_superuser_is_research_centre_staff():
    admin = User.objects.create_superuser("root@example.com", password=DEMO_PASSWORD)

    assert admin.is_centre_staff and admin.is_superuser and admin.is_staff
    with pytest.raises(ValueError):
        User.objects.create_superuser("p@example.com", password=DEMO_PASSWORD, role=Role.PARTNER)
