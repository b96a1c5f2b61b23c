from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    TERMINATED = "terminated", _("Terminated")
    PRODUCTIZED = "productized", _("Productized")


class TransitionKind(models.TextChoices):
    """A recorded stage-gate decision."""

    START = "start", _("Start")
    ADVANCE = "advance", _("Advance")
    SKIP = "skip", _("Skip")
    HOLD = "hold", _("Hold")
    RESUME = "resume", _("Resume")
    TERMINATE = "terminate", _("Terminate")
    REVERT = "revert", _("Revert")


class TherapeuticArea(models.TextChoices):
    """Therapeutic areas of biomedicine projects; phase success rates differ
    markedly between them."""

    ONCOLOGY = "oncology", _("Oncology")
    HAEMATOLOGY = "haematology", _("Haematology")
    INFECTIOUS_DISEASE = "infectious_disease", _("Infectious disease")
    NEUROLOGY = "neurology", _("Neurology")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    CARDIOVASCULAR = "cardiovascular", _("Cardiovascular")
    METABOLIC = "metabolic", _("Metabolic and endocrinology")
    AUTOIMMUNE = "autoimmune", _("Autoimmune and inflammation")
    RESPIRATORY = "respiratory", _("Respiratory")
    OPHTHALMOLOGY = "ophthalmology", _("Ophthalmology")
    RARE_DISEASE = "rare_disease", _("Rare disease")
    VACCINES = "vaccines", _("Vaccines")
    OTHER = "other", _("Other")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLAIMED = "claimed", _("Claimed")
    DISPUTED = "disputed", _("Disputed")
    VERIFIED = "verified", _("Verified")
    INVOICED = "invoiced", _("Invoiced")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    WAIVED = "waived", _("Waived")


class VerificationEvidence(models.TextChoices):
    """How an enterprise that verified a claim outside BioBridge said so:
    the evidence staff attach when they record its verification."""

    LETTER = "letter", _("Signed letter")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other written confirmation")


# The milestone lifecycle of DESIGN §3. Once invoiced, a milestone is settled
# by payments only: a numbered invoice cannot be silently withdrawn.
MILESTONE_TRANSITIONS = {
    MilestoneStatus.PLANNED: {
        MilestoneStatus.CLAIMED,
        MilestoneStatus.CANCELLED,
        MilestoneStatus.WAIVED,
    },
    MilestoneStatus.CLAIMED: {
        MilestoneStatus.VERIFIED,
        MilestoneStatus.DISPUTED,
        MilestoneStatus.CANCELLED,
        MilestoneStatus.WAIVED,
    },
    MilestoneStatus.DISPUTED: {
        MilestoneStatus.CLAIMED,
        MilestoneStatus.CANCELLED,
        MilestoneStatus.WAIVED,
    },
    MilestoneStatus.VERIFIED: {
        MilestoneStatus.INVOICED,
        MilestoneStatus.CANCELLED,
        MilestoneStatus.WAIVED,
    },
    MilestoneStatus.INVOICED: {MilestoneStatus.PARTIALLY_PAID, MilestoneStatus.PAID},
    MilestoneStatus.PARTIALLY_PAID: {MilestoneStatus.PARTIALLY_PAID, MilestoneStatus.PAID},
    MilestoneStatus.PAID: set(),
    MilestoneStatus.CANCELLED: set(),
    MilestoneStatus.WAIVED: set(),
}

# Milestones not invoiced yet whose money the payer should expect (the
# partner's overview lists them by due date; an index follows the same list).
MILESTONE_EXPECTED_STATUSES = (
    MilestoneStatus.PLANNED,
    MilestoneStatus.CLAIMED,
    MilestoneStatus.DISPUTED,
    MilestoneStatus.VERIFIED,
)

MILESTONE_OPEN_STATUSES = {
    MilestoneStatus.PLANNED,
    MilestoneStatus.CLAIMED,
    MilestoneStatus.DISPUTED,
    MilestoneStatus.VERIFIED,
    MilestoneStatus.INVOICED,
    MilestoneStatus.PARTIALLY_PAID,
}


class RoyaltyReportKind(models.TextChoices):
    SALES = "sales", _("Net sales report")
    MINIMUM_TRUE_UP = "minimum_true_up", _("Minimum annual royalty true-up")


class RoyaltyReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    QUERIED = "queried", _("Queried")
    ACCEPTED = "accepted", _("Accepted")
    INVOICED = "invoiced", _("Invoiced")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")


