from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Agreement,
    Enterprise,
    Institution,
    JointCentre,
    JointCentreParty,
    Partnership,
    Person,
)


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["full_name", "name_zh", "job_title", "email", "phone", "user"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "kind", "country", "city"]
    list_filter = ["kind", "country"]
    search_fields = ["code", "name", "name_zh", "city"]
    inlines = [PersonInline]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "size", "country", "unified_social_credit_code"]
    list_filter = ["size", "country", "sectors"]
    search_fields = ["code", "name", "name_zh", "unified_social_credit_code"]
    filter_horizontal = ["sectors"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "name_zh", "job_title", "institution", "enterprise", "email"]
    list_filter = ["institution", "enterprise"]
    search_fields = ["full_name", "name_zh", "email"]
    autocomplete_fields = ["institution", "enterprise", "user"]
    list_select_related = ["institution", "enterprise"]


class JointCentrePartyInline(admin.TabularInline):
    model = JointCentreParty
    fields = [
        "institution",
        "enterprise",
        "annual_funding_commitment",
        "currency",
        "commitment_from_year",
        "commitment_to_year",
    ]
    autocomplete_fields = ["institution", "enterprise"]
    extra = 0


@admin.register(JointCentre)
class JointCentreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "established_on"]
    search_fields = ["code", "name", "name_zh"]
    filter_horizontal = ["focus_sectors", "governance_contacts"]
    inlines = [JointCentrePartyInline]


class AgreementInline(admin.TabularInline):
    model = Agreement
    fields = ["reference", "title", "kind", "status", "signed_on", "expires_on"]
    extra = 0
    show_change_link = True


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "mode",
        "status",
        "institution",
        "joint_centre",
        "enterprise",
        "started_on",
    ]
    list_filter = ["mode", "status", "institution", "joint_centre"]
    search_fields = ["code", "title", "enterprise__name", "institution__name"]
    autocomplete_fields = ["institution", "joint_centre", "enterprise"]
    list_select_related = ["institution", "joint_centre", "enterprise"]
    date_hierarchy = "started_on"
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "kind",
        "status",
        "partnership",
        "signed_on",
        "expires_on",
        "exclusivity",
    ]
    list_filter = ["kind", "status", "exclusivity", "partnership__mode"]
    search_fields = ["reference", "title", "partnership__code", "partnership__enterprise__name"]
    autocomplete_fields = ["partnership"]
    list_select_related = ["partnership"]
    date_hierarchy = "signed_on"
    fieldsets = [
        (None, {"fields": ["partnership", "reference", "title", "kind", "status"]}),
        (_("Term"), {"fields": ["signed_on", "effective_on", "expires_on"]}),
        (
            _("Scope"),
            {
                "fields": [
                    "exclusivity",
                    "field_of_use",
                    "territory",
                    "institution_ip_share",
                    "currency",
                ]
            },
        ),
    ]
