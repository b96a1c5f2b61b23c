"""Notices and their emails are written in each recipient's language, not
in the language of whoever's action raised them: a staff member working in
Chinese tells English-speaking partners in English, the nightly reminders
reach Chinese-speaking users in Chinese. Users choose their language with
the language switch, which remembers it for them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import notify
from notifications.text import NoticeText, choice_label, lowercase
from projects import services
from projects.choices import MilestoneStatus
from projects.tasks import send_daily_reminders
from tests.factories import (
    AgreementFactory,
    DocumentFactory,
    MilestoneFactory,
    PartnershipFactory,
    PartnerUserFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_in_process")]

SITE = settings.SITE_URL.rstrip("/")


@pytest.fixture
def project(institution, enterprise):
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )
    return ProjectUnderAgreementFactory(agreement=agreement, code="PRJ-LANG")


@pytest.fixture
def english_partner(enterprise):
    return PartnerUserFactory(enterprise=enterprise, email="cfo@example.com", language="en")


@pytest.fixture
def chinese_partner(enterprise):
    return PartnerUserFactory(enterprise=enterprise, email="wang@example.com", language="zh-hans")


@pytest.fixture
def chinese_staff(institution):
    """Research-centre staff who work in Chinese."""
    return UserFactory(institutions=[institution], email="li@example.com", language="zh-hans")


@pytest.fixture
def staff_without_preference(institution):
    return UserFactory(institutions=[institution], email="officer@example.com")


@pytest.fixture
def working_in_chinese():
    """The acting user's request is in Chinese (the locale middleware has
    activated it for the request's thread)."""
    with translation.override("zh-hans"):
        yield


