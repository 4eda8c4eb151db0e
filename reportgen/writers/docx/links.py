"""Bookmarks for anchors and relationships for external links and pictures.

Word bookmark names must start with a letter, hold only letters, digits and underscores,
and be at most 40 characters; model ids (`src-usgs`, `key-messages`) are mapped to such
names, made unique, in document order, so the same document always gets the same names.
"""

from __future__ import annotations

import re

from reportgen.writers.xmltext import quoteattr

EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")
_INVALID = re.compile(r"[^A-Za-z0-9_]")
_REL_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_REL_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_REL_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"


def bookmark_name(anchor: str) -> str:
    """Return a valid Word bookmark name for a model anchor (not yet made unique)."""
    name = _INVALID.sub("_", anchor)
    if not name[:1].isalpha() or not name[:1].isascii():
        name = "a_" + name
    return name[:40]


def is_external(url: str) -> bool:
    """Return True for the URL schemes that become live links (http, https, mailto)."""
    return url.strip().lower().startswith(EXTERNAL_SCHEMES)


class Anchors:
    """Model anchor ids -> unique bookmark names, plus a counter for bookmark ids."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._used: set[str] = set()
        self._next_id = 0

    def add(self, anchor: str) -> str:
        """Return the bookmark name for `anchor`, registering it if new."""
        known = self._names.get(anchor)
        if known is not None:
            return known
        base = bookmark_name(anchor)
        name, n = base, 1
        while name in self._used:
            n += 1
            suffix = f"_{n}"
            name = base[: 40 - len(suffix)] + suffix
        self._names[anchor] = name
        self._used.add(name)
        return name

    def get(self, anchor: str) -> str | None:
        """Return the bookmark name of a registered anchor, or None."""
        return self._names.get(anchor)

    def next_id(self) -> str:
        """Return a fresh bookmark id (bookmarkStart/End pair them by id)."""
        self._next_id += 1
        return str(self._next_id)


class Relationships:
    """The document part's relationships added per document: hyperlinks and images."""

    def __init__(self) -> None:
        self._links: dict[str, str] = {}  # url -> rId
        self.images: list[tuple[str, str, bytes]] = []  # (rId, part name, png bytes)
        self.charts: list[tuple[str, int, bytes, bytes]] = []  # (rId, number, xml, xlsx)

    def link(self, url: str) -> str:
        """Return the relationship id of an external hyperlink (one per distinct URL)."""
        rid = self._links.get(url)
        if rid is None:
            rid = self._links[url] = f"rIdLink{len(self._links) + 1}"
        return rid

    def image(self, png: bytes) -> str:
        """Return the relationship id of a new PNG picture part."""
        n = len(self.images) + 1
        rid = f"rIdImg{n}"
        self.images.append((rid, f"media/image{n}.png", png))
        return rid

    def chart(self, xml: bytes, xlsx: bytes) -> str:
        """Return the relationship id of a new chart part (word/charts/chartN.xml)."""
        n = len(self.charts) + 1
        rid = f"rIdChart{n}"
        self.charts.append((rid, n, xml, xlsx))
        return rid

    def chart_members(self) -> list[tuple[str, bytes]]:
        """Return the zip members of the charts: each part, its rels, its workbook."""
        out: list[tuple[str, bytes]] = []
        for _, n, xml, xlsx in self.charts:
            book = f"embeddings/Microsoft_Excel_Worksheet{n}.xlsx"
            rels = (
                "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                f'<Relationships xmlns="{_PKG_R}"><Relationship Id="rId1" Type="{_REL_PACKAGE}"'
                f' Target="../{book}"/></Relationships>'
            )
            out += [(f"word/charts/chart{n}.xml", xml),
                    (f"word/charts/_rels/chart{n}.xml.rels", rels.encode()),
                    (f"word/{book}", xlsx)]  # fmt: skip
        return out

    def xml_entries(self) -> str:
        """Return the Relationship elements for the links and images, in creation order."""
        out = [
            f'<Relationship Id="{rid}" Type="{_REL_HYPERLINK}" Target={quoteattr(url)}'
            ' TargetMode="External"/>'
            for url, rid in self._links.items()
        ]
        out += [
            f'<Relationship Id="{rid}" Type="{_REL_IMAGE}" Target="{name}"/>'
            for rid, name, _ in self.images
        ]
        out += [
            f'<Relationship Id="{rid}" Type="{_REL_CHART}" Target="charts/chart{n}.xml"/>'
            for rid, n, _, _ in self.charts
        ]
        return "".join(out)
