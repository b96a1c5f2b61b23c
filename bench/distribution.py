"""Benchmark: a year's distribution run and the annual reports of an
institution with thousands of licensed achievements.

Runs standalone from the repository root:

    .venv/bin/python bench/distribution.py                  # throwaway SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/biobridge_bench_dist \\
        .venv/bin/python bench/distribution.py

It migrates an empty database and generates one institution with
``--achievements`` achievements (two inventors each, in two departments),
each licensed under an agreement of its own with four payments in the year
and three IP costs, plus equity received for one in fifty — about 4 payments
and 3 costs per achievement, in bulk. With DATABASE_URL the database must
exist (``createdb``) and be empty.

Then it times, ``--runs`` times each after a warm-up, the median and p95 of:
``plan_run`` (the preview of the year's run: net income of every
achievement and the lines by the policy's two tiers), ``prepare_run`` (the
same, saved as a draft, rolled back after each run), and both annual
reports for the year (``china_annual_report``, ``autm_report``), their
figures evaluated. DEBUG is off. The run is linear in the achievements it
shares; the target is under 5 s for 10,000 achievements.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--achievements", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="biobridge-bench-") as scratch:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        run(options)


def run(options) -> None:
    sys.path.insert(0, str(REPOSITORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction

    from distributions.services import runs
    from reports.services import autm_report, china_annual_report

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    institution, preparer = generate(options.achievements)
    print(
        f"generated {options.achievements:,} achievements: {time.perf_counter() - started:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    version = (
        f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else f"SQLite {connection.Database.sqlite_version}"
    )
    print(f"{version}, load average {os.getloadavg()[0]:.2f}")
    year = {"period_start": datetime.date(YEAR, 1, 1), "period_end": datetime.date(YEAR, 12, 31)}

    def plan():
        result = runs.plan_run(institution, **year)
        assert len(result.achievements) == options.achievements, len(result.achievements)

    def prepare():
        with transaction.atomic():
            runs.prepare_run(preparer, institution, **year)
            transaction.set_rollback(True)

    def china():
        report = china_annual_report(institution, YEAR)
        [figure.value for figure in report.figures]

    def autm():
        report = autm_report(institution, YEAR)
        [figure.value for figure in report.figures]

    for name, case in (
        ("plan_run (preview)", plan),
        ("prepare_run (saved draft)", prepare),
        ("china_annual_report", china),
        ("autm_report", autm),
    ):
        case()
        times = []
        for _ in range(options.runs):
            begun = time.perf_counter()
            case()
            times.append(time.perf_counter() - begun)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        median = statistics.median(times)
        print(f"{name:28} median {median * 1000:8.0f} ms   p95 {p95 * 1000:8.0f} ms")


def generate(count: int):
    """One institution, its licensed achievements, their receipts and costs."""
    from accounts.choices import Role
    from accounts.models import User
    from achievements.models import (
        Achievement,
        AchievementAgreement,
        AchievementOwner,
        Inventor,
        IpCost,
    )
    from distributions.models import EquityHolding
    from distributions.services.policies import policy_from_preset
    from partnerships.models import Agreement, Enterprise, Institution, Partnership, Person
    from projects.models import FixedPayment, Invoice, Payment

    institution = Institution.objects.create(
        code="BENCH", name="Bench University", kind="university"
    )
    enterprise = Enterprise.objects.create(code="BENCHCO", name="Bench Licensee", size="large")
    preparer = User.objects.create_user(
        "bench.distribution@example.com", None, full_name="Bench Staff", role=Role.CENTRE_STAFF
    )
    preparer.institutions.set([institution])
    policy_from_preset(
        preparer, institution, preset_key="us_two_tiers", effective_from=datetime.date(2020, 1, 1)
    )
    partnership = Partnership.objects.create(
        code="BENCH-P",
        title="Bench partnership",
        mode="transfer",
        institution=institution,
        enterprise=enterprise,
        started_on=datetime.date(2020, 1, 1),
    )
    people = Person.objects.bulk_create(
        Person(full_name=f"Inventor {n}", institution=institution) for n in range(200)
    )
    signed = datetime.date(2024, 6, 1)
    for start in range(0, count, 1000):
        numbers = range(start, min(start + 1000, count))
        achievements = Achievement.objects.bulk_create(
            Achievement(
                reference=f"BENCH-{n:06d}",
                title=f"Bench achievement {n}",
                kind="invention",
                funding_source="government",
                disclosed_on=datetime.date(2023, 1, 1),
            )
            for n in numbers
        )
        AchievementOwner.objects.bulk_create(
            AchievementOwner(achievement=a, institution=institution, share_percent=100)
            for a in achievements
        )
        Inventor.objects.bulk_create(
            Inventor(
                achievement=a,
                person=people[(i * 2 + k) % len(people)],
                contribution_percent=Decimal(share),
                department=("Immunology", "Chemistry")[k],
            )
            for i, a in zip(numbers, achievements, strict=True)
            for k, share in enumerate(("60", "40"))
        )
        agreements = Agreement.objects.bulk_create(
            Agreement(
                partnership=partnership,
                reference=f"BENCH-A-{n:06d}",
                title=f"Licence {n}",
                kind="licence",
                status="signed",
                signed_on=signed,
                effective_on=signed,
                registration_number=f"2024420000{n:06d}",
                contract_value=Decimal("500000"),
            )
            for n in numbers
        )
        AchievementAgreement.objects.bulk_create(
            AchievementAgreement(achievement=a, agreement=g, mode="licence")
            for a, g in zip(achievements, agreements, strict=True)
        )
        fees = FixedPayment.objects.bulk_create(
            FixedPayment(
                agreement=g,
                kind="other",
                amount=Decimal(30000 + (n % 7) * 10000),
                currency="CNY",
                due_date=datetime.date(YEAR, q * 3, 1),
                status="paid",
            )
            for n, g in zip(numbers, agreements, strict=True)
            for q in range(1, 5)
        )
        invoices = Invoice.objects.bulk_create(
            Invoice(
                number=f"BENCH-{fee.agreement_id}-{fee.due_date.month}",
                agreement_id=fee.agreement_id,
                fixed_payment=fee,
                payee_name=institution.name,
                payer_name=enterprise.name,
                amount=fee.amount,
                currency="CNY",
                issued_on=fee.due_date,
                due_on=fee.due_date,
            )
            for fee in fees
        )
        Payment.objects.bulk_create(
            Payment(invoice=inv, amount=inv.amount, currency="CNY", paid_on=inv.due_on)
            for inv in invoices
        )
        IpCost.objects.bulk_create(
            IpCost(
                achievement=a,
                kind=kind,
                amount=Decimal("4000"),
                currency="CNY",
                incurred_on=datetime.date(YEAR, month, 15),
                description="Bench cost",
            )
            for a in achievements
            for kind, month in (("official_fee", 2), ("counsel", 5), ("evaluation", 9))
        )
        EquityHolding.objects.bulk_create(
            EquityHolding(
                institution=institution,
                company=enterprise,
                agreement=g,
                acquired_on=datetime.date(YEAR, 7, 1),
                shares=10_000,
                value=Decimal("100000"),
            )
            for n, g in zip(numbers, agreements, strict=True)
            if n % 50 == 0
        )
    return institution, preparer


if __name__ == "__main__":
    main()
