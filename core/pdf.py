"""The set-up of BioBridge's PDF documents (invoices, reward statements):
A4 pages with a cursor down them, money and dates in the active language.

Latin text is set in Helvetica; anything else (Chinese names, titles and
labels) in the CID font STSong-Light, which every PDF reader carries, so no
font file ships with BioBridge.
"""

from django.utils import formats
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from core.money import MINOR_UNITS

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK = "STSong-Light"
LEFT = 20 * mm
RIGHT = A4[0] - 20 * mm
TOP = A4[1] - 22 * mm
BOTTOM = 22 * mm


def register_fonts() -> None:
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def font_for(text: str, *, bold: bool = False) -> str:
    if all(ord(character) < 256 for character in text):
        return LATIN_BOLD if bold else LATIN
    return CJK


def pdf_money(amount, currency: str) -> str:
    places = MINOR_UNITS.get(currency, 2)
    text = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {currency}"


def pdf_date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


class PdfPage:
    """A cursor down an A4 page; a new page starts when the text reaches
    the bottom margin."""

    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf
        self.y = TOP

    def _room(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.pdf.showPage()
            self.y = TOP

    def text(self, text: str, *, size: float = 10, bold: bool = False, gap: float = 5 * mm):
        text = str(text)
        font = font_for(text, bold=bold)
        # Long names and titles wrap rather than run off the page.
        for line in simpleSplit(text, font, size, RIGHT - LEFT) or [""]:
            self._room(gap)
            self.pdf.setFont(font, size)
            self.pdf.drawString(LEFT, self.y, line)
            self.y -= gap

    def row(self, label: str, value: str, *, bold: bool = False) -> None:
        label, value = str(label), str(value)
        font = font_for(value, bold=bold)
        lines = simpleSplit(value, font, 10, RIGHT - LEFT - 55 * mm) or [""]
        self._room(6 * mm)
        self.pdf.setFont(font_for(label), 10)
        self.pdf.drawString(LEFT, self.y, label)
        for line in lines:
            self._room(5 * mm)
            self.pdf.setFont(font, 10)
            self.pdf.drawString(LEFT + 55 * mm, self.y, line)
            self.y -= 5 * mm
        self.y -= 1 * mm

    def amount_row(self, label: str, value: str, *, bold: bool = False) -> None:
        label, value = str(label), str(value)
        self._room(6 * mm)
        self.pdf.setFont(font_for(label, bold=bold), 10)
        self.pdf.drawString(LEFT, self.y, label)
        self.pdf.setFont(font_for(value, bold=bold), 10)
        self.pdf.drawRightString(RIGHT, self.y, value)
        self.y -= 6 * mm

    def columns(self, cells, stops, *, size: float = 9, bold: bool = False) -> None:
        """One line of a table: ``cells`` left-aligned at the ``stops``
        (distances from the left margin), the last right-aligned at the
        right margin."""
        self._room(5 * mm)
        for index, cell in enumerate(cells):
            cell = str(cell)
            self.pdf.setFont(font_for(cell, bold=bold), size)
            if index == len(cells) - 1:
                self.pdf.drawRightString(RIGHT, self.y, cell)
            else:
                self.pdf.drawString(LEFT + stops[index], self.y, cell)
        self.y -= 5 * mm

    def rule(self) -> None:
        self._room(4 * mm)
        self.pdf.setLineWidth(0.5)
        self.pdf.line(LEFT, self.y + 3 * mm, RIGHT, self.y + 3 * mm)
        self.y -= 2 * mm

    def space(self, height: float = 4 * mm) -> None:
        self.y -= height
