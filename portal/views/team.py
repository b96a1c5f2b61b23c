"""The enterprise's team in the portal: its partner users, whom partner
admins invite and remove; and the page where an invited colleague accepts.

A colleague of another enterprise answers 404 before anything else is
checked, for every method; a partner user who is not a partner admin sees
the team and gets 403 on its changes."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from accounts.selectors import may_manage_team, team_members_visible_to
from accounts.services import (
    TeamError,
    invitation_accept,
    invitation_user,
    partner_invitation_resend,
    partner_user_invite,
    partner_user_remove,
)
from core.errors import DomainError, PermissionDenied
from core.i18n import localized_name
from core.ui.forms import Form
from portal.access import PARTNER_HOME, partner_view

# The invitee is signed in by the backend that checks passwords; the
# lockout backend in front of it only counts failed attempts.
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


class InviteForm(Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    is_partner_admin = forms.BooleanField(
        label=gettext_lazy("Partner admin (may invite and remove colleagues)"), required=False
    )


def _forbidden(request):
    return render(request, "portal/team_forbidden.html", status=403)


def _team_page(request, *, form=None, status=200):
    manage = may_manage_team(request.user)
    return render(
        request,
        "portal/team.html",
        {
            "members": team_members_visible_to(request.user),
            "may_manage": manage,
            "invite_form": (form or InviteForm()) if manage else None,
        },
        status=status,
    )


@partner_view
@require_GET
def team(request):
    """The enterprise's partner users; partner admins also see the
    invitation form and the buttons to resend and remove."""
    return _team_page(request)


@partner_view
def team_invite(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may_manage_team(request.user):
        return _forbidden(request)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            partner_user_invite(by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            # One answer whether or not the address has an account already:
            # the form must not tell who has one.
            messages.success(
                request,
                _(
                    "An invitation is on its way to %(email)s, unless the address "
                    "cannot take one. The link works once, for %(days)s days."
                )
                % {
                    "email": form.cleaned_data["email"].strip().lower(),
                    "days": settings.INVITATION_TIMEOUT_DAYS,
                },
            )
            return redirect("portal:team")
    return _team_page(request, form=form, status=400)


@partner_view
def team_resend(request, user_pk):
    colleague = get_object_or_404(team_members_visible_to(request.user), pk=user_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may_manage_team(request.user):
        return _forbidden(request)
    try:
        partner_invitation_resend(by=request.user, user=colleague)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new invitation was sent to %(email)s; the earlier link no longer works.")
            % {"email": colleague.email},
        )
    return redirect("portal:team")


@partner_view
def team_remove(request, user_pk):
    """GET asks for confirmation; POST removes the colleague at once."""
    colleague = get_object_or_404(team_members_visible_to(request.user), pk=user_pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not may_manage_team(request.user):
        return _forbidden(request)
    if request.method == "POST":
        try:
            partner_user_remove(by=request.user, user=colleague)
        except PermissionDenied:
            return _forbidden(request)
        except TeamError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "%(name)s was removed: signed out, API tokens revoked, "
                    "no longer able to sign in."
                )
                % {"name": colleague.get_full_name()},
            )
        return redirect("portal:team")
    return render(
        request,
        "portal/team_remove.html",
        {"colleague": colleague, "is_self": colleague.pk == request.user.pk},
    )


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def invitation_accept_view(request, uidb64, token):
    """The link of an invitation email: the invitee chooses a password and is
    signed in to the portal. A used, replaced, expired or forged link
    answers with a page that says so."""
    invitee = invitation_user(uidb64, token)
    if invitee is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    if request.method == "POST":
        form = SetPasswordForm(invitee, request.POST)
        if form.is_valid():
            try:
                user = invitation_accept(
                    user=invitee, token=token, password=form.cleaned_data["new_password1"]
                )
            except TeamError:
                return render(request, "portal/invitation_invalid.html", status=404)
            login(request, user, backend=SIGN_IN_BACKEND)
            messages.success(
                request,
                _("Welcome to the partner portal of %(enterprise)s.")
                % {"enterprise": localized_name(user.enterprise)},
            )
            return redirect(PARTNER_HOME)
    else:
        form = SetPasswordForm(invitee)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    return render(request, "portal/invitation_accept.html", {"form": form, "invitee": invitee})
