"""The achievements and patents licensed to the partner under its own
agreements: status, numbers and expiry, never costs, assessment notes,
counsel or deadlines; another enterprise's answer 404."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from achievements.models import AchievementAgreement, IpCost
from achievements.services import deadlines_refresh
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    CounselFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
)

pytestmark = pytest.mark.django_db

ACHIEVEMENTS = reverse("portal:achievements")


def detail(achievement):
    return reverse("portal:achievement_detail", kwargs={"achievement_pk": achievement.pk})


@pytest.fixture
def patented(own):
    """The own side's achievement with a granted CN patent, its counsel,
    a cost and an assessment note: what the office keeps to itself."""
    achievement = own.achievement
    achievement.assessment_notes = "SECRET-ASSESSMENT weak claims"
    achievement.save()
    family = PatentFamilyFactory(achievement=achievement, title="OWN family")
    application = PatentApplicationFactory(
        family=family,
        application_number="202410009999.1",
        grant_number="ZL202410009999",
        filed_on=datetime.date(2024, 3, 15),
        granted_on=datetime.date(2025, 9, 1),
        status="granted",
        counsel=CounselFactory(name="SECRET-COUNSEL LLP"),
    )
    deadlines_refresh(family)
    IpCost.objects.create(
        achievement=achievement,
        application=application,
        kind="official_fee",
        amount=Decimal("9876.54"),
        currency="CNY",
        incurred_on=datetime.date(2025, 1, 10),
        description="SECRET-COST annuity",
    )
    return achievement


def test_the_list_shows_the_achievements_licensed_to_the_partner_only(
    client, partner_user, own, foreign
):
    client.force_login(partner_user)

    response = client.get(ACHIEVEMENTS)

    assert response.status_code == 200
    assert list(response.context["page"]) == [own.achievement]
    assert "ACH-FOREIGN" not in response.text


def test_an_achievement_shows_patents_numbers_status_and_expiry_but_nothing_internal(
    client, partner_user, patented
):
    client.force_login(partner_user)

    response = client.get(detail(patented))

    assert response.status_code == 200
    text = response.text
    assert "202410009999.1" in text
    assert "ZL202410009999" in text
    family = response.context["families"][0]
    assert family.expires_on == datetime.date(2044, 3, 15)
    for secret in ("SECRET-ASSESSMENT", "SECRET-COUNSEL", "SECRET-COST", "9,876.54"):
        assert secret not in text
    # The docket's deadlines (annuities) stay the office's.
    assert "Annuity" not in text


def test_another_enterprises_achievement_answers_404(client, partner_user, foreign):
    client.force_login(partner_user)

    assert client.get(detail(foreign.achievement)).status_code == 404
    assert client.post(detail(foreign.achievement)).status_code == 404


def test_an_achievement_with_no_link_to_the_partner_answers_404(client, partner_user, own):
    unlicensed = AchievementFactory(reference="ACH-NOBODY")
    client.force_login(partner_user)

    assert client.get(detail(unlicensed)).status_code == 404


def test_another_licensees_agreement_on_a_shared_achievement_stays_hidden(
    client, partner_user, own, foreign
):
    """Two enterprises license one achievement: each sees only its own
    agreement."""
    AchievementAgreement.objects.create(
        achievement=own.achievement, agreement=foreign.agreement, mode="licence"
    )
    client.force_login(partner_user)

    response = client.get(detail(own.achievement))

    assert [link.agreement for link in response.context["agreement_links"]] == [own.agreement]
    assert "AGR-FOREIGN" not in response.text
    listed = client.get(ACHIEVEMENTS)
    assert "AGR-FOREIGN" not in listed.text


def test_the_agreement_page_links_to_its_achievements(client, partner_user, own):
    client.force_login(partner_user)

    response = client.get(
        reverse("portal:agreement_detail", kwargs={"reference": own.agreement.reference})
    )

    assert detail(own.achievement) in response.text
    assert list(response.context["achievements"]) == [own.achievement]


def test_an_agreement_without_achievements_says_so(client, partner_user, own):
    agreement = AgreementFactory(partnership=own.partnership, reference="AGR-OWN-2")
    client.force_login(partner_user)

    response = client.get(
        reverse("portal:agreement_detail", kwargs={"reference": agreement.reference})
    )

    assert list(response.context["achievements"]) == []


def test_the_list_does_not_grow_its_queries_with_its_rows(
    client, partner_user, own, django_assert_max_num_queries
):
    client.force_login(partner_user)
    client.get(ACHIEVEMENTS)
    for n in range(10):
        AchievementAgreement.objects.create(
            achievement=AchievementFactory(reference=f"ACH-MORE-{n}"),
            agreement=own.agreement,
            mode="licence",
        )

    with django_assert_max_num_queries(14):
        response = client.get(ACHIEVEMENTS)

    assert len(response.context["page"]) == 11
