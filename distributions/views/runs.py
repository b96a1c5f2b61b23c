"""The staff's pages of distribution runs: the list, the preparation of a
period (a preview of the plan, then a draft), a run's page with its figures
and lines, the actions on it (approve, recompute, discard, correct, record
the public notice, settle a line), each inventor's statement and the public
notice list (公示) of an approved run.

Every rule is a service's (``services/runs.py``); a button the rules refuse
is shown disabled with the reason (``services/guards.py``), and a refusal
that comes back from a service is a message on the run's page, never a
server error. Another institution's run answers 404.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from achievements.selectors import agreement_links_visible_to
from achievements.views.common import call_service, staff_view
from achievements.views.filters import choose_among
from core.errors import DomainError
from core.ui.exports import EXPORT_FORMATS, ExportColumn, export_response
from core.ui.lists import Sorting, filtered_list
from partnerships.selectors import people_visible_to

from ..choices import RecipientKind, RewardForm, RewardSource, RunState, TaxTreatment
from ..filtersets import RunFilterSet
from ..run_forms import NoticeForm, RunPrepareForm, SettleForm
from ..selectors import (
    distributing_institutions_for,
    lines_visible_to,
    run_achievements_of_lines,
    run_detail_for,
    run_list_for,
    runs_visible_to,
    statement_lines_for,
)
from ..services.guards import run_guards
from ..services.runs import (
    approve_run,
    discard_run,
    prepare_run,
    preview_run,
    recompute_run,
    record_public_notice,
    settle_line,
)
from ..statements import (
    notice_ends_on,
    notice_lines,
    notice_rows,
    statement_filename,
    statement_pdf,
)

ZERO = Decimal(0)
RUNS_PER_PAGE = 50

RUN_SORTING = Sorting(
    columns={
        "period_end": ["period_end", "period_start"],
        "institution": ["institution__name"],
        "state": ["state"],
        "net_income": ["net_income"],
    },
    default="-period_end",
)


# --- The list --------------------------------------------------------------------------


def _choose_institution(request):
    def configure(form):
        choose_among(
            form, "institution", distributing_institutions_for(request.user).order_by("name")
        )

    return configure


@staff_view
@require_GET
def run_list(request):
    """The runs of the user's institutions, by institution, state and year."""
    listing = filtered_list(
        request,
        queryset=run_list_for(request.user),
        filterset_class=RunFilterSet,
        sorting=RUN_SORTING,
        shown_filters=("institution", "state", "year"),
        per_page=RUNS_PER_PAGE,
        configure_form=_choose_institution(request),
    )
    return render(
        request,
        "distributions/run_list.html",
        {"listing": listing, "filterset": listing.filterset, "page": listing.page},
    )


# --- Figures and lines grouped by achievement ------------------------------------------


@dataclass
class AchievementGroup:
    """One achievement's figures in a run (or a plan) and its lines, with
    their totals."""

    entry: object  # RunAchievement, PlannedAchievement or None
    achievement: object
    lines: list = field(default_factory=list)

    @property
    def cash_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.form == RewardForm.CASH), ZERO)

    @property
    def shares_total(self) -> Decimal:
        return sum(
            (line.equity_shares or ZERO for line in self.lines if line.form == RewardForm.EQUITY),
            ZERO,
        )


def _grouped(entries, lines, achievements_by_id) -> list[AchievementGroup]:
    groups: dict[int, AchievementGroup] = {}
    for entry in entries:
        groups[entry.achievement.pk] = AchievementGroup(entry=entry, achievement=entry.achievement)
    for line in lines:
        group = groups.get(line.achievement_id)
        if group is None:
            group = groups[line.achievement_id] = AchievementGroup(
                entry=None, achievement=achievements_by_id.get(line.achievement_id)
            )
        group.lines.append(line)
    return list(groups.values())


@dataclass
class Totals:
    net_income: Decimal
    cash: Decimal
    shares: Decimal
    shares_value: Decimal

    @property
    def adds_up(self) -> bool:
        return self.cash == self.net_income


def _totals(net_income, lines) -> Totals:
    cash = shares = value = ZERO
    for line in lines:
        if line.form == RewardForm.CASH:
            cash += line.amount
        else:
            shares += line.equity_shares or ZERO
            value += line.amount
    return Totals(net_income=net_income, cash=cash, shares=shares, shares_value=value)


# --- Preparing a period ----------------------------------------------------------------


@dataclass
class PlannedLineView:
    """A planned line with the labels a page shows."""

    line: object

    def __getattr__(self, name):
        return getattr(self.line, name)

    def get_kind_display(self):
        return RecipientKind(self.line.kind).label

    def get_form_display(self):
        return RewardForm(self.line.form).label

    def get_source_display(self):
        return RewardSource(self.line.source).label

    def get_tax_treatment_display(self):
        return TaxTreatment(self.line.tax_treatment).label


