"""The PDF writer: a Document in, the bytes of a PDF out (reportlab platypus).

    write_pdf(doc, theme, attachments=()) -> bytes  (attachments: EmbeddedFile, e.g. the facts)
    render_pdf(doc, theme) -> (bytes, page count)
    render_pdf_layout(doc, theme) -> PdfLayout (bytes, pages, room each part took)
    pdf_page_count(data) -> int

Importing this package locks reportlab down first (no URL schemes or hosts trusted, colour
text never evaluated), before any document is drawn.
"""

from __future__ import annotations

from reportgen.writers.pdf.safety import lock_down_reportlab

lock_down_reportlab()

from reportgen.writers.pdf.pdfa import EmbeddedFile  # noqa: E402
from reportgen.writers.pdf.render import (  # noqa: E402
    PdfLayout,
    pdf_page_count,
    render_pdf,
    render_pdf_layout,
    write_pdf,
)

__all__ = [
    "EmbeddedFile",
    "PdfLayout",
    "pdf_page_count",
    "render_pdf",
    "render_pdf_layout",
    "write_pdf",
]
