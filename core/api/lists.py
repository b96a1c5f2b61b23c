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

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings

from core.api.fields import date_writer, datetime_writer, decimal_writer


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
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            written = write_rows(child, rows)
            if written is not None:
                return written
        # A nested list (a report's lines) is written once per row: its plan
        # is made once per serializer.
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = [
                (field.field_name, _writer(child, field)) for field in child._readable_fields
            ]
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


# --- Pages of plain rows -------------------------------------------------------------
#
# A model instance per row cost more than writing the row: a list whose
# serializer's fields all read columns (or declare how they read rows) reads
# its page as plain rows (``.values()``) and writes each row as one dict
# display, in a function compiled once per serializer class from its fields'
# names and ways (no text from a request goes into it).


class RowField:
    """How a field of a page of plain rows is read, for a field that is not
    a plain column: ``columns`` (key: expression, or None for a column or
    annotation of that name) are added to the rows, and ``writer(rows)``,
    called once per page with the page's rows, gives the function that
    writes one row's value (as the field would write the instance's)."""

    def __init__(self, columns, writer):
        # ``columns`` may be a function giving them, asked once per process
        # (when they depend on the database).
        self.columns = columns
        self.writer = writer


# Model columns whose value the field writes unchanged: IntegerField writes
# int(value), CharField str(value), BooleanField a bool, ChoiceField the
# choice of the same value (or the value) when the choices are of its type.
_SAME_TYPE = {
    "AutoField": int,
    "BigAutoField": int,
    "SmallAutoField": int,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveBigIntegerField": int,
    "PositiveSmallIntegerField": int,
    "CharField": str,
    "TextField": str,
    "SlugField": str,
    "EmailField": str,
    "BooleanField": bool,
}


def _unchanged(field, model_field) -> bool:
    """Whether ``field`` writes every non-null value of ``model_field`` as
    it is."""
    if model_field is None:
        return False
    kind = _SAME_TYPE.get(model_field.get_internal_type())
    if kind is None:
        return False
    if type(field) is drf_fields.ChoiceField:
        return all(type(choice) is kind for choice in field.choices)
    return (kind is int and type(field) is drf_fields.IntegerField) or (
        kind is str and type(field) is drf_fields.CharField
    )


def _convert(field):
    """A writer for a non-null value of ``field``, as the instance path
    writes it."""
    if type(field) is drf_fields.DateTimeField and not (
        "format" in vars(field) or "timezone" in vars(field)
    ):
        return datetime_writer()
    if type(field) is drf_fields.DateField and "format" not in vars(field):
        return date_writer()
    if (
        isinstance(field, drf_fields.DecimalField)
        and type(field).to_representation is drf_fields.DecimalField.to_representation
        and type(field).quantize is drf_fields.DecimalField.quantize
    ):
        return decimal_writer(field)
    return field.to_representation


# A column's values are of one type, in one form: a moment is aware (with
# time zones on), a date is a date, an amount has its column's places. For
# these the writer of a page of rows writes each value inline, as the field
# would, without a call per value, whenever the page's settings let the
# field write it plainly (``_plainly``); otherwise it calls the field's
# converter. Each adds 0.1-0.35 ms to a page of 100 rows through a call.
_INLINE = {
    "moment": (
        "({t}[:-6] + 'Z' if ({t} := {v}.astimezone({p}).isoformat()).endswith('+00:00') else {t})"
        " if {p} is not None and {v}.tzinfo is not None else {c}({v})"
    ),
    "day": "{v}.isoformat() if {p} else {c}({v})",
    "amount": "format({v}, 'f') if {p} and {v}.is_finite() else {c}({v})",
    "whole": "{v} if {p} else {c}({v})",
}


def _column_way(field, model_field) -> str:
    """How ``field`` writes a non-null value of its own model column: as
    it is ("same"), inline (a key of ``_INLINE``) or through its converter
    ("convert")."""
    if _unchanged(field, model_field):
        return "same"
    if type(field) is drf_fields.DateTimeField and isinstance(model_field, models.DateTimeField):
        return "moment"
    if type(field) is drf_fields.DateField and type(model_field) is models.DateField:
        return "day"
    if (
        isinstance(field, drf_fields.DecimalField)
        and type(field).to_representation is drf_fields.DecimalField.to_representation
        and type(field).quantize is drf_fields.DecimalField.quantize
        and isinstance(model_field, models.DecimalField)
        and model_field.decimal_places == field.decimal_places
        and (field.max_digits is None or model_field.max_digits <= field.max_digits)
    ):
        return "amount"
    if (
        type(field) is drf_fields.BigIntegerField
        and _SAME_TYPE.get(model_field.get_internal_type()) is int
    ):
        return "whole"
    return "convert"


