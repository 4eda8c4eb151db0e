"""Marked content while the PDF is drawn: tagged sequences with MCIDs, artifacts, link owners.

A `Tagger` rides on the canvas (one per document). Flowables ask it to open a sequence for
their structure element (`/P <</MCID 3>> BDC ... EMC`) or an artifact (`/Artifact BMC ...
EMC`); it numbers the sequences per page and records, per page, which element owns which
MCID (the ParentTree's content). Inside an artifact nothing is tagged (PDF/UA forbids real
content inside an artifact, and an artifact inside real content), so a repeated table
header simply draws inside an artifact.

Paragraph text is marked inside its text object: the paragraph's element is opened after
BT and closed before ET, and the runs of a link or citation are split off into their own
Link element (reportlab reports where links start and end on each line). Shaped runs
(Devanagari) carry /ActualText with their source text, so text extraction gives the
logical order of the facts rather than the visual order of the glyphs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, HRFlowable, Image
from reportlab.platypus.flowables import BulletDrawer
from reportlab.platypus.tables import TableRenderCB

from reportgen.writers.pdf.structure import AnnotationRef, MarkedContentRef, StructElem
from reportgen.writers.pdf.tounicode import shaped_source_text

_SIMPLE_CLUSTER = 0x7FFFFFFF  # reportlab's cluster value for characters added unshaped


def pdf_text_string(text: str) -> str:
    """Return `text` as a PDF hex string in UTF-16BE with its byte-order mark."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class Tagger:
    """The marked content of one document: MCIDs per page, annotations and their links."""

    def __init__(self, root: StructElem, link_descriptions: dict[str, str] | None = None) -> None:
        """Tag content under `root`; `link_descriptions` maps '#anchor' to what it points at."""
        self.root = root
        self.link_descriptions = link_descriptions or {}
        self.mcids: dict[int, list[StructElem]] = {}
        self.annotations: list[tuple[AnnotationRef, StructElem, str]] = []
        self.artifact_depth = 0
        self.text: TextMarks | None = None  # the paragraph whose text is being drawn
        self.in_span = False  # drawing a shaped run inside its own tagged Span
        self.fallbacks = 0  # paragraphs drawn without an element (a writer bug if non-zero)

    # ------------------------------------------------------------------ sequences

    def open_tag(self, page: int, elem: StructElem) -> str:
        """Return the BDC operator of a new sequence of `elem` on `page`, recorded as its kid."""
        mcids = self.mcids.setdefault(page, [])
        mcid = len(mcids)
        mcids.append(elem)
        elem.place()
        elem.kids.append(MarkedContentRef(page, mcid))
        if elem.actual_text is not None:
            actual = pdf_text_string(elem.actual_text)
            return f"/{elem.role} <</MCID {mcid} /ActualText {actual}>> BDC"
        return f"/{elem.role} <</MCID {mcid}>> BDC"

    def undo_tag(self, page: int, elem: StructElem) -> None:
        """Forget the last sequence opened (it turned out to belong to another element)."""
        self.mcids[page].pop()
        elem.kids.pop()

    def begin(self, canv: Any, elem: StructElem) -> bool:
        """Open a sequence of `elem` on the canvas; return False (nothing opened) in artifacts."""
        if self.artifact_depth:
            return False
        canv._code.append(self.open_tag(canv._pageNumber, elem))
        return True

    @contextlib.contextmanager
    def tagged(self, canv: Any, elem: StructElem) -> Iterator[None]:
        """Draw the block's content as one sequence of `elem`."""
        opened = self.begin(canv, elem)
        try:
            yield
        finally:
            if opened:
                canv._code.append("EMC")

    def begin_artifact(self, canv: Any, properties: str = "") -> None:
        """Open an artifact (nested artifacts are one)."""
        if not self.artifact_depth:
            canv._code.append(f"/Artifact <<{properties}>> BDC" if properties else "/Artifact BMC")
        self.artifact_depth += 1

    def end_artifact(self, canv: Any) -> None:
        """Close the artifact opened last."""
        self.artifact_depth -= 1
        if not self.artifact_depth:
            canv._code.append("EMC")

    @contextlib.contextmanager
    def artifact(self, canv: Any, properties: str = "") -> Iterator[None]:
        """Draw decoration or page furniture as an artifact."""
        self.begin_artifact(canv, properties)
        try:
            yield
        finally:
            self.end_artifact(canv)

    # ------------------------------------------------------------------ annotations

    def add_annotation(self, page: int, name: str, target: str) -> None:
        """Record a link annotation: it belongs to the link being drawn (or a new Link)."""
        owner = self.text.annotation_owner() if self.text is not None else None
        if owner is None:
            owner = self.root.child("Link")
        self.annotations.append((AnnotationRef(page, name), owner, target))
        owner.place()
        owner.kids.append(AnnotationRef(page, name))


