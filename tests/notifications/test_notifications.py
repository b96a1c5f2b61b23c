"""Telling people: one in-app notice per person and event, one email per
notice once the change is committed, and the daily round of reminders that
never says the same thing twice."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.selectors import notifications_visible_to
from notifications.services import notifications_mark_read, notify
from notifications.tasks import send_notification_email
from pipelines.models import StageDefinition
from projects.choices import MilestoneStatus, ProjectStatus, RoyaltyReportKind
from projects.models import Activity
from projects.services.milestones import milestone_claim
from projects.services.reminders import reminders_send
from projects.tasks import send_daily_reminders
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    PartnershipFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_in_process")]

MAY_10 = datetime.date(2026, 5, 10)


@pytest.fixture
def agreement(enterprise, institution):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )


@pytest.fixture
def project(agreement):
    return ProjectUnderAgreementFactory(agreement=agreement)


def tell(recipients, event_key="milestone_verified:1", title="PRJ-1: verified"):
    return notify(
        recipients=recipients,
        kind=NotificationKind.MILESTONE_VERIFIED,
        event_key=event_key,
        title=title,
        body="Ready to invoice.",
        url="/projects/PRJ-1/",
    )


class TestNotify:
    def test_one_notice_per_recipient(self, staff_user, partner_user):
        created = tell([staff_user, partner_user])

        assert {n.recipient for n in created} == {staff_user, partner_user}
        assert Notification.objects.count() == 2

    def test_the_same_event_is_never_told_twice(self, staff_user, partner_user):
        tell([staff_user])

        again = tell([staff_user, partner_user])

        assert [n.recipient for n in again] == [partner_user]
        assert Notification.objects.filter(recipient=staff_user).count() == 1

    def test_a_person_listed_twice_is_told_once(self, staff_user):
        created = tell([staff_user, staff_user])

        assert len(created) == 1
        assert Notification.objects.count() == 1

    def test_another_event_is_told(self, staff_user):
        tell([staff_user], event_key="milestone_verified:1")

        tell([staff_user], event_key="milestone_verified:2")

        assert Notification.objects.filter(recipient=staff_user).count() == 2

    def test_a_repeated_event_does_not_spoil_the_callers_transaction(self, staff_user, project):
        """The caller goes on writing after a duplicate notice was skipped
        (on PostgreSQL a failed insert would otherwise abort the whole
        transaction)."""
        with transaction.atomic():
            tell([staff_user])
            tell([staff_user])
            Activity.objects.create(
                project=project,
                verb="test.after_duplicate",
                target_type="projects.researchproject",
                target_id=project.pk,
                summary="Written after a duplicate notice.",
            )

        assert Activity.objects.filter(verb="test.after_duplicate").exists()


class TestEmail:
    def test_the_email_goes_out_once_the_change_is_committed(
        self, staff_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            tell([staff_user], title="PRJ-1: “Proof of concept” verified")
            assert mail.outbox == []

        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == [staff_user.email]
        assert email.subject == "[BioBridge] PRJ-1: “Proof of concept” verified"
        assert "Ready to invoice." in email.body
        assert f"{settings.SITE_URL.rstrip('/')}/projects/PRJ-1/" in email.body
        assert Notification.objects.get().emailed_at is not None

    def test_no_email_if_the_change_is_rolled_back(
        self, staff_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    tell([staff_user])
                    raise RuntimeError("the action failed")
            except RuntimeError:
                pass

        assert callbacks == []
        assert mail.outbox == []
        assert not Notification.objects.exists()

    def test_a_repeated_event_sends_no_second_email(
        self, staff_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            tell([staff_user])
            tell([staff_user])

        assert len(mail.outbox) == 1

    def test_a_mail_server_failure_does_not_fail_the_committed_action(
        self, staff_user, django_capture_on_commit_callbacks, monkeypatch
    ):
        """The change and its in-app notice are committed; an email that
        cannot be sent is logged, and the notice stays marked unsent."""

        def mail_server_down(**kwargs):
            raise OSError("Connection refused")

        monkeypatch.setattr("django.core.mail.send_mail", mail_server_down)

        with django_capture_on_commit_callbacks(execute=True):
            tell([staff_user])

        notice = Notification.objects.get()
        assert notice.recipient == staff_user
        assert notice.emailed_at is None

    def test_running_the_email_task_twice_sends_one_email(self, staff_user):
        """A broker may deliver the task twice; the notice is emailed once."""
        (notice,) = tell([staff_user])

        first = send_notification_email(notice.pk)
        second = send_notification_email(notice.pk)

        assert (first, second) == (True, False)
        assert len(mail.outbox) == 1

    def test_the_email_task_of_a_deleted_notice_does_nothing(self):
        assert send_notification_email(987654) is False
        assert mail.outbox == []


# --- The daily round of reminders ------------------------------------------------


@pytest.fixture
def people(agreement, staff_user, partner_user):
    """The payee's staff and the payer's user, both told of milestones."""
    return {staff_user, partner_user}


def notices(kind):
    return Notification.objects.filter(kind=kind)


class TestMilestoneReminders:
    def test_due_in_30_days_then_due_in_7_days_each_once(self, project, people):
        milestone = MilestoneFactory(project=project, due_date=MAY_10 + timedelta(days=30))

        reminders_send(today=MAY_10)
        reminders_send(today=MAY_10)
        reminders_send(today=MAY_10 + timedelta(days=1))
        after_30 = notices(NotificationKind.MILESTONE_DUE_SOON).count()
        reminders_send(today=MAY_10 + timedelta(days=23))
        reminders_send(today=MAY_10 + timedelta(days=23))
        reminders_send(today=MAY_10 + timedelta(days=29))

        assert after_30 == len(people)
        due_soon = notices(NotificationKind.MILESTONE_DUE_SOON)
        assert due_soon.count() == 2 * len(people)
        assert {n.recipient for n in due_soon} == people
        assert all(milestone.name in n.title for n in due_soon)

    def test_a_milestone_first_seen_a_few_days_ahead_gets_the_7_day_notice_only(
        self, project, people
    ):
        MilestoneFactory(project=project, due_date=MAY_10 + timedelta(days=5))

        reminders_send(today=MAY_10)

        assert [n.event_key.rsplit(":", 1)[1] for n in notices("milestone_due_soon")] == [
            "7"
        ] * len(people)

    def test_a_milestone_due_in_more_than_30_days_is_not_reminded(self, project, people):
        MilestoneFactory(project=project, due_date=MAY_10 + timedelta(days=31))

        result = reminders_send(today=MAY_10)

        assert result.due_soon == 0
        assert not Notification.objects.exists()

    def test_an_overdue_milestone_is_reminded_once_a_day(self, project, people):
        milestone = MilestoneFactory(
            project=project,
            status=MilestoneStatus.INVOICED,
            due_date=MAY_10 - timedelta(days=1),
        )

        first = reminders_send(today=MAY_10)
        reminders_send(today=MAY_10)
        next_day = reminders_send(today=MAY_10 + timedelta(days=1))

        assert (first.overdue, next_day.overdue) == (1, 1)
        overdue = notices(NotificationKind.MILESTONE_OVERDUE)
        assert overdue.count() == 2 * len(people)
        assert {n.recipient for n in overdue} == people
        assert milestone.name in overdue.first().title

    @pytest.mark.parametrize(
        "status", [MilestoneStatus.PAID, MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED]
    )
    def test_a_settled_milestone_is_never_reminded(self, project, people, status):
        MilestoneFactory(
            project=project,
            status=status,
            closing_reason="Closed." if status != MilestoneStatus.PAID else "",
            due_date=MAY_10 - timedelta(days=1),
        )
        MilestoneFactory(
            project=project,
            status=status,
            closing_reason="Closed." if status != MilestoneStatus.PAID else "",
            due_date=MAY_10 + timedelta(days=7),
        )

        reminders_send(today=MAY_10)

        assert not Notification.objects.exists()

    def test_outsiders_are_not_reminded(self, project, people, other_partner_user):
        foreign_staff = UserFactory()
        MilestoneFactory(project=project, due_date=MAY_10 - timedelta(days=3))

        reminders_send(today=MAY_10)

        assert not Notification.objects.filter(
            recipient__in=[other_partner_user, foreign_staff]
        ).exists()


@pytest.fixture
def on_market(agreement, partner_user):
    """A productized project under a signed agreement with a royalty tier,
    reporting quarterly, reports due 45 days after the quarter."""
    RoyaltyTierFactory(agreement=agreement)
    last_stage = StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG").last()
    return ProjectUnderAgreementFactory(
        agreement=agreement, current_stage=last_stage, status=ProjectStatus.PRODUCTIZED
    )


class TestRoyaltyReportReminders:
    def test_a_missing_report_is_asked_for_once(self, on_market, partner_user, staff_user):
        """On 10 May the first quarter's report (due 15 May) is missing: the
        licensee is told once, however often the round runs, and the
        licensor's staff get a copy."""
        first = reminders_send(today=MAY_10)
        reminders_send(today=MAY_10)
        reminders_send(today=MAY_10 + timedelta(days=1))

        due = notices(NotificationKind.ROYALTY_REPORT_DUE)
        assert first.royalty_reports_due == 1
        assert {n.recipient for n in due} == {partner_user, staff_user}
        licensee, copy = due.get(recipient=partner_user), due.get(recipient=staff_user)
        assert "1 Jan 2026–31 Mar 2026" in licensee.title
        assert "due 15 May 2026" in licensee.title
        assert licensee.url.startswith("/portal/")
        assert copy.title == licensee.title
        assert copy.body.startswith("Copy of the reminder sent to")
        assert copy.url == on_market.agreement.get_absolute_url()

    def test_a_late_report_is_asked_for_once_more(self, on_market, partner_user):
        reminders_send(today=MAY_10)
        reminders_send(today=datetime.date(2026, 5, 16))
        reminders_send(today=datetime.date(2026, 5, 17))

        titles = sorted(n.title for n in notices(NotificationKind.ROYALTY_REPORT_DUE))
        assert len(titles) == 2
        assert titles[1].endswith("is late")

    def test_no_reminder_once_the_report_is_in(self, on_market, agreement):
        RoyaltyReportFactory(
            agreement=agreement,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31),
        )

        result = reminders_send(today=MAY_10)

        assert result.royalty_reports_due == 0
        assert not notices(NotificationKind.ROYALTY_REPORT_DUE).exists()

    def test_no_reminder_before_the_product_is_on_the_market(self, agreement, partner_user):
        RoyaltyTierFactory(agreement=agreement)
        ProjectUnderAgreementFactory(agreement=agreement, status=ProjectStatus.ACTIVE)

        reminders_send(today=MAY_10)

        assert not notices(NotificationKind.ROYALTY_REPORT_DUE).exists()

    def test_no_reminder_under_an_agreement_without_royalties(self, agreement, partner_user):
        ProjectUnderAgreementFactory(agreement=agreement, status=ProjectStatus.PRODUCTIZED)

        reminders_send(today=MAY_10)

        assert not notices(NotificationKind.ROYALTY_REPORT_DUE).exists()

    def test_no_reminder_under_an_unsigned_agreement(self, on_market, agreement):
        agreement.status = agreement.Status.DRAFT
        agreement.signed_on = None
        agreement.save()

        reminders_send(today=MAY_10)

        assert not notices(NotificationKind.ROYALTY_REPORT_DUE).exists()

    def test_no_reminder_for_a_period_after_the_agreement_expired(self, on_market, agreement):
        agreement.expires_on = datetime.date(2025, 12, 31)
        agreement.save()

        reminders_send(today=MAY_10)

        assert not notices(NotificationKind.ROYALTY_REPORT_DUE).exists()

    def test_no_reminder_for_a_period_after_the_royalty_term(self, on_market, agreement):
        """Royalties run for one year from the first report (2025): a report
        for the first quarter of 2026 is not asked for."""
        agreement.royalty_term_years = 1
        agreement.save()
        RoyaltyReportFactory(agreement=agreement)

        reminders_send(today=MAY_10)

        assert not notices(NotificationKind.ROYALTY_REPORT_DUE).exists()

    def test_a_reminder_within_the_royalty_term(self, on_market, agreement):
        agreement.royalty_term_years = 2
        agreement.save()
        RoyaltyReportFactory(agreement=agreement)

        reminders_send(today=MAY_10)

        assert notices(NotificationKind.ROYALTY_REPORT_DUE).count() == 1


