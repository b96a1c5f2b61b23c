"""Formatting and form helpers of the valuation pages."""

from django import forms, template
from django.utils.formats import number_format

from valuations.choices import ValuationMethod, ValuationStatus
from valuations.selectors import project_valuations_for
from valuations.views import cash_flow_chart

register = template.Library()


@register.filter
def amount(value, decimals=0):
    """A valuation amount with the language's grouping: ``1,892,221``."""
    if value is None or value == "":
        return "—"
    # number_format cuts decimals off; round first.
    decimals = int(decimals)
    return number_format(
        round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


@register.filter
def percent(value, decimals=1):
    """A share 0–1 as a percentage: ``0.15028`` -> ``15.0%``."""
    if value is None or value == "":
        return "—"
    decimals = int(decimals)
    share = round(float(value) * 100, decimals)
    return number_format(share, decimal_pos=decimals, use_l10n=True) + "%"


@register.filter
def complement(probability):
    """1 - p: the probability that what ``probability`` measures does not happen."""
    if probability is None or probability == "":
        return None
    return 1.0 - float(probability)


@register.filter
def control(field, size=""):
    """The field's widget with Bootstrap's classes, marked invalid and tied
    to its help text and errors for screen readers."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if size:
        css += f" {css.split('-')[0]}-{css.split('-')[1]}-{size}" if "check" not in css else ""
    attrs = {"class": css}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_errors")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("valuations/partials/project_valuations.html", takes_context=True)
def project_valuations(context, project, limit=10):
    """A project's valuations for its page: the latest finished rNPV with
    its headline figures and cash-flow chart, and the history. Include
    Chart.js and js/valuations.js on the page to draw the chart."""
    valuations = project_valuations_for(context["request"].user, project, limit=limit)
    latest = next(
        (
            v
            for v in valuations
            if v.status == ValuationStatus.DONE and v.method == ValuationMethod.RNPV
        ),
        None,
    )
    chart = cash_flow_chart(latest.results) if latest is not None else None
    return {"project": project, "valuations": valuations, "latest": latest, "chart": chart}
