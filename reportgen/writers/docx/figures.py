"""Figures: the chart as a PNG picture (print resolution) with alt text, inline in a paragraph.

The chart itself is drawn by `reportgen.writers.charts` (shared with the PDF writer), imported
only when a figure is met; until that module exists, figures get their caption only.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from lxml import etree

from reportgen import model as m
from reportgen.theme import Theme
from reportgen.writers.docx import styles as st
from reportgen.writers.docx.ooxml import PPR_ORDER, clean_text, put, qn, sub
from reportgen.writers.docx.styles import theme_key

if TYPE_CHECKING:
    from reportgen.writers.docx.visitor import DocxVisitor

EMU_PER_PT = 12700
DPI = 200


_PNG_CACHE: dict[tuple[object, ...], bytes] = {}


def chart_png(chart: m.Chart, theme: Theme, width_pt: float) -> bytes | None:
    """Return the chart drawn as PNG bytes, or None when the charts module is not available.

    Rasterising dominates the time of a brief, and a chart is a pure function of its data,
    theme and width, so recent PNGs are kept (briefs rebuilt with unchanged charts reuse them).
    """
    key = (chart, theme_key(theme), width_pt, DPI)
    cached = _PNG_CACHE.get(key)
    if cached is not None:
        return cached
    png = _draw(chart, theme, width_pt)
    if png is not None:
        if len(_PNG_CACHE) >= 32:
            _PNG_CACHE.pop(next(iter(_PNG_CACHE)))
        _PNG_CACHE[key] = png
    return png


def _draw(chart: m.Chart, theme: Theme, width_pt: float) -> bytes | None:
    """Return the chart as PNG bytes from the charts module, None if that module is absent."""
    try:
        from reportgen.writers import charts
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("reportgen"):
            return None
        raise
    png: bytes = charts.png(chart, theme, width_pt, dpi=DPI)
    return png


def png_size(png: bytes) -> tuple[int, int]:
    """Return (width, height) in pixels from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        raise ValueError("chart is not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def picture_paragraph(v: DocxVisitor, png: bytes, width_pt: float, node: m.Figure) -> Any:
    """Return a centred paragraph holding a figure's picture, its alt text in descr and title."""
    return image_paragraph(v, png, width_pt, node.alt, f"figure{node.number}", jc="center")


def chart_paragraph(v: DocxVisitor, part: Any, width_pt: float, node: m.Figure) -> Any:
    """Return a centred paragraph holding a native chart part, its alt text in descr and title.

    `part` is a nativecharts.ChartPart; the chart is `width_pt` wide and its own height.
    """
    from reportgen.writers.docx.nativecharts import CHART_URI

    rid = v.rels.chart(part.xml, part.xlsx)
    cx, cy = round(width_pt * EMU_PER_PT), round(part.height_pt * EMU_PER_PT)
    p, inline = _inline(v, cx, cy, clean_text(node.alt), f"figure{node.number}", "center")
    graphic_data = sub(sub(inline, "a:graphic"), "a:graphicData")
    graphic_data.set("uri", CHART_URI)
    ref = etree.SubElement(graphic_data, f"{{{CHART_URI}}}chart", nsmap={"c": CHART_URI})
    ref.set(qn("r:id"), rid)
    return p


def _inline(v: DocxVisitor, cx: int, cy: int, alt: str, name: str, jc: str) -> tuple[Any, Any]:
    """Return (paragraph, wp:inline) of an inline drawing `cx` x `cy` EMU with alt text."""
    v.drawing_id += 1
    p = v.paragraph(st.NORMAL, jc=jc, keep_next=True)
    # Single line spacing: a multiple below 1 (the theme's leading) would crop the drawing.
    put(p[0], "w:spacing", PPR_ORDER, {"w:before": "80", "w:after": "0", "w:line": "240",
                                       "w:lineRule": "auto"})  # fmt: skip
    inline = sub(sub(sub(p, "w:r"), "w:drawing"), "wp:inline")
    for key in ("distT", "distB", "distL", "distR"):
        inline.set(key, "0")
    sub(inline, "wp:extent").attrib.update({"cx": str(cx), "cy": str(cy)})
    doc_pr = sub(inline, "wp:docPr")
    doc_pr.attrib.update({"id": str(v.drawing_id), "name": name, "descr": alt, "title": alt})
    sub(inline, "wp:cNvGraphicFramePr")
    return p, inline


def image_paragraph(
    v: DocxVisitor, png: bytes, width_pt: float, alt: str, name: str, jc: str = "center"
) -> Any:
    """Return a paragraph holding a PNG `width_pt` wide (height from its aspect ratio).

    `alt` becomes the picture's description and title (what a screen reader says); `name`
    names the picture part; `jc` aligns the paragraph.
    """
    px_w, px_h = png_size(png)
    cx = round(width_pt * EMU_PER_PT)
    cy = round(cx * px_h / max(px_w, 1))
    rid = v.rels.image(png)
    alt = clean_text(alt)
    p, inline = _inline(v, cx, cy, alt, name, jc)
    ident = str(v.drawing_id)
    frame = inline.find(qn("wp:cNvGraphicFramePr"))
    sub(frame, "a:graphicFrameLocks").set("noChangeAspect", "1")
    graphic_data = sub(sub(inline, "a:graphic"), "a:graphicData")
    graphic_data.set("uri", "http://schemas.openxmlformats.org/drawingml/2006/picture")
    pic = sub(graphic_data, "pic:pic")
    nv = sub(pic, "pic:nvPicPr")
    sub(nv, "pic:cNvPr").attrib.update({"id": ident, "name": f"{name}.png", "descr": alt})
    sub(nv, "pic:cNvPicPr")
    fill = sub(pic, "pic:blipFill")
    sub(fill, "a:blip", {"r:embed": rid})
    sub(sub(fill, "a:stretch"), "a:fillRect")
    sp = sub(pic, "pic:spPr")
    xfrm = sub(sp, "a:xfrm")
    sub(xfrm, "a:off").attrib.update({"x": "0", "y": "0"})
    sub(xfrm, "a:ext").attrib.update({"cx": str(cx), "cy": str(cy)})
    geometry = sub(sp, "a:prstGeom")
    geometry.set("prst", "rect")
    sub(geometry, "a:avLst")
    return p
