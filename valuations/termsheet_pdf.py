"""A term sheet as a PDF, in English or Simplified Chinese: the parties,
the technology, the payments with their triggers, the royalties, the cost
shares and failure clauses by stage, and as an annex the valuation the
terms come from. It lays out a ``TermSheet``; it reads nothing else."""

import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from core.i18n import localized_name
from core.pdf import TOP, PdfPage, pdf_date, pdf_money, register_fonts
from partnerships.choices import SunkCostBearer

from .termsheet import TermSheet


def _percent(value) -> str:
    return f"{Decimal(value).normalize():f} %"


def _ratio(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)) * 100:.1f} %"


def _money(value, currency) -> str:
    return "—" if value is None else pdf_money(Decimal(str(value)), currency)


def _estimate(value) -> str:
    """A valuation figure in whole units: it is an estimate, and its
    cents would claim a precision it does not have."""
    return "—" if value is None else f"{round(float(value)):,}"


def term_sheet_filename(sheet: TermSheet) -> str:
    structure = "deal" if sheet.structure_key == "deal" else f"structure-{sheet.structure_key}"
    return f"term-sheet-{sheet.project_code}-{sheet.valuation_id}-{structure}-{sheet.language}.pdf"


def term_sheet_pdf(sheet: TermSheet) -> bytes:
    """The term sheet in its language (``sheet.language``)."""
    with translation.override(sheet.language):
        return _render(sheet)


