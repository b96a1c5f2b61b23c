"""Cost sharing (DESIGN §5): cost shares per stage range that add up to
exactly 100, failure clauses, cost entries, and the ledger of who owes whom.

Stages are those of the drug pipeline (BIOMED-DRUG, positions 1–10). The
ledger's balance is paid − obligation: positive means the other party owes
the party money.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from partnerships.models import CostShare, RoyaltyTier
from partnerships.services import CostShareInput, cost_shares_set
from pipelines.models import StageDefinition
from projects.computations.ledger import Cost, LedgerLine, ShareRange, cost_ledger
from projects.models import Activity, CostEntry
from projects.selectors import (
    agreement_cost_ledger,
    cost_entries_visible_to,
    project_cost_ledger,
)
from projects.services import cost_entry_record, failure_clause_for
from tests.factories import (
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    FailureClauseFactory,
    InstitutionFactory,
    ResearchProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


def stage(position: int, pipeline: str = "BIOMED-DRUG") -> StageDefinition:
    return StageDefinition.objects.get(pipeline__code=pipeline, position=position)


def share(first: int, last: int, party: str, percent, pipeline: str = "BIOMED-DRUG"):
    return CostShareInput(
        first_stage=stage(first, pipeline),
        last_stage=stage(last, pipeline),
        party=party,
        percent=D(percent),
    )


def ledger_rows(lines: list[LedgerLine]) -> list[tuple]:
    return [
        (line.currency, line.party, line.obligation, line.paid, line.balance) for line in lines
    ]


@pytest.fixture
def agreement(institution, enterprise):
    return AgreementFactory(
        partnership__institution=institution, partnership__enterprise=enterprise
    )


@pytest.fixture
def project(agreement, institution, enterprise):
    return ResearchProjectFactory(
        lead_institution=institution,
        partnership=agreement.partnership,
        agreement=agreement,
        partner_enterprises=[enterprise],
    )


@pytest.fixture
def shares_60_40_then_20_80(agreement):
    """Research pays 60% of stages 1–3 and 20% of stages 4–6; stages 7–10
    have no shares."""
    for first, last, research in [(1, 3, 60), (4, 6, 20)]:
        CostShareFactory(
            agreement=agreement,
            first_stage=stage(first),
            last_stage=stage(last),
            party="research",
            percent=research,
        )
        CostShareFactory(
            agreement=agreement,
            first_stage=stage(first),
            last_stage=stage(last),
            party="enterprise",
            percent=100 - research,
        )


class TestCostSharesSet:
    def test_ranges_that_each_add_up_to_100_are_saved(self, agreement, staff_user):
        cost_shares_set(
            agreement=agreement,
            by=staff_user,
            shares=[
                share(1, 3, "research", "62.50"),
                share(1, 3, "enterprise", "37.50"),
                share(4, 10, "enterprise", 100),
            ],
        )

        saved = agreement.cost_shares.order_by("first_stage__position", "party")
        assert [
            (s.first_stage.position, s.last_stage.position, s.party, s.percent) for s in saved
        ] == [
            (1, 3, "enterprise", D("37.50")),
            (1, 3, "research", D("62.50")),
            (4, 10, "enterprise", D("100.00")),
        ]

    @pytest.mark.parametrize(
        "percents",
        [("60", "39.99"), ("60", "40.01")],
        ids=["99.99 in all", "100.01 in all"],
    )
    def test_a_range_that_does_not_add_up_to_exactly_100_is_refused(
        self, agreement, staff_user, percents
    ):
        research, enterprise = percents

        with pytest.raises(DomainError) as excinfo:
            cost_shares_set(
                agreement=agreement,
                by=staff_user,
                shares=[share(1, 3, "research", research), share(1, 3, "enterprise", enterprise)],
            )

        assert excinfo.value.code == "shares_not_100"
        assert not agreement.cost_shares.exists()

    def test_shares_finer_than_a_hundredth_of_a_percent_are_refused(self, agreement, staff_user):
        """33.335 + 66.665 is 100, but stored to two places it would be
        33.34 + 66.67 = 100.01."""
        with pytest.raises(DomainError) as excinfo:
            cost_shares_set(
                agreement=agreement,
                by=staff_user,
                shares=[share(1, 3, "research", "33.335"), share(1, 3, "enterprise", "66.665")],
            )

        assert excinfo.value.code == "percent_precision"
        assert not agreement.cost_shares.exists()

    def test_a_party_has_one_share_per_range(self, agreement, staff_user):
        with pytest.raises(DomainError, match="one share"):
            cost_shares_set(
                agreement=agreement,
                by=staff_user,
                shares=[share(1, 3, "research", 50), share(1, 3, "research", 50)],
            )

    @pytest.mark.parametrize(
        "second_range",
        [(3, 5), (2, 2), (1, 6)],
        ids=["sharing a stage", "inside the first", "around the first"],
    )
    def test_overlapping_ranges_are_refused(self, agreement, staff_user, second_range):
        first, last = second_range

        with pytest.raises(DomainError) as excinfo:
            cost_shares_set(
                agreement=agreement,
                by=staff_user,
                shares=[share(1, 3, "research", 100), share(first, last, "enterprise", 100)],
            )

        assert excinfo.value.code == "ranges_overlap"

    def test_a_range_that_runs_backwards_is_refused(self, agreement, staff_user):
        with pytest.raises(DomainError, match="runs forward"):
            cost_shares_set(
                agreement=agreement, by=staff_user, shares=[share(3, 1, "research", 100)]
            )

    def test_a_range_across_two_pipelines_is_refused(self, agreement, staff_user):
        across = CostShareInput(
            first_stage=stage(1),
            last_stage=stage(3, "AGRI-GMO"),
            party="research",
            percent=D(100),
        )

        with pytest.raises(DomainError, match="one pipeline"):
            cost_shares_set(agreement=agreement, by=staff_user, shares=[across])

    def test_ranges_of_different_pipelines_do_not_overlap(self, agreement, staff_user):
        cost_shares_set(
            agreement=agreement,
            by=staff_user,
            shares=[share(1, 3, "research", 100), share(1, 3, "enterprise", 100, "AGRI-GMO")],
        )

        assert agreement.cost_shares.count() == 2

    @pytest.mark.parametrize(
        "editor",
        [
            lambda partner_user: partner_user,
            lambda partner_user: UserFactory(institutions=[InstitutionFactory()]),
        ],
        ids=["the enterprise's partner user", "staff of another institution"],
    )
    def test_only_the_research_partys_staff_edit_the_shares(self, agreement, partner_user, editor):
        with pytest.raises(DomainError) as excinfo:
            cost_shares_set(
                agreement=agreement, by=editor(partner_user), shares=[share(1, 3, "research", 100)]
            )

        assert excinfo.value.code == "permission_denied"
        assert not agreement.cost_shares.exists()

    def test_new_shares_replace_the_old_and_the_change_is_on_the_timeline(
        self, agreement, staff_user, shares_60_40_then_20_80
    ):
        cost_shares_set(
            agreement=agreement, by=staff_user, shares=[share(1, 10, "enterprise", 100)]
        )

        assert list(agreement.cost_shares.values_list("party", "percent")) == [
            ("enterprise", D("100.00"))
        ]
        entry = Activity.objects.get(verb="terms.cost_shares_set")
        assert entry.actor == staff_user
        assert entry.agreement == agreement
        assert len(entry.changes["before"]) == 4
        assert entry.changes["after"] == [
            {
                "first_stage": stage(1).pk,
                "last_stage": stage(10).pk,
                "party": "enterprise",
                "percent": "100",
            }
        ]

    def test_a_refused_schedule_leaves_the_old_shares_in_place(
        self, agreement, staff_user, shares_60_40_then_20_80
    ):
        with pytest.raises(DomainError):
            cost_shares_set(
                agreement=agreement, by=staff_user, shares=[share(1, 10, "enterprise", 90)]
            )

        assert agreement.cost_shares.count() == 4
        assert not Activity.objects.exists()


class TestCostSharesInTheAdmin:
    """The admin's cost share rows pass the same checks as the terms editor."""

    @pytest.fixture
    def admin_client(self, client, superuser):
        client.force_login(superuser)
        return client

    @staticmethod
    def change_form_data(response) -> dict:
        """What the browser posts back unchanged: the agreement's fields and
        the management forms of its inlines."""
        form = response.context["adminform"].form
        data = {}
        for name in form.fields:
            value = form[name].value()
            # An unticked box and an empty field are not posted at all.
            if value is not None and value is not False and value != "":
                data[name] = value
        for inline in response.context["inline_admin_formsets"]:
            management = inline.formset.management_form
            for name in management.fields:
                data[f"{inline.formset.prefix}-{name}"] = management[name].value()
        return data

    def post_rows(self, admin_client, agreement, prefix, rows):
        url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
        data = self.change_form_data(admin_client.get(url))
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
        return admin_client.post(url, data)

    def cost_share_rows(self, *rows):
        return [
            {
                "first_stage": stage(first).pk,
                "last_stage": stage(last).pk,
                "party": party,
                "percent": percent,
            }
            for first, last, party, percent in rows
        ]

    def test_shares_adding_up_to_90_are_shown_as_an_error_and_nothing_is_saved(
        self, admin_client, agreement
    ):
        response = self.post_rows(
            admin_client,
            agreement,
            "cost_shares",
            self.cost_share_rows((1, 3, "research", "50"), (1, 3, "enterprise", "40")),
        )

        assert response.status_code == 200
        assert "add up to 90" in response.content.decode()
        assert not CostShare.objects.exists()

    def test_overlapping_ranges_are_shown_as_an_error(self, admin_client, agreement):
        response = self.post_rows(
            admin_client,
            agreement,
            "cost_shares",
            self.cost_share_rows((1, 3, "research", "100"), (3, 5, "enterprise", "100")),
        )

        assert response.status_code == 200
        assert "overlap" in response.content.decode()
        assert not CostShare.objects.exists()

    def test_shares_adding_up_to_100_are_saved(self, admin_client, agreement):
        response = self.post_rows(
            admin_client,
            agreement,
            "cost_shares",
            self.cost_share_rows((1, 3, "research", "60"), (1, 3, "enterprise", "40")),
        )

        assert response.status_code == 302
        assert agreement.cost_shares.count() == 2

    def test_royalty_tiers_that_do_not_start_at_zero_are_shown_as_an_error(
        self, admin_client, agreement
    ):
        response = self.post_rows(
            admin_client,
            agreement,
            "royalty_tiers",
            [{"lower_bound": "1000", "rate_percent": "5"}],
        )

        assert response.status_code == 200
        assert "starts at zero" in response.content.decode()
        assert not RoyaltyTier.objects.exists()


