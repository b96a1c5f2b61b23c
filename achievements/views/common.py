"""What the achievements' staff pages share: who may open them, and the
page that shows one form with a service's refusal on it."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError
from core.ui.forms import add_service_error

FORM_TEMPLATE = "achievements/form.html"


def is_office_staff(user) -> bool:
    return has_full_access(user) or is_centre_staff_user(user)


def staff_view(view):
    """A page of the office: signed-in staff and superusers. Anyone else
    (a researcher, a partner) gets the 404 of a page that does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_office_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def call_service(form, service, **kwargs):
    """Call the service; put its refusal on the form. The result, or None."""
    try:
        return service(**kwargs)
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
    return None


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def next_url(request, default: str) -> str:
    """Where to go back to after an action: the page's own ``next`` if it is
    on this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def form_page(
    request, form, *, title, crumbs, submit, cancel_url, formsets=(), explanation=None, status=200
):
    """One form on a page of its own, with its errors."""
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "submit_label": submit,
            "cancel_url": cancel_url,
            "formsets": formsets,
            "explanation": explanation,
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
        status=status,
    )