ROYALTY_REPORT_TRANSITIONS = {
    RoyaltyReportStatus.SUBMITTED: {RoyaltyReportStatus.ACCEPTED, RoyaltyReportStatus.QUERIED},
    RoyaltyReportStatus.QUERIED: {RoyaltyReportStatus.SUBMITTED},
    RoyaltyReportStatus.ACCEPTED: {RoyaltyReportStatus.INVOICED},
    RoyaltyReportStatus.INVOICED: {RoyaltyReportStatus.PARTIALLY_PAID, RoyaltyReportStatus.PAID},
    RoyaltyReportStatus.PARTIALLY_PAID: {
        RoyaltyReportStatus.PARTIALLY_PAID,
        RoyaltyReportStatus.PAID,
    },
    RoyaltyReportStatus.PAID: set(),
}


class VatInvoiceKind(models.TextChoices):
    """The kinds of VAT invoice (发票) a payee issues in mainland China. A
    fully digitalised e-invoice (数电发票) has a 20-digit number and no code;
    the older special and ordinary invoices, on paper or electronic, have a
    code of 10 or 12 digits and an 8-digit number."""

    DIGITAL_SPECIAL = "digital_special", _("Fully digitalised e-invoice (special VAT invoice)")
    DIGITAL_ORDINARY = "digital_ordinary", _("Fully digitalised e-invoice (ordinary invoice)")
    SPECIAL = "special", _("Special VAT invoice")
    ORDINARY = "ordinary", _("Ordinary VAT invoice")


DIGITAL_VAT_INVOICE_KINDS = {VatInvoiceKind.DIGITAL_SPECIAL, VatInvoiceKind.DIGITAL_ORDINARY}


class VatRate(models.TextChoices):
    """The rates a VAT invoice can state. Technical services are usually
    taxed at 6 %; registered technology transfer and development income is
    exempt."""

    RATE_13 = "13", _("13 %")
    RATE_9 = "9", _("9 %")
    RATE_6 = "6", _("6 %")
    RATE_5 = "5", _("5 %")
    RATE_3 = "3", _("3 %")
    RATE_1 = "1", _("1 %")
    ZERO = "0", _("0 %")
    EXEMPT = "exempt", _("Exempt")


def vat_rate_percent(rate: str):
    """The rate as a percentage (an exempt invoice bears no tax)."""
    return Decimal(0) if rate == VatRate.EXEMPT else Decimal(rate)


class FixedPaymentKind(models.TextChoices):
    """The fixed amounts of a licence, owed on a date rather than on a
    project's progress or on sales."""

    UPFRONT = "upfront", _("Upfront payment")
    ANNUAL_LICENCE_FEE = "annual_licence_fee", _("Annual licence fee")
    ANNUAL_MAINTENANCE_FEE = "annual_maintenance_fee", _("Annual maintenance fee")
    PATENT_COSTS = "patent_costs", _("Patent-cost reimbursement")
    SUBLICENCE_SHARE = "sublicence_share", _("Sublicence income share")
    OPTION_FEE = "option_fee", _("Option fee")
    OTHER = "other", _("Other fixed payment")


# The fees an agreement's terms generate once a year of its term begins.
ANNUAL_FEE_KINDS = (FixedPaymentKind.ANNUAL_LICENCE_FEE, FixedPaymentKind.ANNUAL_MAINTENANCE_FEE)
# Generated from the terms, not added by hand.
GENERATED_FIXED_PAYMENT_KINDS = (FixedPaymentKind.UPFRONT, *ANNUAL_FEE_KINDS)


class FixedPaymentStatus(models.TextChoices):
    DUE = "due", _("Due")
    INVOICED = "invoiced", _("Invoiced")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    WAIVED = "waived", _("Waived")


# Owed from the day it is recorded; once invoiced, settled by payments only.
FIXED_PAYMENT_TRANSITIONS = {
    FixedPaymentStatus.DUE: {
        FixedPaymentStatus.INVOICED,
        FixedPaymentStatus.CANCELLED,
        FixedPaymentStatus.WAIVED,
    },
    FixedPaymentStatus.INVOICED: {FixedPaymentStatus.PARTIALLY_PAID, FixedPaymentStatus.PAID},
    FixedPaymentStatus.PARTIALLY_PAID: {
        FixedPaymentStatus.PARTIALLY_PAID,
        FixedPaymentStatus.PAID,
    },
    FixedPaymentStatus.PAID: set(),
    FixedPaymentStatus.CANCELLED: set(),
    FixedPaymentStatus.WAIVED: set(),
}

FIXED_PAYMENT_OPEN_STATUSES = (
    FixedPaymentStatus.DUE,
    FixedPaymentStatus.INVOICED,
    FixedPaymentStatus.PARTIALLY_PAID,
)
