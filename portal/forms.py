"""Forms of the partner portal's money pages. They parse what the partner
types; the services in ``projects.services`` decide. A refusal comes back
onto the form (``add_domain_error``), next to the field it names."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.i18n import localized_name
from core.text import max_length_of
from core.ui.forms import AmountField, DateInput, Form
from projects.models import Milestone, RoyaltyReport, RoyaltyReportLine
from projects.services.royalties import SalesLine

# --- Milestone decisions ------------------------------------------------------------


class MilestoneVerifyForm(Form):
    comment = forms.CharField(
        label=_("Comment for the research team"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length_of(Milestone, "verification_comment"),
        help_text=_("Optional: e.g. who checked the evidence."),
    )


class MilestoneDisputeForm(Form):
    reason = forms.CharField(
        label=_("Reason for the dispute"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=max_length_of(Milestone, "dispute_reason"),
        help_text=_("Say what is missing or wrong; the research team resubmits the claim."),
    )


# --- Royalty reports ----------------------------------------------------------------


class RoyaltyFiguresForm(Form):
    """A period's sales figures. With a breakdown by product and territory the
    total comes from the lines, so ``net_sales`` is left out."""

    period_start = forms.DateField(label=_("Period start"), widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), widget=DateInput())
    net_sales = AmountField(label=_("Net sales"), min_value=Decimal(0))
    sublicense_income = AmountField(
        label=_("Sublicense income"),
        min_value=Decimal(0),
        required=False,
        help_text=_("Income from sublicensees in the period, if any."),
    )
    project = forms.ModelChoiceField(
        label=_("Product of project"),
        queryset=None,
        required=False,
        empty_label=_("— not tied to one project —"),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=max_length_of(RoyaltyReport, "note"),
    )

    def __init__(
        self, *args, agreement, projects=None, breakdown: bool, fixed_period=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        if projects is None:
            del self.fields["project"]
        else:
            self.fields["project"].queryset = projects
            self.fields["project"].label_from_instance = lambda project: (
                f"{project.code} · {localized_name(project, 'title')}"
            )
        currency = agreement.currency
        self.fields["net_sales"].label = _("Net sales (%(currency)s)") % {"currency": currency}
        self.fields["sublicense_income"].label = _("Sublicense income (%(currency)s)") % {
            "currency": currency
        }
        if breakdown:
            del self.fields["net_sales"]
        if not agreement.sublicense_income_share:
            del self.fields["sublicense_income"]
        if fixed_period is not None:
            # A correction keeps the period of the queried report.
            del self.fields["period_start"]
            del self.fields["period_end"]
            self.fixed_period = fixed_period
        else:
            self.fixed_period = None

    def period(self):
        if self.fixed_period is not None:
            return self.fixed_period
        return self.cleaned_data["period_start"], self.cleaned_data["period_end"]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("A period cannot end before it starts."))
        return data


class SalesLineForm(Form):
    product = forms.CharField(
        label=_("Product"), max_length=max_length_of(RoyaltyReportLine, "product")
    )
    territory = forms.CharField(
        label=_("Territory"), max_length=max_length_of(RoyaltyReportLine, "territory")
    )
    net_sales = AmountField(label=_("Net sales"), min_value=Decimal(0))


SalesLineFormSet = formset_factory(SalesLineForm, extra=3, min_num=1, validate_min=True)


def sales_lines(formset) -> list[SalesLine]:
    """The filled-in lines of a valid formset."""
    return [
        SalesLine(
            product=form.cleaned_data["product"],
            territory=form.cleaned_data["territory"],
            net_sales=form.cleaned_data["net_sales"],
        )
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]
