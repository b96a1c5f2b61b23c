"""Valuation services and the Celery task: immutable snapshots, idempotent
runs, snapshots of what the inputs take from the database."""

import datetime
import time

import pytest
from django.conf import settings
from django.utils import timezone

from pipelines.models import Sector, StageDefinition
from projects.models import CostEntry
from valuations.choices import ValuationStatus
from valuations.errors import ValuationInputError
from valuations.models import ComparableDeal, Valuation
from valuations.services import valuation_execute, valuation_run
from valuations.tasks import sweep_stalled_valuations, valuation_compute

pytestmark = pytest.mark.django_db


def large(issue_example):
    issue_example["simulation"]["trials"] = 150_000
    return issue_example


def test_a_queued_valuation_is_run_by_the_task(
    staff_user, project, issue_example, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        valuation = valuation_run(
            project=project, method="rnpv", inputs=large(issue_example), by=staff_user
        )

    status = valuation_compute.apply(args=[valuation.pk]).get()

    valuation.refresh_from_db()
    assert status == ValuationStatus.DONE
    assert valuation.results["simulation"]["trials"] == 150_000
    assert valuation.started_at <= valuation.finished_at


def test_a_queued_valuation_starts_its_task_once_the_valuation_is_saved(
    staff_user, project, issue_example, django_capture_on_commit_callbacks, tasks_run_in_process
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        valuation = valuation_run(
            project=project, method="rnpv", inputs=large(issue_example), by=staff_user
        )

    assert valuation.status == ValuationStatus.QUEUED
    assert len(callbacks) == 1
    valuation.refresh_from_db()
    assert valuation.status == ValuationStatus.DONE


def test_running_the_task_twice_has_the_effect_of_once(
    staff_user, project, issue_example, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        valuation = valuation_run(
            project=project, method="rnpv", inputs=large(issue_example), by=staff_user
        )
    valuation_compute.apply(args=[valuation.pk])
    first = Valuation.objects.get(pk=valuation.pk)

    valuation_compute.apply(args=[valuation.pk])

    second = Valuation.objects.get(pk=valuation.pk)
    assert (second.results, second.finished_at) == (first.results, first.finished_at)


def test_a_run_redelivered_while_running_completes_it_once(staff_user, project, issue_example):
    """A worker died mid-run: the redelivered task runs it again."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("valuations.services.runs_in_background", lambda *args: True)
        valuation = valuation_run(
            project=project,
            method="scorecard",
            by=staff_user,
            inputs={
                "trl": 3,
                "scores": dict.fromkeys(
                    [
                        "scientific_value",
                        "innovation",
                        "market_application_value",
                        "maturity",
                        "time_to_market",
                        "ip_strength",
                    ],
                    2,
                ),
            },
        )
    Valuation.objects.filter(pk=valuation.pk).update(status=ValuationStatus.RUNNING)

    result = valuation_execute(valuation_id=valuation.pk)

    assert result.status == ValuationStatus.DONE
    assert result.results["grade"] == "D"


def test_a_saved_valuation_cannot_be_changed(staff_user, project, issue_example):
    valuation = valuation_run(project=project, method="rnpv", inputs=issue_example, by=staff_user)
    valuation.label = "rewritten"

    with pytest.raises(TypeError):
        valuation.save()


def test_market_approach_snapshots_recorded_comparable_deals(staff_user, project):
    sector = Sector.objects.get(code="biomedicine")
    phase_2 = StageDefinition.objects.get(pipeline__code="BIOMED-DRUG", code="phase_2")
    deal = ComparableDeal.objects.create(
        name="Antibody licence",
        signed_year=2023,
        sector=sector,
        stage=phase_2,
        currency="USD",
        total_value=200,
        source="Press release",
    )
    inputs = {
        "currency": "USD",
        "comparable_deal_ids": [deal.pk],
        "comparables": [{"name": "entered", "value": 100, "probability_of_success": 0.1}],
        "subject_probability_of_success": 0.05,
    }

    valuation = valuation_run(
        project=project, method="market_approach", inputs=inputs, by=staff_user
    )
    ComparableDeal.objects.filter(pk=deal.pk).update(total_value=999)

    recorded = valuation.inputs["recorded_comparables"][0]
    expected_probability = 0.289 * 0.578 * 0.906 * 0.95 * 1
    assert recorded["value"] == 200
    assert recorded["probability_of_success"] == pytest.approx(expected_probability)
    adjusted = sorted(c["adjusted_value"] for c in valuation.results["comparables"])
    assert adjusted == pytest.approx(sorted([50, 200 * 0.05 / expected_probability]))


def test_partners_cannot_use_unpublished_comparable_deals(partner_user, project):
    deal = ComparableDeal.objects.create(
        name="Confidential",
        signed_year=2024,
        sector=Sector.objects.get(code="biomedicine"),
        currency="USD",
        total_value=50,
        source="BioBridge agreement",
    )

    with pytest.raises(ValuationInputError) as error:
        valuation_run(
            project=project,
            method="market_approach",
            by=partner_user,
            inputs={"currency": "USD", "comparable_deal_ids": [deal.pk]},
        )

    assert "comparable_deal_ids.0" in error.value.fields


def test_cost_approach_takes_the_cost_ledger(staff_user, project):
    stage = project.current_stage
    two_years_ago = datetime.date.today() - datetime.timedelta(days=round(2 * 365.25))
    CostEntry.objects.create(
        project=project,
        stage=stage,
        paid_by="institution",
        amount=100,
        currency="CNY",
        incurred_on=two_years_ago,
        description="Assays",
    )
    CostEntry.objects.create(
        project=project,
        stage=stage,
        paid_by="institution",
        amount=30,
        currency="USD",
        incurred_on=two_years_ago,
        description="Other",
    )

    valuation = valuation_run(
        project=project,
        method="cost_approach",
        by=staff_user,
        inputs={"currency": "CNY", "costs_from_ledger": True, "inflation_rate": 0.1},
    )

    assert valuation.status == ValuationStatus.DONE
    assert valuation.results["historical_cost"] == 100
    assert valuation.results["reproduction_cost"] == pytest.approx(121, rel=1e-3)


@pytest.mark.broker
@pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="no broker configured")
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_queued_valuation_from_the_real_broker(
    staff_user, project, issue_example, worker_on_the_real_broker
):
    valuation = valuation_run(
        project=project, method="rnpv", inputs=large(issue_example), by=staff_user
    )
    assert valuation.status == ValuationStatus.QUEUED
    for _ in range(100):
        valuation.refresh_from_db()
        if valuation.status == ValuationStatus.DONE:
            break
        time.sleep(0.2)

    assert valuation.status == ValuationStatus.DONE


def test_a_valuation_whose_task_was_lost_is_run_by_the_sweep(
    staff_user, project, issue_example, django_capture_on_commit_callbacks, tasks_run_in_process
):
    """The broker was down when the valuation was queued: its task never
    arrived. The minute's sweep runs it, once."""
    with django_capture_on_commit_callbacks(execute=False):
        lost = valuation_run(
            project=project, method="rnpv", inputs=large(issue_example), by=staff_user
        )
        fresh = valuation_run(
            project=project, method="rnpv", inputs=large(issue_example), by=staff_user
        )
    Valuation.objects.filter(pk=lost.pk).update(
        created_at=timezone.now()
        - datetime.timedelta(seconds=settings.VALUATION_QUEUED_GRACE_SECONDS + 60)
    )

    assert sweep_stalled_valuations() == 1
    assert sweep_stalled_valuations() == 0

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == ValuationStatus.DONE
    assert fresh.status == ValuationStatus.QUEUED


def test_a_valuation_left_running_by_a_dead_worker_is_run_again(
    staff_user, project, issue_example, django_capture_on_commit_callbacks, tasks_run_in_process
):
    with django_capture_on_commit_callbacks(execute=False):
        valuation = valuation_run(
            project=project, method="rnpv", inputs=large(issue_example), by=staff_user
        )
    Valuation.objects.filter(pk=valuation.pk).update(
        status=ValuationStatus.RUNNING,
        started_at=timezone.now()
        - datetime.timedelta(seconds=settings.VALUATION_RUNNING_GRACE_SECONDS + 60),
    )

    assert sweep_stalled_valuations() == 1

    valuation.refresh_from_db()
    assert valuation.status == ValuationStatus.DONE
    assert valuation.results["simulation"]["trials"] == 150_000
