"""Forms of the staff pages of distribution policies. Shares are typed in
per cent (50 = 50 %) and passed to the services as fractions; the services
decide, and their refusals come back onto the field or the tier row they
name."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from achievements.choices import IpCostKind
from core.errors import DomainError, InvalidInput
from core.money import Currency
from core.text import NOTE_MAX_LENGTH, max_length_of
from core.ui.forms import AmountField, DateInput, Form
from partnerships.forms import row_formset

from .choices import PolicyPreset
from .computations.shares import Beneficiary, Tier
from .models import DistributionPolicy

HUNDRED = Decimal(100)
PERCENT = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 5}
PARTS = ("inventors", "department", "institution", "office")


def percent_field(label, **kwargs):
    return forms.DecimalField(label=label, **PERCENT, **kwargs)


def to_fraction(percent) -> Decimal:
    return (Decimal(percent or 0) / HUNDRED).quantize(Decimal("0.0001"))


def to_percent(fraction) -> Decimal:
    return (Decimal(fraction) * HUNDRED).quantize(Decimal("0.01")).normalize()


class PolicyForm(Form):
    """A policy version's particulars; its tiers are rows below."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=max_length_of(DistributionPolicy, "name"))
    name_zh = forms.CharField(
        label=_("Name in Chinese"),
        required=False,
        max_length=max_length_of(DistributionPolicy, "name_zh"),
    )
    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    preset = forms.ChoiceField(
        label=_("Based on"), choices=PolicyPreset.choices, widget=forms.HiddenInput
    )
    equity_inventor_share = percent_field(
        _("Inventors' share of equity received (%)"), initial=Decimal(0)
    )
    operating_profit_share = percent_field(
        _("Inventors' share of operating profit, own exploitation (%)"), initial=Decimal(0)
    )
    operating_profit_years = forms.IntegerField(
        label=_("Years of operating-profit share"), min_value=0, max_value=10, initial=0
    )
    deductible_cost_kinds = forms.MultipleChoiceField(
        label=_("Costs deducted from receipts"),
        choices=IpCostKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=max_length_of(DistributionPolicy, "source"),
        help_text=_("The rule or decision the policy follows."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is None:
            # A version stays with its institution.
            del self.fields["institution"]
        else:
            self.fields["institution"].queryset = institutions
        # Checkboxes, not a box with a Bootstrap class.
        self.fields["deductible_cost_kinds"].widget.attrs.pop("class", None)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("institution", None)
        for name in ("equity_inventor_share", "operating_profit_share"):
            data[name] = to_fraction(data[name])
        return data

    @staticmethod
    def initial_of(policy: DistributionPolicy) -> dict:
        return {
            "name": policy.name,
            "name_zh": policy.name_zh,
            "effective_from": policy.effective_from,
            "preset": policy.preset,
            "equity_inventor_share": to_percent(policy.equity_inventor_share),
            "operating_profit_share": to_percent(policy.operating_profit_share),
            "operating_profit_years": policy.operating_profit_years,
            "deductible_cost_kinds": policy.deductible_cost_kinds,
            "source": policy.source,
            "notes": policy.notes,
        }

    @staticmethod
    def initial_of_preset(chosen) -> dict:
        return {
            "name": chosen.name,
            "name_zh": chosen.name_zh,
            "preset": chosen.key,
            "equity_inventor_share": to_percent(chosen.equity_inventor_share),
            "operating_profit_share": to_percent(chosen.operating_profit_share),
            "operating_profit_years": chosen.operating_profit_years,
            "deductible_cost_kinds": list(chosen.deductible_cost_kinds),
            "source": chosen.source,
        }


class TierForm(Form):
    """One tier: the shares, in per cent, of the slice of cumulative net
    income up to its limit (empty on the last tier)."""

    up_to = AmountField(label=_("Up to cumulative net income"), required=False, min_value=0)
    inventors = percent_field(_("Inventors (%)"))
    department = percent_field(_("Department or lab (%)"), required=False)
    institution = percent_field(_("Institution (%)"), required=False)
    office = percent_field(_("Transfer office (%)"), required=False)

    def tier(self) -> Tier:
        data = self.cleaned_data
        return Tier(
            up_to=data.get("up_to"),
            **{part: to_fraction(data.get(part)) for part in PARTS},
        )

    @staticmethod
    def initial_of(tier: Tier) -> dict:
        return {"up_to": tier.up_to, **{part: to_percent(getattr(tier, part)) for part in PARTS}}


TierFormSet = row_formset(TierForm)


def filled_tier_forms(formset) -> list[TierForm]:
    """The rows that are tiers: filled in and not removed, in order."""
    return [
        form
        for form in formset.forms
        if form.has_changed() and not form.cleaned_data.get("DELETE", False)
    ]


def put_service_error(form, formset, rows, error: DomainError) -> None:
    """A service's refusal onto the form, or onto the tier row (and field)
    it names: ``tiers.1.up_to`` is the second filled row's limit."""
    fields = error.fields if isinstance(error, InvalidInput) else None
    if not fields:
        form.add_domain_error(error)
        return
    for path, messages in fields.items():
        parts = path.split(".")
        if parts[0] == "tiers" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows):
                row = rows[index]
                field = parts[2] if len(parts) > 2 and parts[2] in row.fields else None
                row.add_error(field, messages)
                continue
        field = parts[0] if parts[0] in form.fields else None
        form.add_error(field, messages)


class WhatIfForm(Form):
    """A period's net income and what was distributed before it, shared by
    the policy's tiers among the inventors typed one a line."""

    net_income = AmountField(label=_("Net income of the period"), min_value=0)
    previously_distributed_net_income = AmountField(
        label=_("Cumulative net income distributed before"), min_value=0, initial=Decimal(0)
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="CNY")
    inventors = forms.CharField(
        label=_("Inventors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="A, 60\nB, 40",
        help_text=_("One a line: name, contribution, department (optional)."),
    )

    def clean_inventors(self) -> list[Beneficiary]:
        inventors = []
        for number, line in enumerate(self.cleaned_data["inventors"].splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.replace("，", ",").split(",")]
            try:
                share = Decimal(cells[1])
                if not share.is_finite() or share <= 0:
                    raise ValueError
            except (IndexError, ArithmeticError, ValueError):
                raise forms.ValidationError(
                    _("Line %(number)s: write a name, a positive contribution and a department.")
                    % {"number": number}
                ) from None
            department = cells[2] if len(cells) > 2 else ""
            inventors.append(
                Beneficiary(name=cells[0], share=share, department=department, key=len(inventors))
            )
        if not inventors:
            raise forms.ValidationError(_("Name at least one inventor."))
        return inventors
