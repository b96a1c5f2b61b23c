"""The forms of the staff's run pages: the period to prepare, the public
notice, and the settlement of a line. Their checks are of form only; the
rules are the services' (``services/runs.py``), whose refusals come back
onto these forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localized_name
from core.money import Currency
from core.text import NOTE_MAX_LENGTH
from core.ui.forms import DateInput, Form
from partnerships.models import Institution

from .selectors import distributing_institutions_for


class RunPrepareForm(Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none()
    )
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="CNY")
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        institutions = distributing_institutions_for(user).order_by("name")
        self.fields["institution"].queryset = institutions
        self.fields["institution"].label_from_instance = localized_name
        if not self.is_bound and len(institutions[:2]) == 1:
            self.fields["institution"].initial = institutions[0]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("A period ends on or after its first day."))
        return cleaned


class NoticeForm(Form):
    published_on = forms.DateField(label=_("Public notice from"), widget=DateInput())
    days = forms.IntegerField(
        label=_("Days of public notice"), min_value=1, max_value=365, initial=15
    )


class SettleForm(Form):
    on = forms.DateField(label=_("Paid or granted on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
