"""The annual reports as files: China's report as the Excel workbook units
fill in and as a PDF, both in Chinese; the AUTM survey as an Excel
worksheet to prepare the online questionnaire with. The callers compute
the report (through the scoping selectors) and pass it in.

The PDF sets Chinese in the CID font STSong-Light, which every PDF reader
carries, as the invoices do (``projects.invoice_documents``)."""

import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from core.money import format_amount
from reports.choices import ReportKind
from reports.services.figures import MONEY, PERCENT, AnnualReport

CHINESE = "zh-hans"
CJK = "STSong-Light"
LEFT = 18 * mm
RIGHT = A4[0] - 18 * mm
TOP = A4[1] - 20 * mm
BOTTOM = 20 * mm
BOLD = Font(bold=True)

CHINA_SECTIONS = {
    "2": "二、依法取得的科技成果数量及类型、来源",
    "3": "三、以转让、许可、作价投资方式转化科技成果",
    "3a": "其中：财政资助项目产生的科技成果",
    "3b": "合同金额区间分布及平均合同金额",
    "4": "四、技术开发、技术咨询、技术服务",
    "4a": "自建、共建研究开发机构、技术转移机构、科技成果转化服务平台",
    "4b": "创设和参股公司",
    "4c": "人员兼职从事成果转化、离岗创业",
    "5": "五、科技成果转化收入分配：奖励和报酬",
    "5a": "其中：奖励研发与转化主要贡献人员",
    "5b": "奖励占转化净收入比例",
    "5c": "奖励、报酬和股权奖励纳税情况",
    "6": "六、科技成果转化项目清单",
}


def report_filename(report: AnnualReport, extension: str) -> str:
    name = "china-annual" if report.kind == ReportKind.CHINA_ANNUAL else "autm"
    return f"{name}-{report.institution.code}-{report.year}.{extension}"


def _cell(value):
    """A cell a spreadsheet shows and never runs: text that looks like a
    formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, (int, float, Decimal)):
        return value
    return str(value) if not hasattr(value, "isoformat") else value


def report_workbook(report: AnnualReport) -> bytes:
    """The report as an .xlsx workbook: the figures with their definition
    keys (and AUTM question numbers), China's project list and the
    office's narrative."""
    language = CHINESE if report.kind == ReportKind.CHINA_ANNUAL else "en"
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Figures")[:31]
        institution = report.institution
        name = institution.legal_name if language == CHINESE else institution.name
        sheet.append([_cell(name)])
        sheet.append(
            [_("Period"), f"{report.period.start:%Y-%m-%d} – {report.period.end:%Y-%m-%d}"]
        )
        sheet.append([_("Currency"), report.currency])
        if report.survey_table:
            sheet.append([_("Question numbers"), report.survey_table])
        sheet.append([])
        header = [_("Item"), _("Definition key"), _("Figure"), _("Value"), _("Unit")]
        if report.kind == ReportKind.AUTM:
            header.insert(2, _("Question"))
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
        for figure in report.figures:
            row = [
                figure.section,
                figure.key,
                str(figure.label),
                figure.value,
                figure.currency
                if figure.unit == MONEY
                else ("%" if figure.unit == PERCENT else ""),
            ]
            if report.kind == ReportKind.AUTM:
                row.insert(2, figure.question or "")
            sheet.append([_cell(value) for value in row])
        sheet.column_dimensions["B"].width = 44
        sheet.column_dimensions["C" if report.kind != ReportKind.AUTM else "D"].width = 48
        for note in report.notes:
            sheet.append([_cell(note)])
        if report.kind == ReportKind.CHINA_ANNUAL:
            _project_sheet(workbook, report)
        _narrative_sheet(workbook, report)
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _project_sheet(workbook, report):
    sheet = workbook.create_sheet(_("Project list")[:31])
    sheet.append(
        [
            _("Reference"),
            _("Project"),
            _("Mode"),
            _("Counterparty"),
            _("Signed on"),
            _("Contract value"),
            _("Cash received in the year"),
            _("Registration number"),
            _("Rewards"),
        ]
    )
    for cell in sheet[1]:
        cell.font = BOLD
    for row in report.rows:
        sheet.append(
            [
                _cell(row["reference"]),
                _cell(row["title"]),
                _cell(str(row["kind_label"])),
                _cell(row["counterparty"]),
                row["signed_on"],
                _cell(row["contract_value"]),
                _cell(row["received"]),
                _cell(row["registration_number"]),
                _cell(row["rewards"]),
            ]
        )


