"""The office's review of the researchers' disclosures: the submitted ones,
a disclosure with its inventors and their confirmations, and the review's
outcomes — returned to the researcher with a note, or accepted as an
achievement."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.ui.lists import Sorting, filtered_list

from .. import services
from ..choices import DisclosureStatus
from ..forms import DisclosureConfirmForm, DisclosureConvertForm, DisclosureReturnForm
from ..selectors import disclosure_detail_for, disclosures_visible_to
from .common import call_service, form_page, staff_view
from .filters import DisclosureFilterSet, choose_institution

DISCLOSURES_PER_PAGE = 50

DISCLOSURE_SORTING = Sorting(
    columns={
        "title": ["title"],
        "status": ["status"],
        "submitted_at": ["submitted_at"],
        "institution": ["institution__name"],
    },
    default="-submitted_at",
)


@staff_view
@require_GET
def disclosure_list(request):
    """The disclosures submitted to the user's institutions."""
    listing = filtered_list(
        request,
        queryset=disclosures_visible_to(request.user).select_related(
            "institution", "submitted_by", "achievement"
        ),
        filterset_class=DisclosureFilterSet,
        sorting=DISCLOSURE_SORTING,
        shown_filters=("q", "status", "institution"),
        per_page=DISCLOSURES_PER_PAGE,
        configure_form=choose_institution(request),
    )
    return render(
        request,
        "achievements/disclosure_list.html",
        {"listing": listing, "filterset": listing.filterset, "page": listing.page},
    )


def _disclosure(request, pk):
    return get_object_or_404(disclosure_detail_for(request.user), pk=pk)


def _inventors(disclosure):
    return list(disclosure.inventors.all())


def _is_open(disclosure) -> bool:
    return disclosure.status == DisclosureStatus.SUBMITTED


@staff_view
@require_GET
def disclosure_detail(request, pk):
    disclosure = _disclosure(request, pk)
    inventors = _inventors(disclosure)
    unconfirmed = [inventor.person for inventor in inventors if inventor.confirmed_at is None]
    return render(
        request,
        "achievements/disclosure_detail.html",
        {
            "disclosure": disclosure,
            "inventors": inventors,
            "total_contribution": sum(
                (inventor.contribution_percent for inventor in inventors), start=0
            ),
            "unconfirmed": unconfirmed,
            "is_open": _is_open(disclosure),
            "return_form": DisclosureReturnForm(),
            "convert_form": DisclosureConvertForm(),
            "confirm_form": DisclosureConfirmForm(people=unconfirmed) if unconfirmed else None,
        },
    )


def _crumbs(disclosure):
    return [
        (reverse("achievements:disclosures"), _("Disclosures")),
        (reverse("achievements:disclosure", args=[disclosure.pk]), disclosure.title),
    ]


@staff_view
@require_http_methods(["GET", "POST"])
def disclosure_return(request, pk):
    """Send the disclosure back to the researcher with what to change."""
    disclosure = _disclosure(request, pk)
    form = DisclosureReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.disclosure_return,
            disclosure=disclosure,
            by=request.user,
            note=form.cleaned_data["note"],
        )
        if saved is not None:
            messages.success(request, _("The disclosure went back to the researcher."))
            return redirect("achievements:disclosure", pk=disclosure.pk)
    return form_page(
        request,
        form,
        title=_("Return “%(title)s”") % {"title": disclosure.title},
        crumbs=_crumbs(disclosure),
        submit=_("Return to the researcher"),
        cancel_url=reverse("achievements:disclosure", args=[disclosure.pk]),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def disclosure_convert(request, pk):
    """Accept the disclosure as an achievement of its institution."""
    disclosure = _disclosure(request, pk)
    form = DisclosureConvertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        achievement = call_service(
            form,
            services.disclosure_convert,
            disclosure=disclosure,
            by=request.user,
            reference=form.cleaned_data["reference"],
        )
        if achievement is not None:
            messages.success(
                request,
                _("Accepted as achievement %(reference)s.") % {"reference": achievement.reference},
            )
            return redirect(achievement)
    return form_page(
        request,
        form,
        title=_("Accept “%(title)s” as an achievement") % {"title": disclosure.title},
        crumbs=_crumbs(disclosure),
        submit=_("Accept as an achievement"),
        cancel_url=reverse("achievements:disclosure", args=[disclosure.pk]),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def disclosure_confirm(request, pk):
    """Record the confirmation an inventor gave outside BioBridge (by letter
    or in person)."""
    disclosure = _disclosure(request, pk)
    people = [
        inventor.person for inventor in _inventors(disclosure) if inventor.confirmed_at is None
    ]
    form = DisclosureConfirmForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        # The service answers nothing: a refusal is the form's error.
        call_service(
            form,
            services.disclosure_confirm,
            disclosure=disclosure,
            by=request.user,
            person=person,
        )
        if not form.errors:
            messages.success(
                request, _("Confirmation of %(name)s recorded.") % {"name": person.full_name}
            )
            return redirect("achievements:disclosure", pk=disclosure.pk)
    return form_page(
        request,
        form,
        title=_("Record an inventor's confirmation"),
        crumbs=_crumbs(disclosure),
        submit=_("Record the confirmation"),
        cancel_url=reverse("achievements:disclosure", args=[disclosure.pk]),
    )
