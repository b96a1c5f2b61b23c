"""What a service writes of an entity, declared once.

The service refuses any other field; the staff UI's forms and the API's
serializers list their fields from the same declaration, in its order, so a
field added to an entity is added in one place and shows in every front door.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class WritableFields:
    """``fixed`` are chosen once, at creation (codes and references appear in
    invoice numbers and documents); ``editable`` can change later, in the
    order forms show them; ``relations`` are the many-to-many among them,
    set as a whole after the row is saved."""

    editable: tuple[str, ...]
    fixed: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()

    def __post_init__(self):
        unknown = set(self.relations) - set(self.editable)
        if unknown:
            raise ValueError(f"Relations must be editable fields: {sorted(unknown)}")

    @property
    def all(self) -> tuple[str, ...]:
        """Every field a create writes: the fixed ones first."""
        return (*self.fixed, *self.editable)

    @property
    def columns(self) -> frozenset[str]:
        """The editable fields stored on the row itself."""
        return frozenset(self.editable) - frozenset(self.relations)

    def without(self, *names: str) -> tuple[str, ...]:
        """``all`` less some fields, for a door that shows them otherwise."""
        return tuple(name for name in self.all if name not in names)
