"""A project's page and the actions on it: stage-gate decisions, milestones
and their money, the cost ledger, documents and the activity timeline.

Every region of the page is a partial (``templates/projects/partials/``)
built by one context function, so the full page and an HTMX answer show the
same thing. An action answers with the region it changed, re-rendered, the
regions that depend on it as out-of-band swaps in the same answer (one
request, not one per region) and an ``HX-Trigger`` event naming the change
for anything else on the page that listens. The services decide; a refusal
comes back onto the form, next to the field it names.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, Guard
from core.i18n import localized_name
from partnerships.selectors import agreement_terms_for
from partnerships.terms_display import agreement_terms_context
from projects import services
from projects.choices import MilestoneStatus, VerificationEvidence
from projects.downloads import document_file_response
from projects.forms import (
    CostEntryForm,
    DocumentUploadForm,
    GateDecisionForm,
    InvoiceForm,
    MilestoneClaimForm,
    PaymentForm,
    ReasonForm,
    VerificationRecordForm,
    VerifyForm,
)
from projects.models import Payment
from projects.selectors import (
    billed_with_amount_paid,
    documents_visible_to,
    ledger_converted,
    milestones_visible_to,
    project_cost_ledger,
    project_detail_for,
    project_timeline,
    royalty_reports_visible_to,
    staff_work_on_project,
)
from projects.services.milestone_actions import milestone_act, milestone_action_guard

ACTIVITY_PER_PAGE = 15

# Events the page's regions listen to (``hx-trigger="… from:body"``).
PROJECT_CHANGED = "project-changed"
MILESTONES_CHANGED = "milestones-changed"
ACTIVITY_CHANGED = "activity-changed"


def _project(request, code):
    """The project, if the user sees it; 404 otherwise, whoever's it is."""
    evidence = Prefetch(
        "transitions__evidence",
        queryset=documents_visible_to(request.user).order_by("original_name"),
    )
    return get_object_or_404(
        project_detail_for(request.user).prefetch_related(evidence), code=code
    )


def _works_on(request, project) -> bool:
    """Whether the user is the project's research staff, asked once per
    request: the header, milestones and ledger all want to know."""
    answers = request.__dict__.setdefault("_works_on_project", {})
    if project.pk not in answers:
        answers[project.pk] = staff_work_on_project(request.user, project)
    return answers[project.pk]


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# The regions that show what an event changed.
REGIONS_OF_EVENT = {
    # A gate decision moves the stage, the status and the TRL.
    "project-changed": ("header", "overview", "milestones", "activity"),
    "milestones-changed": ("activity",),
    "activity-changed": ("activity",),
}


def _with_events(response, *events, request=None, project=None):
    """Announce the events and, given the request and the project, append
    the regions they changed as out-of-band swaps."""
    response["HX-Trigger"] = json.dumps({event: True for event in events})
    if request is not None:
        request.__dict__.pop("_project_milestones", None)
        regions = dict.fromkeys(r for event in events for r in REGIONS_OF_EVENT[event])
        for region in regions:
            template, build = SECTIONS[region]
            context = build(request, project)
            context["oob"] = True
            response.content += render(request, template, context).content
    return response


# --- Stage gates ------------------------------------------------------------------


class GateDecision:
    def __init__(self, name, label, explanation, service, guard, *, destructive=False):
        self.name = name
        self.label = label
        self.explanation = explanation
        self.service = service
        self.guard = guard
        self.destructive = destructive
        self.chooses_stage = name in ("skip", "revert")


GATE_DECISIONS = {
    decision.name: decision
    for decision in (
        GateDecision(
            "advance",
            gettext_lazy("Advance"),
            gettext_lazy("Pass the gate: move the project to the next stage."),
            services.project_advance,
            services.project_advance_guard,
        ),
        GateDecision(
            "skip",
            gettext_lazy("Skip"),
            gettext_lazy("Move past one or more stages at once, for a stated reason."),
            services.project_skip,
            services.project_skip_guard,
        ),
        GateDecision(
            "hold",
            gettext_lazy("Hold"),
            gettext_lazy("Pause the project at its stage."),
            services.project_hold,
            services.project_hold_guard,
        ),
        GateDecision(
            "resume",
            gettext_lazy("Resume"),
            gettext_lazy("Take up a project on hold again."),
            services.project_resume,
            services.project_resume_guard,
        ),
        GateDecision(
            "terminate",
            gettext_lazy("Terminate"),
            gettext_lazy(
                "Stop the project for good. The failure clause of its stage applies; "
                "this cannot be undone."
            ),
            services.project_terminate,
            services.project_terminate_guard,
            destructive=True,
        ),
        GateDecision(
            "revert",
            gettext_lazy("Revert"),
            gettext_lazy("Send the project back to an earlier stage, e.g. to repeat a study."),
            services.project_revert,
            services.project_revert_guard,
        ),
    )
}


