"""What a service writes of an entity, declared once.

The service refuses any other field; the staff UI's forms and the API's
serializers list their fields from the same declaration, in its order, so a
field added to an entity is added in one place and shows in every front door.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class WritableFields:
    """``fields`` in the order forms and the API show them; among them,
    ``fixed`` are chosen once, at creation (codes and references appear in
    invoice numbers and documents; a project's stage moves only by gate
    decisions), and ``relations`` are set as a whole after the row is saved
    (many-to-many, or rows of their own)."""

    fields: tuple[str, ...]
    fixed: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()

    def __post_init__(self):
        unknown = (set(self.fixed) | set(self.relations)) - set(self.fields)
        if unknown:
            raise ValueError(f"Not among the fields: {sorted(unknown)}")

    @property
    def all(self) -> tuple[str, ...]:
        """Every field a create writes."""
        return self.fields

    @property
    def editable(self) -> tuple[str, ...]:
        """The fields that can change after creation."""
        return tuple(name for name in self.fields if name not in self.fixed)

    @property
    def columns(self) -> frozenset[str]:
        """The editable fields stored on the row itself."""
        return frozenset(self.editable) - frozenset(self.relations)

    def without(self, *names: str) -> tuple[str, ...]:
        """``all`` less some fields, for a door that shows them otherwise."""
        return tuple(name for name in self.fields if name not in names)