def tagger_of(canv: Any) -> Tagger | None:
    """Return the canvas's tagger (None: drawing untagged, e.g. a chart's PNG)."""
    return getattr(canv, "_rg_tagger", None)


@contextlib.contextmanager
def artifact(canv: Any, properties: str = "") -> Iterator[None]:
    """Draw as an artifact when the canvas is tagged; else just draw."""
    tagger = tagger_of(canv)
    if tagger is None:
        yield
        return
    with tagger.artifact(canv, properties):
        yield


# ---------------------------------------------------------------------- paragraph text


class TextMarks:
    """Marks one paragraph's text object: its element's runs, its links' runs, ActualText.

    Sequences open lazily, just before the text they hold, so none is empty. Reportlab
    reports a link's start after drawing the link's first run, so that run is taken back
    and drawn again inside the link's sequence.
    """

    def __init__(
        self, tagger: Tagger, tx: PDFTextObject, page: int, elem: StructElem, para: Any
    ) -> None:
        """Hook `tx`, the text object of `para`, whose runs belong to `elem`."""
        self.tagger = tagger
        self.tx = tx
        self.page = page
        self.base = elem
        self.para = para
        self.want = elem
        self.open: StructElem | None = None
        self.last: tuple[int, StructElem | None, int, bool] | None = None
        self.last_span: tuple[int, StructElem | None, int, StructElem] | None = None
        self.line_links: list[Any] = []
        self.sole_link: StructElem | None = None
        self._text_out = tx._textOut
        self._get_code = tx.getCode
        tx._textOut = self.text_out
        tx._linkRecord = self.link_record
        tx.getCode = self.get_code
        tagger.text = self
        blpara = getattr(para, "blPara", None)
        self.lines_left = len(getattr(blpara, "lines", None) or ())  # lines still to end
        if getattr(blpara, "kind", 1) == 0 and getattr(blpara, "link", None):
            # One run of one style that is all link: reportlab reports no link starts.
            key = blpara.link[0]
            self.sole_link = self.link_elem(key)
            self.want = self.sole_link

    def link_elem(self, key: Any) -> StructElem:
        """Return the Link element of the paragraph's link `key`, made on first use."""
        links: dict[Any, StructElem] = self.para.__dict__.setdefault("_rg_link_elems", {})
        # keyed by reportlab's (number, href) of the link in the paragraph
        elem = links.get(key)
        if elem is None:
            href = str(key[1])
            description = self.tagger.link_descriptions.get(href)
            if href.startswith("#src-"):
                parent = self.base.inline("Reference")
                elem = parent.child("Link")
            else:
                elem = self.base.inline("Link")
            elem.alt = description or _link_text(self.para, key, href)
            links[key] = elem
        return elem

    def _switch(self) -> bool:
        """Open the wanted element's sequence if another is open; return if one was made."""
        if self.open is self.want:
            return False
        code = self.tx._code
        if self.open is not None:
            code.append("EMC")
        code.append(self.tagger.open_tag(self.page, self.want))
        self.open = self.want
        return True

    def text_out(self, text: str, TStar: int = 0) -> None:
        """Draw a run inside the wanted sequence; a shaped run as a Span with /ActualText.

        A line's last run is followed by a space (ISO 32000 14.8.2.5: word breaks are
        spaces, also at line ends), so extracted text does not join the last word of one
        line to the first of the next.
        """
        actual = shaped_actual_text(text) if isinstance(text, ShapedStr) else None
        if actual is not None:
            self.span_out(text, actual, TStar)
            return
        code = self.tx._code
        mark, state = len(code), self.open
        made = self._switch()
        start = len(code)
        self._text_out(text, 0)
        if TStar:
            self.line_end()
        self.last, self.last_span = (mark, state, start, made), None

    def line_end(self) -> None:
        """Draw the word-break space that ends a line (not the last), then move to the next."""
        if self._break_here():
            self._text_out(" ", 0)
        self.tx._code.append("T*")

    def _break_here(self) -> bool:
        """Count a line's end; return True when a word-break space belongs there."""
        self.lines_left -= 1
        return self.lines_left > 0 and _has_space(self.tx._fontname)

    def span_out(self, text: str, actual: str, TStar: int = 0) -> None:
        """Draw a shaped run as its own Span element (MCID and /ActualText), in `want`.

        Its own tagged sequence, not a Span nested inside the paragraph's: some readers
        (poppler's structure text) lose the rest of a sequence after a nested one ends.
        """
        code = self.tx._code
        mark, state = len(code), self.open
        if self.open is not None:
            code.append("EMC")
            self.open = None
        span = self.want.inline("Span")
        space = bool(TStar) and self._break_here()
        span.actual_text = actual + " " if space else actual
        start = len(code)
        code.append(self.tagger.open_tag(self.page, span))
        self.tagger.in_span = True
        try:
            self._text_out(text, 0)
            if space:
                self._text_out(" ", 0)
        finally:
            self.tagger.in_span = False
        code.append("EMC")
        if TStar:
            code.append("T*")
        self.last, self.last_span = None, (mark, state, start, span)

    def _rehome_span(self, link: StructElem) -> None:
        """Move the Span drawn last into `link` (reportlab said the link started with it)."""
        assert self.last_span is not None
        mark, state, start, span = self.last_span
        code = self.tx._code
        run = code[start + 1 :]  # the run's text and its EMC
        del code[mark:]
        self.tagger.undo_tag(self.page, span)
        if span.placed and span.parent is not None and span in span.parent.kids:
            span.parent.kids.remove(span)
        self.open = state
        moved = link.inline("Span")
        moved.actual_text = span.actual_text
        if self.open is not None:
            code.append("EMC")
            self.open = None
        code.append(self.tagger.open_tag(self.page, moved))
        code.extend(run)
        self.last_span = None

    def link_record(self, key: Any, event: str) -> None:
        """Follow reportlab's link starts and ends on a line."""
        if event == "end":
            self.want = self.base
            return
        link = self.link_elem(key)
        self.line_links.append(key)
        self.want = link
        if self.last_span is not None:
            if self.last_span[3].parent is not link:
                self._rehome_span(link)
            return
        if self.last is None or self.open is link:
            return
        mark, state, start, made = self.last  # draw the link's first run again, inside it
        code = self.tx._code
        run = code[start:]
        del code[mark:]
        if made and self.open is not None:
            self.tagger.undo_tag(self.page, self.open)
        self.open = state
        self._switch()
        code.extend(run)
        self.last = None

    def annotation_owner(self) -> StructElem | None:
        """Return the Link element of the annotation reportlab is adding now.

        Reportlab adds a line's link annotations after the line, in the order of the links'
        keys, one per link that appeared on the line.
        """
        if self.sole_link is not None:
            return self.sole_link
        if not self.line_links:
            return None
        key = min(self.line_links)
        self.line_links.remove(key)
        return self.link_elem(key)

    def get_code(self) -> str:
        """Return the text object's code with the last sequence closed."""
        if self.open is not None:
            self.tx._code.append("EMC")
            self.open = None
        if self.tagger.text is self:
            self.tagger.text = None
        return str(self._get_code())


