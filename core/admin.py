"""What every model admin of the project shares."""

from django.core.exceptions import FieldDoesNotExist, ValidationError


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