class TestCostEntryRecord:
    def record(self, project, by, **overrides):
        arguments = {
            "project": project,
            "stage": project.current_stage,
            "paid_by": "enterprise",
            "amount": D("12500.00"),
            "currency": "CNY",
            "incurred_on": timezone.localdate(),
            "description": "Toxicology study",
            "by": by,
        }
        arguments.update(overrides)
        return cost_entry_record(**arguments)

    def test_the_projects_staff_record_a_cost_and_it_is_on_the_timeline(self, project, staff_user):
        entry = self.record(project, staff_user, description="  Toxicology study  ")

        assert entry.amount == D("12500.00")
        assert entry.description == "Toxicology study"
        assert entry.recorded_by == staff_user
        activity = Activity.objects.get(verb="cost.recorded")
        assert (activity.project, activity.target_id) == (project, entry.pk)

    def test_a_cost_at_a_later_stage_of_the_pipeline_is_accepted(self, project, staff_user):
        entry = self.record(project, staff_user, stage=stage(4))

        assert entry.stage == stage(4)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"amount": D(0)}, "amount"),
            ({"amount": D("-100")}, "amount"),
            ({"amount": D("0.004")}, "amount"),
            ({"incurred_on": date.today() + timedelta(days=2)}, "incurred_on"),
            ({"incurred_on": date(1989, 12, 31)}, "incurred_on"),
            ({"description": "   "}, "description"),
            ({"paid_by": "bank"}, "paid_by"),
            ({"currency": "XXX"}, "currency"),
        ],
        ids=[
            "zero",
            "negative",
            "rounds to zero",
            "in the future",
            "before 1990",
            "no description",
            "unknown party",
            "unknown currency",
        ],
    )
    def test_an_invalid_cost_is_refused(self, project, staff_user, overrides, field):
        with pytest.raises(DomainError) as excinfo:
            self.record(project, staff_user, **overrides)

        assert excinfo.value.field == field
        assert not CostEntry.objects.exists()

    def test_a_stage_of_another_pipeline_is_refused(self, project, staff_user):
        with pytest.raises(DomainError) as excinfo:
            self.record(project, staff_user, stage=stage(1, "AGRI-GMO"))

        assert excinfo.value.field == "stage"

    @pytest.mark.parametrize(
        "recorder",
        [
            lambda partner_user: partner_user,
            lambda partner_user: UserFactory(institutions=[InstitutionFactory()]),
        ],
        ids=["the project's partner user", "staff of another institution"],
    )
    def test_only_the_projects_staff_record_costs(self, project, partner_user, recorder):
        with pytest.raises(DomainError) as excinfo:
            self.record(project, recorder(partner_user))

        assert excinfo.value.code == "permission_denied"
        assert not CostEntry.objects.exists()


