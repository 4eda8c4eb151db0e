"""Pictures of the first page of served briefs, for the upload page's list of briefs.

The picture is made the way publishing makes the index's and the feed's (one function,
reportgen.pagepictures.thumbnail), from the served PDF (rendered and cached like any other
request), once per PDF: a small bounded map keeps them by the PDF's ETag.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from reportgen.service.cache import CachedDocument

KEEP = 256  # pictures kept (about 12 KB each)


class Thumbnails:
    """First-page pictures of PDFs, by the PDF's ETag; made in a thread, kept in LRU order."""

    def __init__(self) -> None:
        self._made: OrderedDict[str, bytes] = OrderedDict()

    async def of(self, pdf: CachedDocument) -> tuple[bytes, str]:
        """Return (PNG bytes, ETag) of the first page of `pdf`."""
        from reportgen.pagepictures import thumbnail

        etag = pdf.etag[:-1] + '-thumb"' if pdf.etag.endswith('"') else pdf.etag + "-thumb"
        png = self._made.get(etag)
        if png is None:
            png = (await asyncio.to_thread(thumbnail, pdf.body)).png
            self._made[etag] = png
            while len(self._made) > KEEP:
                self._made.popitem(last=False)
        self._made.move_to_end(etag)
        return png, etag
