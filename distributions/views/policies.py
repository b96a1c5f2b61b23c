"""The staff pages of distribution policies: the versions of each
institution's policy and which is in force today, a version's page with its
tiers and a what-if calculator, and the pages that create (from a preset or
from scratch), edit and delete a version.

The calculator calls the same computation as the API's and the stored
runs'. A service's refusal comes back onto the form, at the field or tier
row it names; nothing is saved.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import has_full_access
from achievements.choices import IpCostKind
from achievements.views.common import is_htmx, staff_view
from core.errors import DomainError, Guard, InvalidInput
from core.i18n import localized_name

from ..choices import PolicyPreset, RunState
from ..computations.shares import ZERO
from ..forms import (
    PolicyForm,
    TierForm,
    TierFormSet,
    WhatIfForm,
    filled_tier_forms,
    put_service_error,
)
from ..presets import DEFAULT_DEDUCTIBLE_COST_KINDS, PRESETS, preset
from ..selectors import distributing_institutions_for, policies_visible_to
from ..services import policies as services

FORM_TEMPLATE = "distributions/policy_form.html"


@dataclass(frozen=True)
class Version:
    """A policy with the day its successor takes over, and whether it is
    the one in force, past or still to come."""

    policy: object
    until: datetime.date | None
    state: str  # "in_force", "past", "future"


def versions_of(policies, today: datetime.date) -> list[Version]:
    """Versions of one institution's policy, latest first."""
    ordered = sorted(policies, key=lambda policy: policy.effective_from)
    versions = []
    for index, policy in enumerate(ordered):
        successor = ordered[index + 1] if index + 1 < len(ordered) else None
        until = successor.effective_from - datetime.timedelta(days=1) if successor else None
        if policy.effective_from > today:
            state = "future"
        elif until is not None and until < today:
            state = "past"
        else:
            state = "in_force"
        versions.append(Version(policy, until, state))
    return list(reversed(versions))


@dataclass(frozen=True)
class TierRow:
    position: int
    lower: object
    upper: object
    inventors: object
    department: object
    institution: object
    office: object


def tier_rows(policy) -> list[TierRow]:
    """The tiers' shares (fractions), each with the slice of cumulative net income
    it covers; the institution's share includes what the others leave."""
    rows, lower = [], ZERO
    for position, tier in enumerate(services.tiers_of(policy), start=1):
        rows.append(
            TierRow(
                position=position,
                lower=lower,
                upper=tier.up_to,
                inventors=tier.inventors,
                department=tier.department,
                institution=tier.share_of("institution"),
                office=tier.office,
            )
        )
        lower = tier.up_to if tier.up_to is not None else lower
    return rows


# --- The list -------------------------------------------------------------------------


@staff_view
@require_GET
def policy_list(request):
    """Each institution's policy versions by the date they take effect,
    and the one in force today. ``?institution=<id>``: that one only."""
    user = request.user
    institutions = distributing_institutions_for(user)
    chosen = request.GET.get("institution")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        institutions = institutions.filter(pk=int(chosen))
        if not institutions.exists():
            raise Http404
    policies = policies_visible_to(user).filter(institution__in=institutions)
    by_institution = {}
    for policy in policies:
        by_institution.setdefault(policy.institution_id, []).append(policy)
    if has_full_access(user) and not chosen:
        # Every institution is a superuser's: those with policies are shown.
        institutions = institutions.filter(pk__in=list(by_institution))
    today = timezone.localdate()
    groups = [
        {
            "institution": institution,
            "versions": versions_of(by_institution.get(institution.pk, []), today),
        }
        for institution in institutions
    ]
    return render(
        request,
        "distributions/policy_list.html",
        {"groups": groups, "today": today, "presets": list(PRESETS.values())},
    )


# --- A version's page -----------------------------------------------------------------


def _policy(request, pk):
    """The policy, if the user sees it; 404 otherwise, whoever's it is."""
    return get_object_or_404(policies_visible_to(request.user), pk=pk)


def _delete_guard(policy, may_manage: bool, used: bool) -> Guard:
    if not may_manage:
        return Guard(False, _("Only the staff of the institution change its policies."))
    if used:
        return Guard(False, _("An approved distribution run used this policy."))
    return Guard(True)


def policy_context(request, policy, what_if_form=None, result=None) -> dict:
    today = timezone.localdate()
    versions = versions_of(
        policies_visible_to(request.user).filter(institution=policy.institution), today
    )
    version = next(version for version in versions if version.policy.pk == policy.pk)
    may_manage = services.may_manage_policies(request.user, policy.institution)
    approved_runs = policy.runs.filter(state=RunState.APPROVED).count()
    return {
        "policy": policy,
        "version": version,
        "versions": versions,
        "tiers": tier_rows(policy),
        "may_manage": may_manage,
        "approved_runs": approved_runs,
        "delete_guard": _delete_guard(policy, may_manage, approved_runs > 0),
        "deductible_labels": [
            str(IpCostKind(kind).label)
            for kind in policy.deductible_cost_kinds
            if kind in IpCostKind.values
        ],
        "what_if_form": what_if_form or WhatIfForm(),
        "result": result,
        "currency": "CNY",
    }


@staff_view
@require_GET
def policy_detail(request, pk):
    """A version: its tiers and shares, the versions before and after it,
    and a calculator of what a period's net income would give."""
    policy = _policy(request, pk)
    return render(request, "distributions/policy_detail.html", policy_context(request, policy))


