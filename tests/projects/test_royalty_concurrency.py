"""Royalty reports of one year submitted at the same moment: the agreement
lock makes each report see the others' sales, so the year's royalties add up
to the royalty on the year's sales.

Real threads, each with its own PostgreSQL connection; SQLite serialises
every writer and proves nothing here.
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from notifications.tasks import send_notification_email
from projects.models import RoyaltyReport
from projects.services import royalty_report_submit
from tests.factories import AgreementFactory, PartnerUserFactory, RoyaltyTierFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    """Today is fixed, so 2025 has ended; emails stay off the broker."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 5, 20))
    monkeypatch.setattr(send_notification_email, "delay", lambda *args, **kwargs: None)


def test_quarters_reported_at_the_same_moment_add_up_to_the_annual_royalty():
    """Four quarters of 400,000 reported at once: together they owe the
    royalty on 1,600,000 (50,000 + 600,000 × 8%), not four times 5%."""
    licence = AgreementFactory()
    RoyaltyTierFactory(agreement=licence, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=licence, lower_bound=1_000_000, rate_percent=8)
    licensee = PartnerUserFactory(enterprise=licence.partnership.enterprise)
    quarters = [
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ]
    barrier = threading.Barrier(len(quarters), timeout=30)
    outcomes = []

    def report(period_start, period_end):
        try:
            barrier.wait()
            outcomes.append(
                royalty_report_submit(
                    agreement=licence,
                    by=licensee,
                    period_start=period_start,
                    period_end=period_end,
                    net_sales=Decimal(400_000),
                )
            )
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=period) for period in quarters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(outcome, RoyaltyReport) for outcome in outcomes), outcomes
    assert sum(outcome.royalty_due for outcome in outcomes) == Decimal("98000.00")