def _narrative(report) -> list[tuple[str, str]]:
    inputs = report.inputs
    if inputs is None:
        return []
    return [
        (_("Work done and overall results"), inputs.work_done),
        (_("Main lessons"), inputs.lessons),
        (_("Problems faced"), inputs.problems),
        (_("Implementation of policies"), inputs.policy_implementation),
    ]


def _narrative_sheet(workbook, report):
    sections = [(title, text) for title, text in _narrative(report) if text]
    if not sections:
        return
    sheet = workbook.create_sheet(_("Narrative")[:31])
    for title, text in sections:
        sheet.append([_cell(str(title))])
        sheet[sheet.max_row][0].font = BOLD
        sheet.append([_cell(text)])
        sheet.append([])


class _Page:
    """A cursor down an A4 page, in the CJK font."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.y = TOP

    def _room(self, height):
        if self.y - height < BOTTOM:
            self.pdf.showPage()
            self.y = TOP

    def text(self, text, *, size=10, gap=5.5 * mm):
        for line in simpleSplit(str(text), CJK, size, RIGHT - LEFT) or [""]:
            self._room(gap)
            self.pdf.setFont(CJK, size)
            self.pdf.drawString(LEFT, self.y, line)
            self.y -= gap

    def row(self, label, value):
        lines = simpleSplit(str(label), CJK, 9.5, RIGHT - LEFT - 45 * mm) or [""]
        for index, line in enumerate(lines):
            self._room(5 * mm)
            self.pdf.setFont(CJK, 9.5)
            self.pdf.drawString(LEFT + 4 * mm, self.y, line)
            if index == 0:
                self.pdf.drawRightString(RIGHT, self.y, str(value))
            self.y -= 5 * mm

    def space(self, height=3 * mm):
        self.y -= height


def _shown(figure) -> str:
    if figure.value is None:
        return "—"
    if figure.unit == MONEY:
        return f"{format_amount(figure.value, figure.currency)} {figure.currency}"
    if figure.unit == PERCENT:
        return f"{figure.value} %"
    return str(figure.value)


def china_report_pdf(report: AnnualReport) -> bytes:
    """China's report as a PDF in Chinese: the narrative, every figure by
    item, and the project list."""
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    with translation.override(CHINESE):
        pdf.setTitle(f"{report.institution.legal_name} {report.year}年度科技成果转化年度报告")
        page = _Page(pdf)
        page.text(f"{report.institution.legal_name}", size=15, gap=8 * mm)
        page.text(f"{report.year}年度科技成果转化年度报告", size=13, gap=8 * mm)
        page.space()
        narrative = [(title, text) for title, text in _narrative(report) if text]
        if narrative:
            page.text("一、开展的工作、总体成效、主要经验、面临的问题", size=11, gap=7 * mm)
            for title, text in narrative:
                page.text(str(title), size=10)
                page.text(text, size=9.5)
                page.space()
        for section, figures in report.sections():
            page.space()
            page.text(CHINA_SECTIONS.get(section, section), size=11, gap=7 * mm)
            for figure in figures:
                page.row(figure.label, _shown(figure))
        if report.rows:
            page.space()
            for row in report.rows:
                page.text(
                    "；".join(
                        [
                            f"{row['reference']} {row['title']}",
                            str(row["kind_label"]),
                            row["counterparty"],
                            f"合同金额 {format_amount(row['contract_value'], report.currency)}",
                            f"当年到账 {format_amount(row['received'], report.currency)}",
                            f"登记号 {row['registration_number'] or '—'}",
                            f"奖励 {format_amount(row['rewards'], report.currency)}",
                        ]
                    ),
                    size=9,
                )
        for note in report.notes:
            page.text(note, size=9)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
