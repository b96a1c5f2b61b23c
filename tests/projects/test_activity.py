"""The activity timeline: one entry per change, read newest first, and never
showing a partner internal entries or another partner's entries."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from projects.activity import _json_safe, activity_record
from projects.models import Activity
from projects.selectors import activities_visible_to, project_timeline
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    InstitutionFactory,
    ResearchProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(institution, enterprise):
    return AgreementFactory(
        partnership__institution=institution, partnership__enterprise=enterprise
    )


@pytest.fixture
def project(institution, enterprise, agreement):
    return ResearchProjectFactory(
        lead_institution=institution, agreement=agreement, partner_enterprises=[enterprise]
    )


@pytest.fixture
def foreign_project(other_partner_user):
    return ResearchProjectFactory(partner_enterprises=[other_partner_user.enterprise])


class TestActivitiesVisibleTo:
    def test_a_partner_sees_the_shared_entries_of_its_own_projects_only(
        self, project, foreign_project, partner_user
    ):
        shared = ActivityFactory(project=project)
        ActivityFactory(project=project, is_internal=True)
        ActivityFactory(project=foreign_project)

        assert list(activities_visible_to(partner_user)) == [shared]

    def test_a_partner_sees_the_entries_of_its_own_agreements_only(
        self, agreement, partner_user, other_partner_user
    ):
        own = ActivityFactory(project=None, agreement=agreement)
        ActivityFactory(
            project=None,
            agreement=AgreementFactory(partnership__enterprise=other_partner_user.enterprise),
        )

        assert list(activities_visible_to(partner_user)) == [own]

    def test_on_a_shared_project_a_partner_does_not_see_what_another_enterprise_did(
        self, project, partner_user, other_partner_user, staff_user
    ):
        """What another enterprise's user did on the project under no
        agreement (an upload of its own) stays with that enterprise; what
        staff and the partner's own colleagues did is shared."""
        project.partner_enterprises.add(other_partner_user.enterprise)
        by_staff = ActivityFactory(project=project, actor=staff_user)
        by_colleague = ActivityFactory(project=project, actor=partner_user)
        by_other = ActivityFactory(project=project, actor=other_partner_user)

        assert set(activities_visible_to(partner_user)) == {by_staff, by_colleague}
        assert set(activities_visible_to(other_partner_user)) == {by_staff, by_other}

    def test_staff_see_the_internal_entries_of_their_projects(self, project, staff_user):
        shared = ActivityFactory(project=project)
        internal = ActivityFactory(project=project, is_internal=True)

        assert set(activities_visible_to(staff_user)) == {shared, internal}

    def test_staff_of_another_institution_see_nothing_of_the_project(self, project):
        ActivityFactory(project=project)
        outsider = UserFactory(institutions=[InstitutionFactory()])

        assert not activities_visible_to(outsider).exists()

    def test_an_anonymous_visitor_sees_nothing(self, project):
        ActivityFactory(project=project)

        assert not activities_visible_to(AnonymousUser()).exists()

    def test_a_co_partner_of_a_project_does_not_read_another_enterprises_royalties(
        self, project, agreement, other_partner_user
    ):
        """Two enterprises share a project; only the first holds the licence.
        The second must not learn the first's net sales from the timeline."""
        project.partner_enterprises.add(other_partner_user.enterprise)
        ActivityFactory(project=project, agreement=agreement, verb="royalty_report.submitted")

        assert not activities_visible_to(other_partner_user).exists()


class TestProjectTimeline:
    def test_the_timeline_reads_newest_first(self, project, staff_user):
        now = timezone.now()
        oldest = ActivityFactory(project=project, created_at=now - timedelta(days=2))
        newest = ActivityFactory(project=project, created_at=now)
        middle = ActivityFactory(project=project, created_at=now - timedelta(days=1))
        ActivityFactory()  # another project's

        assert list(project_timeline(staff_user, project)) == [newest, middle, oldest]

    def test_entries_made_at_the_same_moment_read_in_reverse_order_of_writing(
        self, project, staff_user
    ):
        moment = timezone.now()
        first = ActivityFactory(project=project, created_at=moment)
        second = ActivityFactory(project=project, created_at=moment)

        assert list(project_timeline(staff_user, project)) == [second, first]

    def test_a_partners_timeline_leaves_out_internal_entries(self, project, partner_user):
        shared = ActivityFactory(project=project)
        ActivityFactory(project=project, is_internal=True)

        assert list(project_timeline(partner_user, project)) == [shared]

    def test_another_partner_reads_an_empty_timeline(self, project, other_partner_user):
        ActivityFactory(project=project)

        assert not project_timeline(other_partner_user, project).exists()


class TestActivityRecord:
    def test_an_entry_records_who_did_what_to_which_object(self, project, staff_user):
        entry = activity_record(
            actor=staff_user,
            verb="project.updated",
            target=project,
            project=project,
            summary="Budget raised.",
            changes={"budget": [Decimal("1000000.00"), Decimal("1500000.00")]},
        )

        entry.refresh_from_db()
        assert (entry.actor, entry.verb, entry.project) == (staff_user, "project.updated", project)
        assert (entry.target_type, entry.target_id) == ("projects.researchproject", project.pk)
        assert entry.changes == {"budget": ["1000000.00", "1500000.00"]}

    def test_a_system_change_has_no_actor(self, project):
        entry = activity_record(
            actor=AnonymousUser(), verb="x.y", target=project, project=project, summary="By cron."
        )

        assert entry.actor is None

    def test_a_long_summary_is_cut_to_fit(self, project):
        entry = activity_record(actor=None, verb="x.y", target=project, summary="a" * 500)

        assert len(entry.summary) == 300

    def test_changes_are_stored_as_json_without_losing_precision(self, project):
        """Decimals and dates come back from the database as exact strings."""
        activity_record(
            actor=None,
            verb="payment.recorded",
            target=project,
            project=project,
            summary="Paid.",
            changes={"amount": Decimal("0.10"), "paid_on": date(2025, 3, 31)},
        )

        stored = Activity.objects.get().changes
        assert stored == {"amount": "0.10", "paid_on": "2025-03-31"}


class TestJsonSafe:
    def test_decimals_and_dates_become_strings(self):
        assert _json_safe(Decimal("12345678901234567.89")) == "12345678901234567.89"
        assert _json_safe(date(2025, 12, 31)) == "2025-12-31"
        assert _json_safe(datetime(2025, 12, 31, 8, 30)) == "2025-12-31 08:30:00"

    def test_json_values_are_kept_as_they_are(self):
        assert _json_safe({"a": None, "b": True, "c": 3, "d": "text"}) == {
            "a": None,
            "b": True,
            "c": 3,
            "d": "text",
        }

    def test_nested_containers_are_converted_throughout(self):
        value = {"lines": [{"net_sales": Decimal("1.5")}], "span": (date(2025, 1, 1), 2), 7: 1}

        assert _json_safe(value) == {
            "lines": [{"net_sales": "1.5"}],
            "span": ["2025-01-01", 2],
            "7": 1,
        }

    def test_a_model_instance_becomes_its_key(self, project):
        assert _json_safe({"project": project}) == {"project": str(project.pk)}
