"""Inline content (text, strong, emphasis, links, citations) as reportlab Paragraph markup.

This is the one place where model text meets markup: every string goes through
`escape_text`, every attribute through `quote_attribute`, and the only tags are ones this
module writes itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.errors import GlyphError
from reportgen.model import Cite, Emph, Inline, LineBreak, Link, Span, Strong, Text
from reportgen.scripts import describe
from reportgen.writers.pdf.fonts import FontSet
from reportgen.writers.pdf.safety import clean_text, escape_text, link_target, quote_attribute


@dataclass(frozen=True)
class Markup:
    """Paragraph markup and whether it holds a shaping script (the paragraph must be shaped)."""

    text: str
    shaped: bool


class InlineRenderer:
    """Turns inline nodes into Paragraph markup for one document (its anchors, its fonts)."""

    def __init__(self, fonts: FontSet, anchors: frozenset[str], link_colour: str) -> None:
        """Set up for a document whose anchor ids are `anchors`."""
        self.fonts = fonts
        self.anchors = anchors
        self.link_colour = link_colour

    def markup(self, inlines: tuple[Inline, ...], bold: bool = False) -> Markup:
        """Return the markup of `inlines`; `bold` when the whole run is set bold."""
        parts: list[str] = []
        shaped = self._render(inlines, parts, bold, False)
        return Markup("".join(parts), shaped)

    def text(self, text: str, bold: bool = False) -> Markup:
        """Return the markup of one plain string."""
        return self.markup((Text(text),), bold)

    def _render(
        self, inlines: tuple[Inline, ...], out: list[str], bold: bool, italic: bool
    ) -> bool:
        """Append the markup of `inlines` to `out`; return True if it needs shaping."""
        shaped = False
        for node in inlines:
            if isinstance(node, Text):
                shaped = self._text(node.text, out, bold) or shaped
            elif isinstance(node, Strong):
                out.append("<b>")
                shaped = self._render(node.children, out, True, italic) or shaped
                out.append("</b>")
            elif isinstance(node, Emph):
                out.append("<i>")
                shaped = self._render(node.children, out, bold, True) or shaped
                out.append("</i>")
            elif isinstance(node, Link):
                shaped = self._link(node, out, bold, italic) or shaped
            elif isinstance(node, Cite):
                self._cite(node, out)
            elif isinstance(node, LineBreak):
                out.append("<br/>")
            elif isinstance(node, Span):
                # the span's language is for the tagging layer; its text draws like any other
                shaped = self._render(node.children, out, bold, italic) or shaped
        return shaped

    def _text(self, text: str, out: list[str], bold: bool) -> bool:
        """Append escaped `text`, each script run in its font; return whether any is shaped.

        A fallback font is named by its face file: `<font face>` sets exactly that face,
        so bold text (inside `<b>` or in a bold style) names the bold file.
        """
        if text.isascii():
            out.append(escape_text(text))
            return False
        text = clean_text(text)
        missing = self.fonts.chain.missing(text)
        if missing:  # facts are checked on load; this catches text a template added
            named = ", ".join(describe(ch) for ch in missing)
            raise GlyphError(f"no font of the theme draws {named}, in the text {text[:80]!r}")
        runs = self.fonts.chain.runs(text)
        if len(runs) == 1 and runs[0].primary:
            out.append(escape_text(text))
            return False
        shaped = False
        for run in runs:
            if run.primary:
                out.append(escape_text(run.text))
                continue
            font = self.fonts.chain.fallback_of(run.path)
            path = font.bold if font and bold else run.path
            face = self.fonts.face(path, shaped=run.shaped)
            out.append(f"<font face={quote_attribute(face)}>{escape_text(run.text)}</font>")
            shaped = shaped or run.shaped
        return shaped

    def _link(self, node: Link, out: list[str], bold: bool, italic: bool) -> bool:
        """Append a live link for safe URLs, else the link's text alone; return shaping."""
        href = link_target(node.url, self.anchors)
        if href is None:
            return self._render(node.children, out, bold, italic)
        out.append(f"<a href={quote_attribute(href)} color={quote_attribute(self.link_colour)}>")
        shaped = self._render(node.children, out, bold, italic)
        out.append("</a>")
        return shaped

    def _cite(self, node: Cite, out: list[str]) -> None:
        """Append `[n]`, a live link to the source when the source list has its anchor."""
        label = f"[{int(node.number)}]"
        anchor = f"src-{node.source_id}"
        if anchor in self.anchors:
            href = quote_attribute(f"#{anchor}")
            colour = quote_attribute(self.link_colour)
            out.append(f"<a href={href} color={colour}>{label}</a>")
        else:
            out.append(label)
