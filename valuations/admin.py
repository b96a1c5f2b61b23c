import json

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import PrefillCheckedMixin

from .models import ComparableDeal, PortfolioRun, ReferenceSuccessRate, Valuation
from .services import valuation_rerun


def _pretty(data) -> str:
    if data is None:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(data, indent=2, ensure_ascii=False))


@admin.register(Valuation)
class ValuationAdmin(admin.ModelAdmin):
    """Valuations are read-only snapshots; operators may only re-run them."""

    list_display = [
        "id",
        "project",
        "method",
        "status",
        "currency",
        "headline_value",
        "engine_version",
        "created_by",
        "created_at",
    ]
    list_filter = ["method", "status", "engine_version", "project__current_stage__pipeline"]
    search_fields = ["project__code", "project__title", "label", "created_by__email"]
    list_select_related = ["project", "created_by"]
    date_hierarchy = "created_at"
    fields = [
        "project",
        "method",
        "label",
        "currency",
        "status",
        "engine_version",
        "rerun_of",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "inputs_display",
        "results_display",
        "scorecard_inputs_display",
        "scorecard_display",
    ]
    readonly_fields = fields
    actions = ["rerun"]

    @admin.display(description=_("inputs"))
    def inputs_display(self, obj):
        return _pretty(obj.inputs)

    @admin.display(description=_("results"))
    def results_display(self, obj):
        return _pretty(obj.results)

    @admin.display(description=_("maturity scorecard inputs"))
    def scorecard_inputs_display(self, obj):
        return _pretty(obj.scorecard_inputs)

    @admin.display(description=_("maturity scorecard"))
    def scorecard_display(self, obj):
        return _pretty(obj.scorecard)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Re-run with the current engine (as new valuations)"))
    def rerun(self, request, queryset):
        for valuation in queryset.select_related("project"):
            valuation_rerun(valuation=valuation, by=request.user)
        self.message_user(
            request,
            _("%(count)d valuation(s) re-run.") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    # Re-running needs the view permission only: it adds, never changes.
    rerun.allowed_permissions = ["view"]


@admin.register(ReferenceSuccessRate)
class ReferenceSuccessRateAdmin(admin.ModelAdmin):
    list_display = [
        "phase",
        "therapeutic_area",
        "success_probability",
        "typical_years",
        "typical_cost",
        "typical_cost_currency",
    ]
    list_filter = ["phase", "therapeutic_area"]
    search_fields = ["source"]


@admin.register(ComparableDeal)
class ComparableDealAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "signed_year",
        "sector",
        "stage",
        "therapeutic_area",
        "total_value",
        "currency",
        "is_public",
    ]
    list_filter = ["sector", "therapeutic_area", "is_public", "currency"]
    search_fields = ["name", "licensor", "licensee", "source"]
    list_select_related = ["sector", "stage"]
    autocomplete_fields = ["agreement"]
    raw_id_fields = ["stage"]


@admin.register(PortfolioRun)
class PortfolioRunAdmin(admin.ModelAdmin):
    """Portfolio runs are read-only snapshots, like valuations."""

    list_display = [
        "id",
        "scope",
        "institution",
        "joint_centre",
        "enterprise",
        "status",
        "chunks_done",
        "chunks_total",
        "trials",
        "created_by",
        "created_at",
    ]
    list_filter = ["scope", "status", "engine_version"]
    list_select_related = ["institution", "joint_centre", "enterprise", "created_by"]
    date_hierarchy = "created_at"
    fields = [
        "scope",
        "institution",
        "joint_centre",
        "enterprise",
        "currency",
        "correlation",
        "target",
        "trials",
        "seed",
        "status",
        "chunks_done",
        "chunks_total",
        "engine_version",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "inputs_display",
        "results_display",
    ]
    readonly_fields = fields

    @admin.display(description=_("inputs"))
    def inputs_display(self, obj):
        return _pretty(obj.inputs)

    @admin.display(description=_("results"))
    def results_display(self, obj):
        return _pretty(obj.results)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
