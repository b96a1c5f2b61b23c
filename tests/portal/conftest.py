"""A world of two enterprises for the partner portal's tests.

``own`` belongs to ``partner_user``'s enterprise, ``foreign`` to
``other_partner_user``'s; each has a partnership with its own institution, an
agreement, a project under it, a milestone awaiting the partner's
verification, an invoiced and partly paid milestone, a royalty report and a
document. Portal tests show the own side and answer 404 for the foreign one.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from achievements.models import AchievementAgreement
from projects.models import Invoice, Payment
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    DocumentFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
)


@dataclass
class Side:
    partnership: object
    agreement: object
    project: object
    claimed_milestone: object
    invoiced_milestone: object
    invoice: object
    payment: object
    royalty_report: object
    document: object
    achievement: object


def make_invoice_and_payment(milestone, *, code: str) -> tuple[Invoice, Payment]:
    invoice = Invoice.objects.create(
        number=f"INV-{code}-2025-0001",
        milestone=milestone,
        payee_name="Payee",
        payer_name=milestone.agreement.partnership.enterprise.name,
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 1),
    )
    payment = Payment.objects.create(
        invoice=invoice,
        amount=Decimal("1000.00"),
        currency=milestone.currency,
        paid_on=datetime.date(2025, 4, 20),
        reference=f"BANK-{code}",
    )
    return invoice, payment


def make_side(*, enterprise, code: str) -> Side:
    partnership = PartnershipFactory(
        code=f"PS-{code}",
        title=f"{code} partnership",
        institution=InstitutionFactory(),
        enterprise=enterprise,
    )
    agreement = AgreementFactory(
        partnership=partnership, reference=f"AGR-{code}", title=f"{code} licence"
    )
    project = ProjectUnderAgreementFactory(
        agreement=agreement, code=f"PRJ-{code}", title=f"{code} antibody"
    )
    claimed = MilestoneFactory(project=project, name=f"{code} first patient", status="claimed")
    invoiced = MilestoneFactory(
        project=project, name=f"{code} proof of concept", status="invoiced"
    )
    invoice, payment = make_invoice_and_payment(invoiced, code=code)
    achievement = AchievementFactory(
        reference=f"ACH-{code}", title=f"{code} antibody method", owner=partnership.institution
    )
    AchievementAgreement.objects.create(
        achievement=achievement, agreement=agreement, mode="licence"
    )
    return Side(
        partnership=partnership,
        agreement=agreement,
        project=project,
        claimed_milestone=claimed,
        invoiced_milestone=invoiced,
        invoice=invoice,
        payment=payment,
        royalty_report=RoyaltyReportFactory(agreement=agreement, project=project),
        document=DocumentFactory(project=project, original_name=f"{code}-study-report.pdf"),
        achievement=achievement,
    )


@pytest.fixture
def own(partner_user):
    return make_side(enterprise=partner_user.enterprise, code="OWN")


@pytest.fixture
def foreign(other_partner_user):
    return make_side(enterprise=other_partner_user.enterprise, code="FOREIGN")
