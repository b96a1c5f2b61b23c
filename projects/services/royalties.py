"""Royalty reports: the licensee reports net sales, the royalty due follows
from the agreement's tiers, and the report goes submitted → accepted (or
queried and resubmitted) → invoiced → paid. After a year ends, a shortfall
against the minimum annual royalty is trued up with a report of its own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.dates import PAST, date_check
from core.errors import ALLOWED, DomainError, Guard, denied
from core.events import publish
from core.i18n import Message, Money, display_date
from core.money import format_money, quantize_money
from core.text import text_input, visible_text
from partnerships.choices import RoyaltyBasis
from partnerships.computations.royalties import (
    Tier,
    minimum_royalty_shortfall,
    royalty_for_period,
    royalty_on_annual_sales,
    tier_holding,
    tier_slices,
)
from partnerships.models import Agreement
from partnerships.selectors import acts_for_enterprise, acts_for_research_party
from projects.activity import activity_record
from projects.choices import (
    ROYALTY_REPORT_TRANSITIONS,
    RoyaltyReportKind,
    RoyaltyReportStatus,
)
from projects.events import (
    RoyaltyReportInvoiced,
    RoyaltyReportQueried,
    RoyaltyReportResubmitted,
    RoyaltyReportSubmitted,
)
from projects.models import Invoice, ResearchProject, RoyaltyReport, RoyaltyReportLine

from .invoicing import DEFAULT_PAYMENT_TERMS_DAYS, invoice_issue


class RoyaltyError(DomainError):
    code = "royalty_refused"


@dataclass(frozen=True)
class SalesLine:
    product: str
    territory: str
    net_sales: Decimal


def agreement_tiers(agreement: Agreement) -> list[Tier]:
    return [
        Tier(lower_bound=tier.lower_bound, rate_percent=tier.rate_percent)
        for tier in agreement.royalty_tiers.order_by("lower_bound")
    ]


# --- Computing a report ---------------------------------------------------------


def _royalty_years(agreement: Agreement) -> tuple[int | None, int | None]:
    """The first and last calendar years of the royalty term: from the year
    of the first sales report, for ``royalty_term_years`` years or until the
    agreement expires."""
    first = (
        agreement.royalty_reports.filter(kind=RoyaltyReportKind.SALES)
        .order_by("period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    if first is None:
        return None, None
    last = None
    if agreement.royalty_term_years:
        last = first.year + agreement.royalty_term_years - 1
    if agreement.expires_on and (last is None or agreement.expires_on.year < last):
        last = agreement.expires_on.year
    return first.year, last


def royalty_preview(
    *,
    agreement: Agreement,
    period_start: date,
    net_sales: Decimal,
    sublicense_income: Decimal = Decimal(0),
    corrected_report: RoyaltyReport | None = None,
) -> Decimal:
    """The royalty a report would owe, rounded: what the portal shows before
    the licensee confirms.

    A report is charged on top of the year's sales already charged: all the
    year's other reports for a new one, those submitted before it for a
    corrected one. Charging in the order of submission, not of periods, keeps
    the year's royalties equal to the royalty on the year's sales even when a
    quarter is reported late."""
    earlier = agreement.royalty_reports.filter(
        kind=RoyaltyReportKind.SALES, period_start__year=period_start.year
    )
    if corrected_report is not None:
        earlier = earlier.filter(pk__lt=corrected_report.pk)
    sales_earlier = earlier.aggregate(total=Sum("net_sales"))["total"] or Decimal(0)
    royalty = royalty_for_period(
        sales_earlier_in_year=sales_earlier,
        period_sales=net_sales,
        tiers=agreement_tiers(agreement),
        basis=agreement.royalty_basis,
    )
    royalty += sublicense_income * agreement.sublicense_income_share / 100
    return quantize_money(royalty, agreement.currency)


def royalty_preview_breakdown(
    *,
    agreement: Agreement,
    period_start: date,
    net_sales: Decimal,
    sublicense_income: Decimal = Decimal(0),
    corrected_report: RoyaltyReport | None = None,
) -> dict:
    """What the licensee sees before confirming a report: the royalty it
    would owe (``royalty_preview``) and how it follows from the terms — the
    year's sales before and with it, the tiers' slices (marginal basis) or
    the rate reached (whole basis), the sublicense share, and the year's
    royalties against the minimum annual royalty."""
    year = period_start.year
    year_reports = agreement.royalty_reports.filter(
        kind=RoyaltyReportKind.SALES, period_start__year=year
    )
    earlier = year_reports
    others = year_reports
    if corrected_report is not None:
        earlier = earlier.filter(pk__lt=corrected_report.pk)
        others = others.exclude(pk=corrected_report.pk)
    sales_before = earlier.aggregate(total=Sum("net_sales"))["total"] or Decimal(0)
    royalty_due = royalty_preview(
        agreement=agreement,
        period_start=period_start,
        net_sales=net_sales,
        sublicense_income=sublicense_income,
        corrected_report=corrected_report,
    )
    tiers = agreement_tiers(agreement)
    currency = agreement.currency
    whole_basis = agreement.royalty_basis == RoyaltyBasis.WHOLE
    sublicense_royalty = quantize_money(
        sublicense_income * agreement.sublicense_income_share / 100, currency
    )
    # All the year's royalties, true-ups aside, with this report.
    royalties_before = others.aggregate(total=Sum("royalty_due"))["total"] or Decimal(0)
    royalties_after = royalties_before + royalty_due
    minimum = agreement.minimum_annual_royalty
    holding = tier_holding(sales_before + net_sales, tiers)
    return {
        "year": year,
        "royalty_due": royalty_due,
        "tiers_royalty": royalty_due - sublicense_royalty,
        "whole_basis": whole_basis,
        "slices": (
            []
            if whole_basis
            else tier_slices(
                tiers=tiers, sales_earlier_in_year=sales_before, period_sales=net_sales
            )
        ),
        "whole_rate": holding.rate_percent if holding else Decimal(0),
        "whole_before": quantize_money(
            royalty_on_annual_sales(sales_before, tiers, agreement.royalty_basis), currency
        ),
        "whole_after": quantize_money(
            royalty_on_annual_sales(sales_before + net_sales, tiers, agreement.royalty_basis),
            currency,
        ),
        "net_sales": net_sales,
        "sales_before": sales_before,
        "sales_after": sales_before + net_sales,
        "sublicense_income": sublicense_income,
        "sublicense_royalty": sublicense_royalty,
        "royalties_before": royalties_before,
        "royalties_after": royalties_after,
        "minimum": minimum,
        "minimum_shortfall": (
            minimum_royalty_shortfall(royalties_in_year=royalties_after, minimum=minimum)
            if minimum
            else None
        ),
    }


def _validated_sales(
    agreement: Agreement,
    *,
    period_start: date,
    period_end: date,
    net_sales: Decimal | None,
    lines: Sequence[SalesLine],
    sublicense_income: Decimal,
) -> Decimal:
    if period_end < period_start:
        raise RoyaltyError(
            _("A period cannot end before it starts."), code="invalid_period", field="period_end"
        )
    if period_start.year != period_end.year:
        raise RoyaltyError(
            _("Royalty tiers apply to calendar years: report each year separately."),
            code="period_spans_years",
            field="period_end",
        )
    if period_end > timezone.localdate():
        raise RoyaltyError(
            _("A period that has not ended cannot be reported."),
            code="period_not_ended",
            field="period_end",
        )
    # The more telling refusals above come first: what is left is a period
    # that starts before any the centre records.
    date_check(period_start, field="period_start", bounds=PAST)
    if agreement.status != Agreement.Status.SIGNED:
        raise RoyaltyError(_("The agreement is not in force."), code="agreement_not_signed")
    if not agreement.royalty_tiers.exists() and not agreement.sublicense_income_share:
        raise RoyaltyError(_("The agreement has no royalty terms."), code="no_royalty_terms")
    if agreement.sales_breakdown_required and not lines:
        raise RoyaltyError(
            _("This agreement needs net sales by product and territory."),
            code="breakdown_required",
            field="lines",
        )
    if lines:
        if any(line.net_sales < 0 for line in lines):
            raise RoyaltyError(_("Net sales cannot be negative."), field="lines")
        keys = [
            (_line_text(line.product, "product"), _line_text(line.territory, "territory"))
            for line in lines
        ]
        if not all(product and territory for product, territory in keys):
            raise RoyaltyError(
                _("Each line names a product and a territory."),
                code="line_incomplete",
                field="lines",
            )
        if len(set(keys)) != len(keys):
            raise RoyaltyError(
                _("Each product and territory is reported on one line."),
                code="duplicate_line",
                field="lines",
            )
        total = sum((line.net_sales for line in lines), Decimal(0))
        if net_sales is not None and net_sales != total:
            raise RoyaltyError(
                _("Net sales %(given)s differ from the sum of the lines, %(total)s.")
                % {
                    "given": format_money(net_sales, agreement.currency),
                    "total": format_money(total, agreement.currency),
                },
                code="lines_mismatch",
                field="net_sales",
            )
        net_sales = total
    if net_sales is None:
        raise RoyaltyError(
            _("Report the period's net sales."), code="net_sales_required", field="net_sales"
        )
    if net_sales < 0 or sublicense_income < 0:
        raise RoyaltyError(
            _("Net sales and sublicense income cannot be negative."), field="net_sales"
        )
    takes_effect = agreement.effective_on or agreement.signed_on
    if takes_effect and period_end < takes_effect:
        # A mistyped year would otherwise start the royalty term early.
        raise RoyaltyError(
            _("The agreement took effect on %(date)s.") % {"date": display_date(takes_effect)},
            code="outside_royalty_term",
            field="period_start",
        )
    if agreement.expires_on and period_start > agreement.expires_on:
        raise RoyaltyError(
            _("The agreement expired on %(date)s.") % {"date": display_date(agreement.expires_on)},
            code="outside_royalty_term",
            field="period_start",
        )
    _first_year, last_year = _royalty_years(agreement)
    if last_year is not None and period_start.year > last_year:
        raise RoyaltyError(
            _("The royalty term ended in %(year)s.") % {"year": last_year},
            code="outside_royalty_term",
            field="period_start",
        )
    return quantize_money(net_sales, agreement.currency)


def _enterprise_name(agreement: Agreement) -> str:
    """The licensee's name as the reader's language shows it."""
    enterprise = agreement.partnership.enterprise
    if (get_language() or "").startswith("zh") and enterprise.name_zh:
        return enterprise.name_zh
    return enterprise.name


def _who(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else _("the system")


def _on(moment) -> str:
    if moment is None:
        return ""
    if hasattr(moment, "hour"):
        moment = timezone.localtime(moment).date()
    return date_format(moment, "SHORT_DATE_FORMAT")


def _can_move(report: RoyaltyReport, to_status) -> Guard:
    """Whether the report may move to ``to_status``; if not, what is awaited
    or what was done instead, in words a person can act on."""
    current = RoyaltyReportStatus(report.status)
    target = RoyaltyReportStatus(to_status)
    if target in ROYALTY_REPORT_TRANSITIONS[current]:
        return ALLOWED
    if report.kind == RoyaltyReportKind.MINIMUM_TRUE_UP and target in (
        RoyaltyReportStatus.ACCEPTED,
        RoyaltyReportStatus.QUERIED,
        RoyaltyReportStatus.SUBMITTED,
    ):
        return denied(
            _(
                "A true-up follows from the minimum annual royalty, not from reported "
                "sales: there is nothing to review or correct."
            ),
            "invalid_transition",
        )
    enterprise = _enterprise_name(report.agreement)
    if current == RoyaltyReportStatus.QUERIED:
        reason = _("Waiting for %(enterprise)s to correct and resubmit the queried report.") % {
            "enterprise": enterprise
        }
    elif current == RoyaltyReportStatus.SUBMITTED and target == RoyaltyReportStatus.SUBMITTED:
        reason = _(
            "The report is with the licensor for review; only a queried report is corrected."
        )
    elif current == RoyaltyReportStatus.SUBMITTED:
        reason = _("Accept the report first: only an accepted report is invoiced.")
    elif current == RoyaltyReportStatus.ACCEPTED and target == RoyaltyReportStatus.ACCEPTED:
        reason = _("Already accepted by %(name)s on %(date)s: invoice it next.") % {
            "name": _who(report.accepted_by),
            "date": _on(report.accepted_at),
        }
    elif current == RoyaltyReportStatus.ACCEPTED:
        reason = _(
            "Accepted by %(name)s on %(date)s: the figures are agreed, so the report is "
            "invoiced, not queried or corrected."
        ) % {"name": _who(report.accepted_by), "date": _on(report.accepted_at)}
    elif current == RoyaltyReportStatus.PAID:
        invoice = getattr(report, "invoice", None)
        reason = _("Paid in full on invoice %(number)s: nothing is left to do.") % {
            "number": invoice.number if invoice else "—"
        }
    else:
        invoice = getattr(report, "invoice", None)
        reason = _(
            "Invoiced as %(number)s on %(date)s: the report is now settled by payments "
            "from %(enterprise)s."
        ) % {
            "number": invoice.number if invoice else "—",
            "date": _on(invoice.issued_on) if invoice else "",
            "enterprise": enterprise,
        }
    return denied(reason, "invalid_transition")


def royalty_report_submit_guard(agreement: Agreement, user) -> Guard:
    if acts_for_enterprise(user, agreement) or acts_for_research_party(user, agreement):
        return ALLOWED
    return denied(
        _("Only the licensee, or the licensor's staff for it, report sales."), "not_party"
    )


def _line_text(value: str, field: str) -> str:
    return text_input(
        value, model=RoyaltyReportLine, field=field, name="lines", error_class=RoyaltyError
    )


def _note(note: str) -> str:
    return text_input(note, model=RoyaltyReport, field="note", error_class=RoyaltyError)


@transaction.atomic
def royalty_report_submit(
    *,
    agreement: Agreement,
    by,
    period_start: date,
    period_end: date,
    net_sales: Decimal | None = None,
    lines: Sequence[SalesLine] = (),
    sublicense_income: Decimal = Decimal(0),
    project: ResearchProject | None = None,
    note: str = "",
) -> RoyaltyReport:
    """The licensee reports a period's net sales; the royalty due is
    computed from the tiers on the year's sales to date."""
    note = _note(note)
    # Lock the agreement: two reports of one year must see each other's
    # sales, or both would be charged from the bottom tier.
    agreement = (
        Agreement.objects.select_for_update().select_related("partnership").get(pk=agreement.pk)
    )
    royalty_report_submit_guard(agreement, by).raise_if_denied(RoyaltyError)
    if project is not None and project.agreement_id != agreement.pk:
        raise RoyaltyError(_("The project is not under this agreement."), field="project")
    net_sales = _validated_sales(
        agreement,
        period_start=period_start,
        period_end=period_end,
        net_sales=net_sales,
        lines=lines,
        sublicense_income=sublicense_income,
    )
    # Charge on the income as stored, so the report can be checked by hand.
    sublicense_income = quantize_money(sublicense_income, agreement.currency)
    overlapping = agreement.royalty_reports.filter(
        kind=RoyaltyReportKind.SALES, period_start__lte=period_end, period_end__gte=period_start
    )
    if overlapping.exists():
        raise RoyaltyError(
            _("A report for an overlapping period exists."),
            code="period_overlaps",
            field="period_start",
        )
    royalty_due = royalty_preview(
        agreement=agreement,
        period_start=period_start,
        net_sales=net_sales,
        sublicense_income=sublicense_income,
    )
    try:
        with transaction.atomic():
            report = RoyaltyReport.objects.create(
                agreement=agreement,
                project=project,
                kind=RoyaltyReportKind.SALES,
                period_start=period_start,
                period_end=period_end,
                net_sales=net_sales,
                sublicense_income=sublicense_income,
                royalty_due=royalty_due,
                currency=agreement.currency,
                status=RoyaltyReportStatus.SUBMITTED,
                note=note,
                submitted_by=by,
                submitted_at=timezone.now(),
            )
    except IntegrityError as error:
        raise RoyaltyError(
            _("A report for this period exists."), code="period_overlaps", field="period_start"
        ) from error
    RoyaltyReportLine.objects.bulk_create(
        RoyaltyReportLine(
            report=report,
            product=visible_text(line.product),
            territory=visible_text(line.territory),
            net_sales=line.net_sales,
        )
        for line in lines
    )
    activity = activity_record(
        actor=by,
        verb="royalty_report.submitted",
        target=report,
        project=project,
        agreement=agreement,
        summary=Message(
            gettext_lazy(
                "Net sales of %(sales)s %(currency)s reported for %(start)s–%(end)s; "
                "royalty %(royalty)s."
            ),
            sales=Money(net_sales, agreement.currency, code=False),
            currency=agreement.currency,
            start=period_start,
            end=period_end,
            royalty=Money(royalty_due, agreement.currency),
        ),
        changes={
            "net_sales": net_sales,
            "royalty_due": royalty_due,
            "sublicense_income": sublicense_income,
        },
    )
    publish(RoyaltyReportSubmitted(report=report, activity=activity))
    return report


