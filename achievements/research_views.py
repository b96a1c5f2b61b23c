"""The researcher's pages under ``/research/``: the achievements they are an
inventor on (status, patents, the agreements that use them; no money, no
costs, no assessment), and their disclosures, written, confirmed,
submitted and withdrawn here.

Every object comes through a scoping selector of ``achievements.selectors``,
so another researcher's disclosure or achievement answers 404, like a
missing one; every change is a service of
``achievements.services.disclosures``, whose refusals show on the form.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import Role
from accounts.selectors import has_full_access, is_centre_staff_user, is_researcher_user
from accounts.services import TeamError, invitation_accept, invitation_user
from core.errors import DomainError

from .choices import DisclosureStatus
from .research_forms import WIDE_FIELDS, DisclosureForm, inventor_formset
from .selectors import (
    achievement_detail_for,
    achievement_list_for,
    achievement_patents_for,
    disclosure_detail_for,
    disclosures_visible_to,
)
from .services import (
    DISCLOSURE_FIELDS,
    disclosure_confirm,
    disclosure_create,
    disclosure_submit,
    disclosure_update,
    disclosure_withdraw,
)
from .services.disclosures import EDITABLE_STATUSES

# The invitee is signed in by the backend that checks passwords; the
# lockout backend in front of it only counts failed attempts.
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"
CLOSED_STATUSES = frozenset({DisclosureStatus.CONVERTED, DisclosureStatus.WITHDRAWN})


def researcher_view(view):
    """A researcher's page: signed-in researchers only. Staff go to the
    staff UI; anyone else (a partner user) finds nothing here."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not is_researcher_user(user):
            if has_full_access(user) or is_centre_staff_user(user):
                return redirect("home")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --- Start page and achievements -------------------------------------------------------


@researcher_view
@require_GET
def home(request):
    """What the researcher has disclosed and what came of it."""
    user = request.user
    return render(
        request,
        "research/home.html",
        {
            "achievements": achievement_list_for(user).order_by("-disclosed_on", "-id"),
            "disclosures": disclosures_visible_to(user)
            .select_related("institution", "submitted_by")
            .order_by("-created_at", "-id"),
        },
    )


@researcher_view
@require_GET
def achievement_detail(request, pk):
    user = request.user
    achievement = get_object_or_404(achievement_detail_for(user), pk=pk)
    return render(
        request,
        "research/achievement_detail.html",
        {
            "achievement": achievement,
            "families": list(achievement_patents_for(user, achievement)),
            "agreement_links": list(achievement.agreement_links.all()),
        },
    )


# --- Disclosures -----------------------------------------------------------------------


def _place_error(error: DomainError, form, formset) -> None:
    """A refusal at the field it names: the inventors' above their rows."""
    if (error.field or "").startswith("inventors"):
        formset.non_form_errors().append(error.message)
    else:
        form.add_domain_error(error)


def _form_page(request, *, form, formset, disclosure=None, status=200):
    return render(
        request,
        "research/disclosure_form.html",
        {
            "form": form,
            "formset": formset,
            "disclosure": disclosure,
            "wide_fields": WIDE_FIELDS,
        },
        status=status,
    )


def _save(request, *, form, formset, disclosure=None):
    """Write the disclosure (and submit it when asked); returns it, or None
    when the services refused, the refusal then on the form."""
    fields = {name: form.cleaned_data[name] for name in DISCLOSURE_FIELDS.all}
    try:
        with transaction.atomic():
            if disclosure is None:
                disclosure = disclosure_create(
                    by=request.user, inventors=formset.inventors(), **fields
                )
            else:
                disclosure = disclosure_update(
                    disclosure=disclosure,
                    by=request.user,
                    inventors=formset.inventors(),
                    **{
                        name: value
                        for name, value in fields.items()
                        if name in DISCLOSURE_FIELDS.columns
                    },
                )
            if "submit" in request.POST:
                disclosure_submit(disclosure=disclosure, by=request.user)
    except DomainError as error:
        _place_error(error, form, formset)
        return None
    return disclosure


def _saved_message(request, disclosure) -> None:
    if disclosure.status == DisclosureStatus.SUBMITTED:
        messages.success(request, _("Disclosure submitted: the office reviews it next."))
    else:
        messages.success(
            request, _("Draft saved. Submit it when the inventors and their shares are right.")
        )