def _gates_context(request, project, *, form=None, decision=None):
    stages = list(project.pipeline.stages.order_by("position"))
    current = project.current_stage
    next_stage = next((stage for stage in stages if stage.position > current.position), None)
    buttons = [
        {"decision": gate, "guard": gate.guard(project, request.user)}
        for gate in GATE_DECISIONS.values()
    ]
    next_milestones = []
    if next_stage is not None:
        next_milestones = [
            milestone
            for milestone in _milestones(request, project)
            if milestone.trigger_stage_id == next_stage.pk
        ]
    transitions = sorted(
        project.transitions.all(), key=lambda t: (t.decided_at, t.pk), reverse=True
    )
    # When the project last entered each stage, newest decision first.
    for stage in stages:
        stage.entered_at = next(
            (t.decided_at for t in transitions if t.to_stage_id == stage.pk), None
        )
    failure_clause = None
    if decision is not None and decision.name == "terminate":
        failure_clause = services.failure_clause_for(project=project, stage=current)
    return {
        "project": project,
        "failure_clause": failure_clause,
        "stages": stages,
        "next_stage": next_stage,
        "next_milestones": next_milestones,
        "gate_buttons": buttons,
        "gate_form": form,
        "gate_decision": decision,
        "transitions": transitions,
    }


@login_required
@require_http_methods(["GET", "POST"])
def gate_decision(request, code, decision):
    """The form of a stage-gate decision (GET) and the decision (POST)."""
    project = _project(request, code)
    gate = GATE_DECISIONS.get(decision)
    if gate is None:
        raise Http404
    guard = gate.guard(project, request.user)
    form = GateDecisionForm(
        request.POST or None, project=project, user=request.user, decision=decision
    )
    if request.method == "POST":
        if not guard:
            form.is_valid()
            form.add_error(None, guard.reason)
        elif form.is_valid():
            seen = (request.POST.get("seen_stage"), request.POST.get("seen_status"))
            kwargs = {
                "project": project,
                "by": request.user,
                "rationale": form.cleaned_data["rationale"],
                "evidence": list(form.cleaned_data["evidence"]),
            }
            if gate.chooses_stage:
                kwargs["to_stage"] = form.cleaned_data["to_stage"]
            try:
                if seen != (str(project.current_stage_id), project.status) and all(seen):
                    raise DomainError(
                        _(
                            "Another decision was recorded meanwhile: the project is now "
                            "%(status)s at %(stage)s. Review it again."
                        )
                        % {
                            "status": project.get_status_display().lower(),
                            "stage": localized_name(project.current_stage),
                        },
                        code="stale",
                    )
                gate.service(**kwargs)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                if not _is_htmx(request):
                    return redirect(project)
                project = _project(request, code)
                response = render(
                    request,
                    "projects/partials/gates.html",
                    _gates_context(request, project),
                )
                return _with_events(response, PROJECT_CHANGED, request=request, project=project)
    elif not guard:
        form.add_error(None, guard.reason)
    return render(
        request,
        "projects/partials/gates.html",
        _gates_context(request, project, form=form, decision=gate),
    )


# --- Milestones -----------------------------------------------------------------------


MILESTONE_SETTLED = {MilestoneStatus.PAID, MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED}


def _milestones(request, project):
    """The project's milestones the user sees, with their invoices, payments
    and evidence, in a fixed number of queries."""
    cache = request.__dict__.setdefault("_project_milestones", {})
    if project.pk not in cache:
        cache[project.pk] = list(
            billed_with_amount_paid(milestones_visible_to(request.user))
            .filter(project=project)
            .select_related("invoice", "invoice__vat_invoice")
            .prefetch_related(
                Prefetch("invoice__payments", queryset=Payment.objects.order_by("paid_on", "id")),
                Prefetch(
                    "documents",
                    queryset=documents_visible_to(request.user).order_by("original_name"),
                ),
            )
            .order_by(F("due_date").asc(nulls_last=True), "id")
        )
    return cache[project.pk]


