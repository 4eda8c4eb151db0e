"""Small lxml helpers for WordprocessingML: names, elements, schema order, safe text.

The visitor builds document XML with these directly (not through python-docx's proxy
objects) because python-docx's `add_row`/`cell` calls are O(n) each; plain lxml keeps a
2,000-row table linear.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

NS: dict[str, str] = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "xml": "http://www.w3.org/XML/1998/namespace",
}

# XML 1.0 forbids these code points; lxml raises on them, so the writer drops them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\r]")

# CT_PPr and CT_RPr child order (ECMA-376 part 1, 17.3.1.26 and 17.3.2.28): Word rejects
# documents whose property children are out of order.
PPR_ORDER: tuple[str, ...] = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange",
)  # fmt: skip
RPR_ORDER: tuple[str, ...] = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
    "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish",
    "oMath",
)  # fmt: skip
TBLPR_ORDER: tuple[str, ...] = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
)  # fmt: skip
TCPR_ORDER: tuple[str, ...] = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark",
)  # fmt: skip


@lru_cache(maxsize=512)
def qn(name: str) -> str:
    """Return the Clark name (`{uri}local`) of a prefixed name such as `w:p`."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


W_VAL = qn("w:val")


def el(tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    """Return a new element `tag` with prefixed attribute names resolved."""
    elm = etree.Element(qn(tag), nsmap=None)
    if attrs:
        for key, value in attrs.items():
            elm.set(qn(key), value)
    return elm


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    """Return a new child `tag` appended to `parent`."""
    elm = etree.SubElement(parent, qn(tag))
    if attrs:
        for key, value in attrs.items():
            elm.set(qn(key), value)
    return elm


def put(
    parent: etree._Element,
    tag: str,
    order: tuple[str, ...],
    attrs: dict[str, str] | None = None,
) -> etree._Element:
    """Return child `tag` of `parent` (replacing one already there) placed in schema order."""
    local = tag.split(":")[1]
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    new = el(tag, attrs)
    rank = order.index(local)
    for index, child in enumerate(parent):
        child_local = etree.QName(child).localname
        if child_local in order and order.index(child_local) > rank:
            parent.insert(index, new)
            return new
    parent.append(new)
    return new


def clean_text(text: str) -> str:
    """Return `text` without the characters XML 1.0 cannot hold (control codes, surrogates)."""
    return _FORBIDDEN.sub("", text)


def border(
    side: str, color: str, size_eighths: int, space: int = 0, val: str = "single"
) -> tuple[str, dict[str, str]]:
    """Return (tag, attrs) of one border line; sizes are eighths of a point."""
    return f"w:{side}", {
        "w:val": val,
        "w:sz": str(size_eighths),
        "w:space": str(space),
        "w:color": color,
    }


def twips(points: float) -> str:
    """Return a length in points as a twentieth-of-a-point string (Word's `dxa`)."""
    return str(round(points * 20))
