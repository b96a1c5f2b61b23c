"""What every model admin of the project shares."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError

from core.models import ExchangeRate


class PrefillCheckedMixin:
    """An add page prefilled from its query string (``?project=12``) leaves
    out the values a relation cannot hold: the admin's autocomplete widget
    looks each one up as it renders the page, and a value such as ``abc`` or
    an id past the column's range would fail there as a server error."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.target_field is None:
                continue
            target = field.target_field
            try:
                for item in value if isinstance(value, list) else [value]:
                    target.run_validators(target.to_python(item))
            except (ValidationError, TypeError, ValueError):
                del initial[name]
        return initial


# The operators' door to the exchange rates; staff use the rates page.
@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("valid_on", "currency", "quote_currency", "unit", "rate", "source")
    list_filter = ("currency", "quote_currency")
    date_hierarchy = "valid_on"
    search_fields = ("source",)
    readonly_fields = ("recorded_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
