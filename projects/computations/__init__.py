"""Pure computations over plain data: no ORM, no side effects."""
