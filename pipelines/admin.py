from django.contrib import admin

from .models import Pipeline, Sector, StageDefinition


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