def _locked(report: RoyaltyReport) -> RoyaltyReport:
    # Lock the report row only: the project is an outer join (a report may
    # name none), and PostgreSQL cannot lock the nullable side of one.
    return (
        RoyaltyReport.objects.select_for_update(of=("self",))
        .select_related("agreement__partnership", "project")
        .get(pk=report.pk)
    )


def royalty_report_review_guard(report: RoyaltyReport, user, to_status) -> Guard:
    if not acts_for_research_party(user, report.agreement) or user.is_partner:
        return denied(_("Only the licensor's staff review royalty reports."), "not_payee")
    return _can_move(report, to_status)


@transaction.atomic
def royalty_report_query(*, report: RoyaltyReport, by, reason: str) -> RoyaltyReport:
    """The licensor questions a report; the licensee corrects and resubmits."""
    reason = text_input(
        reason,
        model=RoyaltyReport,
        field="query_reason",
        name="reason",
        required=_("Say what is in question."),
        error_class=RoyaltyError,
    )
    report = _locked(report)
    royalty_report_review_guard(report, by, RoyaltyReportStatus.QUERIED).raise_if_denied(
        RoyaltyError
    )
    report.status = RoyaltyReportStatus.QUERIED
    report.query_reason = reason
    report.save(update_fields=["status", "query_reason", "updated_at"])
    activity = activity_record(
        actor=by,
        verb="royalty_report.queried",
        target=report,
        project=report.project,
        agreement=report.agreement,
        summary=Message(gettext_lazy("Royalty report queried: %(reason)s"), reason=reason),
        changes={"reason": reason},
    )
    publish(RoyaltyReportQueried(report=report, activity=activity))
    return report