def _has_space(font_name: str) -> bool:
    """Return True when the font draws U+0020 (a symbol font might not: draw no space then)."""
    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    return face is None or 32 in getattr(face, "charToGlyph", {32: 0})


def _link_text(para: Any, key: Any, href: str) -> str:
    """Return a link's description: its visible text, and where it goes."""
    parts: list[str] = []
    for frag in getattr(para, "frags", None) or []:
        if key in (getattr(frag, "link", None) or ()):
            text = getattr(frag, "text", "")
            parts.append(shaped_actual_text(text) or "" if isinstance(text, ShapedStr) else text)
    text = " ".join("".join(parts).split())
    if href.startswith("#"):
        return f"{text} (in this document)" if text else "a place in this document"
    if not text or text == href:
        return href
    return f"{text} ({href})"


def shaped_actual_text(text: ShapedStr) -> str | None:
    """Return the source text of a shaped run (None when it holds no shaped glyphs)."""
    data = getattr(text, "__shapeData__", None) or []
    out: list[str] = []
    run: list[str] = []
    any_shaped = False
    for ch, d in zip(text, data, strict=False):
        if d.cluster == _SIMPLE_CLUSTER:
            if run:
                out.append(shaped_source_text("".join(run)))
                run = []
            out.append(ch)
        else:
            any_shaped = True
            run.append(ch)
    if run:
        out.append(shaped_source_text("".join(run)))
    return "".join(out) if any_shaped else None


