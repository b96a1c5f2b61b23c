"""Benchmark of the portfolio Monte Carlo: 1,000 synthetic projects x
100,000 trials, independent and correlated within sectors, the chunks run
in a pool of 2 processes the way 2 Celery workers would run them (each
process rebuilds the model from the projects, as a task does from the run's
inputs, computes its chunk and hands back the bytes a chunk row stores);
then the merge.

    .venv/bin/python bench/portfolio.py

Target: under 60 s for each run on a 2-core machine. Figures go to
docs/benchmarks.md.
"""

import os
import sys
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from valuations.engine.portfolio import (
    ChunkResult,
    PortfolioModel,
    PortfolioProject,
    chunk_bounds,
    exact_figures,
    merge_chunks,
    simulate_chunk,
)

PROJECTS = 1_000
TRIALS = 100_000
CHUNK_TRIALS = 20_480  # as valuations.portfolio_services.CHUNK_TRIALS
WORKERS = 2
SEED = 2026
SECTORS = ("biomedicine", "devices", "agriculture", "materials", "software")


def synthetic_projects(count: int) -> list[PortfolioProject]:
    """Projects of 1 to 6 phases with success 0.3-0.9, costs 1-50 per
    phase, a market value of 20-2,000 and a year of spend per phase."""
    rng = np.random.default_rng(1)
    projects = []
    for index in range(count):
        phases = int(rng.integers(1, 7))
        success = rng.uniform(0.3, 0.9, phases)
        costs = rng.uniform(1, 50, phases)
        reach = np.concatenate(([1.0], np.cumprod(success)))
        probabilities = [float(reach[k] * (1 - success[k])) for k in range(phases)]
        probabilities.append(float(reach[-1]))
        spent = np.cumsum(costs)
        values = [float(-s) for s in spent] + [float(rng.uniform(20, 2000) - spent[-1])]
        projects.append(
            PortfolioProject(
                key=f"P{index:04d}",
                sector=SECTORS[index % len(SECTORS)],
                outcome_probabilities=tuple(probabilities),
                outcome_values=tuple(values),
                spend=tuple(float(c) for c in costs),
                spend_probability=tuple(float(r) for r in reach[:-1]),
            )
        )
    return projects


_projects = None


def _chunk(args):
    correlation, start, stop = args
    model = PortfolioModel(_projects, correlation)
    return start, stop, *simulate_chunk(model, SEED, start, stop).to_bytes()


def _init(projects):
    global _projects
    _projects = projects


def run(projects, correlation: float, pool) -> tuple[float, dict]:
    started = time.perf_counter()
    bounds = chunk_bounds(TRIALS, -(-TRIALS // CHUNK_TRIALS))
    parts = pool.map(_chunk, [(correlation, a, b) for a, b in bounds])
    chunks = [ChunkResult.from_bytes(*part) for part in parts]
    simulated = merge_chunks(chunks, trials=TRIALS, seed=SEED, correlation=correlation)
    exact = exact_figures(projects, correlation)
    return time.perf_counter() - started, {"simulated": simulated, "exact": exact}


def main():
    projects = synthetic_projects(PROJECTS)
    print(
        f"{PROJECTS:,} projects x {TRIALS:,} trials, {WORKERS} processes, load {os.getloadavg()}"
    )
    with get_context("fork").Pool(WORKERS, initializer=_init, initargs=(projects,)) as pool:
        for correlation in (0.0, 0.3):
            seconds, figures = run(projects, correlation, pool)
            simulated, exact = figures["simulated"], figures["exact"]
            print(
                f"correlation {correlation}: {seconds:.1f} s; "
                f"sum of rNPVs {exact.sum_of_rnpv:,.0f}, simulated mean "
                f"{simulated.total_value['mean']:,.0f}; expected on market "
                f"{exact.expected_on_market:.1f} (simulated {simulated.expected_on_market:.1f}, "
                f"sd {simulated.count_sd:.1f}); P(at least one) {simulated.at_least_one:.4f}"
            )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
