from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What an integration can subscribe to. The values are part of the
    public contract: add new ones, never rename one."""

    PROJECT_STAGE_CHANGED = "project.stage_changed", _("Project stage changed")
    MILESTONE_CLAIMED = "milestone.claimed", _("Milestone claimed")
    MILESTONE_VERIFIED = "milestone.verified", _("Milestone verified")
    MILESTONE_DISPUTED = "milestone.disputed", _("Milestone disputed")
    MILESTONE_INVOICED = "milestone.invoiced", _("Milestone invoiced")
    MILESTONE_PAID = "milestone.paid", _("Milestone paid")
    PAYMENT_RECORDED = "payment.recorded", _("Payment recorded")
    ROYALTY_REPORT_SUBMITTED = "royalty_report.submitted", _("Royalty report submitted")
    VALUATION_FINISHED = "valuation.finished", _("Valuation finished")
    ACHIEVEMENT_STATUS_CHANGED = "achievement.status_changed", _("Achievement status changed")
    DISCLOSURE_SUBMITTED = "disclosure.submitted", _("Disclosure submitted")
    DISCLOSURE_CONVERTED = "disclosure.converted", _("Disclosure accepted as an achievement")
    PATENT_APPLICATION_STATUS_CHANGED = (
        "patent_application.status_changed",
        _("Patent application status changed"),
    )
    DEADLINE_DUE = "deadline.due", _("Docket deadline due")
    DISTRIBUTION_RUN_APPROVED = "distribution_run.approved", _("Distribution run approved")
    DISTRIBUTION_LINE_SETTLED = (
        "distribution_line.settled",
        _("Distribution line paid or granted"),
    )


class DeliveryStatus(models.TextChoices):
    """pending → succeeded, or pending → failed (retrying) → … → succeeded or
    dead. Pending and failed deliveries are due at ``next_attempt_at``."""

    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Dead")


# Deliveries that still have an attempt ahead of them.
OPEN_DELIVERY_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