def in_chinese(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def notice_of(user, kind) -> Notification:
    return Notification.objects.get(recipient=user, kind=kind)


def mail_to(mailoutbox, user):
    (email,) = [email for email in mailoutbox if email.to == [user.email]]
    return email


class TestAClaimByStaffWorkingInChinese:
    @pytest.fixture
    def claim(
        self,
        project,
        chinese_staff,
        english_partner,
        chinese_partner,
        working_in_chinese,
        django_capture_on_commit_callbacks,
    ):
        milestone = MilestoneFactory(project=project, name="First patient dosed")
        document = DocumentFactory(project=project, original_name="site-report.pdf")
        with django_capture_on_commit_callbacks(execute=True):
            services.milestone_claim(milestone=milestone, by=chinese_staff, documents=[document])
        return milestone

    def test_tells_the_english_speaking_partner_in_english(self, claim, english_partner):
        notice = notice_of(english_partner, NotificationKind.CLAIM_AWAITING_VERIFICATION)

        assert notice.title == "PRJ-LANG: please verify the claim for “First patient dosed”"
        assert notice.body == "100,000.00 CNY. Evidence: see the attached documents"

    def test_emails_the_english_speaking_partner_in_english(
        self, claim, english_partner, mailoutbox
    ):
        email = mail_to(mailoutbox, english_partner)

        assert email.subject == (
            "[BioBridge] PRJ-LANG: please verify the claim for “First patient dosed”"
        )
        assert "Evidence: see the attached documents" in email.body
        portal_page = reverse("portal:milestone_detail", kwargs={"milestone_pk": claim.pk})
        assert f"Open it in BioBridge: {SITE}{portal_page}" in email.body

    def test_tells_and_emails_a_chinese_speaking_partner_in_chinese(
        self, claim, chinese_partner, mailoutbox
    ):
        notice = notice_of(chinese_partner, NotificationKind.CLAIM_AWAITING_VERIFICATION)
        email = mail_to(mailoutbox, chinese_partner)

        assert notice.title == "PRJ-LANG：请确认“First patient dosed”的申报"
        assert notice.body == "100,000.00 CNY。证明材料：见所附文件"
        assert email.subject == "[BioBridge] PRJ-LANG：请确认“First patient dosed”的申报"
        assert "在 BioBridge 中打开：" in email.body
        assert "Open it in BioBridge" not in email.body


class TestAnAdvanceByStaffWorkingInChinese:
    @pytest.fixture
    def transition(
        self,
        project,
        chinese_staff,
        staff_without_preference,
        english_partner,
        working_in_chinese,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            return services.project_advance(
                project=project, by=chinese_staff, rationale="Gate review passed."
            )

    def test_tells_the_english_speaking_partner_in_english(self, transition, english_partner):
        notice = notice_of(english_partner, NotificationKind.STAGE_CHANGED)

        assert notice.title == f"PRJ-LANG: Advance — {transition.to_stage.name}"
        assert notice.body == "Gate review passed."

    def test_tells_chinese_speaking_staff_in_chinese(self, transition, chinese_staff):
        notice = notice_of(chinese_staff, NotificationKind.STAGE_CHANGED)

        advance = in_chinese(gettext_lazy("Advance"))
        assert advance != "Advance"
        assert transition.to_stage.name_zh
        assert notice.title == f"PRJ-LANG：{advance} — {transition.to_stage.name_zh}"

    def test_tells_users_without_a_preference_in_the_site_language(
        self, transition, staff_without_preference, mailoutbox
    ):
        notice = notice_of(staff_without_preference, NotificationKind.STAGE_CHANGED)

        assert settings.LANGUAGE_CODE == "en"
        assert notice.title == f"PRJ-LANG: Advance — {transition.to_stage.name}"
        assert "Open it in BioBridge" in mail_to(mailoutbox, staff_without_preference).body


class TestTheDailyReminders:
    def test_reach_a_chinese_speaking_user_in_chinese(
        self,
        project,
        chinese_partner,
        english_partner,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        """The beat task runs without any user's request, in the site's
        language; each reader still gets their own."""
        due = timezone.localdate() + timedelta(days=7)
        MilestoneFactory(project=project, name="Pilot batch", due_date=due)

        with django_capture_on_commit_callbacks(execute=True):
            send_daily_reminders.apply().get()

        chinese = notice_of(chinese_partner, NotificationKind.MILESTONE_DUE_SOON)
        planned = in_chinese(MilestoneStatus.PLANNED.label)
        assert (
            chinese.title
            == f"PRJ-LANG：“Pilot batch”将于 {due.year}年{due.month}月{due.day}日 到期"
        )
        assert chinese.body == f"100,000.00 CNY，当前状态：{planned}。"
        assert mail_to(mailoutbox, chinese_partner).subject == f"[BioBridge] {chinese.title}"
        english = notice_of(english_partner, NotificationKind.MILESTONE_DUE_SOON)
        assert (
            english.title == f"PRJ-LANG: “Pilot batch” falls due on {due.day} {due:%b} {due.year}"
        )
        assert english.body == "100,000.00 CNY, now planned."


class TestAPaymentRecordedByStaffWorkingInChinese:
    def test_names_the_new_status_in_each_readers_language(
        self, project, chinese_staff, english_partner, working_in_chinese
    ):
        milestone = MilestoneFactory(project=project, status=MilestoneStatus.VERIFIED)
        invoice = services.milestone_invoice(milestone=milestone, by=chinese_staff)

        services.payment_record(
            invoice=invoice,
            amount=Decimal("40000.00"),
            currency=invoice.currency,
            paid_on=invoice.issued_on,
            by=chinese_staff,
        )

        english = notice_of(english_partner, NotificationKind.PAYMENT_RECORDED)
        chinese = notice_of(chinese_staff, NotificationKind.PAYMENT_RECORDED)
        partially_paid = in_chinese(MilestoneStatus.PARTIALLY_PAID.label)
        day = invoice.issued_on
        english_date = f"{day.day} {day:%b} {day.year}"
        chinese_date = f"{day.year}年{day.month}月{day.day}日"
        assert english.title == f"Payment received on invoice {invoice.number}"
        assert english.body == f"40,000.00 CNY on {english_date}; partially paid."
        assert chinese.title == f"付款通知 {invoice.number} 款项已到账"
        assert chinese.body == f"{chinese_date} 收到 40,000.00 CNY；{partially_paid}。"


class TestNoticeText:
    def test_is_rendered_in_the_language_active_when_it_is_read(self):
        text = NoticeText(
            gettext_lazy("%(code)s: %(kind)s — %(stage)s"),
            code="PRJ-1",
            kind=gettext_lazy("Advance"),
            stage="Phase I",
        )

        assert str(text) == "PRJ-1: Advance — Phase I"
        assert in_chinese(text) == f"PRJ-1：{in_chinese(gettext_lazy('Advance'))} — Phase I"

    def test_a_choice_label_and_its_lower_case_follow_the_reader(self, project):
        milestone = MilestoneFactory(project=project, status=MilestoneStatus.PARTIALLY_PAID)

        label = lowercase(choice_label(milestone, "status"))

        assert str(label) == "partially paid"
        assert in_chinese(label) == in_chinese(MilestoneStatus.PARTIALLY_PAID.label)

    def test_plain_strings_are_stored_as_they_are(self, chinese_staff):
        (notice,) = notify(
            recipients=[chinese_staff],
            kind=NotificationKind.MILESTONE_VERIFIED,
            event_key="milestone_verified:1",
            title="PRJ-1: verified",
            body="Ready to invoice.",
        )

        assert (notice.title, notice.body) == ("PRJ-1: verified", "Ready to invoice.")


class TestTheLanguageSwitch:
    def test_remembers_a_signed_in_users_choice(self, client, partner_user):
        client.force_login(partner_user)

        response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

        assert response.status_code == 302
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
        partner_user.refresh_from_db()
        assert partner_user.language == "zh-hans"

    def test_switching_back_is_remembered_too(self, client, staff_user):
        staff_user.language = "zh-hans"
        staff_user.save()
        client.force_login(staff_user)

        client.post(reverse("set_language"), {"language": "en", "next": "/"})

        staff_user.refresh_from_db()
        assert staff_user.language == "en"

    def test_still_works_for_anonymous_visitors(self, client):
        response = client.post(
            reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"}
        )

        assert response.status_code == 302
        assert response.url == "/accounts/login/"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"

    def test_an_unknown_language_changes_nothing(self, client, staff_user):
        client.force_login(staff_user)

        response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})

        assert response.status_code == 302
        staff_user.refresh_from_db()
        assert staff_user.language == ""

    def test_a_get_request_changes_nothing(self, client, staff_user):
        client.force_login(staff_user)

        client.get(reverse("set_language"), {"language": "zh-hans"})

        staff_user.refresh_from_db()
        assert staff_user.language == ""

    def test_is_the_address_the_layout_posts_to(self):
        assert reverse("set_language") == "/i18n/setlang/"

    def test_the_admin_shows_and_edits_the_preference(self, client, superuser, staff_user):
        client.force_login(superuser)

        response = client.get(reverse("admin:accounts_user_change", args=[staff_user.pk]))

        assert response.status_code == 200
        assert 'name="language"' in response.content.decode()


def test_signing_in_on_a_new_device_speaks_the_user_s_language(client):
    from tests.factories import DEMO_PASSWORD, PartnerUserFactory

    user = PartnerUserFactory(language="zh-hans")

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": DEMO_PASSWORD}
    )
    overview = client.get(response.url, follow=True)

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-hans">' in overview.content.decode()


def test_a_user_without_a_chosen_language_keeps_the_browser_s(client):
    from tests.factories import DEMO_PASSWORD, PartnerUserFactory

    user = PartnerUserFactory()

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": DEMO_PASSWORD}
    )

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
