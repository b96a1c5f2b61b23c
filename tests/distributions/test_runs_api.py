"""The distribution runs API, as an office and its inventors use it: preview
a period, prepare a draft, approve it with a second pair of eyes, record the
public notice, settle the lines; inventors read their own lines. Every
refusal is a coded 400 that saves nothing; another institution's runs and
lines answer 404."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from distributions.choices import LineState, RecipientKind, RunState
from distributions.models import DistributionLine, DistributionPolicy, DistributionRun
from distributions.services import runs
from tests.distributions.test_runs import cost, policy, receive
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    InstitutionFactory,
    PartnershipFactory,
    PartnerUserFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
RUNS = "/api/v1/distribution-runs/"
LINES = "/api/v1/distribution-lines/"
H1 = {"period_start": "2025-01-01", "period_end": "2025-06-30"}


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def run_url(run, action="") -> str:
    return f"{RUNS}{run.pk}/{action + '/' if action else ''}"


def line_url(line, action="") -> str:
    return f"{LINES}{line.pk}/{action + '/' if action else ''}"


def assert_coded_400(response, code, field="non_field_errors"):
    assert response.status_code == 400, response.content[:400]
    error = response.json()["error"]
    assert error["code"] == code, error
    assert field in error["fields"], error
    return error


@pytest.fixture
def institution():
    return InstitutionFactory(name="Eastern University")


@pytest.fixture
def preparer(institution):
    return UserFactory(institutions=[institution])


@pytest.fixture
def approver(institution):
    return UserFactory(institutions=[institution])


@pytest.fixture
def li_wei(institution):
    """An inventor who signs in to the researcher pages."""
    person = PersonFactory(institution=institution, full_name="Li Wei")
    return ResearcherUserFactory(person=person, full_name="Li Wei")


@pytest.fixture
def zhang_min(institution):
    """An inventor without an account."""
    return PersonFactory(institution=institution, full_name="Zhang Min")


@pytest.fixture
def achievement(institution, li_wei, zhang_min):
    achievement = AchievementFactory(owner=institution, inventors=[li_wei.person, zhang_min])
    achievement.inventors.filter(person=li_wei.person).update(
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
        registration_number="2025110000000001",
    )
    achievement.agreement_links.create(agreement=agreement, mode="licence")
    return agreement


@pytest.fixture
def income(institution, achievement, licence):
    """One tier: half to the inventors, a tenth to their departments, 30 %
    to the institution, a tenth to the office. 100,000 received and 10,000
    of filing fees in the first half of 2025: 90,000 net."""
    policy(institution, (None, "0.5", "0.1", "0.3", "0.1"))
    receive(licence, D("100000"), date(2025, 3, 1))
    cost(achievement, D("10000"), date(2025, 2, 1))


@pytest.fixture
def draft(income, institution, preparer):
    return runs.prepare_run(
        preparer, institution, **{k: date.fromisoformat(v) for k, v in H1.items()}
    )


@pytest.fixture
def approved(draft, approver):
    return runs.approve_run(approver, draft)


@pytest.fixture
def li_wei_line(approved, li_wei):
    return approved.lines.get(person=li_wei.person)


@pytest.fixture
def foreign_staff():
    return UserFactory(institutions=[InstitutionFactory(name="Western Institute")])


def body(institution, **changes):
    return {"institution": institution.pk, **H1, "currency": "CNY", **changes}


EXPECTED_CASH = {
    ("inventor", "Li Wei"): "27000.00",
    ("inventor", "Zhang Min"): "18000.00",
    ("department", "Immunology"): "5400.00",
    ("department", "Chemistry"): "3600.00",
    ("institution", "Eastern University"): "27000.00",
    ("office", "Technology-transfer office"): "9000.00",
}


def cash_lines(rows):
    return {(row["kind"], row["recipient_name"]): row["amount"] for row in rows}


# --- Preview and prepare ---------------------------------------------------------------


class TestPreviewAndPrepare:
    def test_the_preview_shows_the_plan_and_saves_nothing(self, income, institution, preparer):
        response = client(preparer).post(f"{RUNS}preview/", body(institution), format="json")

        assert response.status_code == 200, response.content[:400]
        plan = response.json()
        assert (plan["net_income"], plan["cash_total"]) == ("90000.00", "90000.00")
        assert plan["policy"] == DistributionPolicy.objects.get().pk
        [entry] = plan["achievements"]
        assert (entry["receipts"], entry["deductible_costs"], entry["net_income"]) == (
            "100000.00",
            "10000.00",
            "90000.00",
        )
        assert cash_lines(plan["lines"]) == EXPECTED_CASH
        li_wei = next(row for row in plan["lines"] if row["recipient_name"] == "Li Wei")
        assert [(piece["tier"], piece["amount"]) for piece in li_wei["tier_slices"]] == [
            (0, "27000.00")
        ]
        assert li_wei["tax_treatment"] == "cash_half"
        assert not DistributionRun.objects.exists()

    def test_preparing_saves_a_draft_with_its_figures_and_lines(
        self, income, institution, preparer
    ):
        response = client(preparer).post(
            RUNS, body(institution, notes="First half"), format="json"
        )

        assert response.status_code == 201, response.content[:400]
        run = response.json()
        assert run["state"] == "draft"
        assert run["prepared_by"] == preparer.pk
        assert (run["net_income"], run["notes"]) == ("90000.00", "First half")
        assert run["achievements"][0]["net_income"] == "90000.00"
        assert cash_lines(run["lines"]) == EXPECTED_CASH
        saved = DistributionRun.objects.get()
        assert saved.pk == run["id"] and saved.lines.count() == 6

    def test_the_detail_gives_each_line_its_tier_slices(self, draft, preparer):
        response = client(preparer).get(run_url(draft))

        assert response.status_code == 200
        li_wei = next(row for row in response.json()["lines"] if row["recipient_name"] == "Li Wei")
        assert [(piece["tier"], piece["amount"]) for piece in li_wei["tier_slices"]] == [
            (0, "27000.00")
        ]
        assert li_wei["achievement_reference"] == draft.achievements.get().achievement.reference


# --- Coded 400s, nothing saved -----------------------------------------------------------


def _no_policy(institution, achievement):
    DistributionPolicy.objects.all().delete()


def _without_inventors(institution, achievement):
    achievement.inventors.all().delete()


REFUSED_PREPARATIONS = [
    pytest.param(
        {"period_start": "2025-06-30", "period_end": "2025-01-01"},
        None,
        "period_unordered",
        "period_end",
        id="period_unordered",
    ),
    pytest.param(
        {"period_end": "2999-12-31"}, None, "period_not_over", "period_end", id="period_not_over"
    ),
    pytest.param({}, _no_policy, "no_policy_in_force", "period_end", id="no_policy_in_force"),
    pytest.param(
        {},
        _without_inventors,
        "achievement_without_inventors",
        "non_field_errors",
        id="achievement_without_inventors",
    ),
    pytest.param(
        {"currency": "USD"}, None, "missing_exchange_rate", "currency", id="missing_exchange_rate"
    ),
]


class TestRefusals:
    @pytest.mark.parametrize(("changes", "setup", "code", "field"), REFUSED_PREPARATIONS)
    @pytest.mark.parametrize("endpoint", ["", "preview/"])
    def test_a_refused_preparation_or_preview_is_a_coded_400_that_saves_nothing(
        self, income, institution, achievement, preparer, changes, setup, code, field, endpoint
    ):
        if setup:
            setup(institution, achievement)

        response = client(preparer).post(
            f"{RUNS}{endpoint}", body(institution, **changes), format="json"
        )

        assert_coded_400(response, code, field)
        assert not DistributionRun.objects.exists()

    def test_a_period_distributed_already_is_refused_at_its_start(
        self, approved, institution, preparer
    ):
        response = client(preparer).post(RUNS, body(institution), format="json")

        assert_coded_400(response, "period_already_distributed", "period_start")
        assert DistributionRun.objects.count() == 1

    def test_a_draft_is_not_corrected(self, draft, institution, preparer):
        response = client(preparer).post(RUNS, body(institution, corrects=draft.pk), format="json")

        assert_coded_400(response, "run_not_correctable", "corrects")
        assert DistributionRun.objects.count() == 1

    def test_a_correction_of_an_approved_run_shares_only_the_difference(
        self, approved, institution, licence, preparer
    ):
        receive(licence, D("10000"), date(2025, 5, 1))

        response = client(preparer).post(
            RUNS, {"institution": institution.pk, "corrects": approved.pk}, format="json"
        )

        assert response.status_code == 201, response.content[:400]
        correction = response.json()
        assert correction["corrects"] == approved.pk
        assert (correction["period_start"], correction["period_end"]) == (
            H1["period_start"],
            H1["period_end"],
        )
        assert correction["net_income"] == "10000.00"
        assert cash_lines(correction["lines"])[("inventor", "Li Wei")] == "3000.00"

    def test_staff_of_another_institution_cannot_distribute_its_income(
        self, income, institution, foreign_staff
    ):
        for endpoint in ("", "preview/"):
            response = client(foreign_staff).post(
                f"{RUNS}{endpoint}", body(institution), format="json"
            )
            assert_coded_400(response, "not_institution_staff", "institution")
        assert not DistributionRun.objects.exists()

    def test_a_run_that_corrects_nothing_names_its_period(self, income, institution, preparer):
        response = client(preparer).post(RUNS, {"institution": institution.pk}, format="json")

        error = assert_coded_400(response, "required", "period_start")
        assert "period_end" in error["fields"]
        assert not DistributionRun.objects.exists()

    def test_a_bad_body_names_its_fields(self, income, preparer):
        response = client(preparer).post(RUNS, {"period_start": "soon"}, format="json")

        error = assert_coded_400(response, "required", "institution")
        assert "period_start" in error["fields"]


# --- Four eyes, recompute, discard, the public notice ----------------------------------------


class TestApproval:
    def test_the_preparer_cannot_approve_their_own_run(self, draft, preparer):
        response = client(preparer).post(run_url(draft, "approve"))

        assert_coded_400(response, "approver_is_preparer")
        draft.refresh_from_db()
        assert (draft.state, draft.approved_by) == (RunState.DRAFT, None)

    def test_another_staff_member_approves_it(self, draft, approver):
        response = client(approver).post(run_url(draft, "approve"))

        assert response.status_code == 200, response.content[:400]
        run = response.json()
        assert (run["state"], run["approved_by"]) == ("approved", approver.pk)
        assert run["approved_at"]

    def test_an_approved_run_is_not_approved_again(self, approved, approver):
        response = client(approver).post(run_url(approved, "approve"))

        assert_coded_400(response, "run_approved")

    def test_a_second_draft_of_a_distributed_period_is_not_approved(
        self, draft, institution, preparer, approver
    ):
        second = runs.prepare_run(
            preparer, institution, period_start=date(2025, 1, 1), period_end=date(2025, 6, 30)
        )
        runs.approve_run(approver, draft)

        response = client(approver).post(run_url(second, "approve"))

        assert_coded_400(response, "period_already_distributed", "period_start")
        second.refresh_from_db()
        assert second.state == RunState.DRAFT

    def test_a_policy_that_changed_since_preparing_stops_the_approval(
        self, draft, institution, approver
    ):
        policy(institution, (None, "0.7", "0", "0.3", "0"), effective_from=date(2025, 6, 1))

        response = client(approver).post(run_url(draft, "approve"))

        assert_coded_400(response, "policy_changed")
        draft.refresh_from_db()
        assert draft.state == RunState.DRAFT


class TestDraftChanges:
    def test_recomputing_takes_in_a_payment_recorded_late(self, draft, licence, preparer):
        receive(licence, D("10000"), date(2025, 6, 30))

        response = client(preparer).post(run_url(draft, "recompute"))

        assert response.status_code == 200, response.content[:400]
        assert response.json()["net_income"] == "100000.00"
        assert cash_lines(response.json()["lines"])[("inventor", "Li Wei")] == "30000.00"

    def test_an_approved_run_is_neither_recomputed_nor_discarded(self, approved, preparer):
        recompute = client(preparer).post(run_url(approved, "recompute"))
        discard = client(preparer).delete(run_url(approved))

        assert_coded_400(recompute, "run_approved")
        assert_coded_400(discard, "run_approved")
        assert DistributionRun.objects.get().lines.count() == 6

    def test_a_draft_is_discarded(self, draft, preparer):
        response = client(preparer).delete(run_url(draft))

        assert response.status_code == 204
        assert not DistributionRun.objects.exists()
        assert not DistributionLine.objects.exists()

    def test_the_public_notice_is_recorded(self, approved, preparer):
        response = client(preparer).post(
            run_url(approved, "public-notice"),
            {"published_on": "2025-07-10", "days": 15},
            format="json",
        )

        assert response.status_code == 200, response.content[:400]
        assert (response.json()["notice_published_on"], response.json()["notice_days"]) == (
            "2025-07-10",
            15,
        )

    def test_a_notice_of_no_days_is_refused_at_its_days(self, approved, preparer):
        response = client(preparer).post(
            run_url(approved, "public-notice"),
            {"published_on": "2025-07-10", "days": 0},
            format="json",
        )

        assert_coded_400(response, "invalid_notice_days", "days")
        approved.refresh_from_db()
        assert approved.notice_published_on is None


# --- Lines -------------------------------------------------------------------------------


class TestSettling:
    def test_a_cash_line_is_paid(self, li_wei_line, preparer):
        today = timezone.localdate().isoformat()

        response = client(preparer).post(
            line_url(li_wei_line, "settle"), {"on": today, "reference": "TX-1"}, format="json"
        )

        assert response.status_code == 200, response.content[:400]
        line = response.json()
        assert (line["state"], line["settled_on"], line["settlement_reference"]) == (
            "paid",
            today,
            "TX-1",
        )

    def test_a_line_settled_twice_is_a_coded_400(self, li_wei_line, preparer):
        today = timezone.localdate()
        runs.settle_line(preparer, li_wei_line, on=today, reference="TX-1")

        response = client(preparer).post(
            line_url(li_wei_line, "settle"), {"on": today.isoformat()}, format="json"
        )

        assert_coded_400(response, "line_settled")
        li_wei_line.refresh_from_db()
        assert li_wei_line.settlement_reference == "TX-1"

    def test_a_line_of_a_draft_is_not_settled(self, draft, preparer):
        line = draft.lines.get(recipient_name="Li Wei")

        response = client(preparer).post(
            line_url(line, "settle"), {"on": timezone.localdate().isoformat()}, format="json"
        )

        assert_coded_400(response, "run_not_approved")
        line.refresh_from_db()
        assert line.state == LineState.PENDING

    def test_a_line_is_not_settled_before_the_approval(self, li_wei_line, preparer):
        before = (timezone.localdate() - timedelta(days=400)).isoformat()

        response = client(preparer).post(
            line_url(li_wei_line, "settle"), {"on": before}, format="json"
        )

        assert_coded_400(response, "settled_before_approval", "on")
        li_wei_line.refresh_from_db()
        assert li_wei_line.state == LineState.PENDING

    def test_a_line_owing_nothing_is_not_settled(self, li_wei_line, preparer):
        DistributionLine.objects.filter(pk=li_wei_line.pk).update(amount=D("-500.00"))

        response = client(preparer).post(
            line_url(li_wei_line, "settle"),
            {"on": timezone.localdate().isoformat()},
            format="json",
        )

        assert_coded_400(response, "nothing_to_settle")

    def test_an_idempotency_key_replays_the_settlement(self, li_wei_line, preparer):
        api = client(preparer)
        payload = {"on": timezone.localdate().isoformat()}

        first = api.post(
            line_url(li_wei_line, "settle"), payload, format="json", HTTP_IDEMPOTENCY_KEY="k1"
        )
        again = api.post(
            line_url(li_wei_line, "settle"), payload, format="json", HTTP_IDEMPOTENCY_KEY="k1"
        )

        assert first.status_code == again.status_code == 200
        assert again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()


# --- Who sees what -----------------------------------------------------------------------


class TestScope:
    def test_lists_filter_by_institution_state_and_period(self, approved, institution, preparer):
        later = runs.prepare_run(
            preparer, institution, period_start=date(2025, 7, 1), period_end=date(2025, 12, 31)
        )
        api = client(preparer)

        def listed(**query):
            return [row["id"] for row in api.get(RUNS, query).json()["results"]]

        assert listed() == [later.pk, approved.pk]
        assert listed(state="approved") == [approved.pk]
        assert listed(institution=institution.pk, state="draft") == [later.pk]
        assert listed(period_after="2025-07-01") == [later.pk]
        assert listed(period_before="2025-06-30") == [approved.pk]
        assert listed(institution=InstitutionFactory().pk) == []

    def test_staff_of_another_institution_get_404_on_everything(
        self, approved, li_wei_line, foreign_staff
    ):
        api = client(foreign_staff)

        assert api.get(run_url(approved)).status_code == 404
        assert api.post(run_url(approved, "approve")).status_code == 404
        assert api.post(run_url(approved, "recompute")).status_code == 404
        assert api.delete(run_url(approved)).status_code == 404
        assert api.get(line_url(li_wei_line)).status_code == 404
        settle = api.post(line_url(li_wei_line, "settle"), {"on": "2030-01-01"}, format="json")
        assert settle.status_code == 404
        assert api.get(RUNS).json()["results"] == []
        assert api.get(LINES).json()["results"] == []

    def test_partners_get_403(self, approved, li_wei_line, licence):
        partner = PartnerUserFactory(enterprise=licence.partnership.enterprise)
        api = client(partner)

        for response in (
            api.get(RUNS),
            api.get(run_url(approved)),
            api.get(LINES),
            api.get(line_url(li_wei_line)),
            api.post(f"{RUNS}preview/", {}, format="json"),
        ):
            assert response.status_code == 403, response.content[:200]

    def test_a_researcher_sees_only_their_own_lines_of_approved_runs(
        self, approved, institution, preparer, li_wei, licence
    ):
        draft = runs.prepare_run(
            preparer, institution, period_start=date(2025, 7, 1), period_end=date(2025, 12, 31)
        )
        receive(licence, D("1000"), date(2025, 8, 1))
        runs.recompute_run(preparer, draft)
        api = client(li_wei)

        listed = api.get(LINES).json()["results"]

        assert [(row["kind"], row["recipient_name"], row["amount"]) for row in listed] == [
            ("inventor", "Li Wei", "27000.00")
        ]
        zhang_min = approved.lines.get(recipient_name="Zhang Min")
        assert api.get(line_url(zhang_min)).status_code == 404
        assert api.get(run_url(approved)).status_code == 403

    def test_another_researcher_sees_no_lines(self, approved):
        outsider = ResearcherUserFactory(person=PersonFactory(institution=approved.institution))

        assert client(outsider).get(LINES).json()["results"] == []

    def test_a_researcher_cannot_settle_their_own_line(self, li_wei_line, li_wei):
        response = client(li_wei).post(
            line_url(li_wei_line, "settle"),
            {"on": timezone.localdate().isoformat()},
            format="json",
        )

        assert response.status_code == 403
        li_wei_line.refresh_from_db()
        assert li_wei_line.state == LineState.PENDING

    def test_staff_list_every_line_of_their_runs(self, approved, preparer):
        listed = client(preparer).get(LINES, {"run": approved.pk}).json()["results"]

        assert cash_lines(listed) == EXPECTED_CASH
        assert {row["kind"] for row in listed} == {kind.value for kind in RecipientKind} - {
            "co_owner"
        }
