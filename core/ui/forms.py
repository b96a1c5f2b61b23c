"""The form base of every page: Bootstrap classes on each widget, and a
service's refusal shown at the field it names."""

from django import forms
from django.core.exceptions import ValidationError

from core.errors import DomainError
from core.money import DECIMAL_PLACES, MAX_AMOUNT, amount_error_messages


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


def add_service_error(form, error) -> None:
    """Put a service's refusal on the form: on the field it names when the
    form has it, otherwise on the whole form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_domain_error(error)


class AmountField(forms.DecimalField):
    """An amount of money typed by a person, outside a model form (a model
    form's money fields get the same from ``core.money.MoneyField``)."""

    default_error_messages = amount_error_messages()

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", MAX_AMOUNT)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        kwargs.pop("max_digits", None)
        super().__init__(**kwargs)
