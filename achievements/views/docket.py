"""The docket: every deadline of the portfolio the user sees, open ones
first and the soonest (so the overdue) first, with the actions that close
one — met on a date, or let pass for a reason.

The docket is read a page at a time without counting it: with 100,000
achievements a ``COUNT(*)`` of their deadlines costs more than the page, so
the page asks for one row more than it shows to know whether there is a
next one. Each row's achievement, family, application and counsel come in
the same query.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.ui.lists import FilteredList, style_filter_form

from .. import services
from ..choices import DeadlineState
from ..forms import DeadlineCompleteForm, DeadlineWaiveForm
from ..selectors import DOCKET_STATES, docket_for
from .common import is_htmx, next_url, staff_view
from .filters import DocketFilterSet, choose_counsel

DOCKET_PER_PAGE = 50
# Far enough for any docket a person pages through; an offset beyond it is
# a crafted address, not a page.
LAST_PAGE = 10_000
SHOWN_FILTERS = ("achievement", "jurisdiction", "counsel", "kind", "state", "due_before")
ANY_STATE = "all"


@dataclass(frozen=True)
class DocketPage:
    """One page of the docket, and the links to its neighbours."""

    number: int
    deadlines: list
    has_next: bool
    query: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(value) -> int:
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), LAST_PAGE)


def _page_across(segments, start: int, size: int) -> list:
    """``size`` rows from ``start`` of the segments read one after the
    other. A segment is counted only when the page starts beyond it."""
    rows: list = []
    for segment in segments:
        chunk = list(segment[start : start + size - len(rows)])
        if chunk:
            rows += chunk
            start = 0
            if len(rows) >= size:
                break
        elif start:
            # The page starts past this segment: skip it whole.
            start -= segment.count()
    return rows


def _decorate(deadline, today):
    deadline.is_overdue = deadline.state == DeadlineState.OPEN and deadline.due_on < today
    deadline.days_left = (deadline.due_on - today).days
    return deadline


def docket_rows(request, per_page: int = DOCKET_PER_PAGE):
    """The filter and the requested page of the user's docket."""
    params = request.GET
    filterset = DocketFilterSet(params, queryset=docket_for(request.user), request=request)
    form = filterset.form
    style_filter_form(form)
    choose_counsel(request)(form)
    form.fields["state"].choices = [
        *DeadlineState.choices,
        (ANY_STATE, gettext_lazy("Any state")),
    ]
    if filterset.is_valid():
        rows = filterset.qs
        state = form.cleaned_data.get("state")
        states = [state] if state in DeadlineState.values else list(DOCKET_STATES)
    else:
        rows, states = filterset.queryset.none(), [DeadlineState.OPEN]
    number = _page_number(params.get("page"))
    # One state at a time, each in due-date order as the index keeps it,
    # rather than sorting the whole docket by state.
    segments = [rows.filter(state=state).order_by("due_on", "id") for state in states]
    found = _page_across(segments, (number - 1) * per_page, per_page + 1)
    today = timezone.localdate()
    listing = FilteredList(
        filterset=filterset,
        queryset=rows,
        page=None,
        sort_key="",
        descending=False,
        params=params,
        shown_filters=SHOWN_FILTERS,
    )
    page = DocketPage(
        number=number,
        deadlines=[_decorate(deadline, today) for deadline in found[:per_page]],
        has_next=len(found) > per_page,
        query=listing.page_query,
    )
    return listing, page


@staff_view
@require_GET
def docket(request):
    """The deadlines across the portfolio, overdue first, then by due date."""
    listing, page = docket_rows(request)
    return render(
        request,
        "achievements/docket.html",
        {
            "listing": listing,
            "page": page,
            "filterset": listing.filterset,
            "today": timezone.localdate(),
        },
    )


DEADLINE_ACTIONS = {
    "complete": (DeadlineCompleteForm, services.deadline_complete),
    "waive": (DeadlineWaiveForm, services.deadline_waive),
}


@staff_view
@require_POST
def deadline_action(request, pk, action):
    """Mark a deadline done (on a date, today by default) or let it pass
    (with the reason); answered with its row, re-rendered, to an HTMX
    request, else back to the docket."""
    if action not in DEADLINE_ACTIONS:
        raise Http404
    form_class, service = DEADLINE_ACTIONS[action]
    deadline = get_object_or_404(docket_for(request.user), pk=pk)
    form = form_class(request.POST)
    done = False
    if form.is_valid():
        try:
            service(deadline=deadline, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            done = True
    if is_htmx(request):
        deadline = get_object_or_404(docket_for(request.user), pk=pk)
        return render(
            request,
            "achievements/partials/docket_row.html",
            {
                "deadline": _decorate(deadline, timezone.localdate()),
                "error_form": None if done else form,
                "next": next_url(request, reverse("achievements:docket")),
            },
        )
    if done:
        messages.success(
            request,
            _("Done: %(deadline)s.") % {"deadline": deadline.get_kind_display()}
            if action == "complete"
            else _("Let pass: %(deadline)s.") % {"deadline": deadline.get_kind_display()},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(next_url(request, reverse("achievements:docket")))
