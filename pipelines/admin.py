from django.contrib import admin

from core.events import publish

from .events import SectorPositionChanged, StagePositionChanged
from .models import Pipeline, Sector, StageDefinition


def _announce_moved(stages_and_changes) -> None:
    for stage, changed in stages_and_changes:
        if "position" in changed:
            publish(StagePositionChanged(stage=stage))


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "position"]
    search_fields = ["code", "name", "name_zh"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "position" in form.changed_data:
            publish(SectorPositionChanged(sector=obj))


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

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is StageDefinition:
            _announce_moved(formset.changed_objects)


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            _announce_moved([(obj, form.changed_data)])
