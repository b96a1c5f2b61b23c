"""Fixtures of the partnerships API tests: ``staff_user`` works for
``institution``, which partners with ``enterprise`` (for which
``partner_user`` acts) under ``agreement``. ``foreign_agreement`` belongs to
another institution and ``other_partner_user``'s enterprise."""

import pytest
from rest_framework.test import APIClient

from pipelines.models import StageDefinition
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    PartnershipFactory,
    UserFactory,
)


def api_client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff_user):
    return api_client_for(staff_user)


@pytest.fixture
def partner_client(partner_user):
    return api_client_for(partner_user)


@pytest.fixture
def other_partner_client(other_partner_user):
    return api_client_for(other_partner_user)


@pytest.fixture
def foreign_staff_client(db):
    """Research-centre staff of another institution."""
    return api_client_for(UserFactory(institutions=[InstitutionFactory()]))


@pytest.fixture
def partnership(institution, enterprise):
    return PartnershipFactory(institution=institution, enterprise=enterprise)


@pytest.fixture
def agreement(partnership):
    return AgreementFactory(partnership=partnership)


@pytest.fixture
def foreign_partnership(other_partner_user):
    return PartnershipFactory(enterprise=other_partner_user.enterprise)


@pytest.fixture
def foreign_agreement(foreign_partnership):
    return AgreementFactory(partnership=foreign_partnership)


@pytest.fixture
def drug_stages(db):
    """The stages of the drug pipeline, in order: basic research, lead
    discovery, preclinical, IND filing, Phase I, …"""
    return list(StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG").order_by("position"))
