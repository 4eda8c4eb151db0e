"""The budget chart: horizontal bars in one unit, each labelled with its amount.

A programme with "of which" parts (bars whose `parent` names it) becomes a light block that
spans its own line and one line per part; each part is a dark bar inside that block, from
the same zero. Every bar carries its value label (bold) and its native amount (the note, in
italic and muted) as direct labels, so no colour has to be decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import Color

from reportgen.errors import LayoutError
from reportgen.model import Bar, BarChart, label_text
from reportgen.writers.charts.axis import nice_step, tick_label, ticks
from reportgen.writers.charts.fonts import label, text_width, wrap
from reportgen.writers.charts.style import ChartStyle

LINE = 20.0  # pt between bar lines: a 14 pt bar and its gap
BAR_INSET = 3.0  # pt from a line's edge to its bar
PART_INSET = 5.5  # pt from a line's edge to an "of which" bar: thinner, inside its total
LABEL_GAP = 6.0  # pt between a bar's end and its value label
NOTE_GAP = 5.0  # pt between the value label and the native amount
SWATCH_W = 14.0
RIGHT_PAD = 2.0  # pt kept clear at the right, so glyph edges are not cut off
LEGEND_LINE = 13.0  # pt between lines of the key


@dataclass(frozen=True)
class _Row:
    """One programme with its "of which" parts, in chart order."""

    total: Bar
    parts: tuple[Bar, ...]


def bar_drawing(chart: BarChart, style: ChartStyle, width: float) -> Drawing:
    """Return the bar chart drawn `width` pt wide (height follows from the number of bars)."""
    rows = _rows(chart)
    has_parts = any(row.parts for row in rows)
    label_w = _label_column(rows, style, width, chart)
    x0 = label_w + 8.0
    scale_max, step, bar_span = _scale(rows, style, width - x0)
    legend = _legend_places(style, x0, width, chart) if has_parts else []
    legend_h = (max(line for _, line, _ in legend) + 1) * LEGEND_LINE + 4.0 if legend else 0.0
    rows_h = sum(
        _line_height(bar, row.total, style, label_w, chart)
        for row in rows
        for bar in (row.total, *row.parts)
    )
    axis_h = 3.0 + style.small_size * 1.3 + (style.small_size * 1.4 if chart.unit else 0) + 2.0
    height = legend_h + rows_h + axis_h + 2.0

    d = Drawing(width, height)
    x_of = lambda v: x0 + bar_span * v / scale_max  # noqa: E731
    top = height - legend_h
    _grid(d, style, scale_max, step, x_of, top - rows_h, top, chart.unit, width)
    for row in rows:
        top = _draw_row(d, chart, row, style, x_of, top, label_w, has_parts)
    _legend(d, style, legend, height, chart)
    return d


def _line_height(bar: Bar, total: Bar, style: ChartStyle, label_w: float, chart: BarChart) -> float:
    """Return the height of a bar's line: one bar, or more if its category label wraps."""
    extra_lines = len(_category_lines(bar, total, style, label_w, chart)) - 1
    return LINE + extra_lines * style.label_size * 1.2


def _rows(chart: BarChart) -> list[_Row]:
    """Return the bars grouped as programmes with their parts; raise LayoutError on bad bars."""
    labels = [b.label for b in chart.bars if b.parent is None]
    for bar in chart.bars:
        if not bar.value >= 0 or bar.value == float("inf"):
            raise LayoutError(f"bar chart: bar {bar.label!r} has value {bar.value}; need >= 0")
        if bar.parent is not None and bar.parent not in labels:
            raise LayoutError(
                f"bar chart: bar {bar.label!r} is part of {bar.parent!r}, which is not a bar"
            )
    return [
        _Row(total=b, parts=tuple(p for p in chart.bars if p.parent == b.label))
        for b in chart.bars
        if b.parent is None
    ]


def _of_which(chart: BarChart) -> str:
    """Return the words before an "of which" part's label, in the chart's language."""
    return label_text(chart.labels, "of_which_prefix")


def _category_lines(
    bar: Bar, total: Bar, style: ChartStyle, label_w: float, chart: BarChart
) -> list[str]:
    """Return the category label of `bar` wrapped to the label column."""
    text = bar.label if bar is total else _of_which(chart) + bar.label
    font = style.fonts.bold if bar is total else style.fonts.regular
    indent = 0.0 if bar is total else 8.0
    return wrap(text, font, style.label_size, label_w - indent, style.fonts)


