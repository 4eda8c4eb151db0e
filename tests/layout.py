"""What a reader sees on a PDF page, measured: how far down the page the ink reaches."""

from __future__ import annotations

import pypdfium2 as pdfium

_WHITE = 250  # a pixel lighter than this in every channel counts as paper


def page_fill(data: bytes, scale: float = 0.5) -> list[float]:
    """Return, per page, the share of the text area's height that holds ink (0 to 1).

    The running head and the footer are left out (the top and bottom 8% of the page), so a
    page holding only its furniture has a fill of 0.
    """
    pdf = pdfium.PdfDocument(data)
    fills: list[float] = []
    try:
        for page in pdf:
            image = page.render(scale=scale).to_pil().convert("L")
            width, height = image.size
            top, bottom = int(height * 0.08), int(height * 0.92)
            body = image.crop((0, top, width, bottom))
            inked = [y for y in range(body.height) if _row_has_ink(body, y, width)]
            fills.append((inked[-1] + 1) / body.height if inked else 0.0)
    finally:
        pdf.close()
    return fills


def _row_has_ink(image: object, y: int, width: int) -> bool:
    """Return whether row `y` of a greyscale image holds a non-paper pixel."""
    row = image.crop((0, y, width, y + 1)).getextrema()  # type: ignore[attr-defined]
    return bool(row[0] < _WHITE)