class TestCostLedgerComputation:
    """The pure ledger, computed by hand."""

    SHARES = [
        ShareRange(
            pipeline_id=1, first_position=1, last_position=3, party="research", percent=D(60)
        ),
        ShareRange(
            pipeline_id=1, first_position=1, last_position=3, party="enterprise", percent=D(40)
        ),
    ]

    def test_each_party_owes_its_share_of_what_either_paid(self):
        costs = [
            Cost(
                pipeline_id=1,
                stage_position=1,
                paid_by="research",
                amount=D(100_000),
                currency="CNY",
            ),
            Cost(
                pipeline_id=1,
                stage_position=3,
                paid_by="enterprise",
                amount=D(50_000),
                currency="CNY",
            ),
        ]

        lines = cost_ledger(self.SHARES, costs)

        assert ledger_rows(lines) == [
            ("CNY", "research", D(90_000), D(100_000), D(10_000)),
            ("CNY", "enterprise", D(60_000), D(50_000), D(-10_000)),
        ]

    def test_a_stage_without_shares_is_borne_by_the_party_that_paid(self):
        costs = [
            Cost(
                pipeline_id=1,
                stage_position=4,
                paid_by="enterprise",
                amount=D(30_000),
                currency="CNY",
            ),
            Cost(
                pipeline_id=2,
                stage_position=1,
                paid_by="research",
                amount=D(5_000),
                currency="CNY",
            ),
        ]

        lines = cost_ledger(self.SHARES, costs)

        assert ledger_rows(lines) == [
            ("CNY", "research", D(5_000), D(5_000), D(0)),
            ("CNY", "enterprise", D(30_000), D(30_000), D(0)),
        ]

    def test_currencies_are_kept_apart(self):
        costs = [
            Cost(
                pipeline_id=1,
                stage_position=1,
                paid_by="enterprise",
                amount=D(1_000),
                currency="USD",
            ),
            Cost(
                pipeline_id=1,
                stage_position=1,
                paid_by="research",
                amount=D(10_000),
                currency="CNY",
            ),
        ]

        lines = cost_ledger(self.SHARES, costs)

        assert ledger_rows(lines) == [
            ("CNY", "research", D(6_000), D(10_000), D(4_000)),
            ("CNY", "enterprise", D(4_000), D(0), D(-4_000)),
            ("USD", "research", D(600), D(0), D(-600)),
            ("USD", "enterprise", D(400), D(1_000), D(600)),
        ]

    def test_no_costs_no_lines(self):
        assert cost_ledger(self.SHARES, []) == []


