"""Paragraphs that break their lines once per width, and mark their text when drawn."""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Paragraph

from reportgen.writers.pdf.marking import mark_paragraph_text


class WrapOnceParagraph(Paragraph):
    """A paragraph that breaks its lines once per width.

    Layout asks a paragraph its height several times at the same width (keeping headings
    with what follows, then placing it, then splitting it); the line breaks depend only on
    the width, so later asks reuse the first answer. That is a third of the PDF's time.
    """

    _wrapped_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Return (width, height) at `availWidth`, breaking lines only for a new width."""
        if self._wrapped_width == availWidth and hasattr(self, "blPara"):
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Return the parts of a split paragraph, each marked as the same element."""
        parts: list[Flowable] = super().split(availWidth, availHeight)
        for name in ("_rg_elem", "_rg_label", "_rg_link_elems"):
            value = self.__dict__.get(name)
            if value is not None:
                for part in parts:
                    part.__dict__.setdefault(name, value)
        return parts

    def beginText(self, x: float, y: float) -> PDFTextObject:
        """Return the text object the paragraph draws into, hooked to mark its runs."""
        tx: Any = super().beginText(x, y)
        mark_paragraph_text(self, tx)
        return tx  # type: ignore[no-any-return]
