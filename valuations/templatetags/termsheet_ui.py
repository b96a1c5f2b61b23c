"""The term sheets a valuation's page offers, one per deal structure, and
the agreements made from them."""

from django import template

from partnerships.selectors import agreements_visible_to
from valuations.termsheet import deal_structures_of

register = template.Library()


@register.simple_tag
def term_sheet_structures(valuation):
    """The valuation's own deal and the feasible structures of its menu."""
    return deal_structures_of(valuation)


@register.simple_tag
def term_sheet_agreements(valuation, user):
    """The agreements made from the valuation that ``user`` may see."""
    return agreements_visible_to(user).filter(term_sheet_source__valuation=valuation)
