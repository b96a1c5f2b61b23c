"""The term sheets a valuation's page offers, one per deal structure."""

from django import template

from valuations.termsheet import deal_structures_of

register = template.Library()


@register.simple_tag
def term_sheet_structures(valuation):
    """The valuation's own deal and the feasible structures of its menu."""
    return deal_structures_of(valuation)