@staff_view
@require_http_methods(["GET", "POST"])
def run_prepare(request):
    """A period of an institution: preview the plan, then save it as a
    draft for another staff member to approve."""
    form = RunPrepareForm(request.POST or None, user=request.user)
    plan = groups = totals = None
    if request.method == "POST" and form.is_valid():
        period = {
            "period_start": form.cleaned_data["period_start"],
            "period_end": form.cleaned_data["period_end"],
            "currency": form.cleaned_data["currency"],
        }
        institution = form.cleaned_data["institution"]
        if "save" in request.POST:
            run = call_service(
                form,
                prepare_run,
                user=request.user,
                institution=institution,
                notes=form.cleaned_data["notes"],
                **period,
            )
            if run is not None:
                messages.success(request, _("Draft saved. Another staff member approves it."))
                return redirect(run)
        else:
            plan = call_service(
                form, preview_run, user=request.user, institution=institution, **period
            )
            if plan is not None:
                achievements = {
                    entry.achievement.pk: entry.achievement for entry in plan.achievements
                }
                lines = [PlannedLineView(line) for line in plan.lines]
                groups = _grouped(plan.achievements, lines, achievements)
                totals = _totals(plan.net_income, lines)
    return render(
        request,
        "distributions/run_prepare.html",
        {"form": form, "plan": plan, "groups": groups, "totals": totals},
    )


# --- A run's page ----------------------------------------------------------------------


def _run(request, pk):
    """The run, if the user sees it; 404 otherwise, whoever's it is."""
    return get_object_or_404(runs_visible_to(request.user).select_related("institution"), pk=pk)


def _detail_page(request, run_pk, *, notice_form=None, settle_form=None, settle_line_pk=None):
    run = get_object_or_404(run_detail_for(request.user).select_related("corrects"), pk=run_pk)
    guards = run_guards(request.user, run)
    entries = list(run.achievements.all())
    lines = list(run.lines.all())
    achievements = {line.achievement_id: line.achievement for line in lines}
    groups = _grouped(entries, lines, achievements)
    for line in lines:
        line.settle_guard = guards.settle(line)
    people = {}
    for line in lines:
        if line.person_id and line.kind == RecipientKind.INVENTOR:
            people.setdefault(line.person_id, line.person)
    return render(
        request,
        "distributions/run_detail.html",
        {
            "run": run,
            "action_buttons": _action_buttons(run, guards),
            "groups": groups,
            "totals": _totals(run.net_income, lines),
            "guards": guards,
            "people": sorted(people.values(), key=lambda person: person.full_name),
            "corrections": list(run.corrections.order_by("id")),
            "notice_form": notice_form
            or NoticeForm(
                initial={
                    "published_on": run.notice_published_on,
                    "days": run.notice_days,
                }
            ),
            "notice_ends_on": notice_ends_on(run),
            "settle_form": settle_form or SettleForm(),
            "settle_line_pk": settle_line_pk,
            "has_notice_lines": bool(notice_lines(lines)),
        },
    )


def _action_buttons(run, guards) -> list[tuple]:
    """The run's actions in its state: (name, label, guard, url, style)."""

    def url(name):
        return reverse(f"distributions:run-{name}", args=[run.pk])

    if run.is_approved:
        return [
            (
                "correct",
                _("Correct with a new run"),
                guards.correct,
                url("correct"),
                "btn-outline-primary",
            ),
        ]
    return [
        ("approve", _("Approve"), guards.approve, url("approve"), "btn-primary"),
        ("recompute", _("Recompute"), guards.recompute, url("recompute"), "btn-outline-secondary"),
        ("discard", _("Discard the draft"), guards.discard, url("discard"), "btn-outline-danger"),
    ]


@staff_view
@require_GET
def run_detail(request, pk):
    return _detail_page(request, pk)


def _act(request, run, service, success: str, **kwargs):
    """Call the service on the run; its refusal is a message on the run's
    page. The service's result, or None."""
    try:
        result = service(user=request.user, run=run, **kwargs)
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


@staff_view
@require_POST
def run_approve(request, pk):
    run = _run(request, pk)
    _act(request, run, approve_run, _("Run approved. Its lines can now be paid or granted."))
    return redirect("distributions:run", pk=run.pk)


@staff_view
@require_POST
def run_recompute(request, pk):
    run = _run(request, pk)
    _act(request, run, recompute_run, _("Run recomputed from today's records."))
    return redirect("distributions:run", pk=run.pk)


