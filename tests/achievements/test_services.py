"""Achievements, disclosures and patents through their services: the rules
that refuse bad input with a code, and the docket kept in step."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from achievements import services
from achievements.choices import DeadlineState, DisclosureStatus
from achievements.events import AchievementStatusChanged, DeadlineDue
from achievements.models import Achievement, Deadline, Disclosure
from core.errors import DomainError, PermissionDenied
from core.events import recorded_events
from tests.factories import (
    AchievementFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def owners_of(institution, share=100):
    return [services.OwnerInput(institution=institution, share_percent=Decimal(share))]


class TestAchievements:
    def test_shares_of_inventors_must_add_up_to_100(self, staff_user, institution):
        people = PersonFactory.create_batch(2, institution=institution)
        with pytest.raises(DomainError) as refused:
            services.achievement_create(
                by=staff_user,
                owners=owners_of(institution),
                inventors=[
                    services.InventorInput(person=people[0], contribution_percent=Decimal(60)),
                    services.InventorInput(person=people[1], contribution_percent=Decimal(30)),
                ],
                title="CAR-T construct",
                kind="invention",
                funding_source="government",
                disclosed_on=date(2025, 1, 10),
            )
        assert (refused.value.code, refused.value.field) == ("shares_not_100", "inventors")
        assert not Achievement.objects.exists()

    def test_co_owners_shares_must_add_up_to_100(self, staff_user, institution):
        other = PersonFactory().institution
        with pytest.raises(DomainError) as refused:
            services.achievement_create(
                by=staff_user,
                owners=[*owners_of(institution, 60), *owners_of(other, 30)],
                inventors=[
                    services.InventorInput(person=PersonFactory(), contribution_percent=100)
                ],
                title="CAR-T construct",
                kind="invention",
                funding_source="government",
                disclosed_on=date(2025, 1, 10),
            )
        assert (refused.value.code, refused.value.field) == ("shares_not_100", "owners")

    def test_staff_record_an_achievement_of_their_institution_with_a_reference(
        self, staff_user, institution
    ):
        achievement = services.achievement_create(
            by=staff_user,
            owners=owners_of(institution),
            inventors=[services.InventorInput(person=PersonFactory(), contribution_percent=100)],
            title="CAR-T construct",
            kind="invention",
            funding_source="government",
            disclosed_on=date(2025, 1, 10),
        )
        assert achievement.reference == f"ACH-{timezone.localdate().year}-0001"
        assert achievement.owners.get().institution == institution

    def test_staff_cannot_record_an_achievement_only_others_own(self, staff_user):
        foreign = PersonFactory().institution
        with pytest.raises(PermissionDenied):
            services.achievement_create(
                by=staff_user,
                owners=owners_of(foreign),
                inventors=[
                    services.InventorInput(person=PersonFactory(), contribution_percent=100)
                ],
                title="CAR-T construct",
                kind="invention",
                funding_source="government",
                disclosed_on=date(2025, 1, 10),
            )

    def test_a_decision_needs_its_rationale_and_is_announced(self, staff_user, institution):
        achievement = AchievementFactory(owner=institution)
        with pytest.raises(DomainError) as refused:
            services.achievement_decide(
                achievement=achievement, by=staff_user, decision="protect", rationale=" "
            )
        assert refused.value.code == "rationale_required"
        with recorded_events() as heard:
            services.achievement_decide(
                achievement=achievement,
                by=staff_user,
                decision="protect",
                rationale="Strong data; two licensees interested.",
            )
        achievement.refresh_from_db()
        assert (achievement.status, achievement.decided_by) == ("protect", staff_user)
        assert [(type(e), e.previous_status) for e in heard] == [
            (AchievementStatusChanged, "disclosed")
        ]


class TestDisclosures:
    def test_a_researcher_discloses_and_the_office_accepts_it_once_inventors_confirm(
        self, staff_user, institution
    ):
        researcher = ResearcherUserFactory(person=PersonFactory(institution=institution))
        colleague_user = ResearcherUserFactory(person=PersonFactory(institution=institution))
        disclosure = services.disclosure_create(
            by=researcher,
            inventors=[
                services.InventorInput(person=researcher.person, contribution_percent=Decimal(70)),
                services.InventorInput(
                    person=colleague_user.person, contribution_percent=Decimal(30)
                ),
            ],
            title="Stable IL-2 mutein",
            kind="invention",
            summary="A mutein with a longer half-life.",
            institution=institution,
            funding_source="government",
        )
        services.disclosure_submit(disclosure=disclosure, by=researcher)
        with pytest.raises(DomainError) as refused:
            services.disclosure_convert(disclosure=disclosure, by=staff_user)
        assert refused.value.code == "inventors_unconfirmed"

        services.disclosure_confirm(disclosure=disclosure, by=colleague_user)
        achievement = services.disclosure_convert(disclosure=disclosure, by=staff_user)

        disclosure.refresh_from_db()
        assert disclosure.status == DisclosureStatus.CONVERTED
        assert disclosure.achievement == achievement
        assert sorted(achievement.inventors.values_list("contribution_percent", flat=True)) == [
            Decimal(30),
            Decimal(70),
        ]
        assert achievement.owners.get().institution == institution

    def test_a_submission_with_shares_off_100_is_refused(self, institution):
        researcher = ResearcherUserFactory(person=PersonFactory(institution=institution))
        disclosure = services.disclosure_create(
            by=researcher,
            inventors=[services.InventorInput(person=researcher.person, contribution_percent=90)],
            title="Stable IL-2 mutein",
            kind="invention",
            summary="A mutein.",
            institution=institution,
            funding_source="own",
        )
        with pytest.raises(DomainError) as refused:
            services.disclosure_submit(disclosure=disclosure, by=researcher)
        assert refused.value.code == "shares_not_100"
        assert Disclosure.objects.get().status == DisclosureStatus.DRAFT

    def test_only_researchers_disclose(self, staff_user, institution):
        with pytest.raises(PermissionDenied):
            services.disclosure_create(
                by=staff_user,
                inventors=[],
                title="x",
                kind="invention",
                summary="y",
                institution=institution,
                funding_source="own",
            )

    def test_another_researcher_cannot_edit_the_disclosure(self, institution):
        researcher = ResearcherUserFactory(person=PersonFactory(institution=institution))
        disclosure = services.disclosure_create(
            by=researcher,
            inventors=[services.InventorInput(person=researcher.person, contribution_percent=100)],
            title="Stable IL-2 mutein",
            kind="invention",
            summary="A mutein.",
            institution=institution,
            funding_source="own",
        )
        with pytest.raises(PermissionDenied):
            services.disclosure_update(
                disclosure=disclosure, by=ResearcherUserFactory(), title="Mine now"
            )


class TestApplications:
    @pytest.fixture
    def family(self, institution):
        return PatentFamilyFactory(
            achievement=AchievementFactory(owner=institution), priority_date=date(2024, 8, 31)
        )

    def create(self, user, family, **fields):
        fields = {"jurisdiction": "CN", "kind": "invention", "status": "filed", **fields}
        return services.application_create(by=user, family=family, **fields)

    @pytest.mark.parametrize(
        ("fields", "code", "field"),
        [
            ({"filed_on": date(2024, 8, 30)}, "filed_before_priority", "filed_on"),
            (
                {
                    "filed_on": date(2024, 9, 1),
                    "granted_on": date(2024, 8, 31),
                    "status": "granted",
                },
                "granted_before_filing",
                "granted_on",
            ),
            (
                {"jurisdiction": "US", "kind": "national_phase", "filed_on": date(2025, 9, 1)},
                None,
                None,
            ),
            ({"status": "filed"}, "filing_date_required", "filed_on"),
            (
                {"jurisdiction": "PCT", "kind": "invention", "filed_on": date(2025, 1, 1)},
                "pct_kind_mismatch",
                "kind",
            ),
            (
                {"jurisdiction": "US", "kind": "divisional", "filed_on": date(2025, 1, 1)},
                "parent_required",
                "parent",
            ),
        ],
    )
    def test_bad_applications_are_refused_with_a_code(
        self, staff_user, family, fields, code, field
    ):
        if code is None:
            # A phase with the family's priority date but no PCT parent is
            # allowed; without the priority date it is refused.
            self.create(staff_user, family, **fields)
            family.priority_date = None
            family.save()
            code, field = "phase_without_pct", "parent"
            fields = {**fields, "application_number": "US-2"}
        with pytest.raises(DomainError) as refused:
            self.create(staff_user, family, **fields)
        assert (refused.value.code, refused.value.field) == (code, field)

    def test_application_numbers_are_unique_within_a_jurisdiction(self, staff_user, family):
        self.create(
            staff_user, family, application_number="202410001234.5", filed_on=date(2024, 9, 1)
        )
        with pytest.raises(DomainError) as refused:
            self.create(
                staff_user, family, application_number="202410001234.5", filed_on=date(2024, 9, 2)
            )
        assert refused.value.code == "duplicate_application_number"
        self.create(
            staff_user,
            family,
            jurisdiction="US",
            application_number="202410001234.5",
            filed_on=date(2024, 9, 2),
        )

    def test_the_docket_follows_the_family(self, staff_user, family):
        cn = self.create(staff_user, family, filed_on=date(2024, 8, 31), application_number="CN1")
        kinds = set(family.deadlines.values_list("kind", flat=True))
        assert kinds == {"pct_filing", "expiry"}
        family.refresh_from_db()
        assert family.expires_on == date(2044, 8, 31)

        pct = self.create(
            staff_user,
            family,
            jurisdiction="PCT",
            kind="pct_international",
            filed_on=date(2025, 8, 29),
            application_number="PCT/CN2025/1",
        )
        pct_filing = family.deadlines.get(kind="pct_filing")
        assert (pct_filing.state, pct_filing.done_on) == (DeadlineState.DONE, date(2025, 8, 29))
        national = family.deadlines.get(kind="national_phase", application=pct)
        assert national.due_on == date(2027, 2, 28)

        services.application_update(
            application=cn, by=staff_user, status="granted", granted_on=date(2025, 10, 20)
        )
        annuity = family.deadlines.get(kind="annuity", application=cn)
        assert (annuity.sequence, annuity.due_on) == (2, date(2025, 12, 20))
        services.deadline_complete(deadline=annuity, by=staff_user, done_on=date(2025, 12, 1))
        following = family.deadlines.get(kind="annuity", application=cn, state="open")
        assert (following.sequence, following.due_on) == (3, date(2026, 8, 31))

        services.application_update(application=cn, by=staff_user, status="abandoned")
        assert not family.deadlines.filter(application=cn, state="open").exists()
        assert family.deadlines.filter(application=cn, state="done", kind="annuity").count() == 1

    def test_an_office_action_puts_its_response_on_the_docket(self, staff_user, family):
        cn = self.create(staff_user, family, filed_on=date(2024, 8, 31), application_number="CN1")
        action = services.office_action_record(
            application=cn, by=staff_user, received_on=date(2025, 10, 31), term_months=4
        )
        cn.refresh_from_db()
        assert cn.status == "office_action"
        response = Deadline.objects.get(office_action=action)
        assert response.due_on == date(2026, 2, 28)
        services.office_action_respond(action=action, by=staff_user, responded_on=date(2026, 1, 5))
        response.refresh_from_db()
        cn.refresh_from_db()
        assert (response.state, cn.status) == ("done", "examination")

    def test_a_waiver_needs_a_reason(self, staff_user, family):
        self.create(staff_user, family, filed_on=date(2024, 8, 31), application_number="CN1")
        pct = family.deadlines.get(kind="pct_filing")
        with pytest.raises(DomainError) as refused:
            services.deadline_waive(deadline=pct, by=staff_user, reason="")
        assert refused.value.code == "reason_required"
        services.deadline_waive(
            deadline=pct, by=staff_user, reason="China only: no foreign filing."
        )
        pct.refresh_from_db()
        assert pct.state == "waived"

    def test_staff_of_another_institution_cannot_touch_the_docket(self, family):
        outsider = UserFactory(institutions=[PersonFactory().institution])
        with pytest.raises(PermissionDenied):
            self.create(outsider, family, filed_on=date(2024, 9, 1))


class TestReminders:
    def test_each_reminder_goes_out_once_even_after_a_missed_day(self, staff_user):
        today = date(2026, 3, 1)
        application = PatentApplicationFactory(filed_on=date(2024, 3, 15))
        services.deadlines_refresh(application.family)
        pct = application.family.deadlines.get(kind="pct_filing")
        pct.due_on = today + timedelta(days=29)  # the 90-day and 30-day runs were missed
        pct.save()

        with recorded_events() as heard:
            assert services.deadlines_remind(today=today) == 1
            assert services.deadlines_remind(today=today) == 0
            assert services.deadlines_remind(today=today + timedelta(days=22)) == 1  # 7 days
            assert services.deadlines_remind(today=today + timedelta(days=30)) == 1  # overdue
            assert services.deadlines_remind(today=today + timedelta(days=60)) == 0
        due = [event for event in heard if isinstance(event, DeadlineDue)]
        assert [(event.deadline, event.days_left) for event in due] == [
            (pct, 29),
            (pct, 7),
            (pct, -1),
        ]
