"""Paragraphs that break their lines once per width."""

from __future__ import annotations

from reportlab.platypus import Paragraph


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
