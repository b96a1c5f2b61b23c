"""Scoping selectors for webhooks, and what an endpoint may hear of.

Superusers see every endpoint and delivery; research-centre staff see the
endpoints they registered and their deliveries; partner users and anyone
else see none. An endpoint receives an event only when its owner may see the
event's object, through that object's own scoping selector, so a webhook
never reveals more than its owner's screens do.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from accounts.selectors import has_full_access, is_centre_staff_user
from achievements.selectors import (
    achievements_visible_to,
    deadlines_visible_to,
    disclosures_visible_to,
    patent_applications_visible_to,
)
from distributions.selectors import lines_visible_to, runs_visible_to
from projects.selectors import (
    milestones_visible_to,
    payments_visible_to,
    projects_visible_to,
    royalty_reports_visible_to,
)
from valuations.selectors import valuations_visible_to

from .models import OutboxEvent, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class ObjectKind:
    """How webhooks name a kind of object, which API route serves it and
    which selector decides who may see it."""

    name: str
    api_route: str
    visible_to: Callable[..., QuerySet]


# Keyed by the model's label; api_route names the object's detail route in
# the REST API (config/api_router.py).
OBJECT_KINDS = {
    "projects.researchproject": ObjectKind("project", "api:project-detail", projects_visible_to),
    "projects.milestone": ObjectKind("milestone", "api:milestone-detail", milestones_visible_to),
    "projects.payment": ObjectKind("payment", "api:payment-detail", payments_visible_to),
    "projects.royaltyreport": ObjectKind(
        "royalty_report",
        "api:royalty-report-detail",
        royalty_reports_visible_to,
    ),
    "valuations.valuation": ObjectKind("valuation", "api:valuation-detail", valuations_visible_to),
    "achievements.achievement": ObjectKind(
        "achievement", "api:achievement-detail", achievements_visible_to
    ),
    "achievements.disclosure": ObjectKind(
        "disclosure", "api:disclosure-detail", disclosures_visible_to
    ),
    "achievements.patentapplication": ObjectKind(
        "patent_application", "api:patent-application-detail", patent_applications_visible_to
    ),
    "achievements.deadline": ObjectKind("deadline", "api:deadline-detail", deadlines_visible_to),
    "distributions.distributionrun": ObjectKind(
        "distribution_run", "api:distribution-run-detail", runs_visible_to
    ),
    "distributions.distributionline": ObjectKind(
        "distribution_line", "api:distribution-line-detail", lines_visible_to
    ),
}
OBJECT_KINDS_BY_NAME = {kind.name: kind for kind in OBJECT_KINDS.values()}


def object_api_path(object_type: str, object_id) -> str:
    """Where the API serves an object, e.g. ``/api/v1/milestones/42/``; empty
    for a kind the API does not serve."""
    kind = OBJECT_KINDS_BY_NAME.get(object_type)
    if kind is None:
        return ""
    try:
        return reverse(kind.api_route, kwargs={"pk": object_id})
    except NoReverseMatch:
        return ""


def webhook_endpoints_visible_to(user) -> QuerySet[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.select_related("created_by")
    if has_full_access(user):
        return endpoints
    if is_centre_staff_user(user):
        return endpoints.filter(created_by=user)
    return endpoints.none()


def webhook_deliveries_visible_to(user) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.select_related("endpoint", "event")
    if has_full_access(user):
        return deliveries
    if is_centre_staff_user(user):
        return deliveries.filter(endpoint__created_by=user)
    return deliveries.none()


def webhook_delivery_log(user, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries, newest first, if the user may see it."""
    return webhook_deliveries_visible_to(user).filter(endpoint=endpoint).order_by("-created_at")


def event_visible_to(user, event: OutboxEvent) -> bool:
    """Whether ``user`` may see the object ``event`` is about. Objects of an
    unknown kind are for superusers only."""
    if has_full_access(user):
        return True
    kind = OBJECT_KINDS_BY_NAME.get(event.object_type)
    if kind is None:
        return False
    return kind.visible_to(user).filter(pk=event.object_id).exists()


def subscribed_event_types() -> set[str]:
    """The event types at least one active endpoint subscribes to."""
    subscribed: set[str] = set()
    for event_types in WebhookEndpoint.objects.filter(is_active=True).values_list(
        "event_types", flat=True
    ):
        subscribed.update(event_types or [])
    return subscribed
