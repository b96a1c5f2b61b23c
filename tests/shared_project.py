"""Two enterprises on shared projects, each under its own agreement: the
world of the walks in ``tests/api/test_shared_project.py`` and
``tests/portal/test_shared_project.py``.

Enterprises ALPHA and BRAVO are partners of two projects led by one
institution: HEC-001 runs under ALPHA's agreement, HEC-004 under BRAVO's.
Each enterprise has, under its own agreement, a milestone claimed on the
other's project with a staff-uploaded document as evidence (BRAVO's through a
dispute and a new claim, as the documents first leaked), a milestone invoiced
and part paid on its own project, a royalty report, cost entries on its own
project, a document of its agreement and a document its user uploaded to
the other's project, all made by the services, so that
their activity and notices exist too. One document of HEC-004 is shared
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

from projects.models import Activity
from projects.services.costs import cost_entry_record
from projects.services.documents import document_upload
from projects.services.fixed_payments import fixed_payment_add, fixed_payment_invoice
from projects.services.invoicing import payment_record
from projects.services.milestones import (
    milestone_claim,
    milestone_dispute,
    milestone_invoice,
    milestone_verify,
)
from projects.services.royalties import royalty_report_submit
from tests.factories import (
    AgreementFactory,
    CostShareFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    RoyaltyTierFactory,
    StageTransitionFactory,
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
    upload: object

    def ids(self) -> dict[str, set[int]]:
        """The side's objects by the API's name for their kind."""
        return {
            "milestone": {self.claimed.pk, self.invoiced.pk},
            "invoice": {self.invoice.pk},
            "payment": {self.payment.pk},
            "royalty-report": {self.royalty_report.pk},
            "cost-entry": {self.cost_entry.pk},
            "document": {self.agreement_document.pk, self.evidence.pk, self.upload.pk},
            "agreement": {self.agreement.pk},
            "partnership": {self.partnership.pk},
            "activity": set(
                Activity.objects.filter(agreement=self.agreement).values_list("pk", flat=True)
            ),
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
        # A gate decision cited it while it was the project's alone.
        StageTransitionFactory(project=other_project).evidence.add(evidence)
        claimed = MilestoneFactory(
            project=other_project, agreement=agreement, name=f"{word} option fee"
        )
        if word == "BRAVO":
            milestone_claim(milestone=claimed, by=staff, evidence_note="Report sent by mail.")
            milestone_dispute(milestone=claimed, by=user, reason="No report received.")
        milestone_claim(milestone=claimed, by=staff, documents=[evidence])
        invoiced = MilestoneFactory(
            project=own_project, agreement=agreement, name=f"{word} licence fee"
        )
        milestone_claim(milestone=invoiced, by=staff, evidence_note="Licence signed.")
        milestone_verify(milestone=invoiced, by=user)
        invoice = milestone_invoice(milestone=invoiced, by=staff)
        payment = payment_record(
            invoice=invoice,
            amount=Decimal("1000.00"),
            currency=invoice.currency,
            paid_on=invoice.issued_on,
            by=staff,
            reference=f"BANK-{word}",
        )
        # A fixed amount of the agreement, about the project it runs.
        fixed_payment_invoice(
            fixed_payment=fixed_payment_add(
                agreement=agreement,
                by=staff,
                kind="patent_costs",
                amount=Decimal("30000.00"),
                due_date=datetime.date(2025, 6, 30),
                description=f"{word} patent costs",
                project=own_project,
            ),
            by=staff,
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
            royalty_report=royalty_report_submit(
                agreement=agreement,
                by=user,
                period_start=datetime.date(2025, 1, 1),
                period_end=datetime.date(2025, 3, 31),
                net_sales=Decimal("100000.00"),
                project=own_project,
            ),
            cost_entry=cost_entry_record(
                project=own_project,
                stage=own_project.current_stage,
                paid_by="enterprise",
                amount=Decimal("70000.00"),
                currency="CNY",
                incurred_on=datetime.date(2025, 3, 1),
                description=f"{word} pilot batch",
                by=staff,
            ),
            agreement_document=_upload(f"{lower}-contract.pdf", by=staff, agreement=agreement),
            evidence=evidence,
            # The partner's own upload to the project it shares under the
            # other's agreement.
            upload=_upload(f"{lower}-lab-notes.pdf", by=user, project=other_project),
        )
    return SharedWorld(
        alpha=sides["ALPHA"], bravo=sides["BRAVO"], staff=staff, project_wide=project_wide
    )


def leaks(text: str, other: Side) -> bool:
    """Whether ``text`` names anything the other side's agreement governs:
    its word, or its invoice's number (numbered by the payee, not by the
    enterprise)."""
    return other.word.lower() in text.lower() or other.invoice.number in text
