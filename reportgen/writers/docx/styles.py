"""The Word styles of a brief, defined from the theme with python-docx (once per theme).

Built-in styles (Normal, Title, Subtitle, heading 1-2, List Bullet, List Number, caption,
header, footer, toc 1-2, Hyperlink) keep their built-in names so Word's navigation pane,
outline view and table of contents recognise them; the brief's own blocks (highlight box,
section summary, executive summary, notes) get custom styles.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from reportgen.theme import Theme
from reportgen.writers.docx.ooxml import PPR_ORDER, RPR_ORDER, TBLPR_ORDER, put, qn, twips

# Style ids used by the visitor (the `w:styleId` python-docx derives from each name).
NORMAL = "Normal"
TITLE = "Title"
SUBTITLE = "Subtitle"
TITLE_META = "TitleMeta"
HEADING = {1: "Heading1", 2: "Heading2"}
LIST_BULLET = "ListBullet"
LIST_NUMBER = "ListNumber"
COMPACT_LIST = "CompactList"  # a compact list (a fact sheet's sources): small type, tight
CAPTION = "Caption"
TABLE_CAPTION = "TableCaption"
KICKER = "Kicker"
KF_TITLE = "KeyFiguresTitle"
KF_VALUE = "KeyFigureValue"
KF_LABEL = "KeyFigureLabel"
KF_CONTEXT = "KeyFigureContext"
SUMMARY = "SectionSummary"
EXECUTIVE = "ExecutiveSummary"
NOTE = "Note"
WARNING = "Warning"
BOX_TEXT = "BoxText"
TABLE_TEXT = "TableText"
TABLE_HEADER = "TableHeader"
TOC_HEADING = "TOCHeading"
TOC = {1: "TOC1", 2: "TOC2"}
HEADER = "Header"
FOOTER = "Footer"
HYPERLINK = "Hyperlink"
CITATION = "Citation"
BRIEF_TABLE = "BriefTable"
GRID_TABLE = "LayoutGrid"

LANG_MARKER = "x-reportgen-lang"  # replaced by the document's language at write time

# Callout kind -> paragraph style of its box.
CALLOUT_STYLES: dict[str, str] = {
    "summary": SUMMARY,
    "executive": EXECUTIVE,
    "note": NOTE,
    "warning": WARNING,
}
# Paragraph.style (a theme paragraph style name) -> Word style id.
PARAGRAPH_STYLES: dict[str, str] = {
    "note": NOTE,
    "caption": CAPTION,
    "summary": SUMMARY,
    "executive": EXECUTIVE,
    "warning": WARNING,
    "lead": SUBTITLE,
}


@dataclass(frozen=True)
class _Para:
    """What one paragraph style sets; None leaves the base style's value."""

    name: str
    base: str | None = "Normal"
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    color: str | None = None
    before: float | None = None
    after: float | None = None
    line: float | None = None
    keep_next: bool = False
    keep_lines: bool = False
    outline: int | None = None
    builtin: bool = False


def font_line_ratio(path: Path) -> float:
    """Return a font's natural line height as a multiple of its size (1.2 if unreadable).

    Word's "multiple" line spacing multiplies this natural height, while the theme's
    line_height (like the PDF's leading) multiplies the font size; dividing by this ratio
    gives both formats the same leading.
    """
    try:
        data = path.read_bytes()
        tables: dict[bytes, int] = {}
        for i in range(struct.unpack(">H", data[4:6])[0]):
            tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
            tables[tag] = offset
        head, os2 = tables[b"head"], tables[b"OS/2"]
        units = struct.unpack(">H", data[head + 18 : head + 20])[0]
        ascent, descent = struct.unpack(">HH", data[os2 + 74 : os2 + 78])
        return float((ascent + descent) / units) if units else 1.2
    except (OSError, KeyError, struct.error):
        return 1.2


def theme_key(theme: Theme) -> str:
    """Return a hashable key of what the styles depend on (Theme holds a dict, so not hashable)."""
    house = theme.house_docx.digest if theme.house_docx else ""
    return repr((theme.body_font.name, theme.palette, theme.sizes, theme.spacing, house))


