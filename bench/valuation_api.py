"""Benchmark of the stateless rNPV endpoint through the whole Django stack
(middleware, session authentication, DRF validation, engine, JSON), in
process with Django's test client.

    .venv/bin/python bench/valuation_api.py

Uses a fresh test database on the configured DATABASE_URL (SQLite in
memory by default). Target: under 20 ms per call for a deterministic rNPV
with a deal and the outcome table. Figures go to docs/benchmarks.md.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from valuation_engine import ASSET, DEAL  # noqa: E402

URL = "/api/v1/valuations/compute/rnpv/"


def measure(client, body, runs):
    payload = json.dumps(body)
    for _ in range(50):
        client.post(URL, payload, content_type="application/json")
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.post(URL, payload, content_type="application/json")
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content
    return samples


def report(label, samples):
    print(
        f"{label}: median {statistics.median(samples) * 1e3:.2f} ms, "
        f"p95 {np.percentile(samples, 95) * 1e3:.2f} ms over {len(samples)} calls"
    )


def main():
    from accounts.models import User

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = User.objects.create_user(email="bench@example.com", password="bench-password")
        client = Client()
        client.force_login(user)
        print(f"Database: {connection.vendor}")
        report("rNPV + deal + outcome table", measure(client, {**ASSET, "deal": DEAL}, 1000))
        as_text = json.loads(json.dumps({**ASSET, "deal": DEAL}), parse_float=str)
        report("same, numbers as decimal strings", measure(client, as_text, 1000))
        report("rNPV only", measure(client, ASSET, 1000))
        simulated = {
            **ASSET,
            "deal": DEAL,
            "simulation": {
                "trials": 100_000,
                "seed": 7,
                "peak_sales": {
                    "distribution": "triangular",
                    "low": 750,
                    "mode": 1500,
                    "high": 2250,
                },
            },
        }
        report("with a 100,000-trial simulation", measure(client, simulated, 50))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
