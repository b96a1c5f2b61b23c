"""Signing in (with a password, or by single sign-on where it is set up),
the page of a user who awaits a role, resetting a forgotten password by
email, changing one's password, the signed-in user's API tokens (create —
the key is shown once —, list, revoke), and the language switch, which
remembers the user's choice."""

import contextlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST
from django.views.i18n import LANGUAGE_QUERY_PARAMETER

from core.errors import DomainError

from .forms import CountedPasswordChangeForm, EmailAuthenticationForm
from .models import ApiToken
from .selectors import is_awaiting_role_user
from .services import (
    api_token_create,
    api_token_revoke,
    password_reset_complete,
    password_reset_request,
    sign_in_address,
    user_language_set,
)
from .sso import sso_enabled, sso_provider_name


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What will use it"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. ERP integration")}),
    )
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Expires"),
        required=False,
        # What <input type=datetime-local> reads, whatever the language.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Leave empty for a token that does not expire."),
    )


def _tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@login_required
def token_list(request):
    new_key = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                issued = api_token_create(user=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                new_key = issued.key
                form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": _tokens_of(request.user), "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(_tokens_of(request.user), pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


def language_set(request):
    """Django's language switch, which also remembers a signed-in user's
    choice: notices written for them by others' actions and by nightly tasks
    follow it, where the cookie cannot reach."""
    response = i18n_views.set_language(request)
    language = request.POST.get(LANGUAGE_QUERY_PARAMETER) if request.method == "POST" else None
    if language and request.user.is_authenticated:
        # Django's view has ignored an unknown language too.
        with contextlib.suppress(DomainError):
            user_language_set(user=request.user, language=language)
    return response


class SignInView(auth_views.LoginView):
    """Django's sign-in, which then speaks the user's chosen language on this
    device too (the language switch stores the choice with the user)."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if sso_enabled():
            context["sso_provider_name"] = sso_provider_name()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


@login_required
def awaiting_role(request):
    """What a user signed up by single sign-on sees until an administrator
    grants them a role; everyone else goes to their start page."""
    if not is_awaiting_role_user(request.user):
        return redirect("home")
    return render(request, "accounts/awaiting_role.html")


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Asks for an email address and answers with the same page whether an
    account has it or not; the link goes out by email only."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        password_reset_request(
            email=form.cleaned_data["email"], address=sign_in_address(self.request)
        )
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "reset_timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The emailed link: choose a new password. It does not sign in; the user
    signs in with the new password through the ordinary, counted sign-in."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_complete(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in user changes their password; this session stays signed
    in, their other sessions end."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")
    form_class = CountedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