@transaction.atomic
def royalty_report_resubmit(
    *,
    report: RoyaltyReport,
    by,
    net_sales: Decimal | None = None,
    lines: Sequence[SalesLine] = (),
    sublicense_income: Decimal = Decimal(0),
    note: str = "",
) -> RoyaltyReport:
    """The licensee corrects a queried report; the royalty is recomputed."""
    note = _note(note)
    report = _locked(report)
    agreement = Agreement.objects.select_for_update().get(pk=report.agreement_id)
    if not acts_for_enterprise(by, agreement) and not acts_for_research_party(by, agreement):
        raise RoyaltyError(_("Only the licensee corrects its report."), code="not_party")
    _can_move(report, RoyaltyReportStatus.SUBMITTED).raise_if_denied(RoyaltyError)
    net_sales = _validated_sales(
        agreement,
        period_start=report.period_start,
        period_end=report.period_end,
        net_sales=net_sales,
        lines=lines,
        sublicense_income=sublicense_income,
    )
    # What the report said before, lines included: the correction replaces
    # them, and the history of the report shows what changed.
    before = {
        "net_sales": report.net_sales,
        "sublicense_income": report.sublicense_income,
        "royalty_due": report.royalty_due,
        "lines": [
            [line.product, line.territory, line.net_sales]
            for line in report.lines.order_by("product", "territory")
        ],
    }
    report.net_sales = net_sales
    report.sublicense_income = quantize_money(sublicense_income, agreement.currency)
    report.royalty_due = royalty_preview(
        agreement=agreement,
        period_start=report.period_start,
        net_sales=net_sales,
        sublicense_income=report.sublicense_income,
        corrected_report=report,
    )
    report.status = RoyaltyReportStatus.SUBMITTED
    report.note = note or report.note
    report.submitted_by = by
    report.submitted_at = timezone.now()
    report.save()
    report.lines.all().delete()
    RoyaltyReportLine.objects.bulk_create(
        RoyaltyReportLine(
            report=report,
            product=visible_text(line.product),
            territory=visible_text(line.territory),
            net_sales=line.net_sales,
        )
        for line in lines
    )
    activity = activity_record(
        actor=by,
        verb="royalty_report.resubmitted",
        target=report,
        project=report.project,
        agreement=agreement,
        summary=Message(
            gettext_lazy("Royalty report corrected; royalty %(royalty)s."),
            royalty=Money(report.royalty_due, report.agreement.currency),
        ),
        changes={
            "before": before,
            "after": {
                "net_sales": report.net_sales,
                "sublicense_income": report.sublicense_income,
                "royalty_due": report.royalty_due,
                "lines": [
                    [visible_text(line.product), visible_text(line.territory), line.net_sales]
                    for line in lines
                ],
            },
        },
    )
    publish(RoyaltyReportResubmitted(report=report, activity=activity))
    return report