def styles_xml(theme: Theme) -> bytes:
    """Return styles.xml for `theme`, cached per theme value."""
    key = theme_key(theme)
    cached = _CACHE.get(key)
    if cached is None:
        if len(_CACHE) > 8:
            _CACHE.clear()
        cached = _build_styles_xml(theme)
        if theme.house_docx is not None:
            from reportgen.writers.docx.house import merged_styles_xml

            cached = merged_styles_xml(cached, theme.house_docx)
        _CACHE[key] = cached
    return cached


_CACHE: dict[str, bytes] = {}


def _build_styles_xml(theme: Theme) -> bytes:
    """Return styles.xml built with python-docx from the default template's styles part."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    styles = document.styles
    root = styles.element
    for child in list(root):
        if child.tag in (qn("w:style"), qn("w:latentStyles")):
            root.remove(child)
    _doc_defaults(root, theme)
    for spec in _paragraph_specs(theme):
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        # Word's own ids for the toc levels, so its TOC field finds them.
        style.style_id = spec.name.replace("toc ", "TOC").replace(" ", "")
        _apply_para(styles, style, spec, theme)
    _special_paragraphs(styles, theme)
    for name, color, underline in (
        ("Default Paragraph Font", None, False),
        ("Hyperlink", theme.palette.link, False),
        ("Citation", theme.palette.link, False),
    ):
        char = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        _builtin(char.element, name != "Citation")
        if color:
            char.font.color.rgb = _rgb(color)
        if underline:
            char.font.underline = True
        if name == "Default Paragraph Font":
            char.element.set(qn("w:default"), "1")
    _table_styles(styles, theme)
    numbering = styles.add_style("No List", WD_STYLE_TYPE.LIST)
    numbering.element.set(qn("w:default"), "1")
    _builtin(numbering.element, True)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def _rgb(hex_color: str) -> object:
    """Return python-docx's RGBColor for an RRGGBB string."""
    from docx.shared import RGBColor

    return RGBColor.from_string(hex_color)


def _builtin(style_el: etree._Element, builtin: bool) -> None:
    """Mark a style built-in (no customStyle flag) so Word maps it to its own."""
    if builtin and style_el.get(qn("w:customStyle")) is not None:
        del style_el.attrib[qn("w:customStyle")]


def _fonts(rpr: etree._Element, name: str, cs_name: str | None = None) -> None:
    """Set all four font slots; cs (complex script) too, so Devanagari and ₹ find a font."""
    put(
        rpr,
        "w:rFonts",
        RPR_ORDER,
        {"w:ascii": name, "w:hAnsi": name, "w:eastAsia": name, "w:cs": cs_name or name},
    )


def _line(multiple: float, theme: Theme) -> float:
    """Return Word's line multiple giving a leading of `multiple` x the font size."""
    return round(multiple / font_line_ratio(theme.body_font.regular), 3)


def _doc_defaults(root: etree._Element, theme: Theme) -> None:
    """Set the document defaults: body font, size, colour, language, spacing."""
    defaults = root.find(qn("w:docDefaults"))
    assert defaults is not None
    for child in list(defaults):
        defaults.remove(child)
    rpr = etree.SubElement(etree.SubElement(defaults, qn("w:rPrDefault")), qn("w:rPr"))
    _fonts(rpr, theme.body_font.name)
    half = str(round(theme.sizes.body * 2))
    put(rpr, "w:color", RPR_ORDER, {"w:val": theme.palette.text})
    put(rpr, "w:sz", RPR_ORDER, {"w:val": half})
    put(rpr, "w:szCs", RPR_ORDER, {"w:val": half})
    put(rpr, "w:lang", RPR_ORDER, {"w:val": LANG_MARKER})  # attributes set per document
    ppr = etree.SubElement(etree.SubElement(defaults, qn("w:pPrDefault")), qn("w:pPr"))
    put(
        ppr,
        "w:spacing",
        PPR_ORDER,
        {
            "w:after": twips(theme.spacing.paragraph_after),
            "w:line": str(round(240 * _line(theme.spacing.line_height, theme))),
            "w:lineRule": "auto",
        },
    )


