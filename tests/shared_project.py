"""Two enterprises on shared projects, each under its own agreement: the
world of the walks in ``tests/api/test_shared_project.py`` and
``tests/portal/test_shared_project.py``.

Enterprises ALPHA and BRAVO are partners of two projects led by one
institution: HEC-001 runs under ALPHA's agreement, HEC-004 under BRAVO's.
Each enterprise has, under its own agreement, a milestone claimed on the
other's project with a staff-uploaded document as evidence (BRAVO's through a
dispute and a new claim, as the documents first leaked), a milestone invoiced
and part paid on its own project, a royalty report, cost entries on its own
project and a document of its agreement. One document of HEC-004 is shared
project-wide on purpose.

Everything an agreement governs carries its enterprise's word (ALPHA or
BRAVO) in a name, number, reference or file name, so a page or response
that shows any of it to the other enterprise is caught by text; ids catch
the rest.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Invoice, Payment
from projects.services.documents import document_upload
from projects.services.milestones import milestone_claim, milestone_dispute
from tests.factories import (
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class Side:
    """What one enterprise's agreement governs on the shared projects."""

    word: str
    user: object
    partnership: object
    agreement: object
    project: object
    claimed: object
    invoiced: object
    invoice: object
    payment: object
    royalty_report: object
    cost_entry: object
    agreement_document: object
    evidence: object

    def ids(self) -> dict[str, set[int]]:
        """The side's objects by the API's name for their kind."""
        return {
            "milestone": {self.claimed.pk, self.invoiced.pk},
            "invoice": {self.invoice.pk},
            "payment": {self.payment.pk},
            "royalty-report": {self.royalty_report.pk},
            "cost-entry": {self.cost_entry.pk},
            "document": {self.agreement_document.pk, self.evidence.pk},
            "agreement": {self.agreement.pk},
            "partnership": {self.partnership.pk},
        }


@dataclass
class SharedWorld:
    alpha: Side
    bravo: Side
    staff: object
    project_wide: object

    def sides(self):
        """(side, the other side), for each enterprise."""
        return [(self.alpha, self.bravo), (self.bravo, self.alpha)]


def _upload(name: str, *, by, **owner):
    return document_upload(
        uploaded_file=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        by=by,
        **owner,
    )


def _terms(enterprise, institution, word: str):
    partnership = PartnershipFactory(
        code=f"PS-{word}",
        title=f"{word} partnership",
        institution=institution,
        enterprise=enterprise,
    )
    agreement = AgreementFactory(
        partnership=partnership, reference=f"AGR-{word}", title=f"{word} licence"
    )
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    CostShareFactory(agreement=agreement, party="research", percent=40)
    CostShareFactory(agreement=agreement, party="enterprise", percent=60)
    return partnership, agreement


def build_shared_world(alpha_user, bravo_user) -> SharedWorld:
    institution = InstitutionFactory()
    staff = UserFactory(institutions=[institution])
    enterprises = [alpha_user.enterprise, bravo_user.enterprise]
    terms = {
        "ALPHA": _terms(alpha_user.enterprise, institution, "ALPHA"),
        "BRAVO": _terms(bravo_user.enterprise, institution, "BRAVO"),
    }
    projects = {
        "ALPHA": ProjectUnderAgreementFactory(
            code="HEC-001", agreement=terms["ALPHA"][1], partner_enterprises=enterprises
        ),
        "BRAVO": ProjectUnderAgreementFactory(
            code="HEC-004", agreement=terms["BRAVO"][1], partner_enterprises=enterprises
        ),
    }
    project_wide = _upload("common-protocol.pdf", by=staff, project=projects["BRAVO"])
    sides = {}
    for word, user, other in (("ALPHA", alpha_user, "BRAVO"), ("BRAVO", bravo_user, "ALPHA")):
        partnership, agreement = terms[word]
        own_project, other_project = projects[word], projects[other]
        lower = word.lower()
        # Staff upload the evidence to the project alone, as they do.
        evidence = _upload(f"{lower}-evidence.pdf", by=staff, project=other_project)
        claimed = MilestoneFactory(
            project=other_project, agreement=agreement, name=f"{word} option fee"
        )
        if word == "BRAVO":
            milestone_claim(milestone=claimed, by=staff, evidence_note="Report sent by mail.")
            milestone_dispute(milestone=claimed, by=user, reason="No report received.")
        milestone_claim(milestone=claimed, by=staff, documents=[evidence])
        invoiced = MilestoneFactory(
            project=own_project, agreement=agreement, name=f"{word} licence fee", status="invoiced"
        )
        invoice = Invoice.objects.create(
            number=f"INV-{word}-2025-0001",
            milestone=invoiced,
            payee_name="Payee",
            payer_name=user.enterprise.name,
            amount=invoiced.amount,
            currency=invoiced.currency,
            issued_on=datetime.date(2025, 4, 1),
            due_on=datetime.date(2025, 5, 1),
        )
        payment = Payment.objects.create(
            invoice=invoice,
            amount=Decimal("1000.00"),
            currency=invoiced.currency,
            paid_on=datetime.date(2025, 4, 20),
            reference=f"BANK-{word}",
        )
        sides[word] = Side(
            word=word,
            user=user,
            partnership=partnership,
            agreement=agreement,
            project=own_project,
            claimed=claimed,
            invoiced=invoiced,
            invoice=invoice,
            payment=payment,
            royalty_report=RoyaltyReportFactory(agreement=agreement, project=own_project),
            cost_entry=CostEntryFactory(
                project=own_project,
                paid_by="enterprise",
                amount=Decimal("70000.00"),
                description=f"{word} pilot batch",
            ),
            agreement_document=_upload(f"{lower}-contract.pdf", by=staff, agreement=agreement),
            evidence=evidence,
        )
    return SharedWorld(
        alpha=sides["ALPHA"], bravo=sides["BRAVO"], staff=staff, project_wide=project_wide
    )


def leaks(text: str, other: Side) -> bool:
    """Whether ``text`` names anything the other side's agreement governs."""
    return other.word.lower() in text.lower()