class TestMinimumRoyaltyTrueUp:
    def test_the_round_tops_last_year_up_to_the_minimum_once(self, on_market, agreement):
        """Royalties of 5,000 reported for 2025 against a minimum of 20,000:
        early in 2026 the round records the 15,000 top-up, once."""
        agreement.minimum_annual_royalty = Decimal("20000.00")
        agreement.save()
        RoyaltyReportFactory(agreement=agreement, royalty_due=Decimal("5000.00"))
        new_year = datetime.date(2026, 1, 5)

        first = reminders_send(today=new_year)
        second = reminders_send(today=new_year)

        assert (first.true_ups, second.true_ups) == (1, 0)
        true_up = agreement.royalty_reports.get(kind=RoyaltyReportKind.MINIMUM_TRUE_UP)
        assert true_up.royalty_due == Decimal("15000.00")
        assert (true_up.period_start, true_up.period_end) == (
            datetime.date(2025, 1, 1),
            datetime.date(2025, 12, 31),
        )


class TestReading:
    def test_a_user_marks_only_their_own_notices_read(self, staff_user, partner_user):
        mine, theirs = tell([staff_user, partner_user])

        marked = notifications_mark_read(user=staff_user, ids=[mine.pk, theirs.pk])

        mine.refresh_from_db()
        theirs.refresh_from_db()
        assert marked == 1
        assert mine.read_at is not None
        assert theirs.read_at is None
        assert list(notifications_visible_to(partner_user)) == [theirs]