def _paragraph_specs(theme: Theme) -> list[_Para]:
    """Return the paragraph styles of the brief, sizes and colours from the theme."""
    sz, sp, pal = theme.sizes, theme.spacing, theme.palette
    return [
        _Para("Normal", base=None, size=sz.body, after=sp.paragraph_after, builtin=True),
        _Para("Title", size=sz.title, bold=True, color=pal.accent, after=4, line=1.1,
              keep_next=True, builtin=True),
        _Para("Subtitle", size=sz.subtitle, color=pal.muted, after=10, line=1.2,
              keep_next=True, builtin=True),
        # The title meta line and the key-figure labels are the PDF's small size, so both
        # formats break them at the same words.
        _Para("Title Meta", size=sz.small, color=pal.muted, after=1, line=1.5, keep_next=True),
        _Para("Heading 1", size=sz.h1, bold=True, color=pal.accent, before=sp.heading_before * 1.5,
              after=sp.heading_after, line=1.15, keep_next=True, keep_lines=True, outline=0,
              builtin=True),
        _Para("Heading 2", size=sz.h2, bold=True, color=pal.text, before=sp.heading_before,
              after=sp.heading_after, line=1.15, keep_next=True, keep_lines=True, outline=1,
              builtin=True),
        _Para("List Bullet", after=3, builtin=True),
        _Para("List Number", after=3, builtin=True),
        _Para("Compact List", base="List Number", size=sz.small, after=1, line=1.2),
        _Para("Caption", size=sz.small, italic=True, color=pal.muted, before=3, after=4,
              builtin=True),
        _Para("Table Caption", base="Caption", size=sz.small + 0.5, bold=True, italic=False,
              color=pal.accent, before=2, after=3, keep_next=True),
        _Para("Kicker", size=sz.small, bold=True, color=pal.accent, after=6, keep_next=True),
        _Para("Key Figures Title", size=sz.small, bold=True, color=pal.accent, before=4,
              after=4, keep_next=True),
        _Para("Key Figure Value", size=sz.key_figure, bold=True, color=pal.accent, after=3,
              line=1.15, keep_next=True),
        _Para("Key Figure Label", size=sz.small, bold=True, after=2, keep_next=True),
        _Para("Key Figure Context", size=sz.small, color=pal.muted, after=0),
        _Para("Section Summary", size=sz.body + 0.5, after=3),
        _Para("Executive Summary", size=sz.body + 0.5, after=4),
        _Para("Warning", after=3),
        _Para("Box Text", after=3),
        _Para("Note", size=sz.small, color=pal.muted, before=2, after=sp.block_after, line=1.2),
        _Para("Table Text", size=sz.table, after=0, line=1.15),
        _Para("Table Header", base="Table Text", size=sz.table, bold=True,
              color=pal.table_header_text, after=0, line=1.15),
        _Para("TOC Heading", size=sz.h1, bold=True, color=pal.accent, before=6, after=6,
              keep_next=True, builtin=True),
        _Para("toc 1", size=sz.body, after=2, builtin=True),
        _Para("toc 2", size=sz.body - 0.5, after=2, builtin=True),
        _Para("Header", size=sz.header_footer, color=pal.muted, after=0, line=1.0,
              builtin=True),
        _Para("Footer", size=sz.header_footer, color=pal.muted, after=0, line=1.0,
              builtin=True),
    ]  # fmt: skip


def _apply_para(styles: object, style: object, spec: _Para, theme: Theme) -> None:
    """Write one paragraph style's properties through python-docx's style API."""
    from docx.shared import Pt

    el = style.element  # type: ignore[attr-defined]
    _builtin(el, spec.builtin)
    if spec.name == "Normal":
        el.set(qn("w:default"), "1")
    style.quick_style = True  # type: ignore[attr-defined]
    if spec.base:
        style.base_style = styles[spec.base]  # type: ignore[index,attr-defined]
    font = style.font  # type: ignore[attr-defined]
    pf = style.paragraph_format  # type: ignore[attr-defined]
    if spec.size is not None:
        font.size = Pt(spec.size)
    if spec.bold is not None:
        font.bold = spec.bold
    if spec.italic is not None:
        font.italic = spec.italic
    if spec.color is not None:
        font.color.rgb = _rgb(spec.color)
    if spec.before is not None:
        pf.space_before = Pt(spec.before)
    if spec.after is not None:
        pf.space_after = Pt(spec.after)
    pf.line_spacing = _line(spec.line or theme.spacing.line_height, theme)
    if spec.keep_next:
        pf.keep_with_next = True
    if spec.keep_lines:
        pf.keep_together = True
    rpr = el.get_or_add_rPr()
    if spec.size is not None:
        put(rpr, "w:szCs", RPR_ORDER, {"w:val": str(round(spec.size * 2))})
    if spec.bold:
        put(rpr, "w:bCs", RPR_ORDER)
    if spec.outline is not None:
        put(el.get_or_add_pPr(), "w:outlineLvl", PPR_ORDER, {"w:val": str(spec.outline)})


