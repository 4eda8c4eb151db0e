"""Paragraphs that break their lines once (per width, and across page splits), and mark
their text when drawn."""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import _processed_frags

from reportgen.writers.pdf.marking import mark_paragraph_text

# Widths closer than this are the same width (layout passes floats around).
_SAME_WIDTH = 1e-6


class WrapOnceParagraph(Paragraph):
    """A paragraph that breaks its lines once per width, and never again after a split.

    Layout asks a paragraph its height several times at the same width (keeping headings
    with what follows, then placing it, then splitting it); the line breaks depend only on
    the width, so later asks reuse the first answer. That is a third of the PDF's time.

    A paragraph longer than a page is split at each page end, and reportlab breaks the
    remainder's lines all over again: a paragraph of n pages was broken n times, so the time
    grew with the square of its length (a 128 KB title took 16 s). The remainder here takes
    over the lines already broken, so a paragraph's lines are broken once, whatever its length.
    """

    _wrapped_width: float | None = None
    _inherited: tuple[float, Any, int] | None = None  # (line width, broken lines, first line)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Return (width, height) at `availWidth`, breaking lines only for a new width."""
        if self._wrapped_width == availWidth and hasattr(self, "blPara"):
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size

    def breakLines(self, width: Any) -> Any:
        """Return the broken lines; a split's remainder reuses its parent's at the same width."""
        inherited, self._inherited = self._inherited, None
        if inherited is not None:
            line_width, parent_lines, start = inherited
            widths = width if isinstance(width, (list, tuple)) else [width]
            if all(abs(w - line_width) < _SAME_WIDTH for w in widths):
                return parent_lines.clone(lines=parent_lines.lines[start:])
        return super().breakLines(width)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Return the parts of a split paragraph, each marked as the same element.

        The remainder is primed with the lines already broken (see the class docstring).
        """
        parts: list[Flowable] = super().split(availWidth, availHeight)
        for name in ("_rg_elem", "_rg_label", "_rg_link_elems"):
            value = self.__dict__.get(name)
            if value is not None:
                for part in parts:
                    part.__dict__.setdefault(name, value)
        if len(parts) == 2 and hasattr(self, "blPara") and self._reusable():
            head, rest = parts
            if isinstance(rest, WrapOnceParagraph) and not self.style.endDots:
                # The remainder's lines were broken at the later-lines width; it has no
                # first-line indent, so breaking it again at that width gives the same lines.
                later_width = self._wrapWidths[-1]
                rest._inherited = (later_width, self.blPara, len(head.blPara.lines))  # type: ignore[attr-defined]
        return parts

    def beginText(self, x: float, y: float) -> PDFTextObject:
        """Return the text object the paragraph draws into, hooked to mark its runs."""
        tx: Any = super().beginText(x, y)
        mark_paragraph_text(self, tx)
        return tx  # type: ignore[no-any-return]

    def _reusable(self) -> bool:
        """Return True when the broken lines do not point into this paragraph's fragments."""
        kind = getattr(self.blPara, "kind", None)
        return kind == 0 or (kind == 1 and not _processed_frags(self.frags))
