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
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError
from core.errors import PermissionDenied as RefusedPermission
from core.ui.editing import WIDE_FIELDS, Editing, editing_views, object_url
from core.ui.forms import add_service_error
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
    RenewalTermsForm,
    RoyaltyTierFormSet,
    ScheduleItemFormSet,
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


def is_staff(user, obj=None) -> bool:
    """The forms are for research-centre staff; the services check the rest."""
    return has_full_access(user) or is_centre_staff_user(user)


def _require_staff(user) -> None:
    if not is_staff(user):
        raise PermissionDenied


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
            "object_url": (object_url(obj, None) if obj is not None else None) or list_url,
            "submit_label": submit,
            "formsets": formsets,
            "wide_fields": WIDE_FIELDS,
            "links": links,
        },
    )


def _saved(request, obj, fallback):
    messages.success(request, _("%(name)s saved.") % {"name": obj})
    return redirect(object_url(obj, fallback))


# --- Institutions, enterprises and people --------------------------------------------

institution_create, institution_edit = editing_views(
    Editing(
        form=InstitutionForm,
        visible_to=institutions_visible_to,
        key="code",
        noun="institution",
        create=services.institution_create,
        update=services.institution_update,
        template=FORM_TEMPLATE,
        may_create=is_staff,
        may_edit=is_staff,
        list_url="partners:institutions",
        list_label=gettext_lazy("Institutions"),
        new_title=gettext_lazy("New institution"),
        create_label=gettext_lazy("Create institution"),
    )
)

enterprise_create, enterprise_edit = editing_views(
    Editing(
        form=EnterpriseForm,
        visible_to=enterprises_visible_to,
        key="code",
        noun="enterprise",
        create=services.enterprise_create,
        update=services.enterprise_update,
        template=FORM_TEMPLATE,
        may_create=is_staff,
        may_edit=is_staff,
        list_url="partners:enterprises",
        list_label=gettext_lazy("Enterprises"),
        new_title=gettext_lazy("New enterprise"),
        create_label=gettext_lazy("Create enterprise"),
    )
)

person_create, person_edit = editing_views(
    Editing(
        form=PersonForm,
        visible_to=people_visible_to,
        key="pk",
        noun="person",
        create=services.person_create,
        update=services.person_update,
        template=FORM_TEMPLATE,
        may_create=is_staff,
        may_edit=is_staff,
        list_url="partners:index",
        list_label=gettext_lazy("Partners"),
        new_title=gettext_lazy("New person"),
        create_label=gettext_lazy("Add person"),
        initial_from_query={
            "institution": institutions_visible_to,
            "enterprise": enterprises_visible_to,
        },
        # A person has no page of their own: their organisation's shows them.
        saved_page=lambda person: person.organisation,
        title_field="full_name",
    )
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


# --- Partnerships and agreements -------------------------------------------------------


def _works_for_research_party(user, partnership) -> bool:
    return staff_works_for_research_party(
        user, institution=partnership.institution, joint_centre=partnership.joint_centre
    )


def _acts_for_research_party(user, agreement) -> bool:
    return acts_for_research_party(user, agreement) and not getattr(user, "is_partner", False)


partnership_create, partnership_edit = editing_views(
    Editing(
        form=PartnershipForm,
        visible_to=partnerships_visible_to,
        key="code",
        noun="partnership",
        create=services.partnership_create,
        update=services.partnership_update,
        template=FORM_TEMPLATE,
        may_create=is_staff,
        list_url="partners:partnerships",
        list_label=gettext_lazy("Partnerships"),
        new_title=gettext_lazy("New partnership"),
        create_label=gettext_lazy("Create partnership"),
        may_edit=_works_for_research_party,
        # The user does not work for the research party chosen: say so there.
        refused_at=lambda data: "joint_centre" if data.get("joint_centre") else "institution",
    )
)

agreement_create, agreement_edit = editing_views(
    Editing(
        form=AgreementForm,
        visible_to=agreements_visible_to,
        key="reference",
        noun="agreement",
        create=services.agreement_create,
        update=services.agreement_update,
        template=FORM_TEMPLATE,
        may_create=is_staff,
        list_url="agreements:list",
        list_label=gettext_lazy("Agreements"),
        new_title=gettext_lazy("New agreement"),
        create_label=gettext_lazy("Record agreement"),
        initial_from_query={"partnership": partnerships_visible_to},
        may_edit=_acts_for_research_party,
        links=lambda agreement: [
            (
                reverse("agreements:terms", args=[agreement.reference]),
                gettext_lazy("Payment terms, cost shares, royalty tiers and schedule"),
            )
        ],
    )
)


def _editable_agreement(user, reference):
    agreement = get_object_or_404(agreements_visible_to(user), reference=reference)
    if not _acts_for_research_party(user, agreement):
        raise PermissionDenied
    return agreement


# --- Terms editor ----------------------------------------------------------------------

SECTIONS = ("payment", "renewal", "cost_shares", "royalty_tiers", "failure_clauses", "schedule")


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
        self.renewal = RenewalTermsForm(
            bound("renewal"), instance=copy.copy(agreement), prefix="renewal"
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
        return self._save_agreement_form(self.payment)

    def _save_renewal(self) -> bool:
        return self._save_agreement_form(self.renewal)

    def _save_agreement_form(self, form) -> bool:
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
    """The terms of an agreement, a section at a time: payment terms,
    renewal, cost shares per stage range, royalty tiers, failure clauses and the
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
            "agreement_url": object_url(agreement, "agreements:list"),
            "terms": editor,
        },
    )
