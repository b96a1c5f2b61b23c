"""Term sheets in the staff UI: the form of a deal structure's terms, its
PDF in English or Chinese, and "Turn into an agreement". Reads go through
the scoping selectors; the agreement is written by the partnerships
services, which decide who may."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError
from partnerships.selectors import partnerships_visible_to

from .selectors import valuations_visible_to
from .termsheet import (
    TermSheetError,
    agreement_reference_default,
    agreement_title_default,
    deal_structure_of,
    milestone_terms,
    royalty_tier_terms,
    stages_ahead_of,
    term_sheet_build,
    term_sheet_defaults_for,
)
from .termsheet_forms import StageTermsFormSet, TermSheetForm, add_term_sheet_error, terms_of
from .termsheet_pdf import term_sheet_filename, term_sheet_pdf
from .termsheet_services import agreement_from_term_sheet


def may_make_agreements(user) -> bool:
    """The button is for research-centre staff; the services check the
    partnership."""
    return has_full_access(user) or is_centre_staff_user(user)


def _valuation_and_structure(request, pk):
    valuation = get_object_or_404(
        valuations_visible_to(request.user).select_related(
            "project__current_stage", "project__partnership", "project__agreement__partnership"
        ),
        pk=pk,
    )
    try:
        structure = deal_structure_of(valuation, request.GET.get("structure", "deal"))
    except TermSheetError as error:
        raise Http404(error.message) from error
    return valuation, structure


def _forms(request, valuation, structure, data=None):
    stages = {stage.pk: stage for stage in stages_ahead_of(valuation)}
    partnerships = partnerships_visible_to(request.user)
    if data is None:
        defaults = term_sheet_defaults_for(valuation, structure)
        partnership = defaults["partnership"]
        initial = {
            **defaults,
            "language": "zh-hans" if request.LANGUAGE_CODE.startswith("zh") else "en",
            "partnership": partnership.pk
            if partnership and partnerships.filter(pk=partnership.pk).exists()
            else None,
            "reference": agreement_reference_default(valuation, structure.key),
        }
        form = TermSheetForm(initial=initial, partnerships=partnerships)
        rows = StageTermsFormSet(
            initial=defaults["stages"], prefix="stages", form_kwargs={"stages": stages}
        )
    else:
        form = TermSheetForm(data, partnerships=partnerships)
        rows = StageTermsFormSet(data, prefix="stages", form_kwargs={"stages": stages})
    return form, rows


def _page(request, valuation, structure, form, rows, status=200):
    return render(
        request,
        "valuations/term_sheet.html",
        {
            "valuation": valuation,
            "structure": structure,
            "milestones": milestone_terms(valuation, structure.deal),
            "tiers": royalty_tier_terms(structure.deal, valuation.currency),
            "form": form,
            "rows": rows,
            "may_make_agreement": may_make_agreements(request.user),
        },
        status=status,
    )


def _built(request, valuation, structure, form, rows):
    """The term sheet of the bound forms, or None with the errors on them."""
    if not (form.is_valid() and rows.is_valid()):
        return None
    try:
        return term_sheet_build(request.user, valuation, structure, terms_of(form, rows))
    except TermSheetError as error:
        add_term_sheet_error(form, rows, error)
    return None


@login_required
@require_GET
def term_sheet(request, pk):
    """The terms of a structure, to download as a PDF or turn into a draft
    agreement."""
    valuation, structure = _valuation_and_structure(request, pk)
    form, rows = _forms(request, valuation, structure)
    return _page(request, valuation, structure, form, rows)


@login_required
@require_http_methods(["GET", "POST"])
def term_sheet_download(request, pk):
    """The term sheet as a PDF: of the terms the form posts, or of the
    default terms for a plain link. With errors, the form again, marked."""
    valuation, structure = _valuation_and_structure(request, pk)
    if request.method == "POST":
        form, rows = _forms(request, valuation, structure, request.POST)
        sheet = _built(request, valuation, structure, form, rows)
    else:
        form = rows = None
        language = request.GET.get("lang") or request.LANGUAGE_CODE
        sheet = term_sheet_build(
            request.user,
            valuation,
            structure,
            {"language": "zh-hans" if language.startswith("zh") else "en"},
        )
    if sheet is None:
        return _page(request, valuation, structure, form, rows, status=400)
    response = HttpResponse(term_sheet_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{term_sheet_filename(sheet)}"'
    return response


@login_required
@require_POST
def term_sheet_agreement(request, pk):
    """Turn the structure into a draft agreement and open it."""
    valuation, structure = _valuation_and_structure(request, pk)
    if not may_make_agreements(request.user):
        raise Http404
    form, rows = _forms(request, valuation, structure, request.POST)
    sheet = _built(request, valuation, structure, form, rows)
    if sheet is None:
        return _page(request, valuation, structure, form, rows, status=400)
    try:
        agreement = agreement_from_term_sheet(
            valuation=valuation,
            sheet=sheet,
            partnership=form.cleaned_data["partnership"],
            reference=form.cleaned_data["reference"]
            or agreement_reference_default(valuation, structure.key),
            title=form.cleaned_data["title"] or agreement_title_default(sheet),
            by=request.user,
        )
    except DomainError as error:
        add_term_sheet_error(form, rows, error)
        return _page(request, valuation, structure, form, rows, status=400)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _page(request, valuation, structure, form, rows, status=400)
    messages.success(
        request,
        _("Draft agreement %(reference)s made from the term sheet; review it before signing.")
        % {"reference": agreement.reference},
    )
    return redirect(agreement.get_absolute_url())
