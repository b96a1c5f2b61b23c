"""The operators' view of income distribution. Runs are prepared, approved
and settled through the staff UI and the API, whose services keep the four
eyes and the immutability of approved runs; here they are read-only."""

from django.contrib import admin

from .models import (
    DistributionLine,
    DistributionPolicy,
    DistributionRun,
    EquityHolding,
    EquityRealisation,
    OperatingProfit,
    PolicyTier,
    RunAchievement,
)


class TierInline(admin.TabularInline):
    model = PolicyTier
    extra = 0


@admin.register(DistributionPolicy)
class DistributionPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "effective_from", "preset"]
    list_filter = ["preset"]
    search_fields = ["name", "name_zh", "institution__name"]
    inlines = [TierInline]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RunAchievementInline(ReadOnlyInline):
    model = RunAchievement


class LineInline(ReadOnlyInline):
    model = DistributionLine


@admin.register(DistributionRun)
class DistributionRunAdmin(admin.ModelAdmin):
    list_display = ["institution", "period_start", "period_end", "currency", "state", "net_income"]
    list_filter = ["state", "currency"]
    inlines = [RunAchievementInline, LineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RealisationInline(admin.TabularInline):
    model = EquityRealisation
    extra = 0


@admin.register(EquityHolding)
class EquityHoldingAdmin(admin.ModelAdmin):
    list_display = ["company", "institution", "acquired_on", "shares", "value", "currency"]
    search_fields = ["company__name", "institution__name"]
    inlines = [RealisationInline]


@admin.register(OperatingProfit)
class OperatingProfitAdmin(admin.ModelAdmin):
    list_display = ["achievement", "institution", "year", "profit", "currency"]
