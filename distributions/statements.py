"""What an approved run tells the people it rewards: each inventor's
statement as a PDF (the achievements, their net income, the tier slices of
the reward, cash or shares, the tax treatment, the approval), and the rows
of the public notice (公示) of the cash rewards, with the registration
numbers of the technology contracts they come from.

The caller fetches the lines and figures through the scoping selectors;
these functions only lay them out, in the active language.
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from achievements.choices import TransferMode
from core.i18n import localized_name
from core.pdf import PdfPage, pdf_date, pdf_money, register_fonts

from .choices import RecipientKind, RewardForm
from .models import DistributionLine, DistributionRun, RunAchievement

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def notice_ends_on(run: DistributionRun) -> date | None:
    """The last day of the run's public notice, or None before it is
    published."""
    if run.notice_published_on is None:
        return None
    return run.notice_published_on + timedelta(days=max(run.notice_days, 1) - 1)


def percent_text(fraction) -> str:
    """A fraction as a percentage with up to four decimals: 0.3 → "30 %",
    0.123456 → "12.3456 %"."""
    value = (Decimal(str(fraction)) * HUNDRED).quantize(Decimal("0.0001")).normalize()
    return f"{value:f} %"


@dataclass
class StatementSection:
    """One achievement of a statement: its figures in the run and the
    person's lines from it."""

    entry: RunAchievement | None
    achievement: object
    lines: list[DistributionLine] = field(default_factory=list)


def statement_sections(lines, entries) -> list[StatementSection]:
    by_achievement = {entry.achievement_id: entry for entry in entries}
    sections: dict[int, StatementSection] = {}
    for line in lines:
        section = sections.get(line.achievement_id)
        if section is None:
            section = sections[line.achievement_id] = StatementSection(
                entry=by_achievement.get(line.achievement_id), achievement=line.achievement
            )
        section.lines.append(line)
    return list(sections.values())


@dataclass(frozen=True)
class StatementTotals:
    cash: Decimal
    shares: Decimal
    shares_value: Decimal


def statement_totals(lines) -> StatementTotals:
    cash = shares = value = ZERO
    for line in lines:
        if line.form == RewardForm.CASH:
            cash += line.amount
        else:
            shares += line.equity_shares or ZERO
            value += line.amount
    return StatementTotals(cash=cash, shares=shares, shares_value=value)


def _shares(count) -> str:
    return _("%(count)s shares") % {"count": f"{Decimal(count or 0):,f}"}