def mark_paragraph_text(para: Any, tx: PDFTextObject) -> None:
    """Hook the text object of a paragraph being drawn so its runs are marked."""
    canv = para.canv
    tagger = tagger_of(canv)
    if tagger is None or tagger.artifact_depth:
        return
    elem = getattr(para, "_rg_elem", None)
    if elem is None:
        tagger.fallbacks += 1
        elem = para._rg_elem = tagger.root.child("P")
    TextMarks(tagger, tx, canv._pageNumber, elem, para)


def set_elem(flowable: Any, elem: StructElem) -> Any:
    """Return `flowable`, its content to be marked as `elem`."""
    flowable._rg_elem = elem
    flowable._rg_link_elems = {}  # shared by the parts of a split paragraph
    return flowable


# ---------------------------------------------------------------------- tables and boxes


class TableMarks(TableRenderCB):
    """Marks a table as it draws: backgrounds and rules are artifacts, cells are TH/TD.

    `cells[r][c]` is the element of model row r (row 0 the header) and column c; without
    cells the table only lays out other content (a box): its string and picture cells are
    artifacts and its paragraphs mark themselves. On a continuation page the repeated
    header row is an artifact (the header was read once, on the table's first page).
    """

    def __init__(self, cells: list[list[StructElem]] | None = None) -> None:
        """Mark a data table whose cells are `cells`, or (None) a layout table."""
        self.cells = cells
        self._open: list[str] = []

    def __call__(self, T: Any, cmd: str, *args: Any) -> None:
        """Dispatch one of reportlab's table drawing events."""
        if tagger_of(T.canv) is not None:
            super().__call__(T, cmd, *args)

    def startTable(self, T: Any) -> None:
        """Nothing to mark at the table's start."""

    def endTable(self, T: Any) -> None:
        """Nothing to mark at the table's end."""

    def startRow(self, T: Any, rowNo: int) -> None:
        """Rows have no content of their own."""

    def endRow(self, T: Any) -> None:
        """Rows have no content of their own."""

    def startBG(self, T: Any) -> None:
        """Backgrounds are decoration."""
        _tagger(T).begin_artifact(T.canv)

    def endBG(self, T: Any) -> None:
        """End of the backgrounds."""
        _tagger(T).end_artifact(T.canv)

    def startLines(self, T: Any) -> None:
        """Rules are decoration."""
        _tagger(T).begin_artifact(T.canv)

    def endLines(self, T: Any) -> None:
        """End of the rules."""
        _tagger(T).end_artifact(T.canv)

    def startCell(
        self,
        T: Any,
        rowNo: int,
        colNo: int,
        cellval: Any,
        cellstyle: Any,
        pos: Any,
        size: Any,
    ) -> None:
        """Open the cell's sequence (string cells), or an artifact for decoration."""
        tagger = _tagger(T)
        canv = T.canv
        elem = self._cell(T, rowNo, colNo)
        if elem is None:
            if self.cells is not None or not _is_content(cellval):
                tagger.begin_artifact(canv)
                self._open.append("artifact")
            else:
                self._open.append("")
        elif isinstance(cellval, str) and tagger.begin(canv, elem):
            self._open.append("tag")
        else:
            self._open.append("")

    def endCell(self, T: Any) -> None:
        """Close what the cell opened."""
        what = self._open.pop()
        if what == "artifact":
            _tagger(T).end_artifact(T.canv)
        elif what == "tag":
            T.canv._code.append("EMC")

    def _cell(self, T: Any, row: int, col: int) -> StructElem | None:
        """Return the element of a drawn cell (None: a layout cell or a repeated header)."""
        if self.cells is None:
            return None
        repeat = getattr(T, "repeatRows", 0) or 0
        first = getattr(T, "first_row", 0)
        model_row = (0 if first == 0 else -1) if row < repeat else first + row - repeat + 1
        if not 0 <= model_row < len(self.cells) or col >= len(self.cells[model_row]):
            return None
        return self.cells[model_row][col]


