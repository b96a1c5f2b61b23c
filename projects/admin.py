from django.contrib import admin

from .models import Pipeline, ResearchProject, Sector, StageDefinition, StageTransition
from .services import project_register


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "position"]
    search_fields = ["code", "name", "name_zh"]


class StageDefinitionInline(admin.TabularInline):
    model = StageDefinition
    fields = [
        "position",
        "code",
        "name",
        "name_zh",
        "trl_min",
        "trl_max",
        "default_success_probability",
        "typical_years",
        "typical_cost",
        "typical_cost_currency",
    ]
    extra = 0
    ordering = ["position"]


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "sector"]
    list_filter = ["sector"]
    search_fields = ["code", "name", "name_zh"]
    inlines = [StageDefinitionInline]


@admin.register(StageDefinition)
class StageDefinitionAdmin(admin.ModelAdmin):
    list_display = [
        "pipeline",
        "position",
        "name",
        "trl_min",
        "trl_max",
        "default_success_probability",
        "typical_years",
        "typical_cost",
    ]
    list_filter = ["pipeline__sector", "pipeline"]
    search_fields = ["name", "name_zh", "code"]
    list_select_related = ["pipeline"]


class StageTransitionInline(admin.TabularInline):
    """The gate history, read-only: decisions are recorded through the stage
    gate services, never edited afterwards."""

    model = StageTransition
    fields = [
        "decided_at",
        "kind",
        "from_stage",
        "to_stage",
        "from_status",
        "to_status",
        "decided_by",
        "rationale",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["decided_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ResearchProject)
class ResearchProjectAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "current_stage",
        "status",
        "lead_institution",
        "joint_centre",
        "trl",
    ]
    list_filter = [
        "status",
        "current_stage__pipeline__sector",
        "partnership__mode",
        "lead_institution",
        "joint_centre",
        "therapeutic_area",
    ]
    search_fields = ["code", "title", "title_zh", "partner_enterprises__name"]
    autocomplete_fields = [
        "lead_institution",
        "principal_investigator",
        "joint_centre",
        "partnership",
        "agreement",
        "partner_enterprises",
    ]
    list_select_related = ["current_stage__pipeline", "lead_institution", "joint_centre"]
    date_hierarchy = "start_date"
    inlines = [StageTransitionInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            project_register(project=obj, by=request.user, rationale="Registered in the admin.")

    def get_readonly_fields(self, request, obj=None):
        # Once a project exists its stage moves only through recorded gate
        # decisions, so that the history explains every move.
        return ["current_stage", "status"] if obj else []


@admin.register(StageTransition)
class StageTransitionAdmin(admin.ModelAdmin):
    list_display = [
        "project",
        "kind",
        "from_stage",
        "to_stage",
        "to_status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["kind", "to_status"]
    search_fields = ["project__code", "rationale"]
    list_select_related = ["project", "from_stage", "to_stage", "decided_by"]
    date_hierarchy = "decided_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