def _label_column(rows: list[_Row], style: ChartStyle, width: float, chart: BarChart) -> float:
    """Return the width of the category column: the widest label, at most a third of the chart."""
    widest = 0.0
    for row in rows:
        widest = max(widest, _text_w(row.total.label, style.fonts.bold, style.label_size, style))
        for part in row.parts:
            text = _of_which(chart) + part.label
            widest = max(widest, 8.0 + _text_w(text, style.fonts.regular, style.label_size, style))
    return min(widest + 2.0, width * 0.34)


def _text_w(text: str, font: str, size: float, style: ChartStyle) -> float:
    """Return the width of `text` in `font`, with the theme's fallback fonts where needed."""
    return text_width(text, font, size, style.fonts)


def _value_label_width(bar: Bar, style: ChartStyle) -> float:
    """Return the width of a bar's value label and native-amount note, side by side."""
    w = _text_w(bar.value_label, style.fonts.bold, style.label_size, style)
    if _shows_note(bar):
        w += NOTE_GAP + _text_w(bar.note, style.fonts.italic, style.small_size, style)
    return w


def _shows_note(bar: Bar) -> bool:
    """Return whether the note adds something the value label does not already say."""
    return bool(bar.note) and bar.note.strip() != bar.value_label.strip()


def _scale(rows: list[_Row], style: ChartStyle, plot_w: float) -> tuple[float, float, float]:
    """Return (axis maximum, tick step, pt length of the axis) leaving room for every label."""
    vmax = max([r.total.value for r in rows] + [p.value for r in rows for p in r.parts] + [0.0])
    if vmax <= 0:
        vmax = 1.0  # all bars zero: an axis from 0 to 1 still reads
    vmax = max(vmax, 1e-6)  # below this, round steps underflow and ticks would read 0.000000
    max_ticks = 6
    while True:
        step = nice_step(vmax, max_ticks)
        scale_max = ticks(vmax, step)[-1]
        tick_w = text_width(tick_label(scale_max, step), style.fonts.regular, style.small_size)
        room = plot_w - RIGHT_PAD
        span = room - tick_w / 2  # the last tick's number is centred on the axis end
        for row in rows:
            need = [(row.total.value, _value_label_width(row.total, style))]
            # A part's label may have to sit past its total's end: reserve that room too.
            need += [
                (max(row.total.value, p.value), _value_label_width(p, style)) for p in row.parts
            ]
            for value, label_w in need:
                if value > 0:
                    span = min(span, (room - LABEL_GAP - label_w) * scale_max / value)
        span = max(span, plot_w * 0.3)
        if max_ticks <= 2 or span / (scale_max / step) >= tick_w + 10.0:
            return scale_max, step, span
        max_ticks -= 1


def _grid(
    d: Drawing,
    style: ChartStyle,
    scale_max: float,
    step: float,
    x_of: Callable[[float], float],
    bottom: float,
    top: float,
    unit: str,
    width: float,
) -> None:
    """Draw vertical grid lines, the value axis, its tick labels and its unit under the bars."""
    for value in ticks(scale_max, step):
        x = x_of(value)
        d.add(Line(x, bottom, x, top, strokeColor=style.grid, strokeWidth=0.5))
        d.add(Line(x, bottom, x, bottom - 3.0, strokeColor=style.rule, strokeWidth=0.6))
        d.add(
            _string(
                x,
                bottom - 3.0 - style.small_size,
                tick_label(value, step),
                style.fonts.regular,
                style.small_size,
                style.muted,
                "middle",
                style,
            )
        )
    d.add(Line(x_of(0), bottom, x_of(scale_max), bottom, strokeColor=style.rule, strokeWidth=0.6))
    if unit:
        y = bottom - 3.0 - style.small_size * 2.4
        d.add(
            _string(
                x_of(scale_max),
                y,
                unit,
                style.fonts.italic,
                style.small_size,
                style.muted,
                "end",
                style,
            )
        )