def _invoice_of(milestone):
    return getattr(milestone, "invoice", None)


class MilestoneAction:
    def __init__(
        self, name, label, explanation, form_class, *, destructive=False, enterprise=False
    ):
        self.name = name
        self.label = label
        self.explanation = explanation
        self.form_class = form_class
        self.destructive = destructive
        # Verify and dispute are the enterprise's: in the staff UI only a
        # superuser, who may act for either side, sees them.
        self.enterprise = enterprise


MILESTONE_ACTIONS = {
    action.name: action
    for action in (
        MilestoneAction(
            "claim",
            gettext_lazy("Claim"),
            gettext_lazy(
                "Tell the enterprise the milestone is reached, with evidence it can see."
            ),
            MilestoneClaimForm,
        ),
        MilestoneAction(
            "verify",
            gettext_lazy("Verify"),
            gettext_lazy("Confirm the claim for the enterprise."),
            VerifyForm,
            enterprise=True,
        ),
        MilestoneAction(
            "dispute",
            gettext_lazy("Dispute"),
            gettext_lazy("Contest the claim for the enterprise; the payee resubmits it."),
            ReasonForm,
            enterprise=True,
        ),
        MilestoneAction(
            "record_verification",
            gettext_lazy("Record verification"),
            gettext_lazy(
                "The enterprise confirmed the claim in writing, outside BioBridge: record "
                "its verification with the letter or email attached."
            ),
            VerificationRecordForm,
        ),
        MilestoneAction(
            "invoice",
            # A verb on a button, not the document's name.
            pgettext_lazy("milestone action", "Invoice"),
            gettext_lazy(
                "Issue the numbered invoice. From then on the milestone is settled by "
                "payments only."
            ),
            InvoiceForm,
        ),
        MilestoneAction(
            "pay",
            gettext_lazy("Record payment"),
            gettext_lazy("Record money received against the invoice; part payments are fine."),
            PaymentForm,
        ),
        MilestoneAction(
            "cancel",
            gettext_lazy("Cancel"),
            gettext_lazy("Withdraw a milestone that no longer applies; nothing is owed."),
            ReasonForm,
            destructive=True,
        ),
        MilestoneAction(
            "waive",
            gettext_lazy("Waive"),
            gettext_lazy("Forgo a payment the enterprise would owe."),
            ReasonForm,
            destructive=True,
        ),
    )
}


def _milestone_guard(action: str, milestone, user, memo: dict) -> Guard:
    """The guard of an action on a milestone. Guards of milestones in the
    same state under the same agreement answer the same, so each is asked
    once per page: the page's queries do not grow with its milestones."""
    invoice = _invoice_of(milestone)
    key = (
        action,
        milestone.agreement_id,
        milestone.status,
        milestone.is_triggered,
        milestone.trigger_stage_id,
        invoice is not None,
    )
    if key in memo:
        return memo[key]
    guard = milestone_action_guard(action, milestone, user)
    memo[key] = guard
    return guard


def _decorate(milestone, user, today, memo):
    invoice = _invoice_of(milestone)
    milestone.invoice_shown = invoice
    milestone.payments_shown = list(invoice.payments.all()) if invoice else []
    milestone.outstanding = (invoice.amount - milestone.amount_paid) if invoice else None
    milestone.overdue = milestone.is_overdue(today)
    milestone.settled = milestone.status in MILESTONE_SETTLED
    milestone.actions = [
        {"action": action, "guard": _milestone_guard(action.name, milestone, user, memo)}
        for action in MILESTONE_ACTIONS.values()
        if not action.enterprise or user.is_superuser
    ]
    return milestone


def _milestones_context(request, project):
    today = timezone.localdate()
    memo = {}
    milestones = list(_milestones(request, project))
    # One instance per agreement, so that what is learnt about it while
    # deciding one milestone's actions serves the others.
    agreements = {}
    for milestone in milestones:
        if milestone.agreement_id is not None:
            shared = agreements.setdefault(milestone.agreement_id, milestone.agreement)
            milestone.agreement = shared
    milestones = [_decorate(milestone, request.user, today, memo) for milestone in milestones]
    may_plan = project.agreement_id is not None and _works_on(request, project)
    return {"project": project, "milestones": milestones, "may_plan": may_plan}


