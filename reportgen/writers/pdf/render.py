"""Render a Document to PDF bytes: page template, flowables from the visitor, one build."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus.doctemplate import LayoutError as RLLayoutError
from reportlab.platypus.flowables import Flowable

from reportgen.errors import LayoutError
from reportgen.model import Document
from reportgen.theme import Theme, default_theme
from reportgen.writers.pdf.boxes import title_block
from reportgen.writers.pdf.fonts import install_shaping_filter
from reportgen.writers.pdf.inlines import InlineRenderer
from reportgen.writers.pdf.keep import keep_headings_with_next
from reportgen.writers.pdf.marking import Tagger
from reportgen.writers.pdf.page import BriefDocTemplate
from reportgen.writers.pdf.pdfa import EmbeddedFile, write_archival_parts
from reportgen.writers.pdf.structure import StructElem
from reportgen.writers.pdf.styles import theme_styles
from reportgen.writers.pdf.tables import BriefTable
from reportgen.writers.pdf.tagging import link_descriptions, tag_title_block, tagged_canvas_maker
from reportgen.writers.pdf.tounicode import document_text_map
from reportgen.writers.pdf.visitor import PdfVisitor, document_anchors

_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")

_default_theme: Theme | None = None


def _theme(theme: Theme | None) -> Theme:
    """Return `theme`, or the house theme (built once)."""
    global _default_theme
    if theme is not None:
        return theme
    if _default_theme is None:
        _default_theme = default_theme()
    return _default_theme


class _TrackingDocTemplate(BriefDocTemplate):
    """The brief's template, remembering the flowable being placed (for error messages)."""

    current: Flowable | None = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if flowables:
            self.current = flowables[0]
        super().handle_flowable(flowables)


@dataclass(frozen=True)
class PdfLayout:
    """A rendered PDF, its page count, and the room each part of the brief took."""

    data: bytes
    pages: int
    room: tuple[tuple[str, float], ...]  # (part's level-1 heading, pages it filled), largest first


def render_pdf(
    doc: Document, theme: Theme | None = None, attachments: Sequence[EmbeddedFile] = ()
) -> tuple[bytes, int]:
    """Return the PDF of `doc` as bytes and its number of pages.

    `attachments` are carried inside the PDF as associated files of the document (the facts
    a brief was built from, /AFRelationship /Source). Raises reportgen.errors.LayoutError
    when content cannot be laid out (a table cell taller than a page). The same Document,
    theme and attachments always give the same bytes.
    """
    layout = render_pdf_layout(doc, theme, attachments)
    return layout.data, layout.pages


def render_pdf_layout(
    doc: Document, theme: Theme | None = None, attachments: Sequence[EmbeddedFile] = ()
) -> PdfLayout:
    """Return the PDF of `doc` with its page count and the room its parts took (see render_pdf)."""
    theme = _theme(theme)
    install_shaping_filter()
    styles = theme_styles(theme)
    meta = doc.meta
    buffer = io.BytesIO()
    template = _TrackingDocTemplate(
        buffer,
        theme,
        meta,
        styles,
        title=meta.title,
        author="; ".join(meta.authors) or meta.organisation or None,
        subject=meta.subject or meta.subtitle or None,
        keywords=list(meta.keywords),
        creator="reportgen",
        lang=meta.language or None,
        invariant=1,
        displayDocTitle=1,
    )
    renderer = InlineRenderer(styles.fonts, document_anchors(doc.blocks), styles.colours.link_hex)
    structure = StructElem("Document", lang=meta.language or None)
    tagger = Tagger(structure, link_descriptions(doc.blocks))
    visitor = PdfVisitor(theme, styles, renderer, template.width, structure)

    def finish(canv: Any) -> None:
        write_archival_parts(canv, meta.language or "en", tuple(attachments))

    story = title_block(meta, renderer, styles, template.width, theme.logo)
    story = tag_title_block(story, structure)
    story += keep_headings_with_next(visitor.visit_blocks(doc.blocks))
    try:
        with document_text_map():
            template.build(story, canvasmaker=tagged_canvas_maker(tagger, finish))
    except RLLayoutError as exc:
        raise LayoutError(_layout_message(template, exc)) from None
    data = buffer.getvalue()
    canvas = template.canv
    pages = getattr(canvas, "pages_counted", 0) or pdf_page_count(data)
    room = sorted(template.room.items(), key=lambda item: -item[1])
    return PdfLayout(data, pages, tuple((part, h / template.height) for part, h in room))


def write_pdf(
    doc: Document, theme: Theme | None = None, attachments: Sequence[EmbeddedFile] = ()
) -> bytes:
    """Return the PDF of `doc` as bytes (see render_pdf)."""
    return render_pdf(doc, theme, attachments)[0]


def pdf_page_count(data: bytes) -> int:
    """Return the number of pages of a PDF written by this writer (counts its page objects)."""
    return len(_PAGE_OBJECT.findall(data))


def _layout_message(template: _TrackingDocTemplate, exc: Exception) -> str:
    """Return a message saying which content could not be laid out, and what to do."""
    flow = template.current
    page_height = template.height
    if isinstance(flow, BriefTable):
        heights = getattr(flow, "_rowHeights", None) or []
        for i, h in enumerate(heights):
            if h is not None and h > page_height and i >= flow.repeatRows:
                row = flow.first_row + i - flow.repeatRows + 1
                return (
                    f"{flow.label}, row {row}: a cell is {h:.0f} pt tall, more than the "
                    f"{page_height:.0f} pt a page holds; shorten the cell or split it into rows"
                )
        return (
            f"{flow.label} cannot be laid out: a row is taller than a page "
            f"({page_height:.0f} pt); shorten its cells or split them into rows"
        )
    return f"content cannot be laid out on a {page_height:.0f} pt page: {str(exc)[:200]}"