def _box(
    ppr: etree._Element,
    fill: str,
    left: tuple[str, int] | None,
    pad: float,
    top: tuple[str, int] | None = None,
    bottom: tuple[str, int] | None = None,
) -> None:
    """Give a paragraph style a shaded box: fill, padding borders, an optional coloured rule.

    Padding comes from borders drawn in the fill colour with `w:space`, because Word has no
    paragraph padding; consecutive paragraphs with the same borders merge into one box.
    """
    pbdr = put(ppr, "w:pBdr", PPR_ORDER)
    space = str(round(pad))
    for side, rule in (("top", top), ("left", left), ("bottom", bottom), ("right", None)):
        color, size = rule if rule else (fill, 4)
        line = etree.SubElement(pbdr, qn(f"w:{side}"))
        for key, value in (("val", "single"), ("sz", str(size)), ("space", space),
                           ("color", color)):  # fmt: skip
            line.set(qn(f"w:{key}"), value)
    put(ppr, "w:shd", PPR_ORDER, {"w:val": "clear", "w:color": "auto", "w:fill": fill})
    inset = twips(pad + 2)
    put(ppr, "w:ind", PPR_ORDER, {"w:left": inset, "w:right": inset})


def _special_paragraphs(styles: object, theme: Theme) -> None:
    """Add what python-docx's API lacks: boxes, list numbering, tab stops, rules."""
    pal, pad = theme.palette, theme.spacing.box_padding

    def ppr(style_id: str) -> etree._Element:
        return styles[_name_of(styles, style_id)].element.get_or_add_pPr()  # type: ignore

    _box(ppr(SUMMARY), pal.accent_light, (pal.accent, 24), pad)
    _box(ppr(EXECUTIVE), pal.table_stripe, None, pad, top=(pal.accent, 16), bottom=(pal.rule, 4))
    _box(ppr(WARNING), pal.table_stripe, (pal.accent_2, 24), pad)
    _box(ppr(BOX_TEXT), pal.accent_light, None, pad)
    for style_id, num_id in ((LIST_BULLET, "1"), (LIST_NUMBER, "2")):
        numpr = put(ppr(style_id), "w:numPr", PPR_ORDER)
        etree.SubElement(numpr, qn("w:numId")).set(qn("w:val"), num_id)
    width = _text_width_twips(theme)
    for style_id in (TOC[1], TOC[2]):
        tabs = put(ppr(style_id), "w:tabs", PPR_ORDER)
        tab = etree.SubElement(tabs, qn("w:tab"))
        tab.set(qn("w:val"), "right")
        tab.set(qn("w:leader"), "dot")
        tab.set(qn("w:pos"), str(width))
    put(ppr(TOC[2]), "w:ind", PPR_ORDER, {"w:left": "240"})
    hdr = put(ppr(HEADER), "w:pBdr", PPR_ORDER)
    line = etree.SubElement(hdr, qn("w:bottom"))
    for key, value in (("val", "single"), ("sz", "4"), ("space", "4"), ("color", pal.rule)):
        line.set(qn(f"w:{key}"), value)
    kicker = styles[_name_of(styles, KICKER)].element.get_or_add_rPr()  # type: ignore
    put(kicker, "w:caps", RPR_ORDER)
    put(kicker, "w:spacing", RPR_ORDER, {"w:val": "10"})
    ftr = put(ppr(FOOTER), "w:pBdr", PPR_ORDER)
    line = etree.SubElement(ftr, qn("w:top"))
    for key, value in (("val", "single"), ("sz", "4"), ("space", "4"), ("color", pal.rule)):
        line.set(qn(f"w:{key}"), value)
    for style_id in (KF_VALUE, KF_LABEL, KF_CONTEXT, TABLE_TEXT, TABLE_HEADER):
        put(ppr(style_id), "w:widowControl", PPR_ORDER, {"w:val": "0"})


def _name_of(styles: object, style_id: str) -> str:
    """Return the UI name of the style with `style_id`."""
    for style in styles:  # type: ignore[attr-defined]
        if style.style_id == style_id:
            return str(style.name)
    raise KeyError(style_id)


