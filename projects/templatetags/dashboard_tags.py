"""Formatting of the dashboard's and reports' figures, per the page's
language."""

from django import template
from django.utils.formats import number_format

from core.templatetags.biobridge import percent

register = template.Library()


# One rounding rule for percentages on every page.
register.filter("percent", percent)


@register.filter
def money(amount, currency: str = ""):
    """An amount with thousands grouped per the page's language; none (or
    no figure for that quarter): an em dash."""
    if amount is None or amount == "":
        return "—"
    digits = 0 if currency in {"JPY", "KRW"} else 2
    return number_format(amount, digits, use_l10n=True, force_grouping=True)
