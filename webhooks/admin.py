"""The operators' door to webhooks. Endpoint changes go through the
services; outbox events and deliveries are a read-only log."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError

from .choices import EventType
from .models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from .selectors import webhook_deliveries_visible_to, webhook_endpoints_visible_to
from .services import (
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)


class WebhookEndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "event_types"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "is_active", "created_by", "created_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["url", "description", "created_by__email"]
    readonly_fields = [
        "secret",
        "previous_secret_expires_at",
        "is_active",
        "disabled_reason",
        "disabled_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    actions = ["rotate_secret", "disable", "enable"]

    def get_queryset(self, request):
        return webhook_endpoints_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        # The secret exists once the endpoint is saved.
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "event_types"]
        return fields + self.readonly_fields if obj else fields

    def has_add_permission(self, request):
        user = request.user
        return super().has_add_permission(request) and (
            has_full_access(user) or is_centre_staff_user(user)
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            webhook_endpoint_update(
                endpoint=obj,
                by=request.user,
                url=data["url"],
                event_types=data["event_types"],
                description=data["description"],
            )
            return
        created = webhook_endpoint_create(
            url=data["url"],
            event_types=data["event_types"],
            description=data["description"],
            by=request.user,
        )
        # The admin goes on with ``obj``: its log entry and the redirect.
        for field in created._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda endpoint: webhook_endpoint_rotate_secret(endpoint=endpoint, by=request.user),
        )

    @admin.action(description=_("Disable"))
    def disable(self, request, queryset):
        reason = _("Disabled in the admin by %(user)s.") % {"user": request.user}
        self._each(
            request,
            queryset,
            lambda endpoint: webhook_endpoint_disable(
                endpoint=endpoint, by=request.user, reason=reason
            ),
        )

    @admin.action(description=_("Enable"))
    def enable(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda endpoint: webhook_endpoint_enable(endpoint=endpoint, by=request.user),
        )

    def _each(self, request, queryset, action):
        done = 0
        for endpoint in queryset:
            try:
                action(endpoint)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{endpoint}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)s endpoints updated.") % {"count": done})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "event_type", "object_type", "object_id", "occurred_at", "dispatched_at"]
    list_filter = ["event_type", "object_type", ("dispatched_at", admin.EmptyFieldListFilter)]
    # An event is found by the request id of a log record.
    search_fields = ["=id", "=object_id", "=request_id"]
    date_hierarchy = "occurred_at"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "last_attempt_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "event__event_type", "endpoint", "last_status_code"]
    search_fields = ["=id", "=event__id", "endpoint__url"]
    list_select_related = ["endpoint", "event"]
    actions = ["redeliver"]

    def get_queryset(self, request):
        return webhook_deliveries_visible_to(request.user)

    @admin.display(description=_("event type"), ordering="event__event_type")
    def event_type(self, delivery):
        return delivery.event.event_type

    @admin.action(description=_("Redeliver"))
    def redeliver(self, request, queryset):
        done = 0
        for delivery in queryset:
            try:
                webhook_delivery_redeliver(delivery=delivery, by=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{delivery.pk}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)s deliveries queued again.") % {"count": done})