@transaction.atomic
def royalty_report_accept(*, report: RoyaltyReport, by) -> RoyaltyReport:
    report = _locked(report)
    royalty_report_review_guard(report, by, RoyaltyReportStatus.ACCEPTED).raise_if_denied(
        RoyaltyError
    )
    report.status = RoyaltyReportStatus.ACCEPTED
    report.accepted_by = by
    report.accepted_at = timezone.now()
    report.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    activity_record(
        actor=by,
        verb="royalty_report.accepted",
        target=report,
        project=report.project,
        agreement=report.agreement,
        summary=Message(
            gettext_lazy("Royalty report for %(start)s–%(end)s accepted."),
            start=report.period_start,
            end=report.period_end,
        ),
        changes={"status": [RoyaltyReportStatus.SUBMITTED, RoyaltyReportStatus.ACCEPTED]},
    )
    return report


def royalty_report_invoice_guard(report: RoyaltyReport, user) -> Guard:
    guard = royalty_report_review_guard(report, user, RoyaltyReportStatus.INVOICED)
    if guard and report.royalty_due <= 0:
        return denied(_("No royalty is due on this report."), "nothing_due")
    return guard


@transaction.atomic
def royalty_report_invoice(
    *,
    report: RoyaltyReport,
    by,
    issued_on: date | None = None,
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS,
) -> Invoice:
    report = _locked(report)
    royalty_report_invoice_guard(report, by).raise_if_denied(RoyaltyError)
    invoice = invoice_issue(
        agreement=report.agreement,
        amount=report.royalty_due,
        currency=report.currency,
        royalty_report=report,
        by=by,
        issued_on=issued_on,
        payment_terms_days=payment_terms_days,
    )
    report.status = RoyaltyReportStatus.INVOICED
    report.save(update_fields=["status", "updated_at"])
    activity = activity_record(
        actor=by,
        verb="royalty_report.invoiced",
        target=report,
        project=report.project,
        agreement=report.agreement,
        summary=Message(
            gettext_lazy("Invoice %(number)s issued for royalties of %(start)s–%(end)s."),
            number=invoice.number,
            start=report.period_start,
            end=report.period_end,
        ),
        changes={"invoice": invoice.number},
    )
    publish(RoyaltyReportInvoiced(report=report, invoice=invoice, activity=activity))
    return invoice


