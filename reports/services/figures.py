"""A report as a list of figures: each with a stable definition key, its
value and the records it counts, so an interface can show it, link it to
a list of those records and export it."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from core.money import quantize_money
from reports.computations.periods import Period

COUNT = "count"
MONEY = "money"
PERCENT = "percent"
NUMBER = "number"


@dataclass
class Figure:
    """One figure of a report. ``key`` names its definition and never
    changes; ``section`` is the report's item (China) or block (AUTM) it
    belongs to; ``records`` is the queryset of what it counts or adds up
    (None for a figure the office states, or one derived from others)."""

    key: str
    section: str
    label: str
    value: Any
    unit: str = COUNT
    currency: str = ""
    records: QuerySet | None = field(default=None, repr=False)
    question: str | None = None

    def __post_init__(self):
        # Sums come back with the database's places; show the currency's.
        if self.unit == MONEY and isinstance(self.value, Decimal) and self.currency:
            self.value = quantize_money(self.value, self.currency)

    @property
    def has_records(self) -> bool:
        return self.records is not None

    def as_dict(self) -> dict:
        data = {
            "key": self.key,
            "section": self.section,
            "label": str(self.label),
            "value": _json_value(self.value),
            "unit": self.unit,
        }
        if self.currency:
            data["currency"] = self.currency
        if self.question is not None or self.section.startswith("autm"):
            data["question"] = self.question
        return data


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class AnnualReport:
    """The figures of one report of one institution for one period, with
    the office's own inputs (None if it has stated none yet) and the rows
    that are lists rather than figures (China's project list)."""

    kind: str
    institution: Any
    year: int
    period: Period
    currency: str
    figures: list[Figure]
    inputs: Any = None
    rows: list[dict] = field(default_factory=list)
    survey_table: str = ""
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Figure:
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def value(self, key: str):
        return self[key].value

    def sections(self) -> list[tuple[str, list[Figure]]]:
        """The figures grouped by section, in report order."""
        grouped: dict[str, list[Figure]] = {}
        for figure in self.figures:
            grouped.setdefault(figure.section, []).append(figure)
        return list(grouped.items())