def _milestone_response(request, project, milestone, *, form=None, action=None, events=()):
    """The milestone re-rendered, with the regions its change touched."""
    memo = {}
    _decorate(milestone, request.user, timezone.localdate(), memo)
    response = render(
        request,
        "projects/partials/milestone.html",
        {
            "project": project,
            "milestone": milestone,
            "form": form,
            "form_action": action,
        },
    )
    if events:
        return _with_events(response, *events, request=request, project=project)
    return response


def _milestone(request, project, pk):
    milestone = next((m for m in _milestones(request, project) if m.pk == pk), None)
    if milestone is None:
        raise Http404
    return milestone


def _action_form(action, request, project, milestone, data=None, files=None):
    kwargs = {}
    if action.name in ("claim", "record_verification"):
        kwargs = {"project": project, "user": request.user}
    elif action.name == "pay":
        kwargs = {
            "invoice": _invoice_of(milestone),
            "outstanding": getattr(milestone, "outstanding", None),
        }
    return action.form_class(data, files, **kwargs)


def _perform(action, request, milestone, data):
    user = request.user
    if action.name == "record_verification":
        _record_verification(request, milestone, data)
        return
    if action.name != "claim":
        # Each action's form names its fields as its service names its inputs.
        milestone_act(action=action.name, milestone=milestone, by=user, **data)
        return
    documents = list(data["documents"])
    # A new file and the claim stand or fall together.
    with transaction.atomic():
        if data.get("file"):
            documents.append(
                services.document_upload(uploaded_file=data["file"], by=user, milestone=milestone)
            )
        milestone_act(
            action="claim",
            milestone=milestone,
            by=user,
            evidence_note=data["evidence_note"],
            documents=documents,
        )


