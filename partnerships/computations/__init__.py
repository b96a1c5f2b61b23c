"""Pure computations over agreement terms: no ORM, no side effects."""
