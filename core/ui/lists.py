"""Filtered, sorted, paginated lists of a scoped queryset.

A list page starts from a scoping selector (what the user may see), narrows
it with the model's FilterSet (shared with the API), orders it by one of a
whitelist of columns (``?sort=code``, ``?sort=-code``) and shows one page.
The export of the page (``?format=csv`` or ``?format=xlsx``) reads exactly
the same filtered and sorted queryset, so a spreadsheet never holds more or
other rows than the page promised.

``filtered_list`` does the work for function views; ``FilteredListView`` is
the same for class-based views, with the export built in.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet, Window
from django.db.models.constants import LOOKUP_SEP
from django.http import QueryDict
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import exports
from .exports import (
    CSV,
    EXPORT_FORMATS,
    XLSX,
    ExportColumn,
    export_response,
    export_rows,
)
from .forms import iso_date_picker

PER_PAGE = 50
# The lists that can hold a million rows (the projects) count them up to
# this many and say "more than" past it.
COUNT_CAP = 10_000

# Parameters of the page itself, not of the filter.
PAGE_PARAM = "page"
SORT_PARAM = "sort"
FORMAT_PARAM = "format"
SEARCH_PARAM = "q"  # The search box of every FilterSet.


@dataclass(frozen=True)
class Sorting:
    """The columns a list may be sorted by: ``columns`` maps a public key
    (``code``, ``signed_on``) to the fields it orders by, ascending. Only
    these keys are accepted from the query string; anything else falls back
    to ``default`` (a key, ``-`` in front for descending). The primary key
    always ends the ordering, so that pages never overlap or skip rows when
    many rows share a value; a column whose values are unique ends it
    itself."""

    columns: Mapping[str, Sequence[str]]
    default: str

    def resolve(self, requested: str | None) -> tuple[str, bool]:
        """The sort key and whether it is descending."""
        for candidate in (requested or "", self.default):
            key = candidate.removeprefix("-")
            if key in self.columns:
                return key, candidate.startswith("-")
        raise ValueError(f"The default sort {self.default!r} is not a sortable column.")

    def order_by(self, key: str, descending: bool, model) -> list:
        """The ordering of ``key`` on ``model``'s queryset. Rows without a
        value (no signing date yet) go last either way; only nullable
        columns say so, because ``NULLS LAST`` on a descending sort keeps
        PostgreSQL from reading an index backwards."""
        ordering = []
        columns = list(self.columns[key])
        if not _is_unique(model, columns[-1]):
            columns.append("pk")
        for name in columns:
            if _is_nullable(model, name):
                column = F(name)
                ordering.append(
                    column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
                )
            else:
                ordering.append(f"-{name}" if descending else name)
        return ordering


def _is_unique(model, path: str) -> bool:
    """Whether the model's own column ``path`` tells every row apart, so
    that the primary key need not follow it in an ordering (and an index
    on it alone serves the ordering, a deep page included)."""
    if path == "pk" or LOOKUP_SEP in path:
        return path == "pk"
    field = model._meta.get_field(path)
    return field.unique and not field.null


def _is_nullable(model, path: str) -> bool:
    """Whether the column at ``path`` (``partnership__enterprise__name``)
    can be empty: it or a relation on the way to it is nullable."""
    if path == "pk":
        return False
    for part in path.split(LOOKUP_SEP):
        field = model._meta.get_field(part)
        if field.null:
            return True
        model = field.related_model
    return False


@dataclass
class FilteredList:
    """One page of a filtered, sorted list, and the links that keep its
    filters: to other pages, to other sort orders, to its export."""

    filterset: object
    queryset: QuerySet  # Filtered and sorted, all pages.
    page: Page
    sort_key: str
    descending: bool
    params: QueryDict
    shown_filters: Sequence[str] = ()

    def _query(self, drop: Iterable[str], **extra) -> str:
        params = self.params.copy()
        for name in drop:
            params.pop(name, None)
        for name, value in extra.items():
            params[name] = value
        return params.urlencode()

    @property
    def page_query(self) -> str:
        """The query string without the page number, for pagination links."""
        return self._query([PAGE_PARAM, FORMAT_PARAM])

    def sort_query(self, key: str) -> str:
        """The query string that sorts by ``key``: ascending first, the
        other way round when already sorted by it. Back to the first page."""
        descending = key == self.sort_key and not self.descending
        return self._query(
            [PAGE_PARAM, FORMAT_PARAM], **{SORT_PARAM: f"-{key}" if descending else key}
        )

    def aria_sort(self, key: str) -> str:
        if key != self.sort_key:
            return "none"
        return "descending" if self.descending else "ascending"

    def export_query(self, export_format: str) -> str:
        return self._query([PAGE_PARAM], **{FORMAT_PARAM: export_format})

    @property
    def csv_query(self) -> str:
        return self.export_query(CSV)

    @property
    def xlsx_query(self) -> str:
        return self.export_query(XLSX)

    @property
    def export_limit(self) -> int:
        return exports.MAX_EXPORT_ROWS

    @property
    def export_truncated(self) -> bool:
        """Whether an export would leave rows out (see MAX_EXPORT_ROWS), or
        may: a capped count stops short of the export's limit, and finding
        out would read as many rows as the limit (a filtered list of a
        million, most of them). The page's notice says the export holds at
        most the first rows up to the limit, true either way."""
        paginator = self.page.paginator
        if getattr(paginator, "is_capped", False):
            return True
        return paginator.count > exports.MAX_EXPORT_ROWS

    @property
    def export_format(self) -> str | None:
        requested = self.params.get(FORMAT_PARAM)
        return requested if requested in EXPORT_FORMATS else None

    @property
    def visible_fields(self):
        form = self.filterset.form
        return [form[name] for name in self.shown_filters if name in form.fields]

    @property
    def hidden_filters(self) -> list[tuple[str, str]]:
        """Filters given in the address but not shown in the form (a
        dashboard link to one institution's agreements): kept as hidden
        inputs, so that filtering again does not silently drop them."""
        shown = {*self.shown_filters, PAGE_PARAM, SORT_PARAM, FORMAT_PARAM}
        form_fields = self.filterset.form.fields
        return [
            (name, value)
            for name in self.params
            if name not in shown and name in form_fields
            for value in self.params.getlist(name)
        ]

    @property
    def is_filtered(self) -> bool:
        return any(
            value
            for name in self.params
            if name in self.filterset.form.fields
            for value in self.params.getlist(name)
        )


def style_filter_form(form: forms.Form) -> None:
    """Bootstrap classes on the widgets of a FilterSet's form, check lists
    for multiple choices, date pickers for dates, and "All" as the empty
    choice. Runs before the form is validated, which fixes its labels."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(field, forms.MultipleChoiceField):
            field.widget = forms.CheckboxSelectMultiple(
                choices=field.choices, attrs={"class": "form-check-input"}
            )
        elif isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
            widget.attrs["class"] = "form-select"
        elif isinstance(widget, forms.Select):
            if getattr(field, "empty_label", None) is not None:
                # django-filter adds the empty choice itself, as it
                # iterates: set the label, then the choices without it.
                field.empty_label = _("All")
                field.choices = [choice for choice in field.choices if choice[0] != ""]
            elif isinstance(field, forms.ChoiceField):
                field.choices = [("", _("All"))] + [
                    choice for choice in field.choices if choice[0] not in ("", None)
                ]
            widget.attrs["class"] = "form-select"
        elif isinstance(field, forms.DateField):
            widget.input_type = "date"
            iso_date_picker(widget)
            widget.attrs["class"] = "form-control"
        else:
            widget.attrs["class"] = "form-control"
            if name == "q":
                widget.input_type = "search"


class _KeysFirst:
    """The rows of a sorted queryset, sliced in two steps: first the
    primary keys of the slice, in a query that joins only what the filters
    and the sort need, then the rows of those keys with everything the page
    shows (``select_related``, prefetches, annotations). With 100,000
    projects, joining every row's stage, sector and institution before
    sorting and skipping cost more than the whole page otherwise.

    With ``count_with_keys`` (a text search, which no index serves and
    which matches few rows), the count comes with the keys of the requested
    page in one query (``COUNT(*) OVER ()``) instead of a second scan."""

    def __init__(
        self, queryset: QuerySet, *, count_with_keys: bool = False, bounds: slice | None = None
    ):
        self.queryset = queryset
        # COUNT(*) OVER () counts the rows before DISTINCT removes any.
        self.count_with_keys = (
            count_with_keys and bounds is not None and not queryset.query.distinct
        )
        self.bounds = bounds
        self.keys: list | None = None
        self.exact = True

    def count(self) -> int:
        return self.count_up_to(None)

    def count_up_to(self, limit: int | None) -> int:
        """How many rows there are, or, given ``limit``, how many up to
        ``limit`` (``exact`` tells which): counting every row of a list
        of a million costs more than showing its page. A page that reaches
        the limit is counted with its own keys: one row past the page tells
        that there is more, without a count of every row before it."""
        self.exact = True
        if self.count_with_keys:
            rows = list(
                self.queryset.annotate(matching_rows=Window(Count("pk"))).values_list(
                    "pk", "matching_rows"
                )[self.bounds]
            )
            if rows:
                self.keys = [key for key, _total in rows]
                return rows[0][1]
        if limit is None:
            return self.queryset.count()
        if self.bounds is not None and self.bounds.stop + 1 >= limit:
            page_size = self.bounds.stop - self.bounds.start
            keys = list(
                self.queryset.values_list("pk", flat=True)[
                    self.bounds.start : self.bounds.stop + 1
                ]
            )
            if keys:
                self.keys = keys[:page_size]
                self.exact = len(keys) <= page_size
                return self.bounds.start + len(keys)
        counted = self.queryset.order_by().values("pk")[:limit].count()
        self.exact = counted < limit
        return counted

    def __getitem__(self, bounds: slice) -> list:
        if self.keys is not None and self.bounds is not None and bounds.start == self.bounds.start:
            # The page the count read already; the paginator may ask for
            # fewer rows when it is the last.
            keys = self.keys[: bounds.stop - bounds.start]
        else:
            keys = list(self.queryset.values_list("pk", flat=True)[bounds])
        if not keys:
            return []
        rows = {row.pk: row for row in self.queryset.order_by().filter(pk__in=keys)}
        return [rows[key] for key in keys]


class CappedPaginator(Paginator):
    """A paginator that counts the rows up to a limit, the more of
    ``count_cap`` and the end of the requested page, and says "more than"
    past it (``is_capped``): the page and the next one are known to exist,
    the number of the last one is not. Counting a million projects on every
    page of the list took longer than the page; a page deep in the list
    still counts as far as it reaches."""

    def __init__(self, object_list: _KeysFirst, per_page: int, *, count_cap: int, number):
        super().__init__(object_list, per_page)
        bounds = _page_bounds(number, per_page)
        self.count_limit = max(count_cap, bounds.stop if bounds else per_page)

    @cached_property
    def count(self) -> int:
        # One row past the limit tells that there is more.
        return self.object_list.count_up_to(self.count_limit + 1)

    @property
    def is_capped(self) -> bool:
        return not self.object_list.exact


def _page_bounds(number: str | None, per_page: int) -> slice | None:
    """The slice of the requested page, if the number is a page number."""
    try:
        number = int(number or 1)
    except ValueError:
        return None
    if number < 1:
        return None
    return slice((number - 1) * per_page, number * per_page)


def filtered_rows(
    request,
    *,
    queryset: QuerySet,
    filterset_class,
    sorting: Sorting,
    configure_form: Callable[[forms.Form], None] | None = None,
    params: QueryDict,
) -> tuple[object, QuerySet, str, bool]:
    """The FilterSet, the filtered and sorted rows (all pages), the sort
    key and whether it is descending: a list without its page. ``params``
    are the list's query string (a bulk action's form carries the filters
    of the list it was posted from)."""
    filterset = filterset_class(params, queryset=queryset, request=request)
    style_filter_form(filterset.form)
    if configure_form is not None:
        configure_form(filterset.form)
    sort_key, descending = sorting.resolve(params.get(SORT_PARAM))
    # An invalid filter (a date that is no date) shows its error and no
    # rows, as django-filter's strict FilterView does: silently dropping it
    # would show, and export, more than the user asked for.
    matching = filterset.qs if filterset.is_valid() else queryset.none()
    rows = matching.order_by(*sorting.order_by(sort_key, descending, queryset.model))
    return filterset, rows, sort_key, descending


def filtered_list(
    request,
    *,
    queryset: QuerySet,
    filterset_class,
    sorting: Sorting,
    shown_filters: Sequence[str] = (),
    per_page: int = PER_PAGE,
    configure_form: Callable[[forms.Form], None] | None = None,
    count_cap: int | None = None,
) -> FilteredList:
    """Filter ``queryset`` (already scoped to the user) by the request's
    parameters, sort it by a whitelisted column and take the requested
    page. ``configure_form`` adjusts the filter form (labels, choices)
    before it is validated. With ``count_cap``, the rows are counted up to
    that many (or to the requested page) and the template says "more than"
    past it (``CappedPaginator``)."""
    params = request.GET
    filterset, rows, sort_key, descending = filtered_rows(
        request,
        queryset=queryset,
        filterset_class=filterset_class,
        sorting=sorting,
        configure_form=configure_form,
        params=params,
    )
    keyed_rows = _KeysFirst(
        rows,
        # A capped count stops at the cap; a count with the keys counts
        # every match, tens of thousands of a million projects.
        count_with_keys=bool(params.get(SEARCH_PARAM)) and count_cap is None,
        bounds=_page_bounds(params.get(PAGE_PARAM), per_page),
    )
    if count_cap is None:
        paginator = Paginator(keyed_rows, per_page)
    else:
        paginator = CappedPaginator(
            keyed_rows, per_page, count_cap=count_cap, number=params.get(PAGE_PARAM)
        )
    page = paginator.get_page(params.get(PAGE_PARAM))
    return FilteredList(
        filterset=filterset,
        queryset=rows,
        page=page,
        sort_key=sort_key,
        descending=descending,
        params=params,
        shown_filters=shown_filters,
    )


@dataclass(frozen=True)
class ListExport:
    """What an export of a list holds: the columns, a ``values()`` view of
    the list's queryset with the fields they need, and optionally a function
    that adds to a batch of rows what ``values()`` cannot give in one row
    (the partner enterprises of projects)."""

    columns: Sequence[ExportColumn]
    filename: str
    values: Callable[[QuerySet], QuerySet] | None = None
    enrich: Callable[[list[dict]], None] | None = None
    fields: Sequence[str] = dataclass_field(default=())

    def response(self, listing: FilteredList):
        return self.response_for(listing.queryset, listing.export_format)

    def response_for(self, queryset: QuerySet, export_format: str):
        """The export of ``queryset`` (the list's rows, or a selection of
        them) in ``export_format``."""
        # Related rows come from ``enrich`` by chunk, not from the page's
        # prefetching, which a ``values()`` query cannot use.
        queryset = queryset.prefetch_related(None)
        if self.values is not None:
            queryset = self.values(queryset)
        else:
            queryset = queryset.values(*self.fields)
        rows = export_rows(queryset, self.columns, enrich=self.enrich)
        return export_response(export_format, rows, self.columns, self.filename)


class FilteredListView(LoginRequiredMixin, View):
    """A list page of a scoped queryset: subclasses say where the rows come
    from (``get_queryset``, a scoping selector), how they are filtered,
    sorted and exported, and which template shows them."""

    template_name: str
    filterset_class = None
    sorting: Sorting
    shown_filters: Sequence[str] = ()
    per_page = PER_PAGE
    export: ListExport | None = None
    # Labels for filters that the FilterSet leaves unlabelled (date ranges).
    filter_labels: Mapping[str, str] = {}

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def configure_form(self, form: forms.Form) -> None:
        """Adjust the filter form for the page: labels, choices."""
        for name, label in self.filter_labels.items():
            if name in form.fields:
                form.fields[name].label = label

    def get_context_data(self, listing: FilteredList) -> dict:
        return {"listing": listing, "page": listing.page, "filterset": listing.filterset}

    def get(self, request, *args, **kwargs):
        listing = filtered_list(
            request,
            queryset=self.get_queryset(),
            filterset_class=self.filterset_class,
            sorting=self.sorting,
            shown_filters=self.shown_filters,
            per_page=self.per_page,
            configure_form=self.configure_form,
        )
        if self.export is not None and listing.export_format:
            return self.export.response(listing)
        return render(request, self.template_name, self.get_context_data(listing))
