"""The DOCX visitor: one method per model node, each appending WordprocessingML elements.

Text from the model only ever becomes `w:t` text (lxml escapes it), so `<font>`, `<img>` or
`&` in a fact stay literal; characters XML cannot hold are dropped first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree

from reportgen import model as m
from reportgen.scripts import FontRun, script_info, theme_chain
from reportgen.theme import Theme
from reportgen.writers.docx import fields, tables
from reportgen.writers.docx import styles as st
from reportgen.writers.docx.links import Anchors, Relationships, is_external
from reportgen.writers.docx.numbering import Numbering
from reportgen.writers.docx.ooxml import NS, PPR_ORDER, W_VAL, clean_text, el, put, qn, sub, twips
from reportgen.writers.docx.package import lang_attributes
from reportgen.writers.docx.runs import PLAIN, RunFormat

_BREAKS = re.compile("([\n\t])")
# With hyphens held, a hyphen inside a word becomes Word's non-breaking hyphen: the PDF
# (reportlab) never breaks a line after a hyphen, Word and LibreOffice would.
_BREAKS_HOLDING = re.compile(r"([\n\t]|(?<=\w)-(?=\w))")

W_R, W_T, W_RPR, W_P, W_PPR = qn("w:r"), qn("w:t"), qn("w:rPr"), qn("w:p"), qn("w:pPr")
W_RSTYLE, W_B, W_BCS, W_I, W_ICS = qn("w:rStyle"), qn("w:b"), qn("w:bCs"), qn("w:i"), qn("w:iCs")
W_RFONTS, W_PSTYLE, W_JC = qn("w:rFonts"), qn("w:pStyle"), qn("w:jc")
W_COLOR, W_SZ, W_SZCS = qn("w:color"), qn("w:sz"), qn("w:szCs")
W_HYPERLINK = qn("w:hyperlink")
XML_SPACE = qn("xml:space")
_JC = {"left": "left", "right": "right", "center": "center", "centre": "center"}


LOGO_HEIGHT_PT = 30.0  # the same height as the PDF's title-block logo


class DocxVisitor:
    """Walk a Document and collect body elements, relationships, numbering and bookmarks."""

    def __init__(
        self, doc: m.Document, theme: Theme, toc_pages: Mapping[str, int] | None = None
    ) -> None:
        self.doc = doc
        self.theme = theme
        self.toc_pages = toc_pages  # bookmark name -> page, when known for sure
        # Title block and key figures break their lines as the PDF does (see _run).
        self.hold_hyphens = False
        page_w_mm, _ = theme.page_mm()
        _, right, _, left = theme.margins_mm
        self.text_width_pt = (page_w_mm - left - right) / 25.4 * 72
        self.anchors = Anchors()
        self.rels = Relationships()
        self.numbering = Numbering(theme.docx_font, theme.palette.accent)
        self.body: list[etree._Element] = []
        self.out: list[etree._Element] = self.body  # where visit_* append (swapped in cells)
        self.box_style: str | None = None  # paragraph style forced inside a callout box
        self.compact = False  # inside a Div of class "compact": lists in small type
        self.drawing_id = 0
        self._heading_marks: dict[int, str] = {}
        self.lang = doc.meta.language  # language of the blocks being visited (Div may change it)
        self.toc_entries: list[tuple[int, str, str]] = []
        self.chain = theme_chain(theme)
        self.fonts_used: dict[str, None] = {theme.docx_font: None}  # for fontTable.xml
        self._dispatch: dict[type, Callable[[Any], None]] = {
            m.Heading: self.visit_heading,
            m.Paragraph: self.visit_paragraph,
            m.BulletList: self.visit_bullet_list,
            m.Table: self.visit_table,
            m.Callout: self.visit_callout,
            m.KeyFigures: self.visit_key_figures,
            m.Figure: self.visit_figure,
            m.TableOfContents: self.visit_table_of_contents,
            m.PageBreak: self.visit_page_break,
            m.Div: self.visit_div,
            m.Columns: self.visit_columns,
        }

    # ------------------------------------------------------------ document

    def run(self) -> list[etree._Element]:
        """Return the body elements of the whole document (title block, then the blocks)."""
        self._collect_anchors(self.doc.blocks)
        self.hold_hyphens = True
        self.title_block(self.doc.meta)
        self.hold_hyphens = False
        for block in self.doc.blocks:
            self.visit(block)
        return self.body

    def visit(self, block: m.Block) -> None:
        """Append the elements of one block to the current container."""
        handler = self._dispatch.get(type(block))
        if handler is None:
            raise TypeError(f"DOCX writer has no rule for {type(block).__name__}")
        handler(block)

    def _collect_anchors(self, blocks: tuple[m.Block, ...]) -> None:
        """Register every anchor first, so citations may point forward to their sources."""
        for block in blocks:
            if isinstance(block, m.Heading):
                anchor = block.id or f"heading-{len(self._heading_marks) + 1}"
                name = self.anchors.add(anchor)
                self._heading_marks[id(block)] = name
                if block.level <= 2:
                    text = clean_text(m.plain_text(block.content)).replace("\n", " ")
                    self.toc_entries.append((block.level, text, name))
            elif isinstance(block, m.BulletList):
                for item in block.items:
                    if item.id:
                        self.anchors.add(item.id)
            elif isinstance(block, (m.Callout, m.Div)):
                self._collect_anchors(block.blocks)
            elif isinstance(block, m.Columns):
                for row in block.rows:
                    self._collect_anchors(tuple(div for div in row))

    def title_block(self, meta: m.Meta) -> None:
        """Append the title block: organisation, title, subtitle, a rule, then date and audience.

        The same order and rule as the PDF's title block, so both read as one house style;
        the theme's logo, when it has one, stands right-aligned above it.
        """
        if self.theme.logo:
            from reportgen.writers.docx.figures import image_paragraph, png_size

            px_w, px_h = png_size(self.theme.logo)
            width = LOGO_HEIGHT_PT * px_w / max(px_h, 1)
            alt = (
                meta.label("organisation_logo", organisation=meta.organisation)
                if meta.organisation
                else meta.label("logo")
            )
            self.out.append(image_paragraph(self, self.theme.logo, width, alt, "logo", jc="right"))
        if meta.organisation:
            self.out.append(self.text_paragraph(st.KICKER, meta.organisation))
        self.out.append(self.text_paragraph(st.TITLE, meta.title))
        if meta.subtitle:
            self.out.append(self.text_paragraph(st.SUBTITLE, meta.subtitle))
        ruled = self.out[-1]
        ppr = ruled.find(W_PPR)
        assert ppr is not None
        bdr = el("w:pBdr")
        sub(bdr, "w:bottom", {"w:val": "single", "w:sz": "12", "w:space": "6",
                              "w:color": self.theme.palette.accent})  # fmt: skip
        ppr.append(bdr)
        ppr.append(el("w:spacing", {"w:after": twips(6)}))
        # As the PDF's title block joins them (writers/pdf/boxes.py), but with en spaces: two
        # spaces in a row are "repeated blank characters" to Word's accessibility checker.
        line = "\u2002·\u2002".join(
            x for x in (meta.date, ", ".join(meta.authors), meta.audience) if x
        )
        if line:
            p = self.text_paragraph(st.TITLE_META, line)
            sub(p.find(W_PPR), "w:spacing", {"w:after": twips(14)})
            self.out.append(p)

    # ------------------------------------------------------------ blocks

    def visit_heading(self, node: m.Heading) -> None:
        """Append a heading in the built-in heading style, wrapped in its bookmark."""
        level = 1 if node.level <= 1 else 2
        p = self.paragraph(st.HEADING[level])
        name = self._heading_marks.get(id(node)) or self.anchors.add(node.id or "heading")
        self.bookmarked(p, name, node.content)
        self.out.append(p)

    def visit_paragraph(self, node: m.Paragraph) -> None:
        """Append a paragraph in its theme style (or the enclosing box's style)."""
        style = self.box_style or st.PARAGRAPH_STYLES.get(node.style or "", st.NORMAL)
        p = self.paragraph(style)
        self.inlines(p, node.content, PLAIN)
        self.out.append(p)

    def visit_bullet_list(self, node: m.BulletList) -> None:
        """Append list paragraphs with real numbering (numPr), bookmarks on anchored items."""
        num_id = self.numbering.new_list(node.ordered, node.start)
        style = st.LIST_NUMBER if node.ordered else st.LIST_BULLET
        if self.compact:
            style = st.COMPACT_LIST
        for index, item in enumerate(node.items):
            p = self.paragraph(style)
            ppr = p[0]
            numpr = sub(ppr, "w:numPr")
            sub(numpr, "w:ilvl", {"w:val": "0"})
            sub(numpr, "w:numId", {"w:val": str(num_id)})
            if self.box_style:
                sub(ppr, "w:shd", {"w:val": "clear", "w:color": "auto",
                                   "w:fill": self.theme.palette.accent_light})  # fmt: skip
            if index == len(node.items) - 1:
                sub(ppr, "w:spacing", {"w:after": twips(self.theme.spacing.block_after)})
            anchor = self.anchors.get(item.id) if item.id else None
            if anchor:
                self.bookmarked(p, anchor, item.content)
            else:
                self.inlines(p, item.content, PLAIN)
            self.out.append(p)

    def visit_table(self, node: m.Table) -> None:
        """Append a table's caption and the table (see tables.py)."""
        self.out.extend(tables.data_table(self, node))

    def visit_callout(self, node: m.Callout) -> None:
        """Append a callout as shaded/ruled paragraphs, or a boxed cell if it holds more."""
        style = st.CALLOUT_STYLES.get(node.kind, st.SUMMARY)
        if all(isinstance(b, m.Paragraph) for b in node.blocks):
            self._paragraph_box(node, style)
        else:
            self.out.extend(tables.box_table(self, node, style))

    def _paragraph_box(self, node: m.Callout, style: str) -> None:
        """Append the callout's title and paragraphs in the box style (borders merge)."""
        outer, self.box_style = self.box_style, style
        first = len(self.out)
        if node.title:
            p = self.paragraph(style, keep_next=True)
            self.inlines(p, node.title, PLAIN.but(bold=True))
            self.out.append(p)
        for block in node.blocks:
            self.visit(block)
        self.box_style = outer
        box = self.out[first:]
        # A short box stays on one page; a long one may flow on, but never leaves its first
        # paragraph alone at the foot of a page. No paragraph of a box splits.
        together = len(box) if len(box) <= 4 else 2
        for index, p in enumerate(box):
            put(p[0], "w:keepLines", PPR_ORDER)
            if index < together - 1:
                put(p[0], "w:keepNext", PPR_ORDER)
        if node.kind != "note":
            self.out.append(self.spacer(self.theme.spacing.block_after))

    def visit_key_figures(self, node: m.KeyFigures) -> None:
        """Append the highlight box: a title, then a grid of shaded key-figure cells."""
        if node.title:
            p = self.paragraph(st.KF_TITLE)
            self.inlines(p, node.title, PLAIN)
            self.out.append(p)
        self.hold_hyphens = True
        self.out.extend(tables.key_figures(self, node))
        self.hold_hyphens = False
        self.out.append(self.spacer(self.theme.spacing.block_after))

    def visit_figure(self, node: m.Figure) -> None:
        """Append the chart (a native Word chart, else a picture; with alt text), its caption.

        The budget chart is a native chart unless the theme asks for pictures (`docx.charts:
        picture`) or python-pptx is missing; the timeline is always a picture, since no Word
        chart type draws dated milestones with their labels.
        """
        from reportgen.writers.docx import nativecharts
        from reportgen.writers.docx.figures import chart_paragraph, chart_png, picture_paragraph

        native = (
            isinstance(node.chart, m.BarChart)
            and bool(node.chart.bars)
            and self.theme.docx_charts == "native"
            and nativecharts.available()
        )
        if native:
            part = nativecharts.bar_chart_part(
                node.chart, self.theme, self.text_width_pt, self.lang
            )
            self.out.append(chart_paragraph(self, part, self.text_width_pt, node))
        else:
            png = chart_png(node.chart, self.theme, self.text_width_pt)
            if png is not None:
                self.out.append(picture_paragraph(self, png, self.text_width_pt, node))
        p = self.paragraph(st.CAPTION)
        self.inlines(p, node.caption, PLAIN)
        self.out.append(p)

    def visit_table_of_contents(self, node: m.TableOfContents) -> None:
        """Append a "Contents" heading and a TOC field over heading levels 1-2."""
        meta = self.doc.meta
        self.out.append(self.text_paragraph(st.TOC_HEADING, meta.label("contents")))
        self.out.extend(
            fields.toc_paragraphs(
                self.toc_entries, meta.label("toc_update"), self.toc_pages, self.text_runs
            )
        )

    def visit_page_break(self, node: m.PageBreak) -> None:
        """Append a page break."""
        self.out.append(fields.page_break())

    def visit_div(self, node: m.Div) -> None:
        """Append the blocks of a Div, their runs tagged with its language when it has one."""
        outer, compact = self.lang, self.compact
        self.lang = node.attr.lang or outer
        self.compact = compact or "compact" in node.attr.classes
        try:
            for block in node.blocks:
                self.visit(block)
        finally:
            self.lang, self.compact = outer, compact

    def visit_columns(self, node: m.Columns) -> None:
        """Append side-by-side columns as a borderless table, one row per row of Divs."""
        self.out.extend(tables.columns_table(self, node))

    # ------------------------------------------------------------ paragraphs

    def paragraph(self, style: str, jc: str | None = None, keep_next: bool = False) -> Any:
        """Return a new `w:p` with its style (and alignment) set, not yet placed."""
        p = etree.Element(W_P)
        ppr = etree.SubElement(p, W_PPR)
        etree.SubElement(ppr, W_PSTYLE).set(W_VAL, style)
        if keep_next:
            etree.SubElement(ppr, qn("w:keepNext"))
        if jc and jc != "left":
            etree.SubElement(ppr, W_JC).set(W_VAL, _JC.get(jc, "left"))
        return p

    def text_paragraph(self, style: str, text: str) -> Any:
        """Return a paragraph of plain text in `style`."""
        p = self.paragraph(style)
        self.text(p, text, PLAIN)
        return p

    def spacer(self, points: float) -> Any:
        """Return an empty paragraph `points` tall, to separate boxes from what follows."""
        p = etree.Element(W_P)
        ppr = etree.SubElement(p, W_PPR)
        sub(ppr, "w:spacing", {"w:before": "0", "w:after": "0", "w:line": twips(points),
                               "w:lineRule": "exact"})  # fmt: skip
        return p

    def bookmarked(self, p: Any, name: str, content: tuple[m.Inline, ...]) -> None:
        """Append `content` to `p` between the start and end of bookmark `name`."""
        ident = self.anchors.next_id()
        sub(p, "w:bookmarkStart", {"w:id": ident, "w:name": name})
        self.inlines(p, content, PLAIN)
        sub(p, "w:bookmarkEnd", {"w:id": ident})

    # ------------------------------------------------------------ inlines

    def inlines(self, parent: Any, nodes: tuple[m.Inline, ...], fmt: RunFormat) -> None:
        """Append runs (and hyperlinks) for inline content to a paragraph or hyperlink."""
        for node in nodes:
            kind = type(node)
            if kind is m.Text:
                self.text(parent, node.text, fmt)  # type: ignore[union-attr]
            elif kind is m.Strong:
                self.inlines(parent, node.children, fmt.but(bold=True))  # type: ignore
            elif kind is m.Emph:
                self.inlines(parent, node.children, fmt.but(italic=True))  # type: ignore
            elif kind is m.Link:
                self.link(parent, node, fmt)  # type: ignore[arg-type]
            elif kind is m.Cite:
                self.cite(parent, node, fmt)  # type: ignore[arg-type]
            elif kind is m.LineBreak:
                etree.SubElement(etree.SubElement(parent, W_R), qn("w:br"))
            elif kind is m.Span:
                lang = node.attr.lang or fmt.lang  # type: ignore[union-attr]
                self.inlines(parent, node.children, fmt.but(lang=lang))  # type: ignore

    def link(self, parent: Any, node: m.Link, fmt: RunFormat) -> None:
        """Append a live link for http(s)/mailto, an internal link for `#id`, else plain text."""
        url = clean_text(node.url.strip())
        if parent.tag == W_HYPERLINK:  # Word cannot nest links: keep the outer one
            self.inlines(parent, node.children, fmt)
            return
        if is_external(url):
            h = sub(parent, "w:hyperlink", {"r:id": self.rels.link(url), "w:history": "1"})
        elif url.startswith("#") and self.anchors.get(url[1:]):
            h = sub(parent, "w:hyperlink", {"w:anchor": self.anchors.get(url[1:]) or ""})
        else:
            self.inlines(parent, node.children, fmt)
            return
        link_fmt = fmt.but(style=st.HYPERLINK, color=self.theme.palette.link)
        self.inlines(h, node.children, link_fmt)

    def cite(self, parent: Any, node: m.Cite, fmt: RunFormat) -> None:
        """Append "[n]" linked to the source's bookmark (plain when the source is not listed)."""
        target = self.anchors.get(f"src-{node.source_id}")
        nested = parent.tag == W_HYPERLINK
        holder = (
            sub(parent, "w:hyperlink", {"w:anchor": target}) if target and not nested else parent
        )
        cite_fmt = fmt.but(style=st.CITATION, color=self.theme.palette.link)
        self.text(holder, f"[{node.number}]", cite_fmt)

    def text_runs(self, parent: Any, text: str) -> None:
        """Append the runs of a plain text (fonts per script, w:lang) to `parent`."""
        self.text(parent, text, PLAIN)

    def runs_xml(self, text: str) -> str:
        """Return the runs of a plain text as XML, for the header and footer parts."""
        holder = etree.Element(W_P, nsmap={"w": NS["w"]})
        self.text(holder, text, PLAIN)
        declared = f' xmlns:w="{NS["w"]}"'  # the part's root declares it once
        return "".join(
            etree.tostring(run, encoding="unicode").replace(declared, "") for run in holder
        )

    def text(self, parent: Any, text: str, fmt: RunFormat) -> None:
        """Append runs of literal text; a run the body font cannot set names its own font."""
        text = clean_text(text)
        if not text:
            return
        runs = self.chain.runs(text)
        if len(runs) == 1 and runs[0].primary:
            self._run(parent, text, fmt, None)
            return
        for run in runs:
            if not run.primary:
                self.fonts_used[run.family] = None
            self._run(parent, run.text, fmt, None if run.primary else run)

    def _run(self, parent: Any, text: str, fmt: RunFormat, font: FontRun | None) -> None:
        """Append one `w:r`; newlines and tabs become `w:br` and `w:tab`.

        A run in a fallback font names it in every font slot: Word sets Indic text from the
        complex-script slot (w:cs), symbols from the others. A run gets `w:lang` when its
        language differs from the document's (a Div or Span in another language) and on
        Indic text, whose script's language goes in w:bidi when the run's language does not
        say one (so Word proofs it in the right language).
        """
        r = etree.SubElement(parent, W_R)
        lang = fmt.lang or self.lang
        info = script_info(font.script) if font else None
        if font and (info is None or info.lang is None):
            # punctuation of a script ("।") set in that script's font: the font's language
            fallback = self.chain.fallback_of(font.path)
            scripts = fallback.scripts if fallback else ()
            info = script_info(scripts[0]) if scripts else info
        indic = info is not None and info.lang is not None
        tagged = indic or lang != self.doc.meta.language
        if fmt.style or fmt.bold or fmt.italic or tagged or font or fmt.color or fmt.size:
            rpr = etree.SubElement(r, W_RPR)
            if fmt.style:
                etree.SubElement(rpr, W_RSTYLE).set(W_VAL, fmt.style)
            if font:
                fonts = etree.SubElement(rpr, W_RFONTS)
                for slot in ("w:ascii", "w:hAnsi", "w:cs"):
                    fonts.set(qn(slot), font.family)
            if fmt.bold:
                etree.SubElement(rpr, W_B)
                etree.SubElement(rpr, W_BCS)
            if fmt.italic:
                etree.SubElement(rpr, W_I)
                etree.SubElement(rpr, W_ICS)
            if fmt.color:
                etree.SubElement(rpr, W_COLOR).set(W_VAL, fmt.color)
            if fmt.size:
                half = str(round(fmt.size * 2))
                etree.SubElement(rpr, W_SZ).set(W_VAL, half)
                etree.SubElement(rpr, W_SZCS).set(W_VAL, half)
            if tagged:
                attrs = lang_attributes(lang)
                if indic and info and "w:bidi" not in attrs:
                    attrs["w:bidi"] = info.lang or ""  # Indic text quoted in a Latin-script text
                sub(rpr, "w:lang", attrs)
        held = self.hold_hyphens and "-" in text
        if "\n" in text or "\t" in text or held:
            for piece in (_BREAKS_HOLDING if held else _BREAKS).split(text):
                if piece == "\n":
                    etree.SubElement(r, qn("w:br"))
                elif piece == "\t":
                    etree.SubElement(r, qn("w:tab"))
                elif piece == "-":
                    etree.SubElement(r, qn("w:noBreakHyphen"))
                elif piece:
                    t = etree.SubElement(r, W_T)
                    t.text = piece
                    t.set(XML_SPACE, "preserve")
            return
        t = etree.SubElement(r, W_T)
        t.text = text
        if text[0] == " " or text[-1] == " " or "  " in text:  # else Word may trim spaces
            t.set(XML_SPACE, "preserve")
