"""A page of model instances written as DRF writes it, for less.

DRF's ``ListSerializer`` writes each row through the child's machinery: for
every field of every row it walks the readable fields, resolves the source
step by step, wraps related ids in an object, and looks the time zone up
again for each moment. On the API's lists that took several times as long
as the query. ``PageListSerializer`` decides once per page how each field
is read and written, and then only reads and writes:

- a field read from one attribute (number, text, choice, date, amount,
  nested serializer...) reads it and calls the field's own
  ``to_representation``; moments go through ``datetime_writer``, decimals
  through ``decimal_writer``;
- a related id (``PrimaryKeyRelatedField``) reads the id column, without
  the related object, as DRF's own shortcut does;
- a ``SerializerMethodField`` calls its method;
- any other field (a dotted source, a field reading its own way) goes
  through DRF's ``get_attribute`` and ``to_representation`` as before.

A value that is None is written as null, as DRF does. A read that raises,
or finds something callable, is redone DRF's way, so the output is DRF's in
every case; tests compare the two on the API's serializers. A child
serializer that writes its rows its own way (``to_representation``
overridden) is left to DRF.
"""

import copy
from operator import attrgetter

from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField

from core.api.fields import datetime_writer, decimal_writer


def _plain_source(field) -> str | None:
    attrs = getattr(field, "source_attrs", None)
    return attrs[0] if attrs and len(attrs) == 1 else None


def _generic(field):
    """DRF's own way, for any field: None when the value is None, and the
    field left out when DRF would skip it."""

    def write(row):
        attribute = field.get_attribute(row)
        empty = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
        return None if empty is None else field.to_representation(attribute)

    return write


def _read_then_write(field, read, convert):
    fallback = _generic(field)

    def write(row):
        try:
            value = read(row)
        except Exception:
            # DRF's way decides what the error means (a default, a skip).
            return fallback(row)
        if value is None:
            return None
        if callable(value):
            return fallback(row)
        return convert(value)

    return write


def _writer(serializer, field):
    source = _plain_source(field)
    reads_plainly = type(field).get_attribute is drf_fields.Field.get_attribute
    if source is not None and reads_plainly:
        convert = field.to_representation
        if (
            type(field) is drf_fields.DateTimeField
            and "format" not in vars(field)
            and "timezone" not in vars(field)
        ):
            convert = datetime_writer()
        elif (
            isinstance(field, drf_fields.DecimalField)
            and type(field).to_representation is drf_fields.DecimalField.to_representation
            and type(field).quantize is drf_fields.DecimalField.quantize
        ):
            convert = decimal_writer(field)
        return _read_then_write(field, attrgetter(source), convert)
    if (
        source is not None
        and isinstance(field, relations.PrimaryKeyRelatedField)
        and type(field).get_attribute is relations.RelatedField.get_attribute
        and type(field).to_representation is relations.PrimaryKeyRelatedField.to_representation
        and field.use_pk_only_optimization()
    ):
        pk_field = field.pk_field

        def read(row):
            return row.serializable_value(source)

        convert = pk_field.to_representation if pk_field is not None else (lambda pk: pk)
        return _read_then_write(field, read, convert)
    if type(field) is serializers.SerializerMethodField:
        method = getattr(serializer, field.method_name)
        return lambda row: method(row)
    return _generic(field)


class PageListSerializer(serializers.ListSerializer):
    """Writes model instances as ``child`` would, field by field, with the
    way of each field chosen once per page. Set it as a model serializer's
    ``Meta.list_serializer_class``."""

    def to_representation(self, data):
        child = self.child
        if type(child).to_representation is not serializers.Serializer.to_representation:
            return super().to_representation(data)
        rows = data.all() if hasattr(data, "all") else data
        plan = [(field.field_name, _writer(child, field)) for field in child._readable_fields]
        page = []
        for row in rows:
            written = {}
            for name, write in plan:
                # Not contextlib.suppress: this runs for every field of every row.
                try:  # noqa: SIM105
                    written[name] = write(row)
                except SkipField:
                    pass
            page.append(written)
        return page


# What ModelSerializer.get_fields builds the fields from. A serializer that
# changes one of them may build other fields per request; it is built as
# DRF builds it.
_FIELD_BUILDERS = (
    "get_fields",
    "get_field_names",
    "get_default_field_names",
    "build_field",
    "build_standard_field",
    "build_relational_field",
    "build_nested_field",
    "build_property_field",
    "build_url_field",
    "build_unknown_field",
    "get_extra_kwargs",
    "include_extra_kwargs",
    "get_uniqueness_extra_kwargs",
)


class FieldsBuiltOnce:
    """A ``ModelSerializer`` whose fields are worked out from the model once
    per class and copied for each serializer, as DRF copies declared
    fields. DRF works them out again for every serializer, reading the
    model's fields and choosing a field class and its arguments for each:
    several milliseconds for a list's serializer, on every request, for the
    same answer. Only for serializers whose fields depend on nothing but the
    class (no builder of ModelSerializer overridden)."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            if _builds_its_own_fields(cls):
                return super().get_fields()
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)


def _builds_its_own_fields(cls) -> bool:
    for klass in cls.__mro__:
        if klass is serializers.ModelSerializer:
            return False
        if klass is not FieldsBuiltOnce and any(name in vars(klass) for name in _FIELD_BUILDERS):
            return True
    return False
