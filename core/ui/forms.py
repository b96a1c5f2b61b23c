"""The form base of every page: Bootstrap classes on each widget, and a
service's refusal shown at the field it names."""

from django import forms

from core.errors import DomainError


class DomainErrorFormMixin:
    """Shows a ``DomainError`` at its field, or above the form when it names
    none, and marks the fields in error."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)

    def add_error(self, field, error):
        super().add_error(field, error)
        # Mark the fields in error, for the eye and for screen readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_error"


class BootstrapFormMixin:
    """Bootstrap classes on every widget, so templates render fields alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class Form(BootstrapFormMixin, DomainErrorFormMixin, forms.Form):
    pass
