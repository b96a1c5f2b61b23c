"""The staff forms that create and edit institutions, enterprises, people,
joint centres, partnerships and agreements, and the terms editor of an
agreement. Views parse input, call the services and render; the services
decide who may write and what is valid, and their refusals come back onto
the forms, next to the fields they name, with everything typed kept."""

import copy
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError
from core.errors import PermissionDenied as RefusedPermission
from partnerships.computations.royalties import Tier
from pipelines.selectors import stages_visible_to

from . import services
from .forms import (
    AgreementForm,
    CentrePartyFormSet,
    CostShareFormSet,
    EnterpriseForm,
    FailureClauseFormSet,
    InstitutionForm,
    JointCentreForm,
    PartnershipForm,
    PaymentTermsForm,
    PersonForm,
    RoyaltyTierFormSet,
    ScheduleItemFormSet,
    add_service_error,
)
from .selectors import (
    acts_for_research_party,
    agreements_visible_to,
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
    partnerships_visible_to,
    people_visible_to,
    staff_works_for_research_party,
)
from .services import (
    CostShareInput,
    TermsError,
    cost_shares_set,
    royalty_tiers_set,
    validate_cost_shares,
)

FORM_TEMPLATE = "partnerships/form.html"
WIDE_FIELDS = ["title", "description", "field_of_use", "name"]


def _require_staff(user) -> None:
    """The forms are for research-centre staff; the services check the
    rest."""
    if not (has_full_access(user) or is_centre_staff_user(user)):
        raise PermissionDenied


def _detail_url(obj, fallback: str | None) -> str | None:
    """The object's page, or ``fallback`` (a URL name) while it has none."""
    get_url = getattr(obj, "get_absolute_url", None)
    if get_url is not None:
        try:
            return get_url()
        except NoReverseMatch:
            pass
    return reverse(fallback) if fallback else None


def _call(form, service, **kwargs):
    """Call the service; put its refusal on the form. The result, or None."""
    try:
        return service(**kwargs)
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
    return None


def _page(request, form, *, title, list_url, list_label, obj=None, submit, formsets=(), links=()):
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": title,
            "list_url": list_url,
            "list_label": list_label,
            "object": obj,
            "object_url": (_detail_url(obj, None) if obj is not None else None) or list_url,
            "submit_label": submit,
            "formsets": formsets,
            "wide_fields": WIDE_FIELDS,
            "links": links,
        },
    )


def _saved(request, obj, fallback):
    messages.success(request, _("%(name)s saved.") % {"name": obj})
    return redirect(_detail_url(obj, fallback))


def _form_view(request, form, *, save, fallback, **page):
    """GET shows the form; a valid POST calls ``save(cleaned_data)`` and goes
    to the saved object's page."""
    if request.method == "POST" and form.is_valid():
        saved = save(dict(form.cleaned_data))
        if saved is not None:
            return _saved(request, saved, fallback)
    return _page(request, form, **page)


