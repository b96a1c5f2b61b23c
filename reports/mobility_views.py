"""The staff pages of what China's annual report counts and no deal record
holds: staff mobility (item 4c: 兼职从事成果转化, 离岗创业) and the R&D and
transfer entities an institution built (item 4a: 自建, 共建). Records come
through the scoping selectors: another institution's are a 404."""

from datetime import date

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from achievements.views.common import call_service, form_page, next_url, staff_view

from .mobility_forms import RecordFilterForm, StaffMobilityForm, TransferEntityForm
from .selectors import staff_mobility_visible_to, transfer_entities_visible_to
from .services import mobility as services


def _list_url(name: str, institution_id=None) -> str:
    url = reverse(f"annual_reports:{name}")
    return f"{url}?{urlencode({'institution': institution_id})}" if institution_id else url


def _crumbs(name: str, label: str):
    return [
        (reverse("annual_reports:index"), _("Annual reports")),
        (reverse(f"annual_reports:{name}"), label),
    ]


def _filtered(request, records, *, start_field: str, end_field: str):
    """The records of the filter form's institution, in force during its
    year."""
    form = RecordFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        institution = form.cleaned_data["institution"]
        year = form.cleaned_data["year"]
        if institution is not None:
            records = records.filter(institution=institution)
        if year is not None:
            records = records.filter(**{f"{start_field}__lte": date(year, 12, 31)}).filter(
                Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": date(year, 1, 1)})
            )
    return form, records


# Staff mobility ------------------------------------------------------------


@staff_view
def mobility_list(request):
    records = staff_mobility_visible_to(request.user).select_related(
        "institution", "person", "enterprise"
    )
    form, records = _filtered(request, records, start_field="starts_on", end_field="ends_on")
    return render(
        request,
        "reports/mobility_list.html",
        {
            "filter_form": form,
            "records": records.order_by("institution__name", "-starts_on", "id"),
            "is_filtered": bool(request.GET),
            "create_url": _list_url(
                "mobility-create", request.GET.get("institution") if form.is_valid() else None
            ),
            "delete_question": _("Delete this period?"),
        },
    )


def _mobility_title() -> str:
    return _("Part-time work and leave")


@staff_view
@require_http_methods(["GET", "POST"])
def mobility_create(request):
    initial = {"institution": request.GET.get("institution")}
    form = StaffMobilityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = call_service(
            form, services.create_mobility, user=request.user, **form.cleaned_data
        )
        if record is not None:
            messages.success(request, _("The period is recorded."))
            return redirect(next_url(request, _list_url("mobility", record.institution_id)))
    return form_page(
        request,
        form,
        title=_("Record part-time work or leave"),
        crumbs=_crumbs("mobility", _mobility_title()),
        submit=_("Record the period"),
        cancel_url=reverse("annual_reports:mobility"),
        explanation=_(
            "Staff approved to work part-time on commercialisation, or on leave to start a "
            "business, count in item 4c of the annual report in every year their period "
            "touches."
        ),
        status=400 if form.errors else 200,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def mobility_edit(request, pk: int):
    record = get_object_or_404(staff_mobility_visible_to(request.user), pk=pk)
    initial = {field: getattr(record, field) for field in services.MOBILITY_FIELDS}
    form = StaffMobilityForm(
        request.POST or None, user=request.user, institution=record.institution, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.update_mobility, user=request.user, record=record, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("The period is saved."))
            return redirect(next_url(request, _list_url("mobility", record.institution_id)))
    return form_page(
        request,
        form,
        title=_("Change the period of %(person)s") % {"person": record.person.full_name},
        crumbs=_crumbs("mobility", _mobility_title()),
        submit=_("Save the period"),
        cancel_url=_list_url("mobility", record.institution_id),
        status=400 if form.errors else 200,
    )


@staff_view
@require_POST
def mobility_delete(request, pk: int):
    record = get_object_or_404(staff_mobility_visible_to(request.user), pk=pk)
    institution_id = record.institution_id
    services.delete_mobility(request.user, record)
    messages.success(request, _("The period is deleted."))
    return redirect(_list_url("mobility", institution_id))


# R&D and transfer entities --------------------------------------------------


def _entities_title() -> str:
    return _("R&D and transfer entities")


@staff_view
def entity_list(request):
    records = transfer_entities_visible_to(request.user).select_related("institution")
    form, records = _filtered(
        request, records, start_field="established_on", end_field="closed_on"
    )
    return render(
        request,
        "reports/entity_list.html",
        {
            "filter_form": form,
            "records": records.order_by("institution__name", "kind", "name"),
            "is_filtered": bool(request.GET),
            "create_url": _list_url(
                "entity-create", request.GET.get("institution") if form.is_valid() else None
            ),
            "delete_question": _("Delete this entity?"),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def entity_create(request):
    initial = {"institution": request.GET.get("institution")}
    form = TransferEntityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = call_service(form, services.create_entity, user=request.user, **form.cleaned_data)
        if record is not None:
            messages.success(request, _("The entity is recorded."))
            return redirect(next_url(request, _list_url("entities", record.institution_id)))
    return form_page(
        request,
        form,
        title=_("Record an R&D or transfer entity"),
        crumbs=_crumbs("entities", _entities_title()),
        submit=_("Record the entity"),
        cancel_url=reverse("annual_reports:entities"),
        explanation=_(
            "R&D institutions, technology transfer offices and transformation service "
            "platforms the institution built alone or jointly count in item 4a of the annual "
            "report while they operate."
        ),
        status=400 if form.errors else 200,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def entity_edit(request, pk: int):
    record = get_object_or_404(transfer_entities_visible_to(request.user), pk=pk)
    initial = {field: getattr(record, field) for field in services.ENTITY_FIELDS}
    form = TransferEntityForm(
        request.POST or None, user=request.user, institution=record.institution, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.update_entity, user=request.user, record=record, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("The entity is saved."))
            return redirect(next_url(request, _list_url("entities", record.institution_id)))
    return form_page(
        request,
        form,
        title=_("Change %(entity)s") % {"entity": record.name},
        crumbs=_crumbs("entities", _entities_title()),
        submit=_("Save the entity"),
        cancel_url=_list_url("entities", record.institution_id),
        status=400 if form.errors else 200,
    )


@staff_view
@require_POST
def entity_delete(request, pk: int):
    record = get_object_or_404(transfer_entities_visible_to(request.user), pk=pk)
    institution_id = record.institution_id
    services.delete_entity(request.user, record)
    messages.success(request, _("The entity is deleted."))
    return redirect(_list_url("entities", institution_id))