def _plainly(way, field):
    """What an inline writer needs of the page's settings: the time zone of
    a moment written in ISO 8601, or whether the field writes a date, an
    amount or a whole number plainly (None or False: through the field)."""
    if way == "moment":
        plain = (
            str(api_settings.DATETIME_FORMAT).lower() == ISO_8601
            and "format" not in vars(field)
            and "timezone" not in vars(field)
        )
        return field.default_timezone() if plain else None
    if way == "day":
        return str(api_settings.DATE_FORMAT).lower() == ISO_8601 and "format" not in vars(field)
    if way == "amount":
        return (
            field.decimal_places is not None
            and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
            and not field.localize
            and not field.normalize_output
        )
    if way == "whole":
        return not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    return None


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _row_way(serializer_class, field):
    """(key, way) of a field of ``serializer_class`` on plain rows: way is
    "same" (the value as it is), a way of writing a column's values inline
    (``_INLINE``), "convert" (through ``_convert``), "annotation"
    (converted, read from an annotation of the queryset), or a ``RowField``;
    None when the field cannot be read from rows."""
    declared = getattr(serializer_class, "row_fields", {}).get(field.field_name)
    if declared is not None:
        return None, declared
    if type(field).get_attribute is not drf_fields.Field.get_attribute and not isinstance(
        field, relations.PrimaryKeyRelatedField
    ):
        return None
    model = serializer_class.Meta.model
    attrs = getattr(field, "source_attrs", None) or []
    if len(attrs) == 1:
        name = attrs[0]
        model_field = _model_field(model, name)
        if isinstance(field, relations.PrimaryKeyRelatedField):
            if (
                model_field is None
                or not (model_field.many_to_one or model_field.one_to_one)
                or not model_field.concrete
                or type(field).get_attribute is not relations.RelatedField.get_attribute
                or type(field).to_representation
                is not relations.PrimaryKeyRelatedField.to_representation
                or field.pk_field is not None
            ):
                return None
            # The id column by its own name: a column named as the relation
            # would be what an ordering by the relation (in the model's
            # ordering, say) sorts by, instead of the related model's order.
            return model_field.attname, "same"
        if isinstance(field, serializers.BaseSerializer):
            return _nested(name, field, model_field)
        if model_field is not None and model_field.concrete and not model_field.is_relation:
            return name, _column_way(field, model_field)
        if model_field is None:
            return name, "annotation"
        return None
    if len(attrs) > 1 and (field.default is None or field.allow_null):
        # Through forward relations only, to a column: a missing related
        # object reads None, as DRF writes the field's default or null.
        for attr in attrs[:-1]:
            relation = _model_field(model, attr)
            if relation is None or not (relation.many_to_one or relation.one_to_one):
                return None
            if not relation.concrete:
                return None
            model = relation.related_model
        last = _model_field(model, attrs[-1])
        if last is None or not last.concrete or last.is_relation:
            return None
        if isinstance(field, serializers.BaseSerializer):
            return None
        return "__".join(attrs), "same" if _unchanged(field, last) else "convert"
    return None


def _nested(name, field, relation):
    """A nested serializer of one related object (a one-to-one or a foreign
    key, null allowed) on plain rows: its columns read through the relation
    (``<name>__<column>``), null when the object is missing, as DRF writes
    it. None for any other nested serializer."""
    if (
        relation is None
        or not (relation.one_to_one or relation.many_to_one)
        or isinstance(field, serializers.ListSerializer)
        or not (field.allow_null or field.default is None)
        or type(field).get_attribute is not drf_fields.Field.get_attribute
    ):
        return None
    plan = _rows_plan(type(field))
    if plan is None or plan[1] or plan[2] or not isinstance(field, serializers.ModelSerializer):
        return None
    if field.Meta.model is not relation.related_model:
        return None
    present = f"{name}__{relation.related_model._meta.pk.name}"
    columns = {f"{name}__{column}": None for column in plan[0]} | {present: None}
    template = plan[7]

    def writer(rows):
        within = [
            {column: row[f"{name}__{column}"] for column in plan[0]}
            for row in rows
            if row[present] is not None
        ]
        written = iter(write_rows(template, within))
        by_row = {id(row): next(written) for row in rows if row[present] is not None}
        return lambda row: by_row.get(id(row))

    return None, RowField(columns, writer)


