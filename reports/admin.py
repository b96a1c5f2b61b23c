"""The operators' view of what the reports take from the office: staff on
part-time work or leave, the R&D and transfer entities, the inputs of each
report. Staff state the inputs on the report page."""

from django.contrib import admin

from core.admin import PrefillCheckedMixin

from .models import AnnualReportInput, StaffMobility, TransferEntity


@admin.register(StaffMobility)
class StaffMobilityAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["person", "institution", "kind", "starts_on", "ends_on"]
    list_filter = ["kind", "institution"]
    autocomplete_fields = ["institution", "person", "enterprise"]
    date_hierarchy = "starts_on"


@admin.register(TransferEntity)
class TransferEntityAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["name", "institution", "kind", "built", "established_on", "closed_on"]
    list_filter = ["kind", "built", "institution"]
    search_fields = ["name"]
    autocomplete_fields = ["institution"]


@admin.register(AnnualReportInput)
class AnnualReportInputAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["institution", "report", "year"]
    list_filter = ["report", "institution"]
    autocomplete_fields = ["institution"]
