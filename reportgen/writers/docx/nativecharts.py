"""Native Word charts: the budget chart as a chart part with its workbook, editable in Word.

    bar_chart_part(chart, theme, width_pt, language) -> ChartPart

The chart XML comes from python-pptx's chart XML writer (DrawingML charts are the same in
Word, PowerPoint and Excel) and is styled through python-pptx's chart objects; the workbook
of figures is written by python-pptx's workbook writer on XlsxWriter, as python-pptx does for
its own charts. Word and LibreOffice draw the chart from the XML's cached values; "Edit Data"
opens the workbook, whose cells hold the same numbers.

Bars are categories top to bottom in the PDF's order; an "of which" part is a category of its
own right under its programme, in a second series, so it can take the dark colour the PDF
gives parts. Each bar is labelled with the PDF's words ("$1.88 billion  ₹16,300 crore").
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from reportgen.model import BarChart, label_text
from reportgen.theme import Theme

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHART_URI = _C
CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REL_CHART = f"{_R}/chart"
REL_PACKAGE = f"{_R}/package"
NUMBER_FORMAT = "#,##0.##"
_ROW_PT = 24.0  # height per bar, as the PDF's chart gives a row
_FIXED_CREATED = datetime(2000, 1, 1)  # the workbook's creation date: output never uses the clock


@dataclass(frozen=True)
class ChartPart:
    """A chart part's XML, its embedded workbook and the height it is drawn at."""

    xml: bytes  # word/charts/chartN.xml, with externalData pointing at rId1
    xlsx: bytes  # the workbook of the chart's figures
    height_pt: float


def available() -> bool:
    """Return True when python-pptx (the chart XML writer) can be imported."""
    try:
        import pptx.chart.xmlwriter  # noqa: F401
    except ImportError:
        return False
    return True


def bar_chart_part(chart: BarChart, theme: Theme, width_pt: float, language: str = "") -> ChartPart:
    """Return the bar chart as a native chart part `width_pt` wide (height from its bars).

    `language` (BCP 47, the chart's text's language) becomes the chart's `c:lang`, and the
    font of a complex script its labels use (Devanagari, Bengali ...) the text's `a:cs` font.
    """
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.oxml import parse_xml

    rows = _rows(chart)
    parts_present = any(is_part for _, _, is_part in rows)
    data = CategoryChartData(number_format=NUMBER_FORMAT)
    data.categories = [name for name, _, _ in rows]
    total_name = label_text(chart.labels, "programme_total")
    data.add_series(total_name, [None if part else bar.value for _, bar, part in rows])
    if parts_present:
        part_name = label_text(chart.labels, "of_which_legend")
        data.add_series(part_name, [bar.value if part else None for _, bar, part in rows])
    space = parse_xml(ChartXmlWriter(XL_CHART_TYPE.BAR_CLUSTERED, data).xml.encode())
    _style(Chart(space, None), chart, rows, theme, parts_present)
    _finish(space)
    _language(space, chart, theme, language)
    xml = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
    height = len(rows) * _ROW_PT + 46.0 + (18.0 if parts_present else 0.0)
    return ChartPart(xml, _workbook(data, chart.unit), height)


def _rows(chart: BarChart) -> list[tuple[str, object, bool]]:
    """Return (category label, bar, is an "of which" part) in the PDF's order."""
    rows: list[tuple[str, object, bool]] = []
    for bar in chart.bars:
        if bar.parent is not None:
            continue
        rows.append((bar.label, bar, False))
        for part in chart.bars:
            if part.parent == bar.label:
                rows.append((label_text(chart.labels, "of_which", label=part.label), part, True))
    return rows


