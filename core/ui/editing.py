"""The staff's create and edit pages, one pair of views for every kind of
object whose pages differ only by names.

A page shows the form; a valid POST calls the service, puts a refusal on
the form next to the field it names (everything typed is kept), or says the
object was saved and goes to its page. An ``Editing`` names what differs:
the form, the scoping selector, the services, the titles.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.errors import PermissionDenied as RefusedPermission
from core.ui.forms import add_service_error

# Long text fields span the form's width.
WIDE_FIELDS = ["title", "description", "field_of_use", "name", "registered_address"]


def object_url(obj, fallback: str | None) -> str | None:
    """The object's page, or the URL named ``fallback`` while it has none."""
    get_url = getattr(obj, "get_absolute_url", None)
    if get_url is not None:
        try:
            return get_url()
        except NoReverseMatch:
            pass
    return reverse(fallback) if fallback else None


@dataclass(frozen=True)
class Editing:
    """What differs between the create and edit pages of one kind of object.

    ``create(by=…, **cleaned_data)`` and ``update(<noun>=obj, by=…,
    **cleaned_data)`` are its services; ``visible_to`` its scoping selector;
    ``key`` the field its URL names it by (and the URL keyword)."""

    form: type
    visible_to: Callable[[Any], QuerySet]
    key: str
    noun: str
    create: Callable[..., Model]
    update: Callable[..., Model]
    template: str
    # Who may open the pages at all (the services check the rest): the
    # caller's rule, so the kit knows nothing of roles.
    may_create: Callable[[Any], bool]
    may_edit: Callable[[Any, Model], bool]
    list_url: str
    list_label: Any
    new_title: Any
    create_label: Any
    # ``?<field>=<code>`` preselects a choice, e.g. an agreement's partnership.
    initial_from_query: Mapping[str, Callable[[Any], QuerySet]] = field(default_factory=dict)
    # Where a refusal of the user's rights shows, from the data typed;
    # without it the page answers 403.
    refused_at: Callable[[dict], str] | None = None
    # The page to go to once saved, when the object has none of its own.
    saved_page: Callable[[Model], Model] | None = None
    title_field: str | None = None
    links: Callable[[Model], list[tuple[str, str]]] = lambda obj: []


def _save(editing: Editing, form, service, **kwargs) -> Model | None:
    try:
        return service(**kwargs)
    except RefusedPermission as error:
        if editing.refused_at is None:
            add_service_error(form, error)
        else:
            form.add_error(editing.refused_at(kwargs), error.message)
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
    return None


def _page(request, editing: Editing, form, *, title, submit, obj=None) -> HttpResponse:
    list_url = reverse(editing.list_url)
    return render(
        request,
        editing.template,
        {
            "form": form,
            "title": title,
            "list_url": list_url,
            "list_label": editing.list_label,
            "object": obj,
            "object_url": (object_url(obj, None) if obj is not None else None) or list_url,
            "submit_label": submit,
            "formsets": (),
            "wide_fields": WIDE_FIELDS,
            "links": editing.links(obj) if obj is not None else [],
        },
    )


def _saved(request, editing: Editing, obj) -> HttpResponse:
    messages.success(request, _("%(name)s saved.") % {"name": obj})
    shown = obj
    if editing.saved_page is not None and object_url(obj, None) is None:
        shown = editing.saved_page(obj)
    return redirect(object_url(shown, editing.list_url))


def create_view(editing: Editing):
    @login_required
    @require_http_methods(["GET", "POST"])
    def create(request: HttpRequest) -> HttpResponse:
        user = request.user
        if not editing.may_create(user):
            raise PermissionDenied
        initial = {
            name: visible_to(user).filter(code=code).first()
            for name, visible_to in editing.initial_from_query.items()
            if (code := request.GET.get(name))
        }
        form = editing.form(request.POST or None, initial=initial, user=user)
        if request.method == "POST" and form.is_valid():
            saved = _save(editing, form, editing.create, by=user, **form.cleaned_data)
            if saved is not None:
                return _saved(request, editing, saved)
        return _page(request, editing, form, title=editing.new_title, submit=editing.create_label)

    return create


def edit_view(editing: Editing):
    @login_required
    @require_http_methods(["GET", "POST"])
    def edit(request: HttpRequest, **url_kwargs) -> HttpResponse:
        user = request.user
        obj = get_object_or_404(editing.visible_to(user), **{editing.key: url_kwargs[editing.key]})
        if not editing.may_edit(user, obj):
            raise PermissionDenied
        form = editing.form(request.POST or None, instance=obj, user=user)
        if request.method == "POST" and form.is_valid():
            # The form's validation wrote onto the instance; the service works
            # from the row as stored.
            stored = editing.visible_to(user).get(pk=obj.pk)
            saved = _save(
                editing,
                form,
                editing.update,
                by=user,
                **{editing.noun: stored},
                **form.cleaned_data,
            )
            if saved is not None:
                return _saved(request, editing, saved)
        name = getattr(obj, editing.title_field or editing.key)
        return _page(
            request,
            editing,
            form,
            title=_("Edit %(name)s") % {"name": name},
            submit=_("Save"),
            obj=obj,
        )

    return edit


def editing_views(editing: Editing):
    """The create and the edit view of one kind of object."""
    return create_view(editing), edit_view(editing)
