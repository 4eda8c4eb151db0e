"""The visitor over the document model: one `visit_<node>` per block type, each returning
the flowables that draw it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable

from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import ListItem as RLListItem
from reportlab.platypus.flowables import BalancedColumns

from reportgen import model
from reportgen.model import Block, plain_text
from reportgen.theme import Theme
from reportgen.writers.pdf.boxes import callout_box, key_figures_box
from reportgen.writers.pdf.inlines import InlineRenderer
from reportgen.writers.pdf.marking import FigureFlowable, set_elem
from reportgen.writers.pdf.paragraphs import WrapOnceParagraph
from reportgen.writers.pdf.safety import clean_text, quote_attribute
from reportgen.writers.pdf.structure import StructElem, heading_role
from reportgen.writers.pdf.styles import Styles
from reportgen.writers.pdf.tables import build_table
from reportgen.writers.pdf.tagging import tag_key_figures, tag_layout, tag_list, tag_table

_ANCHOR_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def document_anchors(blocks: Iterable[Block]) -> frozenset[str]:
    """Return every anchor id the document defines (headings and list items)."""
    found: set[str] = set()
    for block in blocks:
        if isinstance(block, model.Heading) and block.id:
            found.add(block.id)
        elif isinstance(block, model.BulletList):
            found.update(item.id for item in block.items if item.id)
        elif isinstance(block, (model.Callout, model.Div)):
            found |= document_anchors(block.blocks)
        elif isinstance(block, model.Columns):
            for row in block.rows:
                found |= document_anchors(row)
    return frozenset(a for a in found if _ANCHOR_ID.fullmatch(a))


_UNSPLIT_LINES = 4  # a paragraph this short moves whole to the next page rather than split


class BodyParagraph(WrapOnceParagraph):
    """A paragraph that splits across pages only when it is longer than four lines.

    With widows and orphans already barred, a short paragraph would split two and two at
    best; moving it whole reads better.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Return the two parts of a long paragraph, or [] to move a short one whole."""
        if not hasattr(self, "blPara"):
            self.wrap(availWidth, availHeight)
        if len(getattr(self.blPara, "lines", ())) <= _UNSPLIT_LINES:
            return []
        parts: list[Flowable] = super().split(availWidth, availHeight)
        return parts


class HeadingParagraph(WrapOnceParagraph):
    """A heading paragraph carrying its outline entry (title, destination key, level)."""

    outline_entry: tuple[str, str, int] | None = None


class PdfVisitor:
    """Walks a Document's blocks and returns reportlab flowables for each.

    Each flowable is given the structure element of its node, made under `structure` (the
    Document element) in reading order: the tagging layer marks content with it as it draws.
    """

    def __init__(
        self,
        theme: Theme,
        styles: Styles,
        renderer: InlineRenderer,
        width: float,
        structure: StructElem | None = None,
    ) -> None:
        """Prepare to lay out blocks in a frame `width` points wide."""
        self.theme = theme
        self.styles = styles
        self.renderer = renderer
        self.width = width
        self.headings = 0
        self.tables = 0
        self.parent = structure if structure is not None else StructElem("Document")
        self.heading_level = 0  # the last heading's tag level (levels never skip)
        self.compact = False  # inside a Div of class "compact": lists small, in two columns

    def visit_blocks(self, blocks: Iterable[Block], width: float | None = None) -> list[Flowable]:
        """Return the flowables of `blocks` in order."""
        saved = self.width
        if width is not None:
            self.width = width
        out: list[Flowable] = []
        for block in blocks:
            method = getattr(self, f"visit_{_snake(type(block).__name__)}", None)
            if method is not None:
                out.extend(method(block))
        self.width = saved
        return out

    def _para(self, inlines: tuple[model.Inline, ...], style: str, prefix: str = "") -> Paragraph:
        """Return a paragraph of `inlines` in `style`, shaped when it holds Devanagari."""
        markup = self.renderer.markup(inlines, self.styles.is_bold(style))
        return BodyParagraph(prefix + markup.text, self.styles.get(style, markup.shaped))

    def _anchor(self, anchor: str | None) -> str:
        """Return the markup of a link destination named `anchor` ('' when none)."""
        if anchor and anchor in self.renderer.anchors:
            return f"<a name={quote_attribute(anchor)}/>"
        return ""

    # ------------------------------------------------------------------ blocks

    def visit_heading(self, node: model.Heading) -> list[Flowable]:
        """Return a heading kept with what follows, with an anchor and an outline entry."""
        self.headings += 1
        level = 1 if node.level <= 1 else 2
        key = node.id if node.id and node.id in self.renderer.anchors else f"rg-h{self.headings}"
        markup = self.renderer.markup(node.content, bold=True)
        heading = HeadingParagraph(
            f"<a name={quote_attribute(key)}/>{markup.text}",
            self.styles.get(f"h{level}", markup.shaped),
        )
        heading.outline_entry = (clean_text(plain_text(node.content)), key, node.level - 1)
        heading.keep_with_next = True  # grouped with the next block by keep.py
        role, self.heading_level = heading_role(node.level, self.heading_level)
        return [set_elem(heading, self.parent.child(role))]

    def visit_paragraph(self, node: model.Paragraph) -> list[Flowable]:
        """Return a body paragraph (or one in the theme style it names)."""
        style = node.style if node.style in self.styles.para else "body"
        return [set_elem(self._para(node.content, style), self.parent.child("P"))]

    def visit_bullet_list(self, node: model.BulletList) -> list[Flowable]:
        """Return a bulleted or numbered list; items with ids become link destinations."""
        if not node.items:
            return []
        c = self.styles.colours
        style = "small" if self.compact else "list_item"
        items = [
            RLListItem(self._para(item.content, style, self._anchor(item.id)))
            for item in node.items
        ]
        body = self.styles.para["body"]
        size = self.styles.para[style].fontSize
        common = dict(
            leftIndent=(16 if not node.ordered else 20) * size / body.fontSize,
            bulletFontName=self.styles.fonts.regular
            if not node.ordered
            else self.styles.fonts.bold,
            bulletFontSize=size,
            bulletColor=c.accent,
            spaceAfter=1.0 if self.compact else body.spaceAfter + 2,
        )
        if node.ordered:
            flow = ListFlowable(
                items, bulletType="1", start=node.start, bulletFormat="%s.", **common
            )
        else:
            flow = ListFlowable(items, bulletType="bullet", start="•", **common)
        tag_list(flow, node, self.parent)
        if self.compact:
            # balanced: the first column reads down to its foot, then the second; the
            # columns take the list's laid-out items (LIIndenters with their numbers)
            columns = BalancedColumns(list(flow._content), nCols=2, innerPadding=12)
            columns.spaceAfter = body.spaceAfter
            return [columns]
        return [flow]

    def visit_table(self, node: model.Table) -> list[Flowable]:
        """Return the table and its caption (caption above, kept with the table's start)."""
        if not node.header and not any(node.rows):
            return []
        self.tables += 1
        elem = self.parent.child("Table")
        table = build_table(node, self.renderer, self.styles, self.width, self.tables)
        out: list[Flowable] = []
        if node.caption:
            caption = self._para(node.caption, "callout_title")
            caption.keep_with_next = True  # grouped with the table by keep.py
            out.append(set_elem(caption, elem.child("Caption")))
        tag_table(table, node, elem)
        table.spaceAfter = self.styles.para["body"].spaceAfter + 4
        return [*out, table]

    def visit_callout(self, node: model.Callout) -> list[Flowable]:
        """Return a set-apart box (summary, executive, note) holding the callout's blocks."""
        inner_width = self.width - 20
        content: list[Flowable] = []
        outer = self.parent
        self.parent = outer.child("Sect")
        if node.title:
            content.append(
                set_elem(self._para(node.title, "callout_title"), self.parent.child("P"))
            )
        for flow in self.visit_blocks(node.blocks, inner_width):
            if isinstance(flow, Paragraph) and flow.style.name in ("body", "body-shaped"):
                flow.style = self.styles.get("callout_body", "shaped" in flow.style.name)
            content.append(flow)
        self.parent = outer
        return [tag_layout(callout_box(node.kind, content, self.styles, self.width))]

    def visit_key_figures(self, node: model.KeyFigures) -> list[Flowable]:
        """Return the key figures as a row of boxes."""
        if not node.items:
            return []
        box = key_figures_box(node, self.renderer, self.styles, self.width)
        tag_key_figures(box, node, self.parent)
        return [box]

    def visit_figure(self, node: model.Figure) -> list[Flowable]:
        """Return the chart drawing and its caption, kept together."""
        try:
            # Imported late: only briefs with figures pay for it (and it may be absent).
            charts = importlib.import_module("reportgen.writers.charts")
        except ImportError:
            placeholder = self.renderer.text(f"[{node.alt}]")
            drawing: Flowable = WrapOnceParagraph(placeholder.text, self.styles.get("note"))
            set_elem(drawing, self.parent.child("P"))
        else:
            chart = charts.drawing(node.chart, self.theme, self.width)
            # reportlab starts a drawing in Helvetica, an unembedded font: start in ours.
            chart.initialFontName = self.styles.fonts.regular
            chart.initialFontSize = self.styles.para["small"].fontSize
            drawing = FigureFlowable(chart, self.parent.child("Figure", alt=node.alt))
        caption = set_elem(self._para(node.caption, "caption"), self.parent.child("Caption"))
        return [
            KeepTogether([drawing, caption]),
            Spacer(1, self.styles.para["body"].spaceAfter + 6),
        ]

    def visit_table_of_contents(self, node: model.TableOfContents) -> list[Flowable]:
        """Return nothing: the PDF's bookmarks are its table of contents."""
        return []

    def visit_page_break(self, node: model.PageBreak) -> list[Flowable]:
        """Return a page break."""
        return [PageBreak()]

    def visit_div(self, node: model.Div, width: float | None = None) -> list[Flowable]:
        """Return the flowables of the Div's blocks, tagged as a Div in its language."""
        outer = self.parent
        lang = node.attr.lang
        inherited = next((e.lang for e in _ancestry(outer) if e.lang), None)
        self.parent = outer.child("Div", lang=lang if lang and lang != inherited else None)
        compact, self.compact = self.compact, self.compact or "compact" in node.attr.classes
        flows = self.visit_blocks(node.blocks, width)
        self.parent, self.compact = outer, compact
        return flows

    def visit_columns(self, node: model.Columns) -> list[Flowable]:
        """Return side-by-side columns: a borderless table, one row per row of Divs.

        A row does not split across pages, so a block stays level with its counterpart.
        """
        count = max((len(row) for row in node.rows), default=0)
        if count == 0:
            return []
        gap = 14.0
        col_w = (self.width - gap * (count - 1)) / count
        data = [
            [_unkept(self.visit_div(row[i], col_w)) if i < len(row) else "" for i in range(count)]
            for row in node.rows
        ]
        grid = tag_layout(
            Table(
                data,
                colWidths=[col_w + gap] * (count - 1) + [col_w],
                style=TableStyle(
                    [
                        # an empty filler cell still sets a font: ours (embedded), not Helvetica
                        ("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-2, -1), gap),
                        ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                        ("TOPPADDING", (0, 0), (-1, -1), 0),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ]
                ),
            )
        )
        return [grid]


def _ancestry(elem: StructElem | None) -> list[StructElem]:
    """Return `elem` and its ancestors, nearest first."""
    out = []
    while elem is not None:
        out.append(elem)
        elem = elem.parent
    return out


def _unkept(flowables: list[Flowable]) -> list[Flowable]:
    """Return flowables with KeepTogether groups opened (a table cell never splits anyway,
    and KeepTogether cannot measure itself inside one)."""
    out: list[Flowable] = []
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            out.extend(_unkept(list(flowable._content)))
        else:
            out.append(flowable)
    return out


def _snake(name: str) -> str:
    """Return a CamelCase class name in snake_case ("KeyFigures" -> "key_figures")."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
