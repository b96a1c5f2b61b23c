from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from core.i18n import display_date, localized_name
from core.money import format_money
from core.text import digit_groups

register = template.Library()


@register.filter
def localized(obj, field: str = "name"):
    """The Chinese variant of a bilingual field (``name_zh``, ``title_zh``)
    when the page is in Chinese and the variant is filled in, else the
    English one."""
    return localized_name(obj, field)


@register.filter
def money(amount, currency=""):
    """An amount with its currency's minor units and the language's digit
    grouping: ``1,250,000.00 CNY``, ``1.250.000,00 CNY``."""
    return format_money(amount, currency)


@register.filter
def day(value):
    """A date (or a date and time) in the page's one date format: ``19 Nov
    2020``, ``2020年11月19日``; nothing: an em dash."""
    if value is None or value == "":
        return "—"
    return display_date(value)


@register.filter
def percent(ratio, digits: int = 1):
    """A ratio (0–1) as a percentage, rounded half-up (not cut off) to
    ``digits`` places in the page's number format: 2/12 → "16.7 %", a
    probability of 0.289 → "28.9 %". Nothing to show: an em dash."""
    if ratio is None or ratio == "":
        return "—"
    try:
        value = Decimal(str(ratio)) * 100
    except (InvalidOperation, ValueError):
        return "—"
    places = int(digits)
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{number_format(value, places, use_l10n=True)} %"


@register.filter
def account_number(value):
    """A bank account number in groups of four digits."""
    return digit_groups(value) or "—"
