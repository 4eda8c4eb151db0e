"""The page: size and margins from the theme, running header, "Page X of Y", bookmarks.

"Page X of Y" is set in one pass: each page draws a small form XObject named for it, and the
forms are filled in when the canvas is saved and the page count is known. (The usual
deferred-showPage recipe would break bookmarks, which point at pages as they are added.)
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph
from reportlab.platypus.flowables import Flowable

from reportgen.model import Meta
from reportgen.theme import Theme
from reportgen.writers.pdf.fonts import FontSet
from reportgen.writers.pdf.inlines import InlineRenderer
from reportgen.writers.pdf.marking import artifact
from reportgen.writers.pdf.safety import clean_text
from reportgen.writers.pdf.styles import Styles

# Nothing longer fits on one line of page furniture; longer text is cut before it is measured.
FURNITURE_MAX_CHARS = 300
ELLIPSIS = "\u2026"


class PageCountCanvas(Canvas):
    """A canvas that fills each page's "Page X of Y" form once the page count is known."""

    footer_font: tuple[str, float] = ("Helvetica", 8.0)
    footer_colour: Any = None
    footer_right: float = 0.0
    footer_y: float = 0.0
    pages_counted: int = 0
    page_label: str = "Page {page} of {pages}"  # the document's words for "Page X of Y"
    draw_right: Any = None  # draws right-aligned page furniture (set by the doc template)

    def save(self) -> None:
        """Write each page's page-number form, then the PDF; the count is kept."""
        total = self.getPageNumber() - 1  # the page after the last showPage is never shown
        self.pages_counted = total
        font, size = self.footer_font
        for page in range(1, total + 1):
            self.beginForm(f"rgPageNo{page}")
            self.setFont(font, size)
            if self.footer_colour is not None:
                self.setFillColor(self.footer_colour)
            text = self.page_label.format(page=page, pages=total)
            if self.draw_right is not None:
                self.draw_right(self, self.footer_right, self.footer_y, text)
            else:
                self.drawRightString(self.footer_right, self.footer_y, text)
            self.endForm()
        super().save()


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def stamp_document_date(canv: Canvas, date_iso: str) -> None:
    """Set the PDF's creation and modification dates to the brief's date (when it has one).

    Returns None. Invariant mode would write 2000-01-01; the brief's own date is as
    reproducible and tells the reader something true.
    """
    match = _ISO_DATE.fullmatch(date_iso.strip())
    if match is None:
        return
    stamp = "D:{}{}{}000000+00'00'".format(*match.groups())
    canv._doc.info._dateFormatter = lambda *_parts: stamp