@staff_view
@require_POST
def policy_what_if(request, pk):
    """The lines a net income would give under the policy; nothing is
    saved. An htmx request gets the result's fragment only."""
    policy = _policy(request, pk)
    form = WhatIfForm(request.POST)
    result = None
    if form.is_valid():
        try:
            result = services.what_if(
                net_income=form.cleaned_data["net_income"],
                previously_distributed_net_income=form.cleaned_data[
                    "previously_distributed_net_income"
                ],
                tiers=services.tiers_of(policy),
                inventors=form.cleaned_data["inventors"],
                currency=form.cleaned_data["currency"],
            )
        except InvalidInput as error:
            put_service_error(form, TierFormSet(), [], error)
    context = {
        "policy": policy,
        "what_if_form": form,
        "result": result,
        "currency": form.cleaned_data.get("currency", "CNY") if form.is_bound else "CNY",
        "tiers": tier_rows(policy),
    }
    if is_htmx(request):
        return render(request, "distributions/partials/what_if.html", context)
    return render(
        request,
        "distributions/policy_detail.html",
        {**policy_context(request, policy, form, result), "currency": context["currency"]},
    )


# --- Creating, editing, deleting -------------------------------------------------------


def _crumbs(policy=None):
    crumbs = [(reverse("distributions:policies"), _("Distribution policies"))]
    if policy is not None:
        crumbs.append((policy.get_absolute_url(), localized_name(policy)))
    return crumbs


def _form_page(
    request, form, formset, *, title, crumbs, submit, cancel_url, presets=None, explanation=None
):
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "formset": formset,
            "title": title,
            "crumbs": crumbs,
            "submit_label": submit,
            "cancel_url": cancel_url,
            "presets": presets,
            "explanation": explanation,
        },
    )


def _save(form, formset, call):
    """Validate the form and its tier rows and call the service with the
    tiers; the service's refusal onto the form. The result, or None."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    rows = filled_tier_forms(formset)
    try:
        return call([row.tier() for row in rows])
    except DomainError as error:
        put_service_error(form, formset, rows, error)
    return None


@staff_view
@require_http_methods(["GET", "POST"])
def policy_create(request):
    """A new version, from a preset (``?preset=``) or from scratch, for
    one of the user's institutions (``?institution=``)."""
    user = request.user
    institutions = distributing_institutions_for(user)
    if request.method == "POST":
        form = PolicyForm(request.POST, institutions=institutions)
        formset = TierFormSet(request.POST, prefix="tiers")
        policy = _save(
            form,
            formset,
            lambda tiers: services.create_policy(
                user,
                form.cleaned_data["institution"],
                tiers=tiers,
                **form.service_fields(),
            ),
        )
        if policy is not None:
            messages.success(request, _("Policy saved."))
            return redirect(policy)
    else:
        key = request.GET.get("preset") or PolicyPreset.CUSTOM
        initial = {"preset": PolicyPreset.CUSTOM, "effective_from": timezone.localdate()}
        tiers = []
        if key in PRESETS:
            chosen = preset(key)
            initial |= PolicyForm.initial_of_preset(chosen)
            tiers = [TierForm.initial_of(tier) for tier in chosen.tiers]
        else:
            initial["deductible_cost_kinds"] = list(DEFAULT_DEDUCTIBLE_COST_KINDS)
        institution = request.GET.get("institution")
        if institution and institution.isdigit():
            initial["institution"] = institutions.filter(pk=int(institution)).first()
        form = PolicyForm(initial=initial, institutions=institutions)
        formset = TierFormSet(initial=tiers, prefix="tiers")
    return _form_page(
        request,
        form,
        formset,
        title=_("New distribution policy"),
        crumbs=_crumbs(),
        submit=_("Save the policy"),
        cancel_url=reverse("distributions:policies"),
        presets=list(PRESETS.values()),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def policy_edit(request, pk):
    """Change a version and replace its tiers. A version an approved run
    used keeps its tiers, shares and date."""
    policy = _policy(request, pk)
    if not services.may_manage_policies(request.user, policy.institution):
        raise Http404
    if request.method == "POST":
        form = PolicyForm(request.POST)
        formset = TierFormSet(request.POST, prefix="tiers")
        saved = _save(
            form,
            formset,
            lambda tiers: services.update_policy(
                request.user, policy, tiers=tiers, **form.service_fields()
            ),
        )
        if saved is not None:
            messages.success(request, _("Policy saved."))
            return redirect(saved)
    else:
        form = PolicyForm(initial=PolicyForm.initial_of(policy))
        formset = TierFormSet(
            initial=[TierForm.initial_of(tier) for tier in services.tiers_of(policy)],
            prefix="tiers",
        )
    return _form_page(
        request,
        form,
        formset,
        title=_("Edit %(policy)s") % {"policy": localized_name(policy)},
        crumbs=_crumbs(policy),
        submit=_("Save the policy"),
        cancel_url=policy.get_absolute_url(),
        explanation=_(
            "An approved distribution run used this policy, so its tiers, shares and "
            "date stay as they are. Make a new version from a later date instead."
        )
        if services.policy_is_used(policy)
        else None,
    )


@staff_view
@require_POST
def policy_delete(request, pk):
    policy = _policy(request, pk)
    institution = policy.institution
    try:
        services.delete_policy(request.user, policy)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(policy)
    messages.success(request, _("Policy deleted."))
    return redirect(f"{reverse('distributions:policies')}?institution={institution.pk}")
