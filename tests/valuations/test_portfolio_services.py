"""Portfolio runs: which projects a portfolio takes and in what currency,
and chunks that merge exactly once whatever order and however often they
are delivered."""

import copy
import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from core.errors import DomainError
from tests.factories import ExchangeRateFactory, ResearchProjectFactory
from tests.valuations.conftest import ISSUE_EXAMPLE
from valuations import portfolio_services
from valuations.choices import ValuationStatus
from valuations.engine.portfolio import simulate_portfolio
from valuations.errors import ValuationInputError
from valuations.models import PortfolioRun, PortfolioRunChunk, Valuation
from valuations.portfolio_selectors import portfolio_runs_visible_to
from valuations.portfolio_services import (
    engine_projects,
    portfolio_chunk_execute,
    portfolio_run_start,
)
from valuations.services import valuation_run
from valuations.tasks import sweep_stalled_valuations

pytestmark = pytest.mark.django_db


def rnpv_inputs(currency="USD", peak_sales=1500):
    inputs = copy.deepcopy(ISSUE_EXAMPLE)
    del inputs["deal"], inputs["simulation"]
    inputs["currency"] = currency
    inputs["commercial"]["peak_sales"] = peak_sales
    return inputs


def valued(project, by, **inputs):
    return valuation_run(project=project, method="rnpv", inputs=rnpv_inputs(**inputs), by=by)


@pytest.fixture
def led(institution):
    return [ResearchProjectFactory(lead_institution=institution) for _ in range(3)]


def test_the_sum_is_the_latest_rnpvs_and_unvalued_projects_are_listed(
    staff_user, institution, led
):
    valued(led[0], staff_user, peak_sales=1000)  # replaced by the next one
    latest = valued(led[0], staff_user, peak_sales=1500)
    second = valued(led[1], staff_user, peak_sales=800)

    run = portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=2000, seed=1
    )

    assert run.status == ValuationStatus.DONE
    assert run.currency == "USD"
    expected = latest.results["rnpv"] + second.results["rnpv"]
    assert run.results["exact"]["sum_of_rnpv"] == pytest.approx(expected)
    assert [p["valuation_id"] for p in run.inputs["projects"]] == [latest.pk, second.pk]
    assert [p["code"] for p in run.inputs["not_valued"]] == [led[2].code]
    # Each project reaches market with 0.52 x 0.289.
    assert run.results["exact"]["expected_on_market"] == pytest.approx(2 * 0.52 * 0.289)


def test_values_are_converted_at_the_recorded_rate(staff_user, institution, led):
    ExchangeRateFactory(currency="USD", quote_currency="CNY", rate="7.1")
    in_dollars = valued(led[0], staff_user, currency="USD")
    in_yuan = valued(led[1], staff_user, currency="CNY")

    run = portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=1000, currency="CNY"
    )

    expected = in_dollars.results["rnpv"] * 7.1 + in_yuan.results["rnpv"]
    assert run.results["exact"]["sum_of_rnpv"] == pytest.approx(expected)


def test_a_currency_without_a_rate_is_refused_naming_the_projects(staff_user, institution, led):
    valued(led[0], staff_user, currency="USD")
    valued(led[1], staff_user, currency="EUR")

    with pytest.raises(ValuationInputError) as raised:
        portfolio_run_start(
            user=staff_user, scope="institution", party_id=institution.pk, currency="CNY"
        )

    assert raised.value.code == "exchange_rate_missing"
    message = raised.value.fields["currency"][0]
    assert led[0].code in message and led[1].code in message
    assert not PortfolioRun.objects.exists()


def test_mixed_currencies_without_a_rate_are_refused_in_the_reporting_currency(
    staff_user, institution, led
):
    valued(led[0], staff_user, currency="USD")
    valued(led[1], staff_user, currency="EUR")

    with pytest.raises(ValuationInputError) as raised:
        portfolio_run_start(user=staff_user, scope="institution", party_id=institution.pk)

    assert raised.value.code == "exchange_rate_missing"


def test_another_partners_enterprise_is_not_found(other_partner_user, enterprise):
    with pytest.raises(DomainError) as raised:
        portfolio_run_start(user=other_partner_user, scope="enterprise", party_id=enterprise.pk)

    assert raised.value.code == "not_found"


@pytest.fixture
def queued_run(staff_user, institution, led, monkeypatch):
    """A run too large to finish within the request, in three chunks."""
    monkeypatch.setattr(portfolio_services, "INLINE_WORK", 0)
    monkeypatch.setattr(portfolio_services, "CHUNK_TRIALS", 2048)
    valued(led[0], staff_user)
    valued(led[1], staff_user, peak_sales=900)
    return portfolio_run_start(
        user=staff_user,
        scope="institution",
        party_id=institution.pk,
        trials=5000,
        seed=3,
        correlation=0.4,
    )


def test_a_large_run_is_queued_in_chunks(queued_run):
    assert queued_run.status == ValuationStatus.QUEUED
    assert queued_run.chunks_total == 3
    assert queued_run.results is None


