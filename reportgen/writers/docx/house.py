"""A reference document's styles put under the brief: the house template from Word.

    merged_styles_xml(ours, house) -> bytes

The reference's styles part is the base (its document defaults, its definitions of Normal,
Title, the headings, lists, captions ...); styles the brief uses that it lacks (the key-figure
tiles, the summary box, the brief's table style) come from the writer's own part, whose
sizes and colours were already taken from the reference (reportgen.housedocx). The
reference's style ids were renamed to the writer's when it was read, so styles match by id.
"""

from __future__ import annotations

import copy

from lxml import etree

from reportgen.theme import HouseDocx
from reportgen.writers.docx import styles as st
from reportgen.writers.docx.ooxml import PPR_ORDER, RPR_ORDER, put, qn

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# Styles whose paragraph numbering is the writer's (numbering.xml is the writer's own).
_LISTS = (st.LIST_BULLET, st.LIST_NUMBER)


def merged_styles_xml(ours: bytes, house: HouseDocx) -> bytes:
    """Return styles.xml: the reference's styles, then the writer's that it lacks."""
    root = etree.fromstring(house.styles_xml, _PARSER)
    own = etree.fromstring(ours, _PARSER)
    _document_language(root)
    theirs = {s.get(qn("w:styleId")): s for s in root.iter(qn("w:style"))}
    defaults = {s.get(qn("w:type")) for s in theirs.values() if s.get(qn("w:default")) == "1"}
    for style in theirs.values():
        if style.get(qn("w:styleId")) not in _LISTS:
            _drop_numbering(style)  # its numbering definitions are not carried over
    for style in own.iter(qn("w:style")):
        sid = style.get(qn("w:styleId"))
        if sid in theirs:
            _keep_what_the_brief_needs(theirs[sid], style)
            continue
        added = copy.deepcopy(style)
        if added.get(qn("w:default")) == "1" and added.get(qn("w:type")) in defaults:
            del added.attrib[qn("w:default")]
        root.append(added)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def _document_language(root: etree._Element) -> None:
    """Make the default run language the writer's placeholder (the document's language)."""
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.Element(qn("w:docDefaults"))
        root.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.SubElement(defaults, qn("w:rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(rpr_default, qn("w:rPr"))
    lang = put(rpr, "w:lang", RPR_ORDER)
    lang.attrib.clear()
    lang.set(qn("w:val"), st.LANG_MARKER)


def _drop_numbering(style: etree._Element) -> None:
    """Remove a style's list numbering (it points into the reference's numbering part)."""
    ppr = style.find(qn("w:pPr"))
    numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if numpr is not None and ppr is not None:
        ppr.remove(numpr)


def _keep_what_the_brief_needs(theirs: etree._Element, ours: etree._Element) -> None:
    """Give the reference's style what the brief relies on: list numbers, outline, TOC tabs."""
    sid = theirs.get(qn("w:styleId"))
    own_ppr = ours.find(qn("w:pPr"))
    if own_ppr is None:
        return
    for tag in ("w:numPr", "w:outlineLvl", "w:tabs"):
        wanted = own_ppr.find(qn(tag))
        if wanted is None:
            continue
        if tag == "w:tabs" and sid not in st.TOC.values():
            continue
        ppr = theirs.find(qn("w:pPr"))
        if ppr is None:
            ppr = etree.Element(qn("w:pPr"))
            rpr = theirs.find(qn("w:rPr"))
            if rpr is not None:
                rpr.addprevious(ppr)
            else:
                theirs.append(ppr)
        if tag != "w:numPr" and ppr.find(qn(tag)) is not None:
            continue  # the reference's own outline level or tab stops stand
        new = put(ppr, tag, PPR_ORDER)
        new.attrib.update(wanted.attrib)
        new.extend(copy.deepcopy(list(wanted)))