def _tagger(T: Any) -> Tagger:
    """Return the tagger of a table's canvas (the caller checked there is one)."""
    tagger = tagger_of(T.canv)
    assert tagger is not None
    return tagger


def _is_content(cellval: Any) -> bool:
    """Return True when a layout cell holds flowables that mark themselves.

    Strings (empty filler cells) and pictures (the logo) in a layout table are decoration.
    """
    values = cellval if isinstance(cellval, (list, tuple)) else [cellval]
    return not all(v is None or isinstance(v, (str, Image)) for v in values)


# ---------------------------------------------------------------------- other flowables


class RuleFlowable(HRFlowable):
    """A horizontal rule, drawn as an artifact."""

    def draw(self) -> None:
        """Draw the rule as decoration."""
        with artifact(self.canv):
            super().draw()


class FigureFlowable(Flowable):
    """A chart drawing marked as one Figure, its bounding box recorded on the element."""

    def __init__(self, drawing: Flowable, elem: StructElem) -> None:
        """Wrap `drawing` (shared and cached: never changed here) for the element `elem`."""
        self.drawing = drawing
        self._rg_elem = elem
        self.hAlign = getattr(drawing, "hAlign", "LEFT")
        self.vAlign = getattr(drawing, "vAlign", "BOTTOM")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Return the drawing's size."""
        self.width, self.height = self.drawing.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Return [] (a chart moves whole to the next page)."""
        return []

    def getSpaceBefore(self) -> float:
        """Return the drawing's space before."""
        return float(self.drawing.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        """Return the drawing's space after."""
        return float(self.drawing.getSpaceAfter())

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Draw the chart inside the Figure's sequence, noting where it sits on the page."""
        tagger = tagger_of(canvas)
        if tagger is None or tagger.artifact_depth:
            self.drawing.drawOn(canvas, x, y, _sW)
            return
        x0, y0 = canvas.absolutePosition(x, y)
        x1, y1 = canvas.absolutePosition(x + self.width, y + self.height)
        self._rg_elem.attributes = {
            "O": "Layout",
            "BBox": [round(v, 2) for v in (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))],
        }
        with tagger.tagged(canvas, self._rg_elem):
            self.drawing.drawOn(canvas, x, y, _sW)


_original_format_text = PDFTextObject._formatText


def _format_text(self: PDFTextObject, text: str) -> str:
    """Return reportlab's operators for `text`; a shaped run inside a /Span with /ActualText.

    Every shaped run drawn on a tagged canvas gets it: body text, page furniture (inside
    its artifact) and chart labels alike, so text extraction gives the facts' text in
    logical order, not the glyphs' visual order.
    """
    code: str = _original_format_text(self, text)
    tagger = tagger_of(self._canvas)
    if isinstance(text, ShapedStr) and tagger is not None and not tagger.in_span:
        actual = shaped_actual_text(text)
        if actual is not None:
            return f"/Span <</ActualText {pdf_text_string(actual)}>> BDC {code} EMC"
    return code


def install_actual_text() -> None:
    """Make reportlab's text objects give shaped runs their /ActualText (once)."""
    if PDFTextObject._formatText is not _format_text:
        PDFTextObject._formatText = _format_text


_original_bullet_draw = BulletDrawer.drawOn


def _bullet_draw_on(
    self: Any, indenter: Any, canv: Any, x: float, y: float, _sW: float = 0
) -> None:
    """Draw a list bullet or number as the item's Lbl (an artifact if it has none)."""
    tagger = tagger_of(canv)
    if tagger is None:
        _original_bullet_draw(self, indenter, canv, x, y, _sW)
        return
    label = getattr(getattr(indenter, "_flowable", None), "_rg_label", None)
    context = tagger.artifact(canv) if label is None else tagger.tagged(canv, label)
    with context:
        _original_bullet_draw(self, indenter, canv, x, y, _sW)


def install_bullet_marks() -> None:
    """Make reportlab's list bullets draw as labels of their items (once)."""
    if BulletDrawer.drawOn is not _bullet_draw_on:
        BulletDrawer.drawOn = _bullet_draw_on
