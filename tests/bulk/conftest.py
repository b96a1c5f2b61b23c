"""A world for the bulk actions: the staff member's institution with an
agreement and projects under it, and another institution's project that
the staff member does not see."""

from dataclasses import dataclass

import pytest

from tests.factories import (
    AgreementFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    ResearcherUserFactory,
)


@dataclass
class World:
    agreement: object
    projects: list
    foreign_project: object


@pytest.fixture
def world(institution, enterprise):
    agreement = AgreementFactory(
        partnership__institution=institution, partnership__enterprise=enterprise
    )
    projects = [
        ProjectUnderAgreementFactory(agreement=agreement, code=f"PRJ-OWN-{n}", title=f"Own {n}")
        for n in range(3)
    ]
    foreign = ProjectUnderAgreementFactory(code="PRJ-FOREIGN", title="Foreign")
    return World(agreement=agreement, projects=projects, foreign_project=foreign)


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def researcher_user(db):
    return ResearcherUserFactory()


@pytest.fixture
def payer_user(db, enterprise):
    """A partner user of the world's enterprise: told of reminders."""
    return PartnerUserFactory(enterprise=enterprise)
