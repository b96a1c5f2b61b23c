"""The staff's pages of distribution runs: the list, preparing a period
(preview, then a draft), a run's page with its figures and lines, the
actions on it with the reasons a button is disabled, the statements of the
inventors and the public notice list. Refusals are messages or form
errors, never server errors; another institution's run answers 404."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from achievements.models import AchievementAgreement
from distributions.choices import LineState, RecipientKind, RunState
from distributions.models import DistributionRun, EquityHolding
from distributions.services import runs
from tests.distributions.test_runs import H1, H2, YEAR, policy, receive
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnershipFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def institution():
    return InstitutionFactory(name="Eastern University", name_zh="东方大学")


@pytest.fixture
def preparer(institution):
    return UserFactory(institutions=[institution], full_name="Paula Prepares")


@pytest.fixture
def approver(institution):
    return UserFactory(institutions=[institution], full_name="Arthur Approves")


@pytest.fixture
def li_wei(institution):
    return PersonFactory(institution=institution, full_name="Li Wei")


@pytest.fixture
def zhang_min(institution):
    return PersonFactory(institution=institution, full_name="Zhang Min")


@pytest.fixture
def achievement(institution, li_wei, zhang_min):
    achievement = AchievementFactory(
        owner=institution,
        inventors=[li_wei, zhang_min],
        reference="ACH-2025-001",
        title="Thermostable polymerase",
        title_zh="耐热聚合酶",
    )
    achievement.inventors.filter(person=li_wei).update(
        contribution_percent=60, department="Immunology"
    )
    achievement.inventors.filter(person=zhang_min).update(
        contribution_percent=40, department="Chemistry"
    )
    return achievement


@pytest.fixture
def licence(institution, achievement):
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution),
        reference="LIC-2025-07",
        registration_number="2025110000000001",
    )
    AchievementAgreement.objects.create(
        achievement=achievement, agreement=agreement, mode="licence"
    )
    return agreement


@pytest.fixture
def first_half(institution, licence):
    """A half-year with 100,000 received: 50 % to the inventors (60/40),
    50 % to the institution."""
    policy(institution, (None, "0.5", "0", "0.5", "0"))
    receive(licence, D("100000"), date(YEAR, 3, 1))


@pytest.fixture
def draft(preparer, institution, first_half):
    return runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])


@pytest.fixture
def approved(draft, approver):
    return runs.approve_run(approver, draft)


def _login(client, user):
    client.force_login(user)
    return user


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The list --------------------------------------------------------------------------


class TestList:
    def test_the_list_shows_the_runs_of_the_users_institutions(
        self, client, preparer, draft, approved
    ):
        foreign_institution = InstitutionFactory()
        foreign_staff = UserFactory(institutions=[foreign_institution])
        _login(client, preparer)

        response = client.get(reverse("distributions:runs"))

        assert response.status_code == 200
        assert [run.pk for run in response.context["page"]] == [approved.pk]
        assert "100,000.00 CNY" in response.content.decode()
        _login(client, foreign_staff)
        assert list(client.get(reverse("distributions:runs")).context["page"]) == []

    def test_the_list_filters_by_state_institution_and_year(
        self, client, preparer, approver, institution, draft
    ):
        runs.approve_run(approver, draft)
        second = runs.prepare_run(preparer, institution, period_start=H2[0], period_end=H2[1])
        _login(client, preparer)

        def shown(**params):
            response = client.get(reverse("distributions:runs"), params)
            return [run.pk for run in response.context["page"]]

        assert shown(state="draft") == [second.pk]
        assert shown(state="approved") == [draft.pk]
        assert shown(institution=institution.pk) == [second.pk, draft.pk]
        assert shown(year=YEAR) == [second.pk, draft.pk]
        assert shown(year=YEAR + 1) == []

    def test_the_lists_queries_do_not_grow_with_its_rows(
        self, client, preparer, institution, draft, django_assert_max_num_queries
    ):
        _login(client, preparer)
        with django_assert_max_num_queries(30) as one_row:
            client.get(reverse("distributions:runs"))
        for _index in range(5):
            runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1])

        with django_assert_max_num_queries(len(one_row.captured_queries)):
            response = client.get(reverse("distributions:runs"))

        assert len(response.context["page"]) == 6


# --- Preparing -------------------------------------------------------------------------


class TestPrepare:
    def test_the_preview_shows_the_plan_and_saves_nothing(
        self, client, preparer, institution, first_half
    ):
        _login(client, preparer)

        response = client.post(
            reverse("distributions:run-prepare"),
            {
                "institution": institution.pk,
                "period_start": "2025-01-01",
                "period_end": "2025-06-30",
                "currency": "CNY",
                "preview": "1",
            },
        )

        assert response.status_code == 200
        text = response.content.decode()
        assert 'data-testid="run-preview"' in text
        assert "100,000.00 CNY" in text  # the receipts and the net income
        assert "30,000.00 CNY" in text  # Li Wei: 60 % of the inventors' 50 %
        assert "20,000.00 CNY" in text  # Zhang Min
        assert "Tier 1: 100,000.00 CNY × 30.00 % = 30,000.00 CNY" in text
        assert response.context["totals"].adds_up
        assert not DistributionRun.objects.exists()

    def test_saving_makes_a_draft(self, client, preparer, institution, first_half):
        _login(client, preparer)

        response = client.post(
            reverse("distributions:run-prepare"),
            {
                "institution": institution.pk,
                "period_start": "2025-01-01",
                "period_end": "2025-06-30",
                "currency": "CNY",
                "save": "1",
            },
        )

        run = DistributionRun.objects.get()
        assert response.status_code == 302 and response.url == run.get_absolute_url()
        assert (run.state, run.prepared_by, run.net_income) == (
            RunState.DRAFT,
            preparer,
            D("100000.00"),
        )

    def test_a_refusal_is_a_form_error_and_nothing_is_saved(
        self, client, preparer, institution, licence
    ):
        _login(client, preparer)  # no policy in force

        response = client.post(
            reverse("distributions:run-prepare"),
            {
                "institution": institution.pk,
                "period_start": "2025-01-01",
                "period_end": "2025-06-30",
                "currency": "CNY",
                "save": "1",
            },
        )

        assert response.status_code == 200
        assert "has no distribution policy in force" in response.content.decode()
        assert not DistributionRun.objects.exists()

    def test_another_institution_is_not_offered(self, client, preparer, institution):
        foreign = InstitutionFactory()
        _login(client, preparer)

        response = client.post(
            reverse("distributions:run-prepare"),
            {
                "institution": foreign.pk,
                "period_start": "2025-01-01",
                "period_end": "2025-06-30",
                "currency": "CNY",
                "save": "1",
            },
        )

        assert response.status_code == 200
        assert response.context["form"].errors["institution"]
        assert not DistributionRun.objects.exists()


# --- A run's page and its actions ------------------------------------------------------


class TestRunPage:
    def test_the_page_shows_figures_lines_and_totals(self, client, approver, draft):
        _login(client, approver)

        response = client.get(reverse("distributions:run", args=[draft.pk]))

        assert response.status_code == 200
        text = response.content.decode()
        assert "ACH-2025-001" in text and "Thermostable polymerase" in text
        for name in ("Li Wei", "Zhang Min", "Eastern University"):
            assert name in text
        assert "Immunology" in text
        totals = response.context["totals"]
        assert (totals.net_income, totals.cash) == (D("100000.00"), D("100000.00"))
        assert "Paula Prepares" in text
        assert "Cash reward: half of it counted as income" in text

    def test_the_preparer_sees_approve_disabled_and_why(self, client, preparer, draft):
        _login(client, preparer)

        response = client.get(reverse("distributions:run", args=[draft.pk]))

        text = response.content.decode()
        assert 'data-testid="action-approve" disabled' in text
        assert "You prepared this run: another staff member approves it" in text
        assert 'data-testid="action-recompute" disabled' not in text

    def test_the_preparers_approval_is_refused_with_a_message(self, client, preparer, draft):
        _login(client, preparer)

        response = client.post(reverse("distributions:run-approve", args=[draft.pk]), follow=True)

        assert response.status_code == 200
        assert any("other than the one who prepared it" in m for m in _messages(response))
        draft.refresh_from_db()
        assert draft.state == RunState.DRAFT

    def test_another_staff_member_approves(self, client, approver, draft):
        _login(client, approver)

        response = client.post(reverse("distributions:run-approve", args=[draft.pk]), follow=True)

        draft.refresh_from_db()
        assert (draft.state, draft.approved_by) == (RunState.APPROVED, approver)
        assert "Arthur Approves" in response.content.decode()

    def test_a_draft_is_recomputed_from_todays_records(self, client, preparer, draft, licence):
        receive(licence, D("20000"), date(YEAR, 5, 1))  # recorded late
        _login(client, preparer)

        client.post(reverse("distributions:run-recompute", args=[draft.pk]))

        draft.refresh_from_db()
        assert draft.net_income == D("120000.00")

    def test_a_draft_is_discarded(self, client, preparer, draft):
        _login(client, preparer)

        response = client.post(reverse("distributions:run-discard", args=[draft.pk]))

        assert response.url == reverse("distributions:runs")
        assert not DistributionRun.objects.exists()

    def test_an_approved_run_is_corrected_by_a_new_draft(
        self, client, preparer, approved, licence
    ):
        receive(licence, D("2000"), date(YEAR, 5, 1))
        _login(client, preparer)

        response = client.get(reverse("distributions:run", args=[approved.pk]))
        assert 'data-testid="action-approve"' not in response.content.decode()
        response = client.post(reverse("distributions:run-correct", args=[approved.pk]))

        correction = DistributionRun.objects.get(corrects=approved)
        assert response.url == correction.get_absolute_url()
        assert (correction.state, correction.net_income) == (RunState.DRAFT, D("2000.00"))

    def test_discarding_an_approved_run_is_refused_with_a_message(
        self, client, preparer, approved
    ):
        _login(client, preparer)

        response = client.post(
            reverse("distributions:run-discard", args=[approved.pk]), follow=True
        )

        assert any("cannot change" in m for m in _messages(response))
        assert DistributionRun.objects.filter(pk=approved.pk).exists()

    def test_the_public_notice_is_recorded(self, client, preparer, approved):
        _login(client, preparer)

        client.post(
            reverse("distributions:run-notice", args=[approved.pk]),
            {"published_on": "2026-01-05", "days": "15"},
        )

        approved.refresh_from_db()
        assert (approved.notice_published_on, approved.notice_days) == (date(2026, 1, 5), 15)
        response = client.get(reverse("distributions:run", args=[approved.pk]))
        assert response.context["notice_ends_on"] == date(2026, 1, 19)

    def test_a_notice_of_no_days_is_a_form_error(self, client, preparer, approved):
        _login(client, preparer)

        response = client.post(
            reverse("distributions:run-notice", args=[approved.pk]),
            {"published_on": "2026-01-05", "days": "0"},
        )

        assert response.status_code == 200
        assert response.context["notice_form"].errors["days"]
        approved.refresh_from_db()
        assert approved.notice_published_on is None

    def test_a_draft_has_no_notice_and_says_why(self, client, preparer, draft):
        _login(client, preparer)

        response = client.get(reverse("distributions:run", args=[draft.pk]))

        assert "put on public notice once the run is approved" in response.content.decode()

    def test_a_line_is_paid_on_a_date_with_a_reference(self, client, preparer, approved):
        line = approved.lines.get(recipient_name="Li Wei")
        _login(client, preparer)
        today = approved.approved_at.date()

        client.post(
            reverse("distributions:run-line-settle", args=[approved.pk, line.pk]),
            {"on": today.isoformat(), "reference": "BANK-7"},
        )

        line.refresh_from_db()
        assert (line.state, line.settled_on, line.settlement_reference) == (
            LineState.PAID,
            today,
            "BANK-7",
        )
        response = client.post(
            reverse("distributions:run-line-settle", args=[approved.pk, line.pk]),
            {"on": today.isoformat()},
            follow=True,
        )
        assert any("settled already" in m for m in _messages(response))

    def test_a_line_of_a_draft_is_not_paid(self, client, preparer, draft):
        line = draft.lines.get(recipient_name="Li Wei")
        _login(client, preparer)

        response = client.post(
            reverse("distributions:run-line-settle", args=[draft.pk, line.pk]),
            {"on": "2026-01-05"},
            follow=True,
        )

        assert any("once the run is approved" in m for m in _messages(response))
        line.refresh_from_db()
        assert line.state == LineState.PENDING

    def test_the_pages_queries_do_not_grow_with_its_lines(
        self,
        client,
        approver,
        preparer,
        institution,
        licence,
        draft,
        django_assert_max_num_queries,
    ):
        _login(client, approver)
        with django_assert_max_num_queries(40) as few:
            client.get(reverse("distributions:run", args=[draft.pk]))
        more = AchievementFactory(owner=institution, inventors=PersonFactory.create_batch(8))
        AchievementAgreement.objects.create(achievement=more, agreement=licence, mode="licence")
        AchievementAgreement.objects.filter(agreement=licence).update(income_share_percent=50)
        runs.recompute_run(preparer, draft)
        assert draft.lines.count() >= 12

        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse("distributions:run", args=[draft.pk]))


# --- Statements, the public notice list, who sees them ---------------------------------


class TestStatementsAndNotice:
    def test_staff_get_each_inventors_statement(self, client, preparer, approved, li_wei):
        _login(client, preparer)

        response = client.get(
            reverse("distributions:run-statement", args=[approved.pk, li_wei.pk])
        )

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")

    def test_the_statement_in_chinese_is_a_pdf_too(self, client, preparer, approved, li_wei):
        _login(client, preparer)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

        response = client.get(
            reverse("distributions:run-statement", args=[approved.pk, li_wei.pk])
        )

        assert response.content.startswith(b"%PDF")
        assert b"STSong-Light" in response.content

    def test_an_equity_reward_is_stated_in_shares(
        self, client, preparer, approver, institution, achievement, li_wei
    ):
        company = EnterpriseFactory(size="startup")
        contribution = AgreementFactory(
            partnership=PartnershipFactory(institution=institution, enterprise=company),
            kind="equity_contribution",
        )
        AchievementAgreement.objects.create(
            achievement=achievement, agreement=contribution, mode="equity_contribution"
        )
        EquityHolding.objects.create(
            institution=institution,
            company=company,
            agreement=contribution,
            acquired_on=date(YEAR, 4, 1),
            shares=1000,
            value=D("1000000"),
        )
        policy(institution, (None, "0.5", "0", "0.5", "0"), equity="0.5")
        run = runs.approve_run(
            approver,
            runs.prepare_run(preparer, institution, period_start=H1[0], period_end=H1[1]),
        )
        _login(client, preparer)

        page = client.get(reverse("distributions:run", args=[run.pk])).content.decode()
        statement = client.get(reverse("distributions:run-statement", args=[run.pk, li_wei.pk]))

        # Half of 1,000 shares to the inventors, split 60/40.
        assert "300 shares" in page and "200 shares" in page
        assert "Equity reward: tax deferred until sale" in page
        assert statement.content.startswith(b"%PDF")
        line = run.lines.get(person=li_wei)
        client.post(
            reverse("distributions:run-line-settle", args=[run.pk, line.pk]),
            {"on": run.approved_at.date().isoformat(), "reference": "Register 12"},
        )
        line.refresh_from_db()
        assert (line.state, line.settlement_reference) == (LineState.GRANTED, "Register 12")

    def test_a_person_without_lines_has_no_statement(self, client, preparer, approved):
        stranger = PersonFactory(full_name="Nobody Here")
        _login(client, preparer)

        response = client.get(
            reverse("distributions:run-statement", args=[approved.pk, stranger.pk])
        )

        assert response.status_code == 404

    def test_the_researcher_gets_their_own_statement_only(
        self, client, approved, li_wei, zhang_min
    ):
        researcher = ResearcherUserFactory(person=li_wei)
        _login(client, researcher)

        own = client.get(reverse("research:reward_statement", args=[approved.pk]))
        staff_route = client.get(
            reverse("distributions:run-statement", args=[approved.pk, zhang_min.pk])
        )

        assert own.status_code == 200 and own.content.startswith(b"%PDF")
        assert staff_route.status_code == 404

    def test_a_researcher_sees_no_statement_of_a_run_without_their_lines(self, client, approved):
        _login(client, ResearcherUserFactory())

        response = client.get(reverse("research:reward_statement", args=[approved.pk]))

        assert response.status_code == 404

    def test_a_draft_is_not_in_the_researchers_rewards(self, client, draft, li_wei):
        _login(client, ResearcherUserFactory(person=li_wei))

        assert client.get(reverse("research:reward_statement", args=[draft.pk])).status_code == 404
        response = client.get(reverse("research:rewards"))
        assert response.context["runs"] == []

    def test_my_rewards_lists_the_lines_of_approved_runs(self, client, approved, li_wei):
        _login(client, ResearcherUserFactory(person=li_wei))

        response = client.get(reverse("research:rewards"))

        assert response.status_code == 200
        text = response.content.decode()
        assert "ACH-2025-001" in text and "30,000.00 CNY" in text
        assert "20,000.00 CNY" not in text  # Zhang Min's
        assert reverse("research:reward_statement", args=[approved.pk]) in text
        assert reverse("research:rewards") in text  # in the navigation

    def test_the_notice_list_as_excel_has_the_registration_number(
        self, client, preparer, approved
    ):
        runs.record_public_notice(preparer, approved, published_on=date(2026, 1, 5), days=15)
        _login(client, preparer)

        response = client.get(reverse("distributions:run-notice-list", args=[approved.pk, "xlsx"]))

        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:2] == ("Inventor", "Department or lab")
        by_name = {row[0]: row for row in rows[1:]}
        assert set(by_name) == {"Li Wei", "Zhang Min"}
        li_wei = by_name["Li Wei"]
        assert li_wei[1:6] == (
            "Immunology",
            "ACH-2025-001",
            "Thermostable polymerase",
            "LIC-2025-07",
            "2025110000000001",
        )
        assert D(str(li_wei[6])) == D("30000.00")
        assert li_wei[11].date() == date(2026, 1, 5) and li_wei[12].date() == date(2026, 1, 19)

    def test_the_notice_list_as_csv_in_chinese(self, client, preparer, approved):
        _login(client, preparer)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

        response = client.get(reverse("distributions:run-notice-list", args=[approved.pk, "csv"]))

        text = b"".join(response.streaming_content).decode("utf-8-sig")
        header, *rows = text.splitlines()
        assert header.startswith("完成人,")
        assert "耐热聚合酶" in text and "2025110000000001" in text
        assert len(rows) == 2

    def test_a_draft_has_no_notice_list(self, client, preparer, draft):
        _login(client, preparer)

        response = client.get(reverse("distributions:run-notice-list", args=[draft.pk, "xlsx"]))

        assert response.status_code == 404


class TestWhoSees:
    @pytest.fixture
    def outsiders(self, approved, partner_user):
        return {
            "foreign staff": UserFactory(institutions=[InstitutionFactory()]),
            "partner": partner_user,
            "another researcher": ResearcherUserFactory(),
        }

    def test_outsiders_find_no_run_statement_or_notice_list(
        self, client, approved, li_wei, outsiders
    ):
        line = approved.lines.filter(kind=RecipientKind.INVENTOR).first()
        gets = [
            reverse("distributions:run", args=[approved.pk]),
            reverse("distributions:run-statement", args=[approved.pk, li_wei.pk]),
            reverse("distributions:run-notice-list", args=[approved.pk, "xlsx"]),
            reverse("distributions:run-notice-list", args=[approved.pk, "csv"]),
        ]
        posts = [
            reverse("distributions:run-correct", args=[approved.pk]),
            reverse("distributions:run-notice", args=[approved.pk]),
            reverse("distributions:run-line-settle", args=[approved.pk, line.pk]),
        ]
        for who, user in outsiders.items():
            _login(client, user)
            for url in gets:
                assert client.get(url).status_code == 404, (who, url)
            for url in posts:
                assert client.post(url, {"on": "2026-01-05"}).status_code == 404, (who, url)
        assert DistributionRun.objects.count() == 1

    def test_partners_and_researchers_find_no_staff_pages(self, client, outsiders):
        for who in ("partner", "another researcher"):
            _login(client, outsiders[who])
            assert client.get(reverse("distributions:runs")).status_code == 404
            assert client.get(reverse("distributions:run-prepare")).status_code == 404

    def test_staff_find_no_researcher_rewards(self, client, preparer):
        _login(client, preparer)

        response = client.get(reverse("research:rewards"))

        assert response.status_code == 302  # to the staff's home


def test_the_run_page_in_chinese(client, preparer, draft):
    _login(client, preparer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(reverse("distributions:run", args=[draft.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "收益分配" in text  # the navigation
    assert "完成人" in text  # the inventors' lines
    assert "本次分配的净收入" in text
    assert "耐热聚合酶" in text
    assert "东方大学" in text