def _style(chart: object, model: BarChart, rows: list, theme: Theme, parts: bool) -> None:
    """Give the chart the house look: fonts, colours, labels, axes, legend."""
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

    pal, sizes = theme.palette, theme.sizes
    c = chart  # python-pptx's Chart
    c.has_title = False  # type: ignore[attr-defined]
    c.font.name = theme.docx_font  # type: ignore[attr-defined]
    c.font.size = Pt(max(7.0, sizes.table))  # type: ignore[attr-defined]
    c.font.color.rgb = RGBColor.from_string(pal.text)  # type: ignore[attr-defined]
    plot = c.plots[0]  # type: ignore[attr-defined]
    plot.gap_width = 45
    plot.overlap = 100
    plot.vary_by_categories = False
    has_parts = {bar.parent for _, bar, part in rows if part}
    totals = plot.series[0]
    # Series colours show in the legend: a light total holding dark parts, as in the PDF.
    _fill(totals, _tint(pal.accent, 0.68) if parts else pal.accent, pal.accent)
    if parts:
        _fill(plot.series[1], pal.accent, None)
    for index, (_, bar, part) in enumerate(rows):
        if part:
            continue
        fill = _tint(pal.accent, 0.68) if bar.label in has_parts else pal.accent
        _fill(totals.points[index], fill, pal.accent)
        _label(totals.points[index], bar, pal, sizes.table)
    if parts:
        for index, (_, bar, part) in enumerate(rows):
            if part:
                _fill(plot.series[1].points[index], pal.accent, None)
                _label(plot.series[1].points[index], bar, pal, sizes.table)
    totals.invert_if_negative = False
    cat = c.category_axis  # type: ignore[attr-defined]
    cat.reverse_order = True  # the first bar on top, as in the PDF
    cat.tick_labels.font.size = Pt(max(7.0, sizes.table))
    cat.format.line.color.rgb = RGBColor.from_string(pal.rule)
    val = c.value_axis  # type: ignore[attr-defined]
    # Room right of the longest bar for its label ("$1.88 billion  ₹16,300 crore").
    val.minimum_scale = 0
    val.maximum_scale = _axis_max(max(float(bar.value) for _, bar, _ in rows))
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = RGBColor.from_string(_tint(pal.rule, 0.55))
    val.major_gridlines.format.line.width = Pt(0.5)
    val.format.line.color.rgb = RGBColor.from_string(pal.rule)
    val.tick_labels.number_format = "#,##0"
    val.tick_labels.number_format_is_linked = False
    val.tick_labels.font.size = Pt(max(7.0, sizes.small))
    val.tick_labels.font.color.rgb = RGBColor.from_string(pal.muted)
    if model.unit:
        val.has_title = True
        title = val.axis_title.text_frame.paragraphs[0]
        run = title.add_run()
        run.text = model.unit
        run.font.size = Pt(max(7.0, sizes.small))
        run.font.italic = True
        run.font.bold = False
        run.font.color.rgb = RGBColor.from_string(pal.muted)
    c.has_legend = parts  # type: ignore[attr-defined]
    if parts:
        legend = c.legend  # type: ignore[attr-defined]
        legend.position = XL_LEGEND_POSITION.TOP
        legend.include_in_layout = False
        legend.font.size = Pt(max(7.0, sizes.small))


