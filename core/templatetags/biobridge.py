from django import template

from core.i18n import display_date, localized_name
from core.money import format_money

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