class TestAgreementExpiryReminders:
    @pytest.fixture
    def told(self, agreement, staff_user, enterprise):
        """The research party's staff and the enterprise's partner admin;
        a partner user who is no admin is not told of the contract."""
        admin = PartnerUserFactory(enterprise=enterprise, is_partner_admin=True)
        PartnerUserFactory(enterprise=enterprise)
        return {staff_user, admin}

    def expiring(self):
        return notices(NotificationKind.AGREEMENT_EXPIRING)

    def test_90_then_30_days_before_expiry_each_once(self, agreement, told):
        agreement.expires_on = MAY_10 + timedelta(days=90)
        agreement.save()

        first = reminders_send(today=MAY_10)
        reminders_send(today=MAY_10)
        reminders_send(today=MAY_10 + timedelta(days=1))
        after_90 = self.expiring().count()
        at_30 = reminders_send(today=MAY_10 + timedelta(days=60))
        reminders_send(today=MAY_10 + timedelta(days=60))
        reminders_send(today=MAY_10 + timedelta(days=75))

        assert (first.agreements_expiring, at_30.agreements_expiring) == (1, 1)
        assert after_90 == len(told)
        assert self.expiring().count() == 2 * len(told)
        assert {n.recipient for n in self.expiring()} == told
        notice = self.expiring().filter(recipient__role="centre_staff").first()
        assert notice.title == f"{agreement.reference} expires on 8 Aug 2026"
        assert notice.url == agreement.get_absolute_url()
        partner_notice = self.expiring().filter(recipient__role="partner").first()
        assert partner_notice.url == f"/portal/agreements/{agreement.reference}/"

    def test_an_agreement_first_seen_within_30_days_gets_the_30_day_notice_only(
        self, agreement, told
    ):
        agreement.expires_on = MAY_10 + timedelta(days=12)
        agreement.save()

        reminders_send(today=MAY_10)

        assert {n.event_key.rsplit(":", 1)[1] for n in self.expiring()} == {"30"}

    def test_an_extended_agreement_is_reminded_of_its_new_date(self, agreement, told):
        agreement.expires_on = MAY_10 + timedelta(days=30)
        agreement.save()
        reminders_send(today=MAY_10)
        agreement.expires_on = MAY_10 + timedelta(days=90)
        agreement.save()

        reminders_send(today=MAY_10)

        assert self.expiring().count() == 2 * len(told)

    @pytest.mark.parametrize(
        ("renewal", "words"),
        [
            ("none", "It has no renewal clause"),
            ("by_notice", "renewed for 12 months if notice is given by 10 May 2026"),
            ("automatic", "renews automatically for 12 months unless notice is given by"),
        ],
    )
    def test_the_reminder_says_how_the_agreement_renews(self, agreement, told, renewal, words):
        agreement.expires_on = MAY_10 + timedelta(days=90)
        agreement.renewal = renewal
        if renewal != "none":
            agreement.renewal_notice_days = 90
            agreement.renewal_term_months = 12
        agreement.save()

        reminders_send(today=MAY_10)

        assert words in self.expiring().first().body

    @pytest.mark.parametrize("status", ["draft", "terminated"])
    def test_an_unsigned_or_terminated_agreement_is_not_reminded(self, agreement, told, status):
        agreement.expires_on = MAY_10 + timedelta(days=30)
        agreement.status = status
        agreement.save()

        assert reminders_send(today=MAY_10).agreements_expiring == 0
        assert not self.expiring().exists()

    def test_an_agreement_further_off_or_already_expired_is_not_reminded(self, agreement, told):
        later = AgreementFactory(
            partnership=agreement.partnership, expires_on=MAY_10 + timedelta(days=91)
        )
        agreement.expires_on = MAY_10 - timedelta(days=1)
        agreement.save()

        reminders_send(today=MAY_10)

        assert later.pk and not self.expiring().exists()

    def test_outsiders_are_not_reminded(self, agreement, told, other_partner_user):
        foreign_staff = UserFactory()
        agreement.expires_on = MAY_10 + timedelta(days=30)
        agreement.save()

        reminders_send(today=MAY_10)

        assert {n.recipient for n in self.expiring()} == told
        assert (
            not self.expiring().filter(recipient__in=[other_partner_user, foreign_staff]).exists()
        )


