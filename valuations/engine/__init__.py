"""The valuation engine: pure functions over plain data.

Nothing here touches the database. Inputs are frozen dataclasses, results are
dataclasses with a ``to_dict()`` for JSON. Amounts are float64: a valuation is
a statistical estimate, not a booked amount (see docs/valuation.md).

``ENGINE_VERSION`` is stored with every valuation; change it whenever a
result for the same inputs would change.
"""

from .errors import EngineInputError
from .timing import Timing

ENGINE_VERSION = "1.1.0"

__all__ = ["ENGINE_VERSION", "EngineInputError", "Timing"]
