from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MILESTONE_CLAIMABLE = "milestone_claimable", _("Milestone can be claimed")
    MILESTONE_DUE_SOON = "milestone_due_soon", _("Milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    PAYMENT_DUE_SOON = "payment_due_soon", _("Payment due soon")
    PAYMENT_OVERDUE = "payment_overdue", _("Payment overdue")
    CLAIM_AWAITING_VERIFICATION = "claim_awaiting_verification", _("Claim awaiting verification")
    MILESTONE_VERIFIED = "milestone_verified", _("Milestone verified")
    MILESTONE_DISPUTED = "milestone_disputed", _("Milestone disputed")
    INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    STAGE_CHANGED = "stage_changed", _("Project stage changed")
    ROYALTY_REPORT_DUE = "royalty_report_due", _("Royalty report due")
    AGREEMENT_EXPIRING = "agreement_expiring", _("Agreement expiring")
    ROYALTY_REPORT_SUBMITTED = "royalty_report_submitted", _("Royalty report submitted")
    ROYALTY_REPORT_QUERIED = "royalty_report_queried", _("Royalty report queried")
    DEADLINE_DUE = "deadline_due", _("Patent deadline due")
    DEADLINE_OVERDUE = "deadline_overdue", _("Patent deadline overdue")
    DISCLOSURE_SUBMITTED = "disclosure_submitted", _("Disclosure submitted")
    DISCLOSURE_RETURNED = "disclosure_returned", _("Disclosure returned")
    DISCLOSURE_CONVERTED = "disclosure_converted", _("Disclosure accepted")
    REWARD_STATEMENT_READY = "reward_statement_ready", _("Reward statement ready")