def _fill(point: object, colour: str, edge: str | None) -> None:
    """Fill one bar with `colour`, outlined in `edge` (no outline when None)."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    fmt = point.format  # type: ignore[attr-defined]
    fmt.fill.solid()
    fmt.fill.fore_color.rgb = RGBColor.from_string(colour)
    if edge:
        fmt.line.color.rgb = RGBColor.from_string(edge)
        fmt.line.width = Pt(0.6)
    else:
        fmt.line.fill.background()


def _label(point: object, bar: object, pal: object, size: float) -> None:
    """Label one bar as the PDF does: its amount in bold, then its native amount in italics."""
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_LABEL_POSITION
    from pptx.util import Pt

    label = point.data_label  # type: ignore[attr-defined]
    label.position = XL_LABEL_POSITION.OUTSIDE_END
    label.text_frame.word_wrap = False  # one line, as in the PDF
    para = label.text_frame.paragraphs[0]
    run = para.add_run()
    run.text = bar.value_label  # type: ignore[attr-defined]
    run.font.bold = True
    run.font.size = Pt(max(7.0, size))
    run.font.color.rgb = RGBColor.from_string(pal.text)  # type: ignore[attr-defined]
    note = bar.note.strip()  # type: ignore[attr-defined]
    if note and note != bar.value_label.strip():  # type: ignore[attr-defined]
        extra = para.add_run()
        extra.text = f"  {note}"
        extra.font.italic = True
        extra.font.size = Pt(max(7.0, size))
        extra.font.color.rgb = RGBColor.from_string(pal.muted)  # type: ignore[attr-defined]


def _axis_max(longest: float) -> float:
    """Return an axis maximum about 1.45 times the longest bar, a whole number of round steps.

    The room right of the longest bar holds its label; the step (1, 2, 2.5 or 5 times a
    power of ten) gives four or five grid lines up to the longest bar.
    """
    if longest <= 0:
        return 1.0
    rough = longest / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= rough)
    return float(math.ceil(longest * 1.45 / step) * step)


def _tint(hex_rgb: str, white_share: float) -> str:
    """Return `hex_rgb` mixed with white (the chart module's tint, as RRGGBB)."""
    channels = [int(hex_rgb[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * white_share):02X}" for c in channels)


def _finish(space: etree._Element) -> None:
    """Add what Word expects around the chart: square corners, no frame, the workbook link."""
    date = space.find(f"{{{_C}}}date1904")
    corners = etree.Element(f"{{{_C}}}roundedCorners", val="0")
    if date is not None:
        date.addnext(corners)
    else:
        space.insert(0, corners)
    frame = etree.Element(f"{{{_C}}}spPr")
    etree.SubElement(frame, f"{{{_A}}}noFill")
    etree.SubElement(etree.SubElement(frame, f"{{{_A}}}ln"), f"{{{_A}}}noFill")
    chart = space.find(f"{{{_C}}}chart")
    assert chart is not None
    # With the categories reversed (first bar on top), the value axis crosses at the last
    # category, which keeps it under the bars.
    crosses = chart.find(f"{{{_C}}}plotArea/{{{_C}}}valAx/{{{_C}}}crosses")
    if crosses is not None:
        crosses.set("val", "max")
    chart.addnext(frame)
    external = etree.Element(f"{{{_C}}}externalData")
    external.set(f"{{{_R}}}id", "rId1")
    etree.SubElement(external, f"{{{_C}}}autoUpdate", val="0")
    text = space.find(f"{{{_C}}}txPr")
    (text if text is not None else frame).addnext(external)


def _language(space: etree._Element, chart: BarChart, theme: Theme, language: str) -> None:
    """Set the chart's language (c:lang) and its complex-script font (a:cs) for its labels."""
    from reportgen.scripts import theme_chain

    if language:
        lang = space.find(f"{{{_C}}}lang")
        if lang is None:
            lang = etree.Element(f"{{{_C}}}lang")
            space.insert(0, lang)
        lang.set("val", language)
    labels = [t for _, t in chart.labels]
    words = " ".join([chart.unit, *(bar.label for bar in chart.bars), *labels])
    others = [f for f in theme_chain(theme).families(words) if f != theme.body_font.name]
    if not others:
        return
    for latin in list(space.iter(f"{{{_A}}}latin")):
        parent = latin.getparent()
        if parent is None or parent.find(f"{{{_A}}}cs") is not None:
            continue
        cs = etree.Element(f"{{{_A}}}cs", typeface=others[0])
        east = parent.find(f"{{{_A}}}ea")  # schema order: latin, ea, cs
        (east if east is not None else latin).addnext(cs)


def _workbook(data: object, unit: str) -> bytes:
    """Return the chart's workbook (XlsxWriter through python-pptx), the same bytes each time."""
    from pptx.chart.xlsx import CategoryWorkbookWriter

    class _Writer(CategoryWorkbookWriter):  # type: ignore[misc]
        """python-pptx's workbook writer with a fixed creation date (reproducible bytes)."""

        def _populate_worksheet(self, workbook: object, worksheet: object) -> None:
            workbook.set_properties({"created": _FIXED_CREATED, "title": unit})  # type: ignore
            super()._populate_worksheet(workbook, worksheet)

    return _pinned_zip(_Writer(data).xlsx_blob)


def _pinned_zip(blob: bytes) -> bytes:
    """Return a zip rewritten with every member dated 1980-01-01 (XlsxWriter uses the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = 0o644 << 16
            dst.writestr(pinned, src.read(info.filename))
    return out.getvalue()
