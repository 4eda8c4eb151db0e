"""A chart Drawing as a PNG: the same vector drawing, rasterised at print resolution.

reportlab 5 rasterises only through rlPyCairo, whose pycairo dependency builds from source
against the system's cairo. Instead the drawing is written as a one-page PDF (the vector the
PDF writer embeds) and PDFium (pypdfium2, prebuilt wheels) rasterises that page, so the PNG
shows exactly what the PDF shows, embedded TrueType fonts included.
"""

from __future__ import annotations

import io

from PIL import Image
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing


def pixel_size(width_pt: float, height_pt: float, dpi: int) -> tuple[int, int]:
    """Return the (width, height) in pixels of a drawing of that size rasterised at `dpi`."""
    return round(width_pt * dpi / 72.0), round(height_pt * dpi / 72.0)


def drawing_pdf(d: Drawing) -> bytes:
    """Return `d` as a one-page PDF of its own size (fonts embedded as subsets)."""
    return bytes(renderPDF.drawToString(d))


def drawing_png(d: Drawing, dpi: int) -> bytes:
    """Return `d` as PNG bytes at `dpi`, on white, with the resolution recorded in the file."""
    # Imported here: the PDF writer's vector drawings do not need PDFium at all.
    import pypdfium2

    size = pixel_size(d.width, d.height, dpi)
    pdf = pypdfium2.PdfDocument(drawing_pdf(d))
    try:
        bitmap = pdf[0].render(scale=dpi / 72.0, fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()
    if image.size != size:
        # PDFium rounds the page box up; pad or crop to the size the dpi promises.
        canvas = Image.new("RGB", size, (255, 255, 255))
        canvas.paste(image, (0, 0))
        image = canvas
    out = io.BytesIO()
    # Fast deflate: level 1 halves the encoding time for files about 5% larger.
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return out.getvalue()