def _record_verification(request, milestone, data):
    documents = list(data["documents"])
    evidence = VerificationEvidence(data["evidence"])
    # The letter and the verification stand or fall together.
    with transaction.atomic():
        if data.get("file"):
            documents.append(
                services.document_upload(
                    uploaded_file=data["file"],
                    by=request.user,
                    milestone=milestone,
                    description=_("Verification by %(enterprise)s: %(evidence)s")
                    % {
                        "enterprise": localized_name(milestone.agreement.partnership.enterprise),
                        "evidence": evidence.label,
                    },
                )
            )
        milestone_act(
            action="record_verification",
            milestone=milestone,
            by=request.user,
            evidence=evidence,
            documents=documents,
            note=data["note"],
        )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_action(request, code, pk, action):
    """The form of an action on a milestone (GET) and the action (POST),
    answered with the milestone re-rendered."""
    project = _project(request, code)
    milestone = _milestone(request, project, pk)
    chosen = MILESTONE_ACTIONS.get(action)
    if chosen is None or (chosen.enterprise and not request.user.is_superuser):
        raise Http404
    guard = _milestone_guard(action, milestone, request.user, {})
    if request.method == "GET":
        form = _action_form(chosen, request, project, milestone)
        if not guard:
            form.add_error(None, guard.reason)
        return _milestone_response(request, project, milestone, form=form, action=chosen)
    form = _action_form(chosen, request, project, milestone, request.POST, request.FILES)
    if not guard:
        form.is_valid()
        form.add_error(None, guard.reason)
    elif form.is_valid():
        try:
            _perform(chosen, request, milestone, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if not _is_htmx(request):
                return redirect(project)
            request.__dict__.pop("_project_milestones", None)
            milestone = _milestone(request, project, pk)
            return _milestone_response(request, project, milestone, events=(ACTIVITY_CHANGED,))
    return _milestone_response(request, project, milestone, form=form, action=chosen)


@login_required
@require_POST
def milestones_from_schedule(request, code):
    """Create the project's milestones from its agreement's schedule."""
    project = _project(request, code)
    error = None
    try:
        created = services.milestones_create_from_schedule(project=project, by=request.user)
    except DomainError as refusal:
        error, created = refusal.message, []
    if not _is_htmx(request):
        return redirect(project)
    request.__dict__.pop("_project_milestones", None)
    context = _milestones_context(request, project)
    context["schedule_error"] = error
    context["schedule_created"] = None if error else len(created)
    response = render(request, "projects/partials/milestones.html", context)
    if created:
        return _with_events(response, MILESTONES_CHANGED, request=request, project=project)
    return response


# --- Terms, ledger, documents, activity -----------------------------------------------


def _terms_context(request, project):
    agreement = None
    if project.agreement_id:
        agreement = agreement_terms_for(request.user).filter(pk=project.agreement_id).first()
    if agreement is None:
        return {"project": project, "agreement": None}
    reports = (
        royalty_reports_visible_to(request.user)
        .filter(project=project)
        .order_by("-period_start", "kind", "id")
    )
    return {
        "project": project,
        **agreement_terms_context(agreement),
        "project_royalty_reports": list(reports),
    }


def _ledger_context(request, project, *, form=None):
    may_record = _works_on(request, project)
    if form is None and may_record:
        form = CostEntryForm(project=project, user=request.user)
    ledger = project_cost_ledger(request.user, project)
    return {
        "project": project,
        "ledger": ledger,
        "ledger_converted": ledger_converted(ledger, on=timezone.localdate()),
        "cost_form": form,
        "may_record_cost": may_record,
    }


@login_required
@require_POST
def cost_entry_create(request, code):
    project = _project(request, code)
    form = CostEntryForm(request.POST, project=project, user=request.user)
    events = ()
    if form.is_valid():
        try:
            services.cost_entry_record(project=project, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if not _is_htmx(request):
                return redirect(project)
            form, events = None, (ACTIVITY_CHANGED,)
    response = render(
        request, "projects/partials/ledger.html", _ledger_context(request, project, form=form)
    )
    if events:
        return _with_events(response, *events, request=request, project=project)
    return response


def _documents_context(request, project, *, form=None):
    documents = (
        documents_visible_to(request.user)
        .filter(project=project)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    return {
        "project": project,
        "documents": documents,
        "upload_form": form or DocumentUploadForm(),
    }


@login_required
@require_POST
def document_create(request, code):
    project = _project(request, code)
    form = DocumentUploadForm(request.POST, request.FILES)
    events = ()
    if form.is_valid():
        try:
            services.document_upload(
                uploaded_file=form.cleaned_data["file"],
                by=request.user,
                project=project,
                description=form.cleaned_data["description"],
                is_internal=form.cleaned_data["is_internal"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if not _is_htmx(request):
                return redirect(project)
            form, events = None, (ACTIVITY_CHANGED,)
    response = render(
        request,
        "projects/partials/documents.html",
        _documents_context(request, project, form=form),
    )
    if events:
        return _with_events(response, *events, request=request, project=project)
    return response


@login_required
@require_GET
def document_download(request, code, pk):
    """The file, if the user sees the document: another partner's, an
    internal one for a partner, or an unknown one all answer 404."""
    project = _project(request, code)
    document = get_object_or_404(documents_visible_to(request.user), pk=pk, project=project)
    return document_file_response(document)


def _activity_context(request, project):
    page = Paginator(project_timeline(request.user, project), ACTIVITY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {"project": project, "activity_page": page}


@login_required
@require_GET
def activity(request, code):
    """A page of the timeline: the whole region, or with ``page`` the next
    entries for "show more"."""
    project = _project(request, code)
    template = (
        "projects/partials/activity_entries.html"
        if request.GET.get("page")
        else "projects/partials/activity.html"
    )
    return render(request, template, _activity_context(request, project))


# --- The page and its regions --------------------------------------------------------------


def _header_context(request, project):
    return {"project": project, "may_edit": _works_on(request, project)}


def _overview_context(request, project):
    return {"project": project}


SECTIONS = {
    "header": ("projects/partials/header.html", _header_context),
    "overview": ("projects/partials/overview.html", _overview_context),
    "gates": ("projects/partials/gates.html", _gates_context),
    "milestones": ("projects/partials/milestones.html", _milestones_context),
    "ledger": ("projects/partials/ledger.html", _ledger_context),
    "documents": ("projects/partials/documents.html", _documents_context),
    "activity": ("projects/partials/activity.html", _activity_context),
}


@login_required
@require_GET
def project_section(request, code, section):
    """One region of the page, re-rendered when an event says it changed."""
    if section not in SECTIONS:
        raise Http404
    project = _project(request, code)
    template, build = SECTIONS[section]
    return render(request, template, build(request, project))


@login_required
@require_GET
def project_detail(request, code):
    """A project's page: where it stands, its gates, milestones, terms,
    money, documents and activity."""
    project = _project(request, code)
    context = {}
    for build in (
        _header_context,
        _overview_context,
        _gates_context,
        _milestones_context,
        _terms_context,
        _ledger_context,
        _documents_context,
        _activity_context,
    ):
        context.update(build(request, project))
    return render(request, "projects/detail.html", context)
