"""A patent family's page (its applications in each office, their office
actions, the family's deadlines as the docket computed them) and the forms
that keep it: the family, its applications, office actions and responses.
Every change goes through ``achievements.services.patents``, which refreshes
the docket."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.i18n import display_date

from .. import services
from ..forms import ApplicationForm, FamilyForm, IpCostForm, OfficeActionForm, RespondForm
from ..selectors import (
    deadlines_visible_to,
    may_manage_achievement,
    office_actions_visible_to,
    patent_applications_visible_to,
    patent_families_visible_to,
)
from .common import call_service, form_page, staff_view


def _family(request, pk):
    return get_object_or_404(
        patent_families_visible_to(request.user).select_related("achievement"), pk=pk
    )


def _crumbs(family):
    achievement = family.achievement
    return [
        (reverse("achievements:list"), _("Achievements")),
        (achievement.get_absolute_url(), achievement.reference),
        (family.get_absolute_url(), family.title),
    ]


@staff_view
@require_GET
def family_detail(request, pk):
    """A family: its applications, their office actions and the deadlines
    the docket computed from them."""
    user = request.user
    family = _family(request, pk)
    applications = list(
        patent_applications_visible_to(user)
        .filter(family=family)
        .select_related("counsel", "parent")
        .prefetch_related(
            Prefetch(
                "office_actions",
                queryset=office_actions_visible_to(user).order_by("received_on", "id"),
            )
        )
        .order_by("filed_on", "id")
    )
    deadlines = list(
        deadlines_visible_to(user)
        .filter(family=family)
        .select_related("application", "office_action", "closed_by")
        .order_by("due_on", "id")
    )
    may_manage = may_manage_achievement(user, family.achievement)
    return render(
        request,
        "achievements/family.html",
        {
            "family": family,
            "achievement": family.achievement,
            "applications": applications,
            "deadlines": deadlines,
            "may_manage": may_manage,
            "cost_form": (
                IpCostForm(user=user, achievement=family.achievement) if may_manage else None
            ),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def family_edit(request, pk):
    family = _family(request, pk)
    if not may_manage_achievement(request.user, family.achievement):
        raise PermissionDenied
    form = FamilyForm(
        request.POST or None,
        initial={"title": family.title, "priority_date": family.priority_date},
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.family_update, family=family, by=request.user, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("%(name)s saved.") % {"name": saved.title})
            return redirect(saved)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": family.title},
        crumbs=_crumbs(family),
        submit=_("Save"),
        cancel_url=family.get_absolute_url(),
    )


def _application_page(request, family, application=None):
    user = request.user
    if not may_manage_achievement(user, family.achievement):
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, instance=application, user=user, family=family)
    if request.method == "POST" and form.is_valid():
        if application is None:
            saved = call_service(
                form, services.application_create, family=family, by=user, **form.cleaned_data
            )
        else:
            stored = patent_applications_visible_to(user).get(pk=application.pk)
            saved = call_service(
                form,
                services.application_update,
                application=stored,
                by=user,
                **form.cleaned_data,
            )
        if saved is not None:
            messages.success(request, _("%(name)s saved.") % {"name": saved})
            return redirect(family)
    return form_page(
        request,
        form,
        title=(
            _("Edit %(name)s") % {"name": application}
            if application
            else _("New application in %(family)s") % {"family": family.title}
        ),
        crumbs=_crumbs(family),
        submit=_("Save") if application else _("Add the application"),
        cancel_url=family.get_absolute_url(),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def application_create(request, pk):
    return _application_page(request, _family(request, pk))


def _application(request, pk):
    return get_object_or_404(
        patent_applications_visible_to(request.user).select_related("family__achievement"),
        pk=pk,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = _application(request, pk)
    return _application_page(request, application.family, application)


@staff_view
@require_http_methods(["GET", "POST"])
def office_action_create(request, pk):
    """Record an office action: its response goes onto the docket."""
    application = _application(request, pk)
    family = application.family
    form = OfficeActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.office_action_record,
            application=application,
            by=request.user,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("Office action recorded; its response is on the docket."))
            return redirect(family)
    return form_page(
        request,
        form,
        title=_("Office action on %(application)s") % {"application": application},
        crumbs=_crumbs(family),
        submit=_("Record the office action"),
        cancel_url=family.get_absolute_url(),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def office_action_respond(request, pk):
    action = get_object_or_404(
        office_actions_visible_to(request.user).select_related("application__family__achievement"),
        pk=pk,
    )
    family = action.application.family
    form = RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.office_action_respond,
            action=action,
            by=request.user,
            responded_on=form.cleaned_data["responded_on"],
        )
        if saved is not None:
            messages.success(request, _("Response recorded."))
            return redirect(family)
    return form_page(
        request,
        form,
        title=_("Response to the office action of %(date)s")
        % {"date": display_date(action.received_on)},
        crumbs=_crumbs(family),
        submit=_("Record the response"),
        cancel_url=family.get_absolute_url(),
    )