class BriefDocTemplate(BaseDocTemplate):
    """A document with one frame per page, a running header and footer, and bookmarks."""

    def __init__(self, buffer: Any, theme: Theme, meta: Meta, styles: Styles, **kw: Any) -> None:
        """Lay out pages for `theme` (page size from `meta` when it names one)."""
        page_size = meta.page_size if meta.page_size in ("A4", "Letter") else theme.page_size
        width_mm, height_mm = theme.with_page_size(page_size).page_mm()
        top, right, bottom, left = (m * mm for m in theme.margins_mm)
        super().__init__(
            buffer,
            pagesize=(width_mm * mm, height_mm * mm),
            leftMargin=left,
            rightMargin=right,
            topMargin=top,
            bottomMargin=bottom,
            initialFontName=styles.fonts.regular,
            **kw,
        )
        self.meta = meta
        self.styles = styles
        self.outline_level = -1
        # Height (pt) each part of the brief took, keyed by its level-1 heading: what a page
        # budget warning names as having taken the room.
        self.room: dict[str, float] = {}
        self._room_part = "Title block"
        frame = Frame(
            left,
            bottom,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    "first", [frame], onPage=self._first_page, autoNextPageTemplate="later"
                ),
                PageTemplate("later", [frame], onPage=self._later_page),
            ]
        )

    # ------------------------------------------------------------------ page furniture

    def _first_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Draw the footer only: the title block opens the first page."""
        canv.showOutline()  # viewers open with the bookmarks (the brief's contents) shown
        stamp_document_date(canv, self.meta.date_iso)
        self._footer(canv)

    def _later_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Draw the running header and the footer."""
        self._header(canv)
        self._footer(canv)

    def _header(self, canv: Canvas) -> None:
        """Draw the short title left, the date right, and a hairline under them."""
        fonts: FontSet = self.styles.fonts
        size = self.styles.para["header_footer"].fontSize
        c = self.styles.colours
        y = self.pagesize[1] - self.topMargin + 14
        left, right = self.leftMargin, self.leftMargin + self.width
        with artifact(canv, "/Type /Pagination /Subtype /Header"):
            canv.saveState()
            canv.setFont(fonts.regular, size)
            canv.setFillColor(c.muted)
            date = self._fitted(self.meta.date, self.width / 3)
            room = self.width - self._text_width(date) - 12
            title = self._fitted(self.meta.short_title or self.meta.title, room)
            self._furniture(canv, left, y, title)
            self._furniture(canv, right, y, date, right_aligned=True)
            canv.setStrokeColor(c.rule)
            canv.setLineWidth(0.5)
            canv.line(left, y - 4, right, y - 4)
            canv.restoreState()

    def _footer(self, canv: Canvas) -> None:
        """Draw the organisation left and this page's "Page X of Y" form right."""
        fonts: FontSet = self.styles.fonts
        size = self.styles.para["header_footer"].fontSize
        c = self.styles.colours
        y = self.bottomMargin - 20
        left, right = self.leftMargin, self.leftMargin + self.width
        with artifact(canv, "/Type /Pagination /Subtype /Footer"):
            canv.saveState()
            canv.setStrokeColor(c.rule)
            canv.setLineWidth(0.5)
            canv.line(left, y + 10, right, y + 10)
            canv.setFont(fonts.regular, size)
            canv.setFillColor(c.muted)
            page_form = self.meta.label("page_of", page="888", pages="888")
            room = self.width - self._text_width(page_form) - 12
            who = self._fitted(self.meta.organisation or self.meta.title, room)
            self._furniture(canv, left, y, who)
            if isinstance(canv, PageCountCanvas):
                canv.draw_right = lambda c, x, y_, text: self._furniture(c, x, y_, text, True)
                canv.footer_font = (fonts.regular, size)
                canv.footer_colour = c.muted
                canv.footer_right, canv.footer_y = right, y
                canv.page_label = self.meta.label("page_of", page="{page}", pages="{pages}")
                canv.doForm(f"rgPageNo{canv.getPageNumber()}")
            canv.restoreState()

    def _furniture(
        self, canv: Canvas, x: float, y: float, text: str, right_aligned: bool = False
    ) -> None:
        """Draw one line of page furniture with its baseline at `y`, from `x` (or to it).

        Text in a script the Latin font lacks (a Hindi title, "पृष्ठ 1 / 4") goes through
        the paragraph path, which picks the script's font and shapes it; plain text is drawn
        straight on the canvas.
        """
        text = clean_text(text)
        if self.styles.fonts.chain.is_plain(text):
            draw = canv.drawRightString if right_aligned else canv.drawString
            draw(x, y, text)
            return
        style = self.styles.get("header_footer", True)
        if right_aligned:
            style = ParagraphStyle(f"{style.name}-right", parent=style, alignment=TA_RIGHT)
        markup = InlineRenderer(self.styles.fonts, frozenset(), "#000000").text(text)
        para = Paragraph(markup.text, style)
        _, height = para.wrap(self.width, self.height)
        left = x - self.width if right_aligned else x
        para.drawOn(canv, left, y - height + style.fontSize)

    def _fitted(self, text: str, width: float) -> str:
        """Return `text` as it fits one furniture line `width` wide: whole, or cut with "…".

        Each answer is kept: the header and footer draw the same texts on every page, and a
        long title measured afresh on each page would make the PDF quadratic in its length.
        """
        key = (text, round(width, 2))
        cache: dict[tuple[str, float], str] = self.__dict__.setdefault("_fitted_cache", {})
        if key not in cache:
            cache[key] = self._fit(clean_text(text[: FURNITURE_MAX_CHARS + 1]), width)
        return cache[key]

    def _fit(self, text: str, width: float) -> str:
        """Return the longest prefix of `text` (plus "…" when cut) that fits `width`."""
        if len(text) <= FURNITURE_MAX_CHARS and self._fits(text, width):
            return text
        low, high = 0, min(len(text), FURNITURE_MAX_CHARS)
        while low < high:  # the longest prefix that fits, with its ellipsis
            middle = (low + high + 1) // 2
            if self._fits(text[:middle].rstrip() + ELLIPSIS, width):
                low = middle
            else:
                high = middle - 1
        # Cut at a word's end where one is near: never inside a word's letters (nor inside a
        # Devanagari syllable, whose marks would be left without their consonant).
        space = text.rfind(" ", 0, low + 1)
        if space > low // 2:
            low = space
        return text[:low].rstrip() + ELLIPSIS

    def _fits(self, text: str, width: float) -> bool:
        """Return True when `text` sets on one furniture line at most `width` wide."""
        return self._text_width(text) <= width if self._plain(text) else self._one_line(text, width)

    def _plain(self, text: str) -> bool:
        """Return True when `text` is drawn straight on the canvas (no shaping needed)."""
        return bool(self.styles.fonts.chain.is_plain(text))

    def _text_width(self, text: str) -> float:
        """Return the width of plain furniture text (for shaped text, a generous guess)."""
        size = self.styles.para["header_footer"].fontSize
        if self._plain(text):
            return float(stringWidth(text, self.styles.fonts.regular, size))
        return len(text) * size * 0.6

    def _one_line(self, text: str, width: float) -> bool:
        """Return True when shaped `text` sets on one line of `width` (its paragraph's say)."""
        markup = InlineRenderer(self.styles.fonts, frozenset(), "#000000").text(text)
        para = Paragraph(markup.text, self.styles.get("header_footer", True))
        para.wrap(width, 1e6)
        return len(para.blPara.lines) <= 1

    # ------------------------------------------------------------------ bookmarks

    def _count_room(self, flowable: Flowable, entry: tuple[str, str, int] | None) -> None:
        """Add the height `flowable` took to the part of the brief it belongs to."""
        if entry is not None and entry[2] == 0:
            self._room_part = entry[0]
        height = getattr(flowable, "height", None) or getattr(flowable, "_height", 0) or 0
        height += flowable.getSpaceBefore() + flowable.getSpaceAfter()
        self.room[self._room_part] = self.room.get(self._room_part, 0.0) + float(height)

    def afterFlowable(self, flowable: Flowable) -> None:
        """Add an outline entry for each heading, nested by level (never skipping one)."""
        entry = getattr(flowable, "outline_entry", None)
        self._count_room(flowable, entry)
        if entry is None:
            return
        title, key, level = entry
        level = min(level, self.outline_level + 1)
        self.outline_level = level
        self.canv.addOutlineEntry(title, key, level=level, closed=False)
