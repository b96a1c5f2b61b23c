"""Bulk actions on list pages: select rows, or every row matching the
filter, and act on them through the services.

A list page shows a checkbox per row (``selected``), one that ticks the
rows of the page, one that stands for every row matching the filter
(``all_matching``) and a bar with the actions; the bar's form carries the
list's query string (``filters``). The action view never trusts what the
browser sends: it starts again from the scoping selector of the list, so
posted ids the user may not see are dropped, and "every row matching"
re-runs the list's FilterSet on the server.

Each object goes through its service, which checks its own guard, in a
transaction of its own: a refusal does not undo what was done to the
others. An action that must be all or nothing says so
(``BulkAction.all_or_nothing``): one refusal then undoes them all. The
summary names what was done and what was refused, with the guards' words.

Actions take at most ``MAX_BULK_OBJECTS`` objects at once; exports of a
selection stream like the list's own exports, up to their own limit.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.errors import DomainError

from .exports import CSV, EXPORT_FORMATS, XLSX
from .lists import FORMAT_PARAM, PAGE_PARAM, FilteredList, ListExport, filtered_rows

MAX_BULK_OBJECTS = 1_000

# Names of the bulk form's fields.
SELECTED = "selected"
ALL_MATCHING = "all_matching"
FILTERS = "filters"
ACTION = "action"
CONFIRM = "confirm"

EXPORT_ACTION_PREFIX = "export_"
NOTHING_SELECTED = _("Select at least one row, or every row matching the filter.")
EXPORT_LABELS = {
    f"{EXPORT_ACTION_PREFIX}{CSV}": _("Export to CSV"),
    f"{EXPORT_ACTION_PREFIX}{XLSX}": _("Export to Excel"),
}


@dataclass(frozen=True)
class BulkAction:
    """One thing to do to each selected object. ``run(obj, by, inputs)``
    calls the service (which checks its guard and raises a ``DomainError``
    to refuse); ``form_class`` asks once, for the whole selection, what the
    service needs (a rationale, an owner); ``prepare`` adds to the
    selection's queryset what ``run`` reads, so that the objects cost no
    query of their own before the service's."""

    key: str
    label: Any
    run: Callable[[Any, Any, dict], Any]
    form_class: type[forms.Form] | None = None
    all_or_nothing: bool = False
    prepare: Callable[[QuerySet], QuerySet] | None = None
    form_kwargs: Callable[[Any], dict] | None = None

    def form(self, request, data=None) -> forms.Form | None:
        if self.form_class is None:
            return None
        kwargs = self.form_kwargs(request) if self.form_kwargs is not None else {}
        return self.form_class(data, prefix="bulk", **kwargs)


@dataclass
class Refusal:
    object: str
    reason: str


@dataclass
class BulkOutcome:
    """What an action did: the objects done and those refused, each with
    the reason. When the action is all or nothing and any object was
    refused, nothing was done: ``undone`` lists what would have been."""

    label: Any
    all_or_nothing: bool
    done: list[str] = dataclass_field(default_factory=list)
    refused: list[Refusal] = dataclass_field(default_factory=list)
    undone: list[str] = dataclass_field(default_factory=list)

    @property
    def rolled_back(self) -> bool:
        return bool(self.undone)


def run_bulk(
    action: BulkAction,
    objects,
    *,
    by,
    inputs: dict,
    describe: Callable[[Any], str] = str,
) -> BulkOutcome:
    """Run ``action`` on each of ``objects``: each in a transaction of its
    own, or all in one that a single refusal undoes."""
    outcome = BulkOutcome(label=action.label, all_or_nothing=action.all_or_nothing)

    def each():
        for obj in objects:
            try:
                with transaction.atomic():
                    action.run(obj, by, inputs)
            except DomainError as refusal:
                outcome.refused.append(Refusal(describe(obj), refusal.message))
            else:
                outcome.done.append(describe(obj))

    if not action.all_or_nothing:
        each()
        return outcome
    with transaction.atomic():
        each()
        if outcome.refused:
            transaction.set_rollback(True)
            outcome.undone, outcome.done = outcome.done, []
    return outcome


@dataclass
class Selection:
    """The objects a bulk form names, as the user may see them."""

    queryset: QuerySet  # Scoped, sorted like the list; filtered or by ids.
    all_matching: bool
    ids: list[int]
    filters: QueryDict

    @property
    def hidden_fields(self) -> list[tuple[str, str]]:
        """The form fields that name the selection again on the next step."""
        fields = [(FILTERS, self.filters.urlencode())]
        if self.all_matching:
            fields.append((ALL_MATCHING, "1"))
        else:
            fields.extend((SELECTED, str(pk)) for pk in self.ids)
        return fields


def _ids(values: Sequence[str]) -> list[int]:
    """The posted ids that are ids; anything else is dropped."""
    ids = []
    for value in values:
        try:
            number = int(value)
        except ValueError:
            continue
        if 0 < number < 2**63 and number not in ids:
            ids.append(number)
    return ids


def _list_filters(query: str) -> QueryDict:
    params = QueryDict(query, mutable=True)
    for name in (PAGE_PARAM, FORMAT_PARAM):
        params.pop(name, None)
    return params


@dataclass
class BulkBar:
    """What a list page needs to show the bulk bar."""

    url: str
    actions: Sequence[tuple[str, Any]]
    exports: Sequence[tuple[str, Any]]
    filters: str
    count: int
    # The count is a floor: the list counted no further (CappedPaginator).
    count_is_floor: bool = False
    form_id: str = "bulk-form"


