"""Errors of the engine."""


class EngineInputError(ValueError):
    """Inputs the engine cannot value; ``field`` names the offending input
    as a dotted path, e.g. ``phases.1.years``."""

    code = "invalid_input"

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
