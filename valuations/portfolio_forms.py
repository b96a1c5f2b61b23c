"""The form that starts a portfolio run in the staff UI."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import Currency

from .engine.montecarlo import MAX_TRIALS
from .portfolio_services import DEFAULT_TRIALS


class PortfolioRunForm(forms.Form):
    correlation = forms.FloatField(
        label=_("Correlation within a sector"),
        initial=0.2,
        min_value=0,
        max_value=0.9999,
        help_text=_(
            "0: projects succeed or fail independently; closer to 1: projects of one "
            "sector succeed and fail together."
        ),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    trials = forms.IntegerField(
        label=_("Trials"), initial=DEFAULT_TRIALS, min_value=1, max_value=MAX_TRIALS
    )
    target = forms.FloatField(
        label=_("Target probability"),
        initial=0.9,
        min_value=0.01,
        max_value=0.99,
        help_text=_("How likely at least one project should reach market."),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("", _("The valuations' own, or the reporting currency")), *Currency.choices],
        required=False,
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        help_text=_("The same seed gives the same run. Random if empty."),
    )