def _draw_row(
    d: Drawing,
    chart: BarChart,
    row: _Row,
    style: ChartStyle,
    x_of: Callable[[float], float],
    top: float,
    label_w: float,
    has_parts: bool,
) -> float:
    """Draw one programme and its parts from `top` down; return the y where the next row starts."""
    index = {id(b): i for i, b in enumerate(chart.bars)}
    heights = [
        _line_height(bar, row.total, style, label_w, chart) for bar in (row.total, *row.parts)
    ]
    block_h = sum(heights)
    total_end = x_of(row.total.value)
    rect = Rect(
        x_of(0),
        top - block_h + BAR_INSET,
        total_end - x_of(0),
        block_h - 2 * BAR_INSET,
        fillColor=style.total if has_parts else style.strong,
        strokeColor=style.total_edge,
        strokeWidth=0.6,
    )
    d.add(rect, name=f"bar{index[id(row.total)]}")
    centre = top - heights[0] / 2
    _category(d, row.total, row.total, style, label_w, centre, chart)
    _value_labels(d, row.total, style, total_end + LABEL_GAP, centre)
    y = top - heights[0]
    for part, h in zip(row.parts, heights[1:], strict=True):
        centre = y - h / 2
        bar_h = LINE - 2 * PART_INSET
        part_rect = Rect(
            x_of(0),
            centre - bar_h / 2,
            x_of(part.value) - x_of(0),
            bar_h,
            fillColor=style.strong,
            strokeColor=None,
        )
        d.add(part_rect, name=f"bar{index[id(part)]}")
        _category(d, part, row.total, style, label_w, centre, chart)
        inside = x_of(part.value) + LABEL_GAP
        fits = inside + _value_label_width(part, style) <= total_end - LABEL_GAP
        if fits:
            _value_labels(d, part, style, inside, centre, on_tint=True)
        else:
            _value_labels(d, part, style, total_end + LABEL_GAP, centre)
        y -= h
    return y


def _category(
    d: Drawing,
    bar: Bar,
    total: Bar,
    style: ChartStyle,
    label_w: float,
    centre: float,
    chart: BarChart,
) -> None:
    """Draw the category label of `bar`, right-aligned in the label column, centred on its line."""
    lines = _category_lines(bar, total, style, label_w, chart)
    font = style.fonts.bold if bar is total else style.fonts.regular
    colour = style.text if bar is total else style.muted
    lead = style.label_size * 1.2
    first = centre + (len(lines) - 1) * lead / 2 - style.label_size * 0.35
    for i, line in enumerate(lines):
        d.add(
            _string(label_w, first - i * lead, line, font, style.label_size, colour, "end", style)
        )


def _value_labels(
    d: Drawing, bar: Bar, style: ChartStyle, x: float, centre: float, on_tint: bool = False
) -> None:
    """Draw a bar's value label in bold and its native amount in italic after it.

    The native amount is muted on white; on a programme's tint it keeps the text colour,
    since muted grey on the tint would fall below a readable contrast.
    """
    base = centre - style.label_size * 0.35
    d.add(
        _string(
            x, base, bar.value_label, style.fonts.bold, style.label_size, style.text, "start", style
        )
    )
    if _shows_note(bar):
        x += _text_w(bar.value_label, style.fonts.bold, style.label_size, style) + NOTE_GAP
        d.add(
            _string(
                x,
                base,
                bar.note,
                style.fonts.italic,
                style.small_size,
                style.text if on_tint else style.muted,
                "start",
                style,
            )
        )


def _legend_entries(
    style: ChartStyle, chart: BarChart
) -> tuple[tuple[Color, Color | None, str], ...]:
    """Return the key's entries: a light swatch for a total, a dark one for an "of which" part."""
    return (
        (style.total, style.total_edge, label_text(chart.labels, "programme_total")),
        (style.strong, None, label_text(chart.labels, "of_which_legend")),
    )


def _legend_places(
    style: ChartStyle, x0: float, width: float, chart: BarChart
) -> list[tuple[float, int, int]]:
    """Return (x, line, entry) of each key entry, wrapping where an entry would not fit."""
    places: list[tuple[float, int, int]] = []
    x, line = x0, 0
    for i, (_, _, text) in enumerate(_legend_entries(style, chart)):
        w = SWATCH_W + 4.0 + text_width(text, style.fonts.regular, style.small_size, style.fonts)
        if x + w > width and x > x0:
            x, line = x0, line + 1
        places.append((x, line, i))
        x += w + 16.0
    return places


def _legend(
    d: Drawing,
    style: ChartStyle,
    places: list[tuple[float, int, int]],
    height: float,
    chart: BarChart,
) -> None:
    """Draw the key at the top of the chart, where `_legend_places` put its entries."""
    entries = _legend_entries(style, chart)
    legend = Group()
    for x, line, i in places:
        fill, edge, text = entries[i]
        y = height - 12.0 - line * LEGEND_LINE
        swatch = Rect(x, y - 1.0, SWATCH_W, 8.0, fillColor=fill, strokeColor=edge, strokeWidth=0.6)
        legend.add(swatch)
        legend.add(
            _string(
                x + SWATCH_W + 4.0,
                y,
                text,
                style.fonts.regular,
                style.small_size,
                style.text,
                "start",
                style,
            )
        )
    d.add(legend)


def _string(
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    colour: Color,
    anchor: str,
    style: ChartStyle,
) -> String | Group:
    """Return `text` in `font` (with the theme's fallback fonts where it needs them)."""
    return label(x, y, text, font, size, colour, anchor, style.fonts)