class TestCostLedger:
    """The ledger of a project and of an agreement, through the selectors."""

    @pytest.fixture
    def costs(self, project, shares_60_40_then_20_80):
        for position, paid_by, amount, currency in [
            (1, "research", 100_000, "CNY"),
            (2, "enterprise", 50_000, "CNY"),
            (4, "enterprise", 200_000, "CNY"),
            (8, "research", 30_000, "CNY"),  # no shares: borne by research
            (1, "enterprise", 1_000, "USD"),
        ]:
            CostEntryFactory(
                project=project,
                stage=stage(position),
                paid_by=paid_by,
                amount=amount,
                currency=currency,
            )

    def test_a_projects_ledger_gives_obligation_paid_and_balance_per_currency_and_party(
        self, project, costs, staff_user
    ):
        """CNY: stages 1–3 cost 150,000 (research owes 60%: 90,000), stage 4
        cost 200,000 (research owes 20%: 40,000), stage 8 cost 30,000 borne
        by research. USD: research owes 60% of 1,000."""
        lines = project_cost_ledger(staff_user, project)

        assert ledger_rows(lines) == [
            ("CNY", "research", D(160_000), D(130_000), D(-30_000)),
            ("CNY", "enterprise", D(220_000), D(250_000), D(30_000)),
            ("USD", "research", D(600), D(0), D(-600)),
            ("USD", "enterprise", D(400), D(1_000), D(600)),
        ]

    def test_the_partner_reads_the_same_ledger(self, project, costs, staff_user, partner_user):
        assert project_cost_ledger(partner_user, project) == project_cost_ledger(
            staff_user, project
        )

    def test_an_agreements_ledger_adds_up_its_projects(
        self, agreement, project, costs, staff_user, institution
    ):
        other_project = ResearchProjectFactory(lead_institution=institution, agreement=agreement)
        CostEntryFactory(project=other_project, stage=stage(2), paid_by="research", amount=10_000)
        CostEntryFactory(amount=999_999)  # another agreement's project

        lines = agreement_cost_ledger(staff_user, agreement)

        assert ledger_rows(lines)[:2] == [
            ("CNY", "research", D(166_000), D(140_000), D(-26_000)),
            ("CNY", "enterprise", D(224_000), D(250_000), D(26_000)),
        ]

    def test_a_project_without_an_agreement_leaves_each_cost_with_its_payer(
        self, institution, staff_user
    ):
        project = ResearchProjectFactory(lead_institution=institution)
        CostEntryFactory(project=project, paid_by="enterprise", amount=7_000)

        lines = project_cost_ledger(staff_user, project)

        assert ledger_rows(lines) == [
            ("CNY", "research", D(0), D(0), D(0)),
            ("CNY", "enterprise", D(7_000), D(7_000), D(0)),
        ]

    def test_another_enterprises_partner_cannot_read_the_ledger(
        self, project, costs, other_partner_user
    ):
        with pytest.raises(project.DoesNotExist):
            project_cost_ledger(other_partner_user, project)
        with pytest.raises(project.agreement.DoesNotExist):
            agreement_cost_ledger(other_partner_user, project.agreement)

    def test_a_partner_sharing_a_project_under_another_agreement_reads_none_of_its_costs(
        self, project, costs, partner_user, other_partner_user
    ):
        """The costs are shared under the project's agreement: their split
        is the business of that agreement's enterprise only."""
        project.partner_enterprises.add(other_partner_user.enterprise)

        assert project_cost_ledger(other_partner_user, project) == []
        assert not cost_entries_visible_to(other_partner_user).exists()
        assert cost_entries_visible_to(partner_user).count() == 5

    def test_an_odd_cent_split_50_50_still_adds_up_to_what_was_spent(
        self, agreement, project, staff_user
    ):
        CostShareFactory(agreement=agreement, party="research", percent=50)
        CostShareFactory(agreement=agreement, party="enterprise", percent=50)
        CostEntryFactory(project=project, paid_by="research", amount=D("100.01"))

        lines = project_cost_ledger(staff_user, project)

        assert sum(line.obligation for line in lines) == D("100.01")
        assert sum(line.balance for line in lines) == 0


class TestFailureClauseFor:
    def test_the_clause_of_the_stage_applies(self, project, agreement):
        FailureClauseFactory(agreement=agreement, stage=stage(1), break_fee=D(50_000))
        FailureClauseFactory(agreement=agreement, stage=stage(2), ip_reverts_to_institution=False)

        clause = failure_clause_for(project=project, stage=stage(1))

        assert clause.break_fee == D("50000.00")
        assert clause.ip_reverts_to_institution is True

    def test_a_stage_without_a_clause_has_none(self, project, agreement):
        FailureClauseFactory(agreement=agreement, stage=stage(1))

        assert failure_clause_for(project=project, stage=stage(2)) is None

    def test_another_agreements_clause_does_not_apply(self, project):
        FailureClauseFactory(stage=stage(1))

        assert failure_clause_for(project=project, stage=stage(1)) is None

    def test_a_project_without_an_agreement_has_no_clause(self, institution):
        project = ResearchProjectFactory(lead_institution=institution)
        FailureClauseFactory(stage=project.current_stage)

        assert failure_clause_for(project=project, stage=project.current_stage) is None
