"""Errors of valuations."""

from core.errors import InvalidInput


class ValuationInputError(InvalidInput):
    """Inputs a valuation method refuses, named by dotted paths
    (``phases.1.years``, ``comparable_deal_ids.0``)."""
