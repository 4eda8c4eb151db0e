"""An in-memory LRU cache of rendered documents, bounded by the bytes it holds.

It is only a cache: each uvicorn worker has its own, and losing it costs render time, never
correctness, because keys are content hashes (facts bytes, template files, theme, fonts and
reportgen's code), so a changed input simply misses.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedDocument:
    """One rendered document, ready to send."""

    body: bytes
    fmt: str
    slug: str
    title: str
    etag: str
    pages: int | None
    language: str = ""  # BCP 47 tag of the document (Content-Language)
    name: str = ""  # file name without the format ("<slug>.hi"); default: the slug


class DocumentCache:
    """A least-recently-used map of key -> CachedDocument holding at most `max_bytes` of bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, CachedDocument] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> CachedDocument | None:
        """Return the document stored under `key` (now the most recent), or None."""
        doc = self._items.get(key)
        if doc is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return doc

    def count_miss(self) -> None:
        """Count a miss that needed no lookup (a request whose key is known only after its
        render), so hits and misses add up to the documents asked for."""
        self.misses += 1

    def put(self, key: str, doc: CachedDocument) -> None:
        """Store `doc`, evicting the least recently used ones until it fits.

        A document larger than the whole cache is not stored at all.
        """
        size = len(doc.body)
        if size > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        while self._items and self._bytes + size > self.max_bytes:
            _, evicted = self._items.popitem(last=False)
            self._bytes -= len(evicted.body)
        self._items[key] = doc
        self._bytes += size

    def __len__(self) -> int:
        """Return the number of documents held."""
        return len(self._items)

    @property
    def size(self) -> int:
        """Return the bytes of document bodies held."""
        return self._bytes

    def stats(self) -> dict[str, int]:
        """Return entries, bytes, limit, hits and misses (for /healthz)."""
        return {
            "entries": len(self._items),
            "bytes": self._bytes,
            "max_bytes": self.max_bytes,
            "hits": self.hits,
            "misses": self.misses,
        }
