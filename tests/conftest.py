import pytest

from tests.factories import (
    EnterpriseFactory,
    InstitutionFactory,
    PartnerUserFactory,
    UserFactory,
)


@pytest.fixture
def institution(db):
    return InstitutionFactory()


@pytest.fixture
def staff_user(db, institution):
    """Research-centre staff working for ``institution``."""
    return UserFactory(institutions=[institution])


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory()


@pytest.fixture
def partner_user(db, enterprise):
    return PartnerUserFactory(enterprise=enterprise)


@pytest.fixture
def other_partner_user(db):
    """A user of another enterprise: must never see ``partner_user``'s data."""
    return PartnerUserFactory()
