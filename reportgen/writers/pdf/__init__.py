"""The PDF writer: a Document in, the bytes of a PDF out (reportlab platypus).

    write_pdf(doc, theme) -> bytes
    render_pdf(doc, theme) -> (bytes, page count)
    pdf_page_count(data) -> int

Importing this package locks reportlab down first (no URL schemes or hosts trusted, colour
text never evaluated), before any document is drawn.
"""

from __future__ import annotations

from reportgen.writers.pdf.safety import lock_down_reportlab

lock_down_reportlab()

from reportgen.writers.pdf.render import pdf_page_count, render_pdf, write_pdf  # noqa: E402

__all__ = ["pdf_page_count", "render_pdf", "write_pdf"]
