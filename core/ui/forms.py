"""The form base of every page: Bootstrap classes on each widget, date
pickers that carry ISO dates, and a service's refusal shown at the field it
names."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import DECIMAL_PLACES, MAX_AMOUNT, amount_error_messages


class DomainErrorFormMixin:
    """Shows a ``DomainError`` at its field, or above the form when it names
    none, and marks the fields in error."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)

    def add_error(self, field, error):
        if not self.is_bound and not hasattr(self, "cleaned_data"):
            # A form shown with the reason it cannot be sent (a guard that
            # refuses) is not bound; Django's add_error expects a cleaned one.
            self.full_clean()
            self.cleaned_data = {}
        super().add_error(field, error)
        # Mark the fields in error, for the eye and for screen readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_error"


# The one format a browser's date picker reads and sends: <input type=date>
# holds an ISO 8601 date whatever the page's language, and shows it in the
# reader's own way. A localised value (Chinese "2026/12/06") leaves the
# picker blank and the form impossible to send.
ISO_DATE_FORMAT = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A date picker whose value is always ISO 8601 (``2026-12-06``)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATE_FORMAT)


def iso_date_picker(widget) -> None:
    """Turn a form's ``DateInput`` into a date picker with an ISO value."""
    if isinstance(widget, forms.DateInput):
        widget.input_type = "date"
        widget.format = ISO_DATE_FORMAT
        widget.attrs.pop("type", None)


# The empty choice of every drop-down, in the page's language, instead of
# Django's dashes or its "- Select an option -", which has no Chinese.
EMPTY_CHOICE_LABEL = _("Choose…")
_DJANGO_EMPTY_LABELS = {"---------", "- Select an option -"}


def empty_choice_labelled(field) -> None:
    """Give a single-choice field's empty option the one label."""
    if isinstance(field.widget, forms.SelectMultiple):
        return
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None and str(field.empty_label) in _DJANGO_EMPTY_LABELS:
            field.empty_label = EMPTY_CHOICE_LABEL
        return
    if isinstance(field, forms.ChoiceField) and not callable(field.choices):
        choices = list(field.choices)
        if any(value == "" and str(label) in _DJANGO_EMPTY_LABELS for value, label in choices):
            field.choices = [
                (value, EMPTY_CHOICE_LABEL if value == "" else label) for value, label in choices
            ]


class BootstrapFormMixin:
    """Bootstrap classes on every widget, so templates render fields alike;
    every date field is a picker with an ISO value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            iso_date_picker(widget)
            empty_choice_labelled(field)
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
