"""Two researchers of one institution and one of another, with an
achievement each is an inventor on, patents and an agreement that licenses
the first researcher's achievement."""

import datetime

import pytest

from achievements.models import AchievementAgreement, Disclosure, DisclosureInventor
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ResearcherUserFactory,
)


@pytest.fixture
def researcher(institution):
    return ResearcherUserFactory(
        full_name="Li Wei", person=PersonFactory(full_name="Li Wei", institution=institution)
    )


@pytest.fixture
def colleague(institution):
    """Another researcher of the same institution."""
    return ResearcherUserFactory(
        full_name="Zhang Min", person=PersonFactory(full_name="Zhang Min", institution=institution)
    )


@pytest.fixture
def stranger():
    """A researcher of another institution."""
    return ResearcherUserFactory(full_name="Outsider")


@pytest.fixture
def achievement(researcher, institution):
    achievement = AchievementFactory(
        reference="ACH-2025-0001",
        title="Stable IL-2 mutein",
        owner=institution,
        inventors=[researcher.person],
    )
    achievement.assessment_notes = "SECRET-ASSESSMENT Weak claims."
    achievement.save()
    family = PatentFamilyFactory(achievement=achievement, title="IL-2 family")
    PatentApplicationFactory(
        family=family,
        application_number="202410000001.X",
        grant_number="ZL202410000001",
        granted_on=datetime.date(2025, 6, 1),
        status="granted",
    )
    AchievementAgreement.objects.create(
        achievement=achievement,
        agreement=AgreementFactory(reference="AGR-IL2", title="IL-2 licence"),
        mode="licence",
    )
    return achievement


@pytest.fixture
def foreign_achievement(stranger):
    return AchievementFactory(
        reference="ACH-2025-0999", title="Foreign method", inventors=[stranger.person]
    )


def draft_of(user, *, title="Stable IL-2 mutein", inventors=None) -> Disclosure:
    """A draft written by ``user``, who alone is its inventor unless
    ``inventors`` gives (person, share) pairs."""
    disclosure = Disclosure.objects.create(
        title=title,
        kind="invention",
        summary="A mutein with a longer half-life.",
        institution=user.person.institution,
        funding_source="government",
        submitted_by=user,
    )
    for person, share in inventors or [(user.person, 100)]:
        DisclosureInventor.objects.create(
            disclosure=disclosure, person=person, contribution_percent=share
        )
    return disclosure