def _bar_count(paginator) -> dict:
    if getattr(paginator, "is_capped", False):
        return {"count": paginator.count_limit, "count_is_floor": True}
    return {"count": paginator.count}


class BulkActionView(LoginRequiredMixin, View):
    """The bulk actions of one list: subclasses say where the rows come
    from (the list's scoping selector), how the list filters and sorts
    them, how it exports them, and which actions it offers to whom.
    ``list_view`` (a ``FilteredListView``) lends its queryset, FilterSet,
    sorting and export when given."""

    http_method_names = ["post"]
    list_view = None
    list_url_name: str
    bulk_url_name: str
    filterset_class = None
    sorting = None
    export: ListExport | None = None
    actions: Sequence[BulkAction] = ()
    confirm_template = "ui/bulk_confirm.html"
    summary_template = "ui/bulk_summary.html"

    @classmethod
    def may_use(cls, user) -> bool:
        """Who may use the bulk actions: staff, as subclasses say."""
        raise NotImplementedError

    def describe(self, obj) -> str:
        return str(obj)

    # --- The list it acts on -------------------------------------------------

    def _list(self):
        view = self.list_view()
        view.setup(self.request, *self.args, **self.kwargs)
        return view

    def get_queryset(self) -> QuerySet:
        return self._list().get_queryset()

    def configure_form(self, form) -> None:
        if self.list_view is not None:
            self._list().configure_form(form)

    def _attribute(self, name):
        own = getattr(self, name)
        if own is None and self.list_view is not None:
            return getattr(self._list(), name)
        return own

    def selection(self) -> Selection:
        data = self.request.POST
        filters = _list_filters(data.get(FILTERS, ""))
        scoped = self.get_queryset()
        _filterset, matching, _key, _descending = filtered_rows(
            self.request,
            queryset=scoped,
            filterset_class=self._attribute("filterset_class"),
            sorting=self._attribute("sorting"),
            configure_form=self.configure_form,
            params=filters,
        )
        all_matching = data.get(ALL_MATCHING) == "1"
        ids = [] if all_matching else _ids(data.getlist(SELECTED))
        if all_matching:
            queryset = matching
        else:
            # Posted ids count only within what the user may see.
            queryset = scoped.filter(pk__in=ids).order_by(*matching.query.order_by)
        return Selection(queryset=queryset, all_matching=all_matching, ids=ids, filters=filters)

    # --- The bar on the list page ----------------------------------------------

    @classmethod
    def bar_for(cls, request, listing: FilteredList) -> BulkBar | None:
        """The bulk bar of ``listing``'s page, or None for users who may not
        act in bulk."""
        if not cls.may_use(request.user):
            return None
        filters = _list_filters(listing.params.urlencode())
        export = cls.export
        if export is None and cls.list_view is not None:
            export = cls.list_view.export
        return BulkBar(
            url=reverse(cls.bulk_url_name),
            actions=[(action.key, action.label) for action in cls.actions],
            exports=list(EXPORT_LABELS.items()) if export is not None else [],
            filters=filters.urlencode(),
            **_bar_count(listing.page.paginator),
        )

    # --- The action ------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.may_use(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def list_url(self, selection: Selection) -> str:
        url = reverse(self.list_url_name)
        query = selection.filters.urlencode()
        return f"{url}?{query}" if query else url

    def post(self, request, *args, **kwargs):
        selection = self.selection()
        key = request.POST.get(ACTION, "")
        if key.startswith(EXPORT_ACTION_PREFIX):
            export_format = key.removeprefix(EXPORT_ACTION_PREFIX)
            export = self._attribute("export")
            if export is not None and export_format in EXPORT_FORMATS:
                # Exports stream, up to the lists' own limit: no cap here.
                if not selection.queryset.exists():
                    return self._confirm(selection, None, None, NOTHING_SELECTED, status=400)
                return export.response_for(selection.queryset, export_format)
        action = next((action for action in self.actions if action.key == key), None)
        if action is None:
            return self._confirm(selection, None, None, _("Choose an action."), status=400)
        count = selection.queryset.count()
        error = None
        if count == 0:
            error = NOTHING_SELECTED
        elif count > MAX_BULK_OBJECTS:
            error = _(
                "An action takes at most %(limit)s rows at once; %(count)s are selected. "
                "Narrow the filter."
            ) % {"limit": f"{MAX_BULK_OBJECTS:,}", "count": f"{count:,}"}
        if error is not None:
            return self._confirm(selection, action, None, error, count=count, status=400)
        confirmed = request.POST.get(CONFIRM) == "1"
        form = action.form(request, request.POST if confirmed else None)
        if not confirmed or (form is not None and not form.is_valid()):
            return self._confirm(selection, action, form, None, count=count)
        objects = selection.queryset
        if action.prepare is not None:
            objects = action.prepare(objects)
        outcome = run_bulk(
            action,
            list(objects),
            by=request.user,
            inputs=form.cleaned_data if form is not None else {},
            describe=self.describe,
        )
        return render(
            request,
            self.summary_template,
            {
                "outcome": outcome,
                "list_url": self.list_url(selection),
            },
        )

    def _confirm(self, selection, action, form, error, *, count=None, status=200):
        return render(
            request=self.request,
            template_name=self.confirm_template,
            context={
                "selection": selection,
                "action": action,
                "form": form,
                "error": error,
                "count": count,
                "list_url": self.list_url(selection),
                "form_url": reverse(self.bulk_url_name),
            },
            status=status,
        )
