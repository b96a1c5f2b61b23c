from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

from core.money import MINOR_UNITS
from core.text import digit_groups

register = template.Library()


@register.filter
def localized(obj, field: str = "name"):
    """The Chinese variant of a bilingual field (``name_zh``, ``title_zh``)
    when the page is in Chinese and the variant is filled in, else the
    English one."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("zh"):
        chinese = getattr(obj, f"{field}_zh", "")
        if chinese:
            return chinese
    return getattr(obj, field, "")


@register.filter
def money(amount, currency=""):
    """An amount with its currency's minor units and the language's digit
    grouping: ``1,250,000.00 CNY``, ``1.250.000,00 CNY``."""
    if amount is None or amount == "":
        return "—"
    places = MINOR_UNITS.get(currency, 2)
    text = number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()


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
