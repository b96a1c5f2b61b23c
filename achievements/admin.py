"""The operators' view of achievements and the docket. Staff work in the
staff UI, whose services keep the docket in step; here the docket's
deadlines are read-only, as they are computed."""

from django.contrib import admin

from core.admin import PrefillCheckedMixin

from .models import (
    Achievement,
    AchievementAgreement,
    AchievementOwner,
    Counsel,
    Deadline,
    Disclosure,
    DisclosureInventor,
    Inventor,
    IpCost,
    OfficeAction,
    PatentApplication,
    PatentFamily,
)


class OwnerInline(admin.TabularInline):
    model = AchievementOwner
    extra = 0
    autocomplete_fields = ["institution", "enterprise"]


class InventorInline(admin.TabularInline):
    model = Inventor
    extra = 0
    autocomplete_fields = ["person"]


class TransferInline(admin.TabularInline):
    model = AchievementAgreement
    extra = 0
    autocomplete_fields = ["agreement"]


@admin.register(Achievement)
class AchievementAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["reference", "title", "kind", "status", "disclosed_on"]
    list_filter = ["kind", "status", "funding_source"]
    search_fields = ["reference", "title", "title_zh"]
    autocomplete_fields = ["projects", "decided_by"]
    inlines = [OwnerInline, InventorInline, TransferInline]


class DisclosureInventorInline(admin.TabularInline):
    model = DisclosureInventor
    extra = 0
    autocomplete_fields = ["person"]
    readonly_fields = ["confirmed_at", "confirmed_by"]


@admin.register(Disclosure)
class DisclosureAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["title", "institution", "status", "submitted_by", "submitted_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "title_zh"]
    autocomplete_fields = ["institution", "project", "submitted_by", "reviewed_by", "achievement"]
    inlines = [DisclosureInventorInline]


@admin.register(Counsel)
class CounselAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email"]
    search_fields = ["name", "name_zh"]


class ApplicationInline(admin.TabularInline):
    model = PatentApplication
    extra = 0
    fields = ["jurisdiction", "kind", "application_number", "filed_on", "status"]
    show_change_link = True


@admin.register(PatentFamily)
class PatentFamilyAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["title", "achievement", "priority_date", "expires_on"]
    search_fields = ["title", "achievement__reference"]
    autocomplete_fields = ["achievement"]
    readonly_fields = ["expires_on"]
    inlines = [ApplicationInline]


@admin.register(PatentApplication)
class PatentApplicationAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["__str__", "family", "kind", "filed_on", "granted_on", "status"]
    list_filter = ["jurisdiction", "kind", "status"]
    search_fields = ["application_number", "publication_number", "grant_number"]
    autocomplete_fields = ["family", "parent", "counsel"]


@admin.register(OfficeAction)
class OfficeActionAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["application", "received_on", "term_months", "responded_on"]
    autocomplete_fields = ["application"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["kind", "due_on", "state", "achievement", "application"]
    list_filter = ["kind", "state"]
    search_fields = ["achievement__reference", "application__application_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IpCost)
class IpCostAdmin(PrefillCheckedMixin, admin.ModelAdmin):
    list_display = ["achievement", "kind", "amount", "currency", "incurred_on"]
    list_filter = ["kind", "currency"]
    autocomplete_fields = ["achievement", "application", "counsel"]