def _render(sheet: TermSheet) -> bytes:
    register_fonts()
    currency = sheet.currency
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    title = _("Term sheet")
    pdf.setTitle(f"{title} — {sheet.project_code}")
    pdf.setAuthor(sheet.licensor)
    page = PdfPage(pdf)

    page.text(title, size=16, bold=True, gap=9 * mm)
    page.text(
        _("Non-binding summary of the principal terms of a licence, for negotiation."), size=9
    )
    page.space()
    page.row(_("Licensor"), sheet.licensor)
    page.row(_("Licensee"), sheet.licensee)
    page.row(_("Project"), f"{sheet.project_code} · {sheet.project_title}")
    if sheet.achievements:
        page.row(
            _("Achievements and technology"),
            "; ".join(f"{reference} · {name}" for reference, name in sheet.achievements),
        )
    page.row(_("Field of use"), sheet.field_of_use or "—")
    page.row(_("Territory"), sheet.territory or "—")
    page.row(_("Deal structure"), sheet.structure_label)
    page.row(_("Currency"), currency)
    page.space()

    page.text(_("Payments"), size=12, bold=True, gap=7 * mm)
    page.rule()
    page.amount_row(_("Upfront payment"), pdf_money(sheet.upfront, currency), bold=True)
    if sheet.milestones:
        page.space(2 * mm)
        page.text(_("Milestones"), bold=True)
        for milestone in sheet.milestones:
            page.amount_row(milestone.name, pdf_money(milestone.amount, currency))
            page.text(_("Trigger: %(trigger)s") % {"trigger": milestone.trigger}, size=9)
    else:
        page.row(_("Milestones"), _("None"))
    page.space()

    page.text(_("Royalties"), size=12, bold=True, gap=7 * mm)
    page.rule()
    if sheet.royalty_tiers:
        stops = (0, 60 * mm)
        page.columns([_("Annual net sales above"), _("up to"), _("Rate")], stops, bold=True)
        for tier in sheet.royalty_tiers:
            page.columns(
                [
                    pdf_money(tier.lower_bound, currency),
                    pdf_money(tier.upper_bound, currency) if tier.upper_bound is not None else "—",
                    _percent(tier.rate_percent),
                ],
                stops,
            )
    else:
        page.row(_("Royalty tiers"), _("None"))
    page.row(_("Royalty basis"), sheet.royalty_basis_label)
    page.row(
        _("Royalty term"),
        _("%(years)s years from the first sale") % {"years": sheet.royalty_term_years}
        if sheet.royalty_term_years
        else _("Until the agreement expires"),
    )
    page.row(_("Minimum annual royalty"), pdf_money(sheet.minimum_annual_royalty, currency))
    page.row(_("Licensor's equity share"), _percent(sheet.equity_share))
    page.space()

    page.text(_("Cost sharing by stage"), size=12, bold=True, gap=7 * mm)
    page.rule()
    stops = (0, 90 * mm)
    page.columns([_("Stage"), _("Licensor"), _("Licensee")], stops, bold=True)
    for term in sheet.stages:
        page.columns(
            [
                localized_name(term.stage),
                _percent(term.licensor_cost_percent),
                _percent(term.licensee_cost_percent),
            ],
            stops,
        )
    page.space()

    page.text(_("Failure clauses"), size=12, bold=True, gap=7 * mm)
    page.rule()
    clauses = [term for term in sheet.stages if term.failure_clause]
    if not clauses:
        page.text(_("None"))
    for term in clauses:
        page.text(localized_name(term.stage), bold=True)
        page.text(term.failure_clause, size=9, gap=4.5 * mm)
        page.text(
            _("Sunk costs: %(bearer)s. Rights revert to the licensor: %(reverts)s.")
            % {
                "bearer": SunkCostBearer(term.sunk_costs_borne_by).label,
                "reverts": _("yes") if term.ip_reverts_to_institution else _("no"),
            },
            size=9,
            gap=4.5 * mm,
        )
        page.space(1 * mm)

    _annex(page, sheet)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _annex(page: PdfPage, sheet: TermSheet) -> None:
    annex, currency = sheet.annex, sheet.currency
    # The annex starts on a page of its own.
    page.pdf.showPage()
    page.y = TOP
    page.text(_("Annex: valuation summary"), size=14, bold=True, gap=8 * mm)
    page.row(
        _("Valuation"),
        f"#{annex.valuation_id}" + (f" · {annex.label}" if annex.label else ""),
    )
    page.row(
        _("Made on"),
        _("%(date)s, engine %(version)s")
        % {"date": pdf_date(annex.created_at.date()), "version": annex.engine_version},
    )
    page.amount_row(_("Project rNPV"), _money(annex.project_rnpv, currency), bold=True)
    if annex.project_npv is not None:
        page.amount_row(_("NPV if every phase succeeds"), _money(annex.project_npv, currency))
    page.amount_row(_("Probability of reaching market"), _ratio(annex.probability_to_market))
    page.amount_row(
        _("Licensor's rNPV under this structure"), _money(annex.licensor.get("rnpv"), currency)
    )
    page.amount_row(
        _("Licensee's rNPV under this structure"), _money(annex.licensee.get("rnpv"), currency)
    )
    if annex.shares:
        page.amount_row(
            _("Value in upfront / milestones / royalties"),
            " / ".join(
                _ratio(annex.shares.get(key)) for key in ("upfront", "milestones", "royalties")
            ),
        )
    cash = annex.licensee_cash_before_launch
    if cash:
        page.amount_row(
            _("Licensee's payments before launch, if all succeed"),
            _money(cash.get("if_all_succeed"), currency),
        )
        page.amount_row(
            _("Licensee's payments before launch, expected"),
            _money(cash.get("expected"), currency),
        )
    page.space()

    risk_rows = []
    for party, name in (("licensor", _("Licensor")), ("licensee", _("Licensee"))):
        figures = getattr(annex, party)
        for kind, kind_name in (("exact", _("phase risk")), ("simulated", _("simulated"))):
            if figures.get(kind):
                risk_rows.append(
                    (
                        _("%(party)s, %(kind)s") % {"party": name, "kind": kind_name},
                        figures[kind],
                    )
                )
    if risk_rows:
        page.text(_("Each party's risk under this structure"), size=12, bold=True, gap=7 * mm)
        page.text(_("Amounts in %(currency)s.") % {"currency": currency}, size=8)
        page.rule()
        stops = (0, 50 * mm, 80 * mm, 108 * mm, 136 * mm)
        page.columns([_("Party"), _("Mean"), _("SD"), "P5", "P95", _("P(loss)")], stops, bold=True)
        for name, stats in risk_rows:
            page.columns(
                [
                    name,
                    _estimate(stats.get("mean")),
                    _estimate(stats.get("sd")),
                    _estimate(stats.get("p5")),
                    _estimate(stats.get("p95")),
                    _ratio(stats.get("probability_of_loss")),
                ],
                stops,
                size=8,
            )
        page.space()

    if annex.outcomes:
        page.text(_("Outcomes"), size=12, bold=True, gap=7 * mm)
        page.rule()
        if annex.outcomes_are_of_this_structure:
            stops = (0, 50 * mm, 80 * mm, 115 * mm)
            page.columns(
                [
                    _("Outcome"),
                    _("Probability"),
                    _("Project PV"),
                    _("Licensor PV"),
                    _("Licensee PV"),
                ],
                stops,
                bold=True,
            )
        else:
            stops = (0, 80 * mm)
            page.columns([_("Outcome"), _("Probability"), _("Project PV")], stops, bold=True)
        for outcome in annex.outcomes:
            label = (
                _("Reaches market")
                if outcome["outcome"] == "reaches_market"
                else _("Fails in %(phase)s") % {"phase": outcome["phase"]}
            )
            cells = [
                label,
                _ratio(outcome["probability"]),
                _money(outcome["project_pv"], currency),
            ]
            if annex.outcomes_are_of_this_structure:
                cells += [
                    _money(outcome.get("licensor_pv"), currency),
                    _money(outcome.get("licensee_pv"), currency),
                ]
            page.columns(cells, stops, size=8)
        if not annex.outcomes_are_of_this_structure:
            page.text(
                _(
                    "Each party's present value per outcome is stated for the valuation's "
                    "own deal."
                ),
                size=8,
            )
