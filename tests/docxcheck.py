"""The rules of Word's Accessibility Checker that can be read from a DOCX's XML.

Word's checker (File > Info > Check for Issues > Check Accessibility) runs inside Word; the
rules below are the ones whose answer is in the file itself, read here with lxml:

errors    missing alternative text (pictures, charts), missing table header (a data table's
          first row is a repeating header row), document title missing (core properties)
warnings  object not inline, merged or split cells in a data table, repeated blank
          characters (two spaces, two empty paragraphs in a row), unclear hyperlink text
          (empty, or "click here", "here", "link", "more")
tips      heading styles in order (the first heading is level 1, none skips a level),
          document language (run defaults and settings), no empty paragraph used as spacing
          (the writer's one exact-height spacer after a table or box is let through: see
          docs/accessibility.md for why it stays)

A table counts as a layout table when its style says so ("LayoutGrid": the key-figure
grid and the boxes); it must then not claim a header row. Every other table is a data table.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
W = "{" + NS["w"] + "}"
LAYOUT_STYLES = ("LayoutGrid",)
UNCLEAR_LINKS = {"", "click here", "here", "link", "more", "read more"}
_HEADING = re.compile(r"Heading([1-9])$")


def _text(element: etree._Element) -> str:
    """Return the text of an element's runs."""
    return "".join(element.itertext()) if element is not None else ""


def _empty(p: etree._Element) -> bool:
    """Return True when a paragraph shows nothing: no text, picture, field or break."""
    shows = p.xpath(
        ".//w:t|.//w:drawing|.//w:fldSimple|.//w:instrText|.//w:br|.//w:tab", namespaces=NS
    )
    return not shows and p.find(f"{W}pPr/{W}sectPr") is None


def _spacer(p: etree._Element) -> bool:
    """Return True for the writer's exact-height spacer (an empty paragraph, line rule exact)."""
    spacing = p.find(f"{W}pPr/{W}spacing")
    return spacing is not None and spacing.get(f"{W}lineRule") == "exact"


def accessibility_problems(docx: bytes) -> list[str]:
    """Return what Word's readable accessibility rules find in a DOCX (empty: nothing)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        document = etree.fromstring(z.read("word/document.xml"))
        core = etree.fromstring(z.read("docProps/core.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
        settings = etree.fromstring(z.read("word/settings.xml"))
    found: list[str] = []
    found += _pictures(document)
    found += _tables(document)
    found += _headings(document)
    found += _blanks(document)
    found += _links(document)
    title = _text(core.find("dc:title", NS)).strip()
    if not title:
        found.append("document title missing (docProps/core.xml dc:title)")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    if lang is None or not lang.get(f"{W}val"):
        found.append("no document language in the run defaults (styles.xml w:lang)")
    theme_lang = settings.find(f"{W}themeFontLang")
    if theme_lang is None or not theme_lang.get(f"{W}val"):
        found.append("no document language in settings.xml (w:themeFontLang)")
    return found


def _pictures(document: etree._Element) -> list[str]:
    """Return missing alt text and pictures or charts that are not inline."""
    found = []
    for pr in document.iterfind(".//wp:docPr", NS):
        decorative = pr.xpath(".//*[local-name()='decorative'][@val='1']")
        if not (pr.get("descr") or "").strip() and not decorative:
            found.append(f"missing alternative text: picture {pr.get('name')!r}")
    for anchor in document.iterfind(".//wp:anchor", NS):
        found.append(f"object not inline: {anchor.find('wp:docPr', NS).get('name')!r}")
    return found


def _tables(document: etree._Element) -> list[str]:
    """Return tables without a header row, merged cells, and layout tables claiming headers."""
    found = []
    for number, tbl in enumerate(document.iter(f"{W}tbl"), start=1):
        style = tbl.find(f"{W}tblPr/{W}tblStyle")
        name = style.get(f"{W}val") if style is not None else ""
        rows = tbl.findall(f"{W}tr")
        header = bool(rows) and rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        if name in LAYOUT_STYLES:
            if header:
                found.append(f"table {number}: a layout table ({name}) claims a header row")
            continue
        if not header:
            found.append(f"table {number}: missing table header (first row is no header row)")
        if tbl.xpath(".//w:gridSpan|.//w:vMerge|.//w:hMerge", namespaces=NS):
            found.append(f"table {number}: merged or split cells")
        first = rows[0].findall(f"{W}tc") if rows else []
        if any(not _text(tc).strip() for tc in first):
            found.append(f"table {number}: a header cell is empty")
    return found


def _headings(document: etree._Element) -> list[str]:
    """Return headings that skip a level (or a first heading that is not level 1)."""
    levels = []
    for style in document.iterfind(".//w:p/w:pPr/w:pStyle", NS):
        match = _HEADING.match(style.get(f"{W}val") or "")
        if match:
            levels.append(int(match.group(1)))
    found = []
    previous = 0
    for level in levels:
        if level > previous + 1:
            found.append(f"heading level {level} after level {previous} (skipped a level)")
        previous = level
    if not levels:
        found.append("no heading styles (Heading 1 ...) in the document")
    return found


def _blanks(document: etree._Element) -> list[str]:
    """Return repeated blank characters and empty paragraphs used as spacing."""
    found = []
    for t in document.iter(f"{W}t"):
        if "  " in (t.text or ""):
            found.append(f"repeated blank characters: {t.text!r}")
    body = document.find(f"{W}body")
    containers = [body, *document.iter(f"{W}tc")]
    for container in containers:
        paragraphs = [c for c in container if c.tag in (f"{W}p", f"{W}tbl")]
        previous_empty = False
        for child in paragraphs:
            if child.tag != f"{W}p":
                previous_empty = False
                continue
            empty = _empty(child)
            if empty and previous_empty:
                found.append("repeated blank characters: two empty paragraphs in a row")
            lone_in_cell = container is not body and len(paragraphs) == 1
            if empty and not (lone_in_cell or _spacer(child)):
                found.append("an empty paragraph used as spacing")
            previous_empty = empty
    return found


def _links(document: etree._Element) -> list[str]:
    """Return hyperlinks whose text does not say where they go."""
    found = []
    for link in document.iter(f"{W}hyperlink"):
        text = " ".join(_text(link).split())
        if text.lower() in UNCLEAR_LINKS:
            found.append(f"unclear hyperlink text: {text!r}")
    return found
