"""Who sees which achievements and which part of the docket: staff those
their institutions own and those of the projects they see, researchers
those they invented, partners those transferred to them; each deadline,
family, application and cost follows its achievement."""

import datetime

import pytest

from achievements.models import AchievementAgreement, Deadline, IpCost
from achievements.selectors import (
    achievements_visible_to,
    deadlines_visible_to,
    docket_for,
    ip_costs_visible_to,
    office_actions_visible_to,
    patent_applications_visible_to,
    patent_families_visible_to,
)
from partnerships.models import Person
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    PartnershipFactory,
    PartnerUserFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    ResearcherUserFactory,
    ResearchProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def with_docket(achievement):
    """A family, an application, an open deadline and a cost for the
    achievement: everything the docket's selectors read."""
    family = PatentFamilyFactory(achievement=achievement)
    application = PatentApplicationFactory(family=family)
    application.office_actions.create(received_on=datetime.date(2025, 1, 6), term_months=4)
    Deadline.objects.create(
        family=family,
        application=application,
        achievement=achievement,
        kind="expiry",
        due_on=datetime.date(2044, 3, 15),
    )
    IpCost.objects.create(
        achievement=achievement,
        kind="counsel",
        amount=1000,
        currency="CNY",
        incurred_on=datetime.date(2024, 4, 1),
        description="Filing",
    )
    return achievement


@pytest.fixture
def world():
    """Achievements seen in different ways by a staff member of ``home``."""
    home, other = InstitutionFactory(), InstitutionFactory()
    staff = UserFactory(institutions=[home])
    owned = with_docket(AchievementFactory(owner=home))
    co_owned = AchievementFactory(owner=other)
    co_owned.owners.update(share_percent=60)
    co_owned.owners.create(institution=home, share_percent=40)
    with_docket(co_owned)
    # Another institution's achievements, linked to projects the staff
    # member sees three ways: led by home, under a partnership of home,
    # in a joint centre home hosts.
    led = with_docket(AchievementFactory(owner=other))
    led.projects.add(ResearchProjectFactory(lead_institution=home))
    partnered = with_docket(AchievementFactory(owner=other))
    partnered.projects.add(
        ResearchProjectFactory(
            lead_institution=other, partnership=PartnershipFactory(institution=home)
        )
    )
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre, institution=home)
    in_centre = with_docket(AchievementFactory(owner=other))
    in_centre.projects.add(ResearchProjectFactory(lead_institution=other, joint_centre=centre))
    # Not visible: another institution's, and one of a project staff do
    # not see.
    foreign = with_docket(AchievementFactory(owner=other))
    foreign_project = with_docket(AchievementFactory(owner=other))
    foreign_project.projects.add(ResearchProjectFactory(lead_institution=other))
    return {
        "staff": staff,
        "visible": {owned, co_owned, led, partnered, in_centre},
        "hidden": {foreign, foreign_project},
    }


class TestStaffScope:
    def test_staff_see_what_their_institutions_own_and_what_their_projects_made(self, world):
        staff = world["staff"]

        assert set(achievements_visible_to(staff)) == world["visible"]

    def test_the_docket_families_applications_and_costs_follow_the_achievements(self, world):
        staff, visible = world["staff"], world["visible"]
        ids = {achievement.pk for achievement in visible}

        assert {d.achievement_id for d in deadlines_visible_to(staff)} == ids
        assert {d.achievement_id for d in docket_for(staff)} == ids
        assert {f.achievement_id for f in patent_families_visible_to(staff)} == ids
        assert {
            a.family.achievement_id
            for a in patent_applications_visible_to(staff).select_related("family")
        } == ids
        assert {
            o.application.family.achievement_id
            for o in office_actions_visible_to(staff).select_related("application__family")
        } == ids
        assert {c.achievement_id for c in ip_costs_visible_to(staff)} == ids

    def test_an_achievement_seen_two_ways_is_listed_once(self, world):
        staff = world["staff"]
        owned = next(a for a in world["visible"] if a.owners.count() == 1 and a.projects.exists())
        owned.projects.add(ResearchProjectFactory(lead_institution=owned.owners.get().institution))

        listed = list(achievements_visible_to(staff).values_list("id", flat=True))

        assert len(listed) == len(set(listed)) == len(world["visible"])
        deadlines = list(deadlines_visible_to(staff).values_list("id", flat=True))
        assert len(deadlines) == len(set(deadlines)) == len(world["visible"])

    def test_staff_of_no_institution_see_nothing(self, world):
        nobody = UserFactory()

        assert not achievements_visible_to(nobody).exists()
        assert not deadlines_visible_to(nobody).exists()

    def test_a_superuser_sees_everything(self, world):
        superuser = UserFactory(is_superuser=True, is_staff=True)
        everything = world["visible"] | world["hidden"]

        assert set(achievements_visible_to(superuser)) == everything
        assert deadlines_visible_to(superuser).count() == len(everything)


class TestOtherRoles:
    def test_a_researcher_sees_what_they_invented_and_no_docket(self):
        researcher = ResearcherUserFactory()
        person = Person.objects.get(user=researcher)
        mine = with_docket(AchievementFactory(inventors=[person]))
        with_docket(AchievementFactory())

        assert list(achievements_visible_to(researcher)) == [mine]
        assert not deadlines_visible_to(researcher).exists()
        assert not ip_costs_visible_to(researcher).exists()

    def test_a_partner_sees_what_its_own_agreements_transfer(self):
        partner = PartnerUserFactory()
        own = AgreementFactory(partnership=PartnershipFactory(enterprise=partner.enterprise))
        licensed = with_docket(AchievementFactory())
        AchievementAgreement.objects.create(achievement=licensed, agreement=own, mode="licence")
        elsewhere = with_docket(AchievementFactory())
        AchievementAgreement.objects.create(
            achievement=elsewhere, agreement=AgreementFactory(), mode="licence"
        )

        assert list(achievements_visible_to(partner)) == [licensed]
        assert list(patent_families_visible_to(partner)) == list(licensed.patent_families.all())
        assert not deadlines_visible_to(partner).exists()
        assert not ip_costs_visible_to(partner).exists()
