"""Formatting of the dashboard's and reports' figures, per the page's
language."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(ratio, digits: int = 0):
    """A ratio (0–1) as a percentage in the page's number format: 0.255 →
    "25.5 %" with one digit. Nothing to show: an em dash."""
    if ratio is None or ratio == "":
        return "—"
    return f"{number_format(float(ratio) * 100, int(digits), use_l10n=True)} %"


@register.filter
def money(amount, currency: str = ""):
    """An amount with thousands grouped per the page's language; none (or
    no figure for that quarter): an em dash."""
    if amount is None or amount == "":
        return "—"
    digits = 0 if currency in {"JPY", "KRW"} else 2
    return number_format(amount, digits, use_l10n=True, force_grouping=True)