# --- Institutions and enterprises -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def institution_create(request):
    _require_staff(request.user)
    form = InstitutionForm(request.POST or None, user=request.user)
    return _form_view(
        request,
        form,
        save=lambda data: _call(form, services.institution_create, by=request.user, **data),
        fallback="partners:institutions",
        title=_("New institution"),
        list_url=reverse("partners:institutions"),
        list_label=_("Institutions"),
        submit=_("Create institution"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request, code):
    institution = get_object_or_404(institutions_visible_to(request.user), code=code)
    _require_staff(request.user)
    form = InstitutionForm(request.POST or None, instance=institution, user=request.user)
    return _form_view(
        request,
        form,
        # The form's validation wrote onto the instance; the service works
        # from the row as stored.
        save=lambda data: _call(
            form,
            services.institution_update,
            institution=institutions_visible_to(request.user).get(pk=institution.pk),
            by=request.user,
            **data,
        ),
        fallback="partners:institutions",
        title=_("Edit %(name)s") % {"name": institution.code},
        list_url=reverse("partners:institutions"),
        list_label=_("Institutions"),
        obj=institution,
        submit=_("Save"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    _require_staff(request.user)
    form = EnterpriseForm(request.POST or None, user=request.user)
    return _form_view(
        request,
        form,
        save=lambda data: _call(form, services.enterprise_create, by=request.user, **data),
        fallback="partners:enterprises",
        title=_("New enterprise"),
        list_url=reverse("partners:enterprises"),
        list_label=_("Enterprises"),
        submit=_("Create enterprise"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, code):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), code=code)
    _require_staff(request.user)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    return _form_view(
        request,
        form,
        save=lambda data: _call(
            form,
            services.enterprise_update,
            enterprise=enterprises_visible_to(request.user).get(pk=enterprise.pk),
            by=request.user,
            **data,
        ),
        fallback="partners:enterprises",
        title=_("Edit %(name)s") % {"name": enterprise.code},
        list_url=reverse("partners:enterprises"),
        list_label=_("Enterprises"),
        obj=enterprise,
        submit=_("Save"),
    )


# --- People ---------------------------------------------------------------------------


def _person_fallback(person) -> str:
    return "partners:institutions" if person.institution_id else "partners:enterprises"


def _person_saved(request, person):
    """A person has no page of their own yet: show their organisation."""
    if hasattr(person, "get_absolute_url"):
        return _saved(request, person, _person_fallback(person))
    return _saved(request, person.organisation, _person_fallback(person))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    _require_staff(request.user)
    initial = {}
    if code := request.GET.get("institution"):
        initial["institution"] = institutions_visible_to(request.user).filter(code=code).first()
    if code := request.GET.get("enterprise"):
        initial["enterprise"] = enterprises_visible_to(request.user).filter(code=code).first()
    form = PersonForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = _call(form, services.person_create, by=request.user, **form.cleaned_data)
        if person is not None:
            return _person_saved(request, person)
    return _page(
        request,
        form,
        title=_("New person"),
        list_url=reverse("partners:index"),
        list_label=_("Partners"),
        submit=_("Add person"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    _require_staff(request.user)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        stored = people_visible_to(request.user).get(pk=person.pk)
        saved = _call(
            form, services.person_update, person=stored, by=request.user, **form.cleaned_data
        )
        if saved is not None:
            return _person_saved(request, saved)
    return _page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": person.full_name},
        list_url=reverse("partners:index"),
        list_label=_("Partners"),
        submit=_("Save"),
    )


# --- Joint centres ----------------------------------------------------------------------


def _party_formsets(request, user, centre=None):
    """The host institutions and the lead enterprises, each a list of rows."""
    hosts, leads = [], []
    if centre is not None:
        for row in centre.parties.select_related("institution", "enterprise"):
            (hosts if row.institution_id else leads).append(
                {
                    "party": row.institution or row.enterprise,
                    "annual_funding_commitment": row.annual_funding_commitment,
                    "currency": row.currency,
                    "commitment_from_year": row.commitment_from_year,
                    "commitment_to_year": row.commitment_to_year,
                }
            )
    data = request.POST if request.method == "POST" else None
    return (
        CentrePartyFormSet(
            data,
            initial=hosts,
            prefix="hosts",
            form_kwargs={
                "parties": list(institutions_visible_to(user)),
                "party_label": gettext_lazy("Host institution"),
            },
        ),
        CentrePartyFormSet(
            data,
            initial=leads,
            prefix="leads",
            form_kwargs={
                "parties": list(enterprises_visible_to(user)),
                "party_label": gettext_lazy("Lead enterprise"),
            },
        ),
    )


def _centre_parties(hosts, leads):
    """The rows as ``CentrePartyInput``, and the form of each, in order."""
    parties, rows = [], []
    for formset, side in ((hosts, "institution"), (leads, "enterprise")):
        for form in formset.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or data.get("party") is None:
                continue
            parties.append(
                services.CentrePartyInput(
                    **{side: data["party"]},
                    annual_funding_commitment=data["annual_funding_commitment"] or 0,
                    currency=data["currency"],
                    commitment_from_year=data["commitment_from_year"],
                    commitment_to_year=data["commitment_to_year"],
                )
            )
            rows.append(form)
    return parties, rows


def _centre_errors(form, rows, error) -> None:
    """``parties.3.currency`` goes to the fourth row's field, ``parties.3``
    to that row, anything else to the centre's form."""
    if not hasattr(error, "error_dict"):
        add_service_error(form, error)
        return
    for key, messages_ in error.message_dict.items():
        parts = key.split(".")
        if parts[0] == "parties" and len(parts) > 1 and parts[1].isdigit():
            row = rows[int(parts[1])]
            field = parts[2] if len(parts) > 2 else None
            if field in ("institution", "enterprise"):
                field = "party"
            row.add_error(field if field in row.fields else None, messages_)
        else:
            form.add_error(key if key in form.fields else None, messages_)


def _centre_page(request, *, centre=None):
    user = request.user
    form = JointCentreForm(request.POST or None, instance=centre, user=user)
    hosts, leads = _party_formsets(request, user, centre)
    if request.method == "POST" and all([form.is_valid(), hosts.is_valid(), leads.is_valid()]):
        parties, rows = _centre_parties(hosts, leads)
        data = dict(form.cleaned_data)
        try:
            if centre is None:
                saved = services.joint_centre_create(by=user, parties=parties, **data)
            else:
                stored = joint_centres_visible_to(user).get(pk=centre.pk)
                saved = services.joint_centre_update(
                    centre=stored, by=user, parties=parties, **data
                )
        except ValidationError as error:
            _centre_errors(form, rows, error)
        except DomainError as error:
            add_service_error(form, error)
        else:
            return _saved(request, saved, "partners:joint_centres")
    return _page(
        request,
        form,
        title=(_("Edit %(name)s") % {"name": centre.code} if centre else _("New joint centre")),
        list_url=reverse("partners:joint_centres"),
        list_label=_("Joint centres"),
        obj=centre,
        submit=_("Save") if centre else _("Create joint centre"),
        formsets=[
            {"formset": hosts, "title": _("Host institutions"), "add": _("Add a host")},
            {"formset": leads, "title": _("Lead enterprises"), "add": _("Add a lead enterprise")},
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def joint_centre_create(request):
    _require_staff(request.user)
    return _centre_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def joint_centre_edit(request, code):
    centre = get_object_or_404(joint_centres_visible_to(request.user), code=code)
    _require_staff(request.user)
    return _centre_page(request, centre=centre)


# --- Partnerships ----------------------------------------------------------------------


def _save_partnership(form, user, data, partnership=None):
    try:
        if partnership is None:
            return services.partnership_create(by=user, **data)
        return services.partnership_update(partnership=partnership, by=user, **data)
    except RefusedPermission as error:
        # The user does not work for the research party chosen: say so there.
        field = "joint_centre" if data.get("joint_centre") else "institution"
        form.add_error(field, error.message)
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request):
    _require_staff(request.user)
    form = PartnershipForm(request.POST or None, user=request.user)
    return _form_view(
        request,
        form,
        save=lambda data: _save_partnership(form, request.user, data),
        fallback="partners:partnerships",
        title=_("New partnership"),
        list_url=reverse("partners:partnerships"),
        list_label=_("Partnerships"),
        submit=_("Create partnership"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request, code):
    user = request.user
    partnership = get_object_or_404(partnerships_visible_to(user), code=code)
    if not staff_works_for_research_party(
        user, institution=partnership.institution, joint_centre=partnership.joint_centre
    ):
        raise PermissionDenied
    form = PartnershipForm(request.POST or None, instance=partnership, user=user)
    return _form_view(
        request,
        form,
        save=lambda data: _save_partnership(
            form, user, data, partnerships_visible_to(user).get(pk=partnership.pk)
        ),
        fallback="partners:partnerships",
        title=_("Edit %(name)s") % {"name": partnership.code},
        list_url=reverse("partners:partnerships"),
        list_label=_("Partnerships"),
        obj=partnership,
        submit=_("Save"),
    )


# --- Agreements ------------------------------------------------------------------------


def _editable_agreement(user, reference):
    agreement = get_object_or_404(agreements_visible_to(user), reference=reference)
    if not acts_for_research_party(user, agreement) or getattr(user, "is_partner", False):
        raise PermissionDenied
    return agreement


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    user = request.user
    _require_staff(user)
    initial = {}
    if code := request.GET.get("partnership"):
        initial["partnership"] = partnerships_visible_to(user).filter(code=code).first()
    form = AgreementForm(request.POST or None, initial=initial, user=user)
    return _form_view(
        request,
        form,
        save=lambda data: _call(form, services.agreement_create, by=user, **data),
        fallback="agreements:list",
        title=_("New agreement"),
        list_url=reverse("agreements:list"),
        list_label=_("Agreements"),
        submit=_("Record agreement"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, reference):
    user = request.user
    agreement = _editable_agreement(user, reference)
    form = AgreementForm(request.POST or None, instance=agreement, user=user)
    return _form_view(
        request,
        form,
        save=lambda data: _call(
            form,
            services.agreement_update,
            agreement=agreements_visible_to(user).get(pk=agreement.pk),
            by=user,
            **data,
        ),
        fallback="agreements:list",
        title=_("Edit %(name)s") % {"name": agreement.reference},
        list_url=reverse("agreements:list"),
        list_label=_("Agreements"),
        obj=agreement,
        submit=_("Save"),
        links=[
            (
                reverse("agreements:terms", args=[agreement.reference]),
                _("Payment terms, cost shares, royalty tiers and schedule"),
            )
        ],
    )


# --- Terms editor ----------------------------------------------------------------------

SECTIONS = ("payment", "cost_shares", "royalty_tiers", "failure_clauses", "schedule")


class TermsEditor:
    """The forms of an agreement's terms page, one per section. The section
    posted is bound to the request's data; the others show what is stored.
    Stages and rows are read once per page, whatever the number of rows."""

    def __init__(self, user, agreement, data=None, section=None):
        self.user = user
        self.agreement = agreement
        self.section = section
        stages = list(
            stages_visible_to(user).order_by(
                "pipeline__sector__position", "pipeline__code", "position"
            )
        )
        stage_by_pk = {stage.pk: stage for stage in stages}
        self.clauses = list(agreement.failure_clauses.all())
        self.items = list(agreement.milestone_schedule.all())

        def bound(name):
            return data if section == name else None

        self.payment = PaymentTermsForm(
            bound("payment"), instance=copy.copy(agreement), prefix="payment"
        )
        self.cost_shares = CostShareFormSet(
            bound("cost_shares"),
            initial=self._share_rows(agreement, stage_by_pk),
            prefix="shares",
            form_kwargs={"stages": stages},
        )
        self.royalty_tiers = RoyaltyTierFormSet(
            bound("royalty_tiers"),
            initial=[
                {"lower_bound": tier.lower_bound, "rate_percent": tier.rate_percent}
                for tier in agreement.royalty_tiers.order_by("lower_bound")
            ],
            prefix="tiers",
        )
        self.failure_clauses = FailureClauseFormSet(
            bound("failure_clauses"),
            initial=[
                {
                    "clause": clause,
                    "stage": stage_by_pk.get(clause.stage_id),
                    "sunk_costs_borne_by": clause.sunk_costs_borne_by,
                    "ip_reverts_to_institution": clause.ip_reverts_to_institution,
                    "break_fee": clause.break_fee,
                    "break_fee_payer": clause.break_fee_payer,
                    "notes": clause.notes,
                }
                for clause in self.clauses
            ],
            prefix="clauses",
            form_kwargs={"stages": stages, "clauses": self.clauses},
        )
        self.schedule = ScheduleItemFormSet(
            bound("schedule"),
            initial=[
                {
                    "item": item,
                    "name": item.name,
                    "kind": item.kind,
                    "amount": item.amount,
                    "trigger_stage": stage_by_pk.get(item.trigger_stage_id),
                    "trigger_event": item.trigger_event,
                    "due_offset_days": item.due_offset_days,
                }
                for item in self.items
            ],
            prefix="schedule",
            form_kwargs={"stages": stages, "items": self.items},
        )

    @staticmethod
    def _share_rows(agreement, stage_by_pk):
        """One row per stage range, with each party's percentage."""
        ranges = defaultdict(dict)
        for share in agreement.cost_shares.all():
            ranges[share.first_stage_id, share.last_stage_id][share.party] = share.percent
        rows = [
            {
                "first_stage": stage_by_pk.get(first),
                "last_stage": stage_by_pk.get(last),
                "research_percent": percents.get("research"),
                "enterprise_percent": percents.get("enterprise"),
            }
            for (first, last), percents in ranges.items()
        ]
        return sorted(
            rows,
            key=lambda row: (
                (row["first_stage"].pipeline_id, row["first_stage"].position)
                if row["first_stage"]
                else (0, 0)
            ),
        )

    def save(self) -> bool:
        """Save the posted section through its service. Whether it was
        saved; if not, the errors are on its forms."""
        if self.section not in SECTIONS:
            return False
        return getattr(self, f"_save_{self.section}")()

    def _fresh(self):
        return agreements_visible_to(self.user).get(pk=self.agreement.pk)

    def _save_payment(self) -> bool:
        form = self.payment
        if not form.is_valid():
            return False
        saved = _call(
            form,
            services.agreement_update,
            agreement=self._fresh(),
            by=self.user,
            **form.cleaned_data,
        )
        return saved is not None

    @staticmethod
    def _rows(formset):
        return [
            form
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def _save_cost_shares(self) -> bool:
        formset = self.cost_shares
        if not formset.is_valid():
            return False
        rows = self._rows(formset)
        try:
            cost_shares_set(
                agreement=self.agreement,
                shares=[share for row in rows for share in _row_shares(row)],
                by=self.user,
            )
        except TermsError as error:
            if error.code == "permission_denied":
                raise PermissionDenied from error
            _place_cost_share_error(formset, rows, error)
            return False
        return True

    def _save_royalty_tiers(self) -> bool:
        formset = self.royalty_tiers
        if not formset.is_valid():
            return False
        tiers = [
            Tier(row.cleaned_data["lower_bound"], row.cleaned_data["rate_percent"])
            for row in self._rows(formset)
        ]
        try:
            royalty_tiers_set(agreement=self.agreement, tiers=tiers, by=self.user)
        except TermsError as error:
            if error.code == "permission_denied":
                raise PermissionDenied from error
            formset.non_form_errors().append(error.message)
            return False
        return True

    def _save_failure_clauses(self) -> bool:
        return self._save_rows(
            self.failure_clauses,
            key="clause",
            create=lambda form: services.failure_clause_create(
                agreement=self.agreement, by=self.user, **form.changes()
            ),
            update=lambda form, clause: services.failure_clause_update(
                clause=clause, by=self.user, **form.changes()
            ),
            delete=lambda clause: services.failure_clause_delete(clause=clause, by=self.user),
        )

    def _save_schedule(self) -> bool:
        return self._save_rows(
            self.schedule,
            key="item",
            create=lambda form: services.milestone_schedule_item_create(
                agreement=self.agreement, by=self.user, **form.changes()
            ),
            update=lambda form, item: services.milestone_schedule_item_update(
                item=item, by=self.user, **form.changes()
            ),
            delete=lambda item: services.milestone_schedule_item_delete(item=item, by=self.user),
        )

    def _save_rows(self, formset, *, key, create, update, delete) -> bool:
        """Create, change and remove rows one by one; if any is refused,
        none of the section's changes is kept, and the refusal shows on its
        row."""
        if not formset.is_valid():
            return False
        failed = False
        with transaction.atomic():
            for form in formset.forms:
                data = form.cleaned_data
                if not data:
                    continue
                existing = data.get(key)
                try:
                    if data.get("DELETE"):
                        if existing is not None:
                            delete(existing)
                    elif existing is not None:
                        if form.has_changed():
                            update(form, existing)
                    else:
                        create(form)
                except RefusedPermission as error:
                    raise PermissionDenied from error
                except (DomainError, ValidationError) as error:
                    add_service_error(form, error)
                    failed = True
            if failed:
                transaction.set_rollback(True)
        return not failed


def _row_shares(row):
    data = row.cleaned_data
    return [
        CostShareInput(
            first_stage=data["first_stage"],
            last_stage=data["last_stage"],
            party=party,
            percent=percent,
        )
        for party, percent in row.shares()
    ]


def _place_cost_share_error(formset, rows, error) -> None:
    """Show the refusal on the row it is about: the first row refused on its
    own, else the later of two rows refused together (overlapping ranges)."""
    field_of = {"first_stage": "first_stage", "last_stage": "last_stage"}
    for index, row in enumerate(rows):
        candidates = [_row_shares(row)] + [
            _row_shares(earlier) + _row_shares(row) for earlier in rows[:index]
        ]
        for shares in candidates:
            try:
                validate_cost_shares(shares)
            except TermsError as row_error:
                row.add_error(field_of.get(row_error.field), row_error.message)
                return
    formset.non_form_errors().append(error.message)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_terms(request, reference):
    """The terms of an agreement, a section at a time: payment terms, cost
    shares per stage range, royalty tiers, failure clauses and the
    milestone schedule."""
    user = request.user
    agreement = _editable_agreement(user, reference)
    section = request.POST.get("section") if request.method == "POST" else None
    editor = TermsEditor(user, agreement, data=request.POST or None, section=section)
    if section is not None and editor.save():
        messages.success(
            request,
            _("Terms of %(reference)s saved.") % {"reference": agreement.reference},
        )
        url = reverse("agreements:terms", kwargs={"reference": agreement.reference})
        return redirect(f"{url}#{section.replace('_', '-')}")
    return render(
        request,
        "partnerships/terms_form.html",
        {
            "agreement": agreement,
            "agreement_url": _detail_url(agreement, "agreements:list"),
            "terms": editor,
        },
    )
