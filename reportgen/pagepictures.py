"""Pictures of PDF pages (PDFium through pypdfium2): previews, thumbnails, page text.

Used by `reportgen preview` (every page, with its text as alt text) and by publishing
(a thumbnail of page 1). Imported only by them: a build never loads PDFium for this.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class PagePicture:
    """One rendered page: PNG bytes, pixel size, and the text on the page."""

    png: bytes
    width: int
    height: int
    text: str


def page_pictures(pdf: bytes, width: int = 900, pages: int | None = None) -> list[PagePicture]:
    """Return PNG pictures `width` pixels wide of the first `pages` pages (all when None)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        count = len(document) if pages is None else min(pages, len(document))
        return [_picture(document[i], width) for i in range(count)]
    finally:
        document.close()


THUMBNAIL_WIDTH = 240  # pixels; shown 120 CSS pixels wide, so sharp on high-density screens


def thumbnail(pdf: bytes, width: int = THUMBNAIL_WIDTH) -> PagePicture:
    """Return a small PNG of page 1, in 64 colours (about 12 KB for an A4 brief)."""
    picture = page_pictures(pdf, width, pages=1)[0]
    image = Image.open(io.BytesIO(picture.png))
    out = io.BytesIO()
    image.quantize(64).save(out, format="PNG", optimize=True)
    return PagePicture(out.getvalue(), picture.width, picture.height, picture.text)


def _picture(page: object, width: int) -> PagePicture:
    """Return one page rendered `width` pixels wide on white, with its text."""
    page_width = page.get_width()  # type: ignore[attr-defined]
    bitmap = page.render(  # type: ignore[attr-defined]
        scale=width / page_width, fill_color=(255, 255, 255, 255)
    )
    image = bitmap.to_pil().convert("RGB")
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    text = " ".join(textpage.get_text_range().split())
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # fast: previews are rendered often
    return PagePicture(out.getvalue(), image.width, image.height, text)