class TestDailyTask:
    def test_the_daily_reminders_task_runs_the_round(self, project, partner_user):
        """The beat schedule names the task; run, it sends the day's
        reminders and reports what it did."""
        MilestoneFactory(project=project, due_date=timezone.localdate() + timedelta(days=7))

        result = send_daily_reminders.apply().get()

        assert (
            settings.CELERY_BEAT_SCHEDULE["daily-reminders"]["task"] == send_daily_reminders.name
        )
        assert send_daily_reminders.name == "projects.tasks.send_daily_reminders"
        assert result == {
            "due_soon": 1,
            "overdue": 0,
            "royalty_reports_due": 0,
            "agreements_expiring": 0,
            "true_ups": 0,
            "fixed_payments_recorded": 0,
        }
        assert notices(NotificationKind.MILESTONE_DUE_SOON).filter(recipient=partner_user).exists()

    def test_running_the_task_twice_tells_nobody_twice(self, project, partner_user):
        MilestoneFactory(project=project, due_date=timezone.localdate() - timedelta(days=2))

        send_daily_reminders.apply().get()
        again = send_daily_reminders.apply().get()

        assert again["overdue"] == 0
        assert notices(NotificationKind.MILESTONE_OVERDUE).count() == 1


class TestPlainTextEmail:
    def test_names_and_notes_reach_the_reader_unescaped(
        self, staff_user, partner_user, enterprise, agreement, django_capture_on_commit_callbacks
    ):
        """A notice's email is plain text: a milestone, evidence or
        enterprise named with quotes and angle brackets reads as written."""
        enterprise.name = "Quote \"<&>' Bio"
        enterprise.save(update_fields=["name"])
        project = ProjectUnderAgreementFactory(agreement=agreement, code="PRJ-Q")
        milestone = MilestoneFactory(project=project, name="Quote \"<&>' Bio: first lot")

        with django_capture_on_commit_callbacks(execute=True):
            milestone_claim(
                milestone=milestone, by=staff_user, evidence_note="Batch <7> & 'QC' \"passed\""
            )

        (email,) = [email for email in mail.outbox if email.to == [partner_user.email]]
        assert email.subject == (
            "[BioBridge] PRJ-Q: please verify the claim for “Quote \"<&>' Bio: first lot”"
        )
        assert "Batch <7> & 'QC' \"passed\"" in email.body
        for entity in ("&quot;", "&#x27;", "&lt;", "&amp;"):
            assert entity not in email.subject + email.body