@staff_view
@require_POST
def run_discard(request, pk):
    run = _run(request, pk)
    try:
        discard_run(request.user, run)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("distributions:run", pk=run.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("distributions:runs")


@staff_view
@require_POST
def run_correct(request, pk):
    """Open a correction of an approved run: a new draft of the differences."""
    run = _run(request, pk)
    try:
        correction = prepare_run(
            request.user,
            run.institution,
            period_start=run.period_start,
            period_end=run.period_end,
            currency=run.currency,
            corrects=run,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("distributions:run", pk=run.pk)
    messages.success(request, _("Correction prepared as a draft: its lines are the differences."))
    return redirect(correction)


@staff_view
@require_POST
def run_notice(request, pk):
    """Record when the cash rewards were put on public notice."""
    run = _run(request, pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, run.pk, notice_form=form)
    guard = run_guards(request.user, run).notice
    if not guard.allowed:
        messages.error(request, guard.reason)
        return redirect("distributions:run", pk=run.pk)
    _act(
        request,
        run,
        record_public_notice,
        _("Public notice recorded."),
        published_on=form.cleaned_data["published_on"],
        days=form.cleaned_data["days"],
    )
    return redirect("distributions:run", pk=run.pk)


@staff_view
@require_POST
def line_settle(request, pk, line_pk):
    """Mark a line paid (cash) or granted (equity)."""
    run = _run(request, pk)
    line = get_object_or_404(lines_visible_to(request.user).filter(run=run), pk=line_pk)
    form = SettleForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, run.pk, settle_form=form, settle_line_pk=line.pk)
    try:
        settle_line(
            request.user,
            line,
            on=form.cleaned_data["on"],
            reference=form.cleaned_data["reference"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s: recorded as %(state)s.")
            % {
                "name": line.recipient_name,
                "state": _("granted") if line.form == RewardForm.EQUITY else _("paid"),
            },
        )
    return redirect(reverse("distributions:run", args=[run.pk]) + f"#line-{line.pk}")


# --- Statements and the public notice --------------------------------------------------


def statement_response(user, run, person) -> HttpResponse:
    """The person's statement of the run as ``user`` may see it: 404 when
    the user sees none of the person's lines in it."""
    lines = list(statement_lines_for(user, run, person))
    if not lines:
        raise Http404
    entries = run_achievements_of_lines(statement_lines_for(user, run, person))
    response = HttpResponse(
        statement_pdf(run, person, lines, list(entries)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(run, person)}"'
    return response


@staff_view
@require_GET
def run_statement(request, pk, person_pk):
    run = get_object_or_404(run_list_for(request.user), pk=pk)
    person = get_object_or_404(people_visible_to(request.user), pk=person_pk)
    return statement_response(request.user, run, person)


NOTICE_COLUMNS = (
    ExportColumn(pgettext_lazy("reward", "Inventor"), "name", width=20),
    ExportColumn(gettext_lazy("Department or lab"), "department", width=20),
    ExportColumn(gettext_lazy("Achievement"), "reference", width=16),
    ExportColumn(gettext_lazy("Title"), "title", width=40),
    ExportColumn(gettext_lazy("Agreements"), "agreements", width=24),
    ExportColumn(
        gettext_lazy("Technology-contract registration numbers"), "registration_numbers", width=24
    ),
    ExportColumn(gettext_lazy("Amount"), "amount", width=14),
    ExportColumn(gettext_lazy("Currency"), "currency", width=8),
    ExportColumn(gettext_lazy("Form"), "form", width=10),
    ExportColumn(gettext_lazy("Source"), "source", width=24),
    ExportColumn(gettext_lazy("Tax treatment"), "tax_treatment", width=30),
    ExportColumn(gettext_lazy("Public notice from"), "notice_from", width=12),
    ExportColumn(gettext_lazy("Public notice until"), "notice_until", width=12),
)


@staff_view
@require_GET
def run_notice_list(request, pk, export_format):
    """The public notice list (公示) of an approved run's cash rewards."""
    if export_format not in EXPORT_FORMATS:
        raise Http404
    run = get_object_or_404(run_list_for(request.user).filter(state=RunState.APPROVED), pk=pk)
    lines = list(
        lines_visible_to(request.user)
        .filter(run=run, kind=RecipientKind.INVENTOR, form=RewardForm.CASH)
        .select_related("achievement")
        .order_by("achievement__reference", "recipient_name", "id")
    )
    links = (
        agreement_links_visible_to(request.user)
        .filter(achievement_id__in={line.achievement_id for line in lines})
        .select_related("agreement")
    )
    rows = notice_rows(run, lines, links)
    return export_response(
        export_format,
        ([column.value(row) for column in NOTICE_COLUMNS] for row in rows),
        NOTICE_COLUMNS,
        f"public-notice-{run.pk}",
    )
