"""Writes to projects and their money. Every front door (staff UI, portal,
API, admin, Celery tasks) calls these functions; none repeats their rules.

The modules group the services by subject; import from this package.
"""

from .costs import cost_entry_record, failure_clause_for
from .documents import document_upload
from .editing import PROJECT_FIELDS, project_update
from .gates import (
    project_advance,
    project_advance_guard,
    project_hold,
    project_hold_guard,
    project_resume,
    project_resume_guard,
    project_revert,
    project_revert_guard,
    project_skip,
    project_skip_guard,
    project_terminate,
    project_terminate_guard,
)
from .invoicing import (
    VAT_INVOICE_FIELDS,
    VatInvoiceError,
    invoice_issue,
    payment_record,
    payment_record_guard,
    vat_invoice_record,
    vat_invoice_record_guard,
)
from .milestones import (
    milestone_cancel,
    milestone_claim,
    milestone_claim_guard,
    milestone_close_guard,
    milestone_dispute,
    milestone_dispute_guard,
    milestone_invoice,
    milestone_invoice_guard,
    milestone_verify,
    milestone_verify_guard,
    milestone_waive,
    milestones_create_from_schedule,
)
from .registration import project_register
from .royalties import (
    royalty_report_accept,
    royalty_report_invoice,
    royalty_report_query,
    royalty_report_resubmit,
    royalty_report_submit,
    royalty_year_true_up,
)

__all__ = [
    "PROJECT_FIELDS",
    "VAT_INVOICE_FIELDS",
    "VatInvoiceError",
    "cost_entry_record",
    "document_upload",
    "failure_clause_for",
    "invoice_issue",
    "milestone_cancel",
    "milestone_claim",
    "milestone_claim_guard",
    "milestone_close_guard",
    "milestone_dispute",
    "milestone_dispute_guard",
    "milestone_invoice",
    "milestone_invoice_guard",
    "milestone_verify",
    "milestone_verify_guard",
    "milestone_waive",
    "milestones_create_from_schedule",
    "payment_record",
    "payment_record_guard",
    "project_advance",
    "project_advance_guard",
    "project_hold",
    "project_hold_guard",
    "project_register",
    "project_resume",
    "project_resume_guard",
    "project_revert",
    "project_revert_guard",
    "project_skip",
    "project_skip_guard",
    "project_terminate",
    "project_terminate_guard",
    "project_update",
    "royalty_report_accept",
    "royalty_report_invoice",
    "royalty_report_query",
    "royalty_report_resubmit",
    "royalty_report_submit",
    "royalty_year_true_up",
    "vat_invoice_record",
    "vat_invoice_record_guard",
]
