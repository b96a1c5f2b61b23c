"""Fixtures of the lifecycle tests: one agreement between ``institution``
(the payee, for whom ``staff_user`` works) and ``enterprise`` (the payer, for
whom ``partner_user`` acts), and a project run under it."""

import pytest

from pipelines.models import StageDefinition
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
)


@pytest.fixture
def agreement(institution, enterprise):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )


@pytest.fixture
def env_stages(db):
    """The five stages of the environmental pipeline: lab research, pilot,
    field demonstration, certification, deployment."""
    return list(StageDefinition.objects.filter(pipeline__code="ENV").order_by("position"))


@pytest.fixture
def project(agreement, env_stages):
    """An active project at the first stage of the environmental pipeline."""
    return ProjectUnderAgreementFactory(agreement=agreement, current_stage=env_stages[0])


@pytest.fixture
def foreign_staff(db):
    """Research-centre staff of another institution."""
    return UserFactory(institutions=[InstitutionFactory()])