def test_chunks_in_any_order_merge_once_into_the_whole_run(queued_run):
    for index in (2, 0):
        run = portfolio_chunk_execute(run_id=queued_run.pk, index=index)
        assert run.status == ValuationStatus.RUNNING

    run = portfolio_chunk_execute(run_id=queued_run.pk, index=1)

    assert run.status == ValuationStatus.DONE
    assert run.chunks_done == 3
    whole = simulate_portfolio(
        engine_projects(run.inputs), correlation=0.4, trials=5000, seed=3
    ).to_dict()
    assert run.results["simulated"] == whole


def test_a_chunk_delivered_twice_counts_once(queued_run):
    portfolio_chunk_execute(run_id=queued_run.pk, index=0)
    run = portfolio_chunk_execute(run_id=queued_run.pk, index=0)

    assert run.chunks_done == 1
    assert PortfolioRunChunk.objects.filter(run=run).count() == 1


def test_a_finished_run_is_left_as_it_is(queued_run):
    for index in range(3):
        portfolio_chunk_execute(run_id=queued_run.pk, index=index)
    finished = PortfolioRun.objects.get(pk=queued_run.pk)

    again = portfolio_chunk_execute(run_id=queued_run.pk, index=1)

    assert again.results == finished.results
    assert again.finished_at == finished.finished_at
    assert again.chunks_done == 3


@pytest.mark.usefixtures("tasks_run_in_process")
def test_the_chunk_tasks_finish_a_queued_run(
    staff_user, institution, led, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(portfolio_services, "INLINE_WORK", 0)
    monkeypatch.setattr(portfolio_services, "CHUNK_TRIALS", 2048)
    valued(led[0], staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        run = portfolio_run_start(
            user=staff_user, scope="institution", party_id=institution.pk, trials=5000
        )

    run.refresh_from_db()
    assert run.status == ValuationStatus.DONE
    assert run.chunks_done == run.chunks_total == 3


def test_each_side_sees_its_own_runs(staff_user, partner_user, institution, enterprise):
    project = ResearchProjectFactory(
        lead_institution=institution, partner_enterprises=[enterprise]
    )
    valued(project, staff_user)
    valued(project, partner_user)
    ours = portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=100
    )
    theirs = portfolio_run_start(
        user=partner_user, scope="enterprise", party_id=enterprise.pk, trials=100
    )

    assert list(portfolio_runs_visible_to(staff_user)) == [ours]
    assert list(portfolio_runs_visible_to(partner_user)) == [theirs]


def test_the_chunks_are_dropped_once_merged(queued_run):
    """The trials live on in the results; the rows would only take space."""
    for index in range(3):
        portfolio_chunk_execute(run_id=queued_run.pk, index=index)

    assert not PortfolioRunChunk.objects.filter(run=queued_run).exists()


def test_a_stored_valuation_the_engine_cannot_read_counts_as_not_valued(
    staff_user, institution, led
):
    valued(led[0], staff_user)
    broken = valued(led[1], staff_user)
    Valuation.objects.filter(pk=broken.pk).update(inputs={"phases": "unreadable"})

    run = portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=100
    )

    assert [p["code"] for p in run.inputs["projects"]] == [led[0].code]
    assert led[1].code in [p["code"] for p in run.inputs["not_valued"]]


@pytest.mark.usefixtures("tasks_run_in_process")
def test_the_sweep_queues_the_chunks_of_a_stalled_run_again(queued_run):
    """A worker died holding chunk 1: after the grace period the minute's
    sweep queues the chunks not stored, and the run finishes."""
    portfolio_chunk_execute(run_id=queued_run.pk, index=0)
    portfolio_chunk_execute(run_id=queued_run.pk, index=2)
    PortfolioRun.objects.filter(pk=queued_run.pk).update(
        started_at=timezone.now()
        - datetime.timedelta(seconds=settings.VALUATION_RUNNING_GRACE_SECONDS + 60)
    )

    sweep_stalled_valuations()

    run = PortfolioRun.objects.get(pk=queued_run.pk)
    assert run.status == ValuationStatus.DONE
    assert run.chunks_done == 3


@pytest.mark.parametrize(("field", "value"), [("correlation", 0.99999), ("target", 0.99999)])
def test_settings_are_checked_as_they_are_stored(staff_user, institution, led, field, value):
    """Four decimal places are kept: 0.99999 would be stored as 1."""
    valued(led[0], staff_user)

    with pytest.raises(ValuationInputError) as raised:
        portfolio_run_start(
            user=staff_user, scope="institution", party_id=institution.pk, **{field: value}
        )

    assert field in raised.value.fields


def test_a_run_that_cannot_merge_fails_and_says_so(queued_run, monkeypatch):
    def broken(run):
        raise RuntimeError("disk full")

    monkeypatch.setattr(portfolio_services, "_merged_results", broken)

    for index in range(3):
        run = portfolio_chunk_execute(run_id=queued_run.pk, index=index)

    assert run.status == ValuationStatus.FAILED
    assert run.error
    assert run.results is None