_rows_plans: dict = {}


def _rows_plan(serializer_class):
    """How ``serializer_class`` reads and writes plain rows (``_compile``),
    or None when a field of it cannot be read from rows."""
    if serializer_class in _rows_plans:
        return _rows_plans[serializer_class]
    plan = None
    child = serializer_class()
    if type(child).to_representation is serializers.Serializer.to_representation:
        ways = []
        for field in child._readable_fields:
            way = _row_way(serializer_class, field)
            if way is None:
                ways = None
                break
            ways.append((field.field_name, *way))
        if ways is not None:
            # The fields of this first serializer write every page's values:
            # the converters read nothing of a request.
            plan = (*_compile(serializer_class, ways), child.fields, child)
    _rows_plans[serializer_class] = plan
    return plan


def _compile(serializer_class, ways):
    """The plan: the columns and expressions the rows need, the annotations
    among them, and a function writing a page of rows as one list of dict
    displays, given the converters of the converted fields and the writers
    of the declared ones (made per page)."""
    columns, expressions, annotations = [], {}, []
    items, converted, declared = [], [], []
    for name, key, way in ways:
        if isinstance(way, RowField):
            way_columns = way.columns() if callable(way.columns) else way.columns
            for column, expression in way_columns.items():
                if expression is None:
                    columns.append(column)
                else:
                    expressions[column] = expression
            declared.append((name, way))
            items.append(f"{name!r}: d{len(declared) - 1}(r)")
            continue
        columns.append(key)
        if way == "annotation":
            annotations.append(key)
        if way == "same":
            items.append(f"{name!r}: r[{key!r}]")
            continue
        converted.append((name, way))
        index = len(converted) - 1
        value = f"(v{index} := r[{key!r}])"
        written = f"c{index}(v{index})"
        if way in _INLINE:
            names = {letter: f"{letter}{index}" for letter in "vcpt"}
            written = "(" + _INLINE[way].format(**names) + ")"
        items.append(f"{name!r}: None if {value} is None else {written}")
    arguments = [f"c{i}, p{i}" for i in range(len(converted))]
    arguments += [f"d{i}" for i in range(len(declared))]
    source = (
        f"def write_page(rows, {', '.join(['_', *arguments])}):\n"
        f"    return [{{{', '.join(items)}}} for r in rows]\n"
    )
    namespace = {}
    exec(compile(source, f"<rows of {serializer_class.__name__}>", "exec"), namespace)
    return columns, expressions, annotations, namespace["write_page"], converted, declared


def page_rows(queryset, serializer_class, *keys):
    """``queryset`` as the plain rows ``serializer_class`` writes a page of
    (with ``keys``, such as the pagination's ordering fields, besides), or
    ``queryset`` itself when a field of the serializer cannot be read from
    rows. The filters are kept; related objects are not fetched."""
    plan = _rows_plan(serializer_class)
    if plan is None or not set(plan[2]) <= set(queryset.query.annotations):
        return queryset
    columns, expressions = plan[0], plan[1]
    wanted = list(dict.fromkeys([*columns, *(k for k in keys if k not in expressions)]))
    return queryset.select_related(None).prefetch_related(None).values(*wanted, **expressions)


def write_rows(child, rows: list[dict]) -> list[dict] | None:
    """A page of plain rows written as ``child`` writes instances, or None
    when it cannot be read from rows."""
    plan = _rows_plan(type(child))
    if plan is None:
        return None
    write_page, converted, declared, fields = plan[3:7]
    arguments = []
    for name, way in converted:
        arguments += [_convert(fields[name]), _plainly(way, fields[name])]
    arguments += [way.writer(rows) for _name, way in declared]
    return write_page(rows, None, *arguments)