@researcher_view
def disclosure_create_view(request):
    user = request.user
    if request.method == "POST":
        form = DisclosureForm(request.POST, user=user)
        formset = inventor_formset(user=user, data=request.POST)
        if form.is_valid() and formset.is_valid():
            disclosure = _save(request, form=form, formset=formset)
            if disclosure is not None:
                _saved_message(request, disclosure)
                return redirect("research:disclosure_detail", pk=disclosure.pk)
        return _form_page(request, form=form, formset=formset, status=400)
    if request.method not in ("GET", "HEAD"):
        raise Http404
    return _form_page(request, form=DisclosureForm(user=user), formset=inventor_formset(user=user))


@researcher_view
def disclosure_edit(request, pk):
    """The researcher's own draft, or a disclosure the office returned."""
    user = request.user
    disclosure = get_object_or_404(disclosure_detail_for(user).filter(submitted_by=user), pk=pk)
    if disclosure.status not in EDITABLE_STATUSES:
        messages.error(
            request, _("The disclosure is with the office: it changes only when returned.")
        )
        return redirect("research:disclosure_detail", pk=disclosure.pk)
    if request.method == "POST":
        form = DisclosureForm(request.POST, instance=disclosure, user=user)
        formset = inventor_formset(user=user, disclosure=disclosure, data=request.POST)
        if form.is_valid() and formset.is_valid():
            saved = _save(request, form=form, formset=formset, disclosure=disclosure)
            if saved is not None:
                _saved_message(request, saved)
                return redirect("research:disclosure_detail", pk=saved.pk)
        return _form_page(request, form=form, formset=formset, disclosure=disclosure, status=400)
    if request.method not in ("GET", "HEAD"):
        raise Http404
    return _form_page(
        request,
        form=DisclosureForm(instance=disclosure, user=user),
        formset=inventor_formset(user=user, disclosure=disclosure),
        disclosure=disclosure,
    )


@researcher_view
@require_GET
def disclosure_detail(request, pk):
    user = request.user
    disclosure = get_object_or_404(disclosure_detail_for(user), pk=pk)
    inventors = list(disclosure.inventors.all())
    mine = disclosure.submitted_by_id == user.pk
    open_ = disclosure.status not in CLOSED_STATUSES
    return render(
        request,
        "research/disclosure_detail.html",
        {
            "disclosure": disclosure,
            "inventors": inventors,
            "may_edit": mine and disclosure.status in EDITABLE_STATUSES,
            "may_submit": mine and disclosure.status in EDITABLE_STATUSES,
            "may_withdraw": mine and open_,
            "may_confirm": open_
            and any(
                row.person.user_id == user.pk and row.confirmed_at is None for row in inventors
            ),
            "unconfirmed": [row for row in inventors if row.confirmed_at is None],
        },
    )


DISCLOSURE_ACTIONS = {
    "confirm": (disclosure_confirm, _("Your inventorship is confirmed.")),
    "submit": (disclosure_submit, _("Disclosure submitted: the office reviews it next.")),
    "withdraw": (disclosure_withdraw, _("Disclosure withdrawn.")),
}


@researcher_view
@require_POST
def disclosure_action(request, pk, action):
    """Confirm one's inventorship, submit or withdraw a disclosure."""
    disclosure = get_object_or_404(disclosures_visible_to(request.user), pk=pk)
    if action not in DISCLOSURE_ACTIONS:
        raise Http404
    service, done = DISCLOSURE_ACTIONS[action]
    try:
        service(disclosure=disclosure, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
    return redirect("research:disclosure_detail", pk=disclosure.pk)


# --- Invitation ------------------------------------------------------------------------


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def invitation_accept_view(request, uidb64, token):
    """The link of a researcher's invitation email: they choose a password
    and are signed in. A used, replaced, expired or forged link answers
    with a page that says so."""
    invitee = invitation_user(uidb64, token, role=Role.RESEARCHER)
    if invitee is None:
        return render(request, "research/invitation_invalid.html", status=404)
    if request.method == "POST":
        form = SetPasswordForm(invitee, request.POST)
        if form.is_valid():
            try:
                user = invitation_accept(
                    user=invitee, token=token, password=form.cleaned_data["new_password1"]
                )
            except TeamError:
                return render(request, "research/invitation_invalid.html", status=404)
            login(request, user, backend=SIGN_IN_BACKEND)
            messages.success(request, _("Welcome to BioBridge."))
            return redirect("research:home")
    else:
        form = SetPasswordForm(invitee)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    return render(
        request,
        "research/invitation_accept.html",
        {"form": form, "invitee": invitee, "timeout_days": settings.INVITATION_TIMEOUT_DAYS},
    )