def statement_pdf(run: DistributionRun, person, lines, entries) -> bytes:
    """The person's statement of a run as a PDF, in the active language.
    ``lines`` are the person's lines (``statement_lines_for``), ``entries``
    the figures of their achievements (``run_achievements_of_lines``)."""
    register_fonts()
    lines = list(lines)
    currency = run.currency
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    title = _("Statement of rewards from the transformation of achievements")
    pdf.setTitle(title)
    pdf.setAuthor(localized_name(run.institution))
    page = PdfPage(pdf)

    page.text(title, size=16, bold=True, gap=9 * mm)
    page.row(_("Institution"), localized_name(run.institution))
    page.row(
        pgettext("reward", "Inventor"),
        person.full_name + (f" · {person.name_zh}" if person.name_zh else ""),
    )
    departments = sorted({line.department for line in lines if line.department})
    if departments:
        page.row(_("Department or lab"), ", ".join(departments))
    page.row(
        _("Period"),
        _("%(start)s to %(end)s")
        % {"start": pdf_date(run.period_start), "end": pdf_date(run.period_end)},
    )
    page.row(_("Distribution run"), f"#{run.pk} · {run.get_state_display()}")
    if run.corrects_id:
        page.row(_("Corrects"), f"#{run.corrects_id}")
    if run.is_approved:
        page.row(
            _("Approved"),
            _("by %(name)s on %(date)s")
            % {
                "name": run.approved_by.get_full_name(),
                "date": pdf_date(timezone.localtime(run.approved_at).date()),
            },
        )
    else:
        page.row(_("Approved"), _("Not yet: a draft, whose amounts may still change."))
    if run.notice_published_on:
        page.row(
            _("Public notice"),
            _("%(start)s to %(end)s")
            % {"start": pdf_date(run.notice_published_on), "end": pdf_date(notice_ends_on(run))},
        )
    page.space()

    stops = (0, 25 * mm, 75 * mm)
    for section in statement_sections(lines, entries):
        achievement = section.achievement
        page.text(
            f"{achievement.reference} · {localized_name(achievement, 'title')}",
            size=12,
            bold=True,
            gap=7 * mm,
        )
        page.rule()
        if section.entry is not None:
            entry = section.entry
            page.amount_row(_("Receipts in the period"), pdf_money(entry.receipts, currency))
            page.amount_row(_("Deductible costs"), pdf_money(entry.deductible_costs, currency))
            page.amount_row(
                _("Cumulative net income"), pdf_money(entry.cumulative_net_income, currency)
            )
            page.amount_row(
                _("Net income distributed before"),
                pdf_money(entry.previously_distributed_net_income, currency),
            )
            page.amount_row(
                _("Net income shared in this run"), pdf_money(entry.net_income, currency)
            )
            if entry.own_share_percent != HUNDRED:
                page.amount_row(
                    _("The institution's ownership share"),
                    percent_text(entry.own_share_percent / HUNDRED),
                )
        for line in section.lines:
            page.space(2 * mm)
            if line.form == RewardForm.CASH:
                page.text(_("Cash reward"), bold=True)
                if line.tier_slices:
                    page.columns(
                        [_("Tier"), _("Slice of net income"), _("Your rate"), _("Amount")],
                        stops,
                        bold=True,
                    )
                    for piece in line.tier_slices:
                        page.columns(
                            [
                                str(int(piece["tier"]) + 1),
                                pdf_money(Decimal(piece["base"]), currency),
                                percent_text(piece["rate"]),
                                pdf_money(Decimal(piece["amount"]), currency),
                            ],
                            stops,
                        )
                page.amount_row(_("Amount"), pdf_money(line.amount, currency), bold=True)
            else:
                page.text(_("Equity reward"), bold=True)
                page.amount_row(_("Shares granted"), _shares(line.equity_shares), bold=True)
                page.amount_row(_("Value when received"), pdf_money(line.amount, currency))
            page.row(_("Source"), line.get_source_display())
            page.row(_("Tax treatment"), line.get_tax_treatment_display())
            page.row(
                _("State"),
                line.get_state_display()
                + (f" · {pdf_date(line.settled_on)}" if line.settled_on else ""),
            )
        page.space()

    totals = statement_totals(lines)
    page.text(_("Totals"), size=12, bold=True, gap=7 * mm)
    page.rule()
    page.amount_row(_("Cash rewards"), pdf_money(totals.cash, currency), bold=True)
    if totals.shares:
        page.amount_row(_("Shares granted"), _shares(totals.shares), bold=True)
        page.amount_row(_("Value of the shares"), pdf_money(totals.shares_value, currency))
    page.space()
    page.text(
        _(
            "Cash rewards for the transformation of achievements under a registered "
            "technology contract, once publicly noticed, count half as income for "
            "individual income tax; equity rewards are taxed when the shares are sold."
        ),
        size=8,
        gap=4 * mm,
    )

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def statement_filename(run: DistributionRun, person) -> str:
    return f"statement-{run.pk}-{person.pk}.pdf"


# --- The public notice (公示) -------------------------------------------------------


def notice_lines(lines):
    """The lines a public notice lists: cash rewards to inventors."""
    return [
        line
        for line in lines
        if line.kind == RecipientKind.INVENTOR and line.form == RewardForm.CASH
    ]


def notice_rows(run: DistributionRun, lines, links) -> list[dict]:
    """One row per inventor's cash line: who, which achievement, the
    technology contracts it earned under with their registration numbers,
    the amount, form and tax treatment, and the notice's dates. ``links``
    are the achievements' agreement links with their agreements."""
    agreements = defaultdict(list)
    for link in links:
        if link.mode != TransferMode.EQUITY_CONTRIBUTION:
            agreements[link.achievement_id].append(link.agreement)
    ends_on = notice_ends_on(run)
    rows = []
    for line in notice_lines(lines):
        contracts = sorted(agreements[line.achievement_id], key=lambda a: a.reference)
        rows.append(
            {
                "name": line.recipient_name,
                "department": line.department,
                "reference": line.achievement.reference,
                "title": localized_name(line.achievement, "title"),
                "agreements": "; ".join(a.reference for a in contracts),
                "registration_numbers": "; ".join(
                    a.registration_number for a in contracts if a.registration_number
                ),
                "amount": line.amount,
                "currency": line.currency,
                "form": line.get_form_display(),
                "source": line.get_source_display(),
                "tax_treatment": line.get_tax_treatment_display(),
                "notice_from": run.notice_published_on,
                "notice_until": ends_on,
            }
        )
    return rows
