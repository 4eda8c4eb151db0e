"""feed.xml: an Atom feed (RFC 4287) with one entry per published version of a brief.

Built with xml.etree, so titles and summaries from facts are escaped by the serializer. Entry ids
are the tag: URIs minted when each version was first published, so they never change.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree as ET

from reportgen.publish.index_page import long_date, mime_type
from reportgen.publish.state import DistState, Version

ATOM_NS = "http://www.w3.org/2005/Atom"
# Media RSS: feed readers show <media:thumbnail> beside an entry, Atom feeds included.
MEDIA_NS = "http://search.yahoo.com/mrss/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_feed(state: DistState, title: str, link: Callable[[str], str]) -> bytes:
    """Return the Atom feed for the published history as UTF-8 XML bytes."""
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("media", MEDIA_NS)
    feed = ET.Element(_q("feed"))
    _text(feed, "id", state.feed_id)
    _text(feed, "title", title)
    updated = max((v.published for v in state.versions), default=_EPOCH)
    _text(feed, "updated", updated)
    ET.SubElement(feed, _q("link"), rel="self", type="application/atom+xml", href=link("feed.xml"))
    ET.SubElement(feed, _q("link"), rel="alternate", type="text/html", href=link("index.html"))
    author = ET.SubElement(feed, _q("author"))
    _text(author, "name", title)
    _text(feed, "generator", "reportgen")
    for version in sorted(state.versions, key=lambda v: (v.published, v.id), reverse=True):
        feed.append(_entry(version, link))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


# Atom requires <updated> even for a feed with no entries yet.
_EPOCH = "1970-01-01T00:00:00+00:00"


def _entry(version: Version, link: Callable[[str], str]) -> ET.Element:
    """Return the <entry> of one version: its dated files as links, its summary as text."""
    entry = ET.Element(_q("entry"))
    if version.language and not version.languages:  # a diglot's entry holds two languages
        entry.set(XML_LANG, version.language)
    _text(entry, "id", version.id)
    when = f", {long_date(version.date, version.language)}" if version.date else ""
    _text(entry, "title", f"{version.title}{when}")
    _text(entry, "published", version.published)
    _text(entry, "updated", version.published)
    for index, file in enumerate(version.files):
        attrs = {
            "rel": "alternate" if index == 0 else "enclosure",
            "type": mime_type(file.format),
            "href": link(file.name),
            "length": str(file.bytes),
            "title": f"{file.format.upper()}, SHA-256 {file.sha256}",
        }
        if version.language and not version.languages:
            attrs["hreflang"] = version.language
        ET.SubElement(entry, _q("link"), attrs)
    if version.thumbnail is not None:
        picture = version.thumbnail
        attrs = {"url": link(picture.name), "width": str(picture.width)}
        attrs["height"] = str(picture.height)
        ET.SubElement(entry, f"{{{MEDIA_NS}}}thumbnail", attrs)
        ET.SubElement(entry, f"{{{MEDIA_NS}}}title").text = f"First page of {version.title}"
    summary = version.summary or version.subtitle
    if summary:
        _text(entry, "summary", summary)
    if version.key_messages:
        content = "\n".join(f"- {m}" for m in version.key_messages)
        _text(entry, "content", content).set("type", "text")
    return entry


def _q(tag: str) -> str:
    """Return `tag` qualified with the Atom namespace."""
    return f"{{{ATOM_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """Append an Atom element with `text` to `parent`; return it."""
    element = ET.SubElement(parent, _q(tag))
    element.text = text
    return element
