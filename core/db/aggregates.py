"""Aggregates the ORM lacks."""

from django.db.models import Aggregate, JSONField


class JSONBAgg(Aggregate):
    """PostgreSQL's ``jsonb_agg``: the values of a group as one JSON array, in
    the given order. Only where the database orders inside an aggregate
    (``connection.features.supports_aggregate_order_by_clause``); callers
    keep another way for the others."""

    function = "JSONB_AGG"
    allow_order_by = True
    output_field = JSONField()

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            raise NotImplementedError("jsonb_agg is PostgreSQL's")
        return super().as_sql(compiler, connection, **extra_context)