@transaction.atomic
def royalty_year_true_up(*, agreement: Agreement, year: int, by=None) -> RoyaltyReport | None:
    """After ``year`` ends, top the year's royalties up to the minimum annual
    royalty. Returns the true-up report (the existing one if already made),
    or None when nothing is owed or the year's reports are not all settled.

    The minimum applies to every year of the royalty term, from the year of
    the first sales report on, including years without sales."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    existing = agreement.royalty_reports.filter(
        kind=RoyaltyReportKind.MINIMUM_TRUE_UP, period_start=date(year, 1, 1)
    ).first()
    if existing is not None:
        return existing
    if agreement.minimum_annual_royalty <= 0 or timezone.localdate() <= date(year, 12, 31):
        return None
    first_year, last_year = _royalty_years(agreement)
    if first_year is None or year < first_year or (last_year is not None and year > last_year):
        return None
    reports = agreement.royalty_reports.filter(
        kind=RoyaltyReportKind.SALES, period_start__year=year
    )
    if reports.filter(
        status__in=[RoyaltyReportStatus.SUBMITTED, RoyaltyReportStatus.QUERIED]
    ).exists():
        # Wait until the year's figures are agreed.
        return None
    royalties = reports.aggregate(total=Sum("royalty_due"))["total"] or Decimal(0)
    shortfall = minimum_royalty_shortfall(
        royalties_in_year=royalties, minimum=agreement.minimum_annual_royalty
    )
    if shortfall <= 0:
        return None
    report = RoyaltyReport.objects.create(
        agreement=agreement,
        kind=RoyaltyReportKind.MINIMUM_TRUE_UP,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        royalty_due=quantize_money(shortfall, agreement.currency),
        currency=agreement.currency,
        status=RoyaltyReportStatus.ACCEPTED,
        note=_("Minimum annual royalty %(minimum)s; royalties reported %(royalties)s.")
        % {
            "minimum": format_money(agreement.minimum_annual_royalty, agreement.currency),
            "royalties": format_money(royalties, agreement.currency),
        },
        accepted_by=by,
        accepted_at=timezone.now(),
    )
    activity_record(
        actor=by,
        verb="royalty_report.true_up",
        target=report,
        agreement=agreement,
        summary=Message(
            gettext_lazy(
                "Minimum annual royalty for %(year)s trued up by %(amount)s %(currency)s."
            ),
            year=year,
            amount=Money(report.royalty_due, agreement.currency, code=False),
            currency=agreement.currency,
        ),
        changes={"royalties": royalties, "minimum": agreement.minimum_annual_royalty},
    )
    return report


# --- The year against the minimum annual royalty ----------------------------------


@dataclass(frozen=True)
class RoyaltyYear:
    """Where a calendar year of an agreement stands against its minimum
    annual royalty: the royalties of its sales reports so far, the shortfall,
    and whether a true-up is made or can be."""

    year: int
    currency: str
    minimum: Decimal
    royalties: Decimal
    shortfall: Decimal
    ended: bool
    in_term: bool
    submitted: int
    queried: int
    true_up: RoyaltyReport | None


def royalty_year_position(
    *, agreement: Agreement, year: int, today: date | None = None
) -> RoyaltyYear:
    today = today or timezone.localdate()
    reports = list(
        agreement.royalty_reports.filter(period_start__year=year).select_related("invoice")
    )
    sales = [report for report in reports if report.kind == RoyaltyReportKind.SALES]
    royalties = sum((report.royalty_due for report in sales), Decimal(0))
    minimum = agreement.minimum_annual_royalty or Decimal(0)
    first_year, last_year = _royalty_years(agreement)
    return RoyaltyYear(
        year=year,
        currency=agreement.currency,
        minimum=minimum,
        royalties=royalties,
        shortfall=(
            minimum_royalty_shortfall(royalties_in_year=royalties, minimum=minimum)
            if minimum
            else Decimal(0)
        ),
        ended=today > date(year, 12, 31),
        in_term=first_year is not None
        and year >= first_year
        and (last_year is None or year <= last_year),
        submitted=sum(report.status == RoyaltyReportStatus.SUBMITTED for report in sales),
        queried=sum(report.status == RoyaltyReportStatus.QUERIED for report in sales),
        true_up=next((r for r in reports if r.kind == RoyaltyReportKind.MINIMUM_TRUE_UP), None),
    )


def _amount(value: Decimal, currency: str) -> str:
    grouped = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{grouped} {currency}"


def royalty_year_true_up_guard(
    agreement: Agreement, year: int, user, *, position: RoyaltyYear | None = None
) -> Guard:
    """Whether ``user`` may true the year up to the minimum annual royalty
    now, and if not, what is awaited."""
    if not acts_for_research_party(user, agreement) or user.is_partner:
        return denied(_("Only the licensor's staff true up the minimum royalty."), "not_payee")
    position = position or royalty_year_position(agreement=agreement, year=year)
    if position.true_up is not None:
        return denied(
            _("%(year)s is already trued up: the true-up report bills %(amount)s.")
            % {"year": year, "amount": _amount(position.true_up.royalty_due, position.currency)},
            "already_trued_up",
        )
    if position.minimum <= 0:
        return denied(_("The agreement sets no minimum annual royalty."), "no_minimum_royalty")
    if not position.ended:
        return denied(
            _("The true-up is made once %(year)s is over, from %(date)s.")
            % {"year": year, "date": date_format(date(year + 1, 1, 1), "SHORT_DATE_FORMAT")},
            "year_not_over",
        )
    if not position.in_term:
        return denied(
            _("%(year)s is outside the royalty term: no minimum applies.") % {"year": year},
            "outside_royalty_term",
        )
    if position.queried:
        return denied(
            _(
                "Waiting for %(enterprise)s to resubmit its queried reports of %(year)s: "
                "the year's figures are not agreed yet."
            )
            % {"enterprise": _enterprise_name(agreement), "year": year},
            "year_not_settled",
        )
    if position.submitted:
        return denied(
            _("Accept or query the submitted reports of %(year)s first.") % {"year": year},
            "year_not_settled",
        )
    if position.shortfall <= 0:
        return denied(
            _(
                "The royalties of %(year)s, %(royalties)s, reach the minimum of "
                "%(minimum)s: nothing to true up."
            )
            % {
                "year": year,
                "royalties": _amount(position.royalties, position.currency),
                "minimum": _amount(position.minimum, position.currency),
            },
            "minimum_reached",
        )
    return ALLOWED
