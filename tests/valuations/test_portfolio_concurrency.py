"""Workers racing on the chunks of one portfolio run: each chunk is stored
once and the run merged once, however many deliveries arrive together.
Real threads, each with its own PostgreSQL connection; SQLite serialises
every writer and proves nothing here."""

import threading

import pytest
from django.db import connection, connections

from tests.factories import ResearchProjectFactory
from tests.valuations.test_portfolio_services import valued
from valuations import portfolio_services
from valuations.choices import ValuationStatus
from valuations.engine.portfolio import simulate_portfolio
from valuations.models import PortfolioRun, PortfolioRunChunk

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

DELIVERIES = 4


def run_together(actions):
    barrier = threading.Barrier(len(actions), timeout=30)
    outcomes = []

    def worker(action):
        try:
            barrier.wait()
            outcomes.append(action())
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_chunks_delivered_several_times_at_once_merge_once(staff_user, institution, monkeypatch):
    monkeypatch.setattr(portfolio_services, "INLINE_WORK", 0)
    monkeypatch.setattr(portfolio_services, "CHUNK_TRIALS", 2048)
    monkeypatch.setattr(portfolio_services, "group", lambda signatures: _NoBroker())
    valued(ResearchProjectFactory(lead_institution=institution), staff_user)
    run = portfolio_services.portfolio_run_start(
        user=staff_user, scope="institution", party_id=institution.pk, trials=4096, seed=5
    )
    merges = []
    merge = portfolio_services._merged_results

    def counted(run):
        merges.append(run.pk)
        return merge(run)

    monkeypatch.setattr(portfolio_services, "_merged_results", counted)

    outcomes = run_together(
        [
            lambda index=index: portfolio_services.portfolio_chunk_execute(
                run_id=run.pk, index=index
            )
            for index in (0, 1)
            for _ in range(DELIVERIES)
        ]
    )

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert merges == [run.pk]
    run = PortfolioRun.objects.get(pk=run.pk)
    assert run.status == ValuationStatus.DONE
    assert run.chunks_done == 2
    assert not PortfolioRunChunk.objects.exists()
    whole = simulate_portfolio(
        portfolio_services.engine_projects(run.inputs), correlation=0.0, trials=4096, seed=5
    )
    assert run.results["simulated"] == whole.to_dict()


class _NoBroker:
    def apply_async(self):
        return None
