from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from core.admin import PrefillCheckedMixin

from .models import ApiToken, User
from .services import api_tokens_revoke


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "enterprise", "is_partner_admin")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(PrefillCheckedMixin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "role",
        "enterprise",
        "is_partner_admin",
        "is_active",
        "is_superuser",
    ]
    list_filter = [
        "role",
        "is_active",
        "is_partner_admin",
        "is_staff",
        "is_superuser",
        "language",
        "enterprise",
    ]
    search_fields = ["email", "full_name", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["institutions", "joint_centres", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined", "invited_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (
            _("Works for"),
            {
                "fields": [
                    "role",
                    "enterprise",
                    "is_partner_admin",
                    "institutions",
                    "joint_centres",
                ],
                "description": _(
                    "Partner users belong to one enterprise; its partner admins "
                    "invite and remove its partner users in the portal. Research-centre "
                    "staff see what their institutions and joint centres are party to."
                ),
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined", "invited_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "role",
                    "enterprise",
                    "is_partner_admin",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `manage.py create_api_token` or in the UI,
    where the key is shown once; here they can be inspected and revoked."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "key_digest", "created_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        api_tokens_revoke(tokens=queryset)