def _text_width_twips(theme: Theme) -> int:
    """Return the narrower text width of A4 and Letter (tab stops must fit both)."""
    _, right, _, left = theme.margins_mm
    width_mm = min(210.0, 215.9) - left - right
    return round(width_mm / 25.4 * 1440)


def _table_styles(styles: object, theme: Theme) -> None:
    """Add the brief's table style (header row, stripes, total row) and a borderless grid."""
    from docx.enum.style import WD_STYLE_TYPE

    pal = theme.palette
    normal = styles.add_style("Normal Table", WD_STYLE_TYPE.TABLE)  # type: ignore
    normal.style_id = "TableNormal"  # Word's own id, which the other table styles build on
    normal.element.set(qn("w:default"), "1")
    _builtin(normal.element, True)
    tblpr = etree.SubElement(normal.element, qn("w:tblPr"))
    _cell_margins(tblpr, 0, 108)

    brief = styles.add_style("Brief Table", WD_STYLE_TYPE.TABLE)  # type: ignore
    _based(brief.element, "TableNormal")
    tblpr = etree.SubElement(brief.element, qn("w:tblPr"))
    borders = put(tblpr, "w:tblBorders", TBLPR_ORDER)
    for side, color, size in (("top", pal.accent, 8), ("bottom", pal.accent, 8),
                              ("insideH", pal.rule, 2)):  # fmt: skip
        line = etree.SubElement(borders, qn(f"w:{side}"))
        for key, value in (("val", "single"), ("sz", str(size)), ("space", "0"),
                           ("color", color)):  # fmt: skip
            line.set(qn(f"w:{key}"), value)
    _cell_margins(tblpr, 60, 85)
    _cond(
        brief.element, "firstRow", fill=pal.table_header_bg, bold=True, color=pal.table_header_text
    )
    _cond(brief.element, "band1Horz", fill=pal.table_stripe)
    _cond(brief.element, "lastRow", bold=True, top=pal.accent)

    grid = styles.add_style("Layout Grid", WD_STYLE_TYPE.TABLE)  # type: ignore
    _based(grid.element, "TableNormal")
    tblpr = etree.SubElement(grid.element, qn("w:tblPr"))
    _cell_margins(tblpr, 0, 0)


def _based(style_el: etree._Element, base: str) -> None:
    """Insert `w:basedOn` right after the style's name."""
    based = etree.Element(qn("w:basedOn"))
    based.set(qn("w:val"), base)
    style_el.find(qn("w:name")).addnext(based)


def _cell_margins(tblpr: etree._Element, vertical: int, horizontal: int) -> None:
    """Set a table's default cell margins (twips)."""
    mar = put(tblpr, "w:tblCellMar", TBLPR_ORDER)
    for side, value in (("top", vertical), ("left", horizontal), ("bottom", vertical),
                        ("right", horizontal)):  # fmt: skip
        m = etree.SubElement(mar, qn(f"w:{side}"))
        m.set(qn("w:w"), str(value))
        m.set(qn("w:type"), "dxa")


def _cond(
    style_el: etree._Element,
    kind: str,
    fill: str | None = None,
    bold: bool = False,
    color: str | None = None,
    top: str | None = None,
) -> None:
    """Add a conditional format (header row, stripe, total row) to a table style."""
    cond = etree.SubElement(style_el, qn("w:tblStylePr"))
    cond.set(qn("w:type"), kind)
    if bold or color:
        rpr = etree.SubElement(cond, qn("w:rPr"))
        if bold:
            etree.SubElement(rpr, qn("w:b"))
            etree.SubElement(rpr, qn("w:bCs"))
        if color:
            etree.SubElement(rpr, qn("w:color")).set(qn("w:val"), color)
    etree.SubElement(cond, qn("w:tblPr"))
    tcpr = etree.SubElement(cond, qn("w:tcPr"))
    if top:
        borders = etree.SubElement(tcpr, qn("w:tcBorders"))
        line = etree.SubElement(borders, qn("w:top"))
        for key, value in (("val", "single"), ("sz", "8"), ("space", "0"), ("color", top)):
            line.set(qn(f"w:{key}"), value)
    if fill:
        shd = etree.SubElement(tcpr, qn("w:shd"))
        for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
            shd.set(qn(f"w:{key}"), value)
