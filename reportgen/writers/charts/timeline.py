"""The timeline: milestones as markers on a horizontal dated axis, with labels that never collide.

Milestones alternate above and below the axis. On each side the labels are wrapped to a width
that lets them all sit side by side, centred on their markers where there is room and pushed
apart where there is not; a leader ties each label to its marker (with an elbow when the label
had to move). Only when even narrow labels cannot sit side by side do every other label move
one tier further from the axis.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String

from reportgen.errors import LayoutError
from reportgen.model import Milestone, TimelineChart
from reportgen.writers.charts.fonts import label, text_width, wrap
from reportgen.writers.charts.style import ChartStyle

EDGE = 10.0  # pt kept clear at each end of the axis
MAX_LABEL_W = 150.0  # pt: wider labels read as paragraphs
MIN_LABEL_W = 72.0
GAP = 8.0  # pt between neighbouring labels on one side
STEM = 12.0  # pt from the axis to the nearest tier of labels
TIER_GAP = 6.0


@dataclass
class _Label:
    """One milestone's label: its marker, side, box and wrapped lines."""

    milestone: Milestone
    index: int  # position in chart.milestones
    x: float  # marker position
    above: bool
    left: float = 0.0
    width: float = 0.0
    lines: tuple[str, ...] = ()
    tier: int = 0

    def height(self, style: ChartStyle) -> float:
        """Return the label's height: the date line and its wrapped text."""
        return style.label_size * 1.25 + len(self.lines) * style.small_size * 1.25 + 4.0


def timeline_drawing(chart: TimelineChart, style: ChartStyle, width: float) -> Drawing:
    """Return the timeline drawn `width` pt wide; its height follows from the labels."""
    for m in chart.milestones:
        if not math.isfinite(m.year):
            raise LayoutError(f"timeline: milestone {m.label!r} has no usable year ({m.year})")
    lo, hi = _domain(chart.milestones)
    x_of = lambda year: EDGE + (width - 2 * EDGE) * (year - lo) / (hi - lo)  # noqa: E731
    order = sorted(range(len(chart.milestones)), key=lambda i: chart.milestones[i].year)
    labels = [
        _Label(chart.milestones[i], i, x_of(chart.milestones[i].year), above=(n % 2 == 0))
        for n, i in enumerate(order)
    ]
    for above in (True, False):
        _place_side([lab for lab in labels if lab.above == above], style, width)
    above_h = _side_height([lab for lab in labels if lab.above], style)
    below_h = _side_height([lab for lab in labels if not lab.above], style)
    years_h = style.small_size * 1.6
    height = 4.0 + above_h + STEM + years_h + STEM + below_h + 4.0
    axis_y = height - 4.0 - above_h - STEM
    d = Drawing(width, height)
    _axis(d, style, lo, hi, x_of, axis_y)
    tiers = {
        side: _tier_heights([lab for lab in labels if lab.above == side], style)
        for side in (True, False)
    }
    edges = {id(lab): _edge(lab, style, axis_y, years_h, tiers[lab.above]) for lab in labels}
    # Leaders first: where a crowded side stacks labels in tiers, a leader to an outer tier
    # passes behind the inner tier's labels, whose white patches cover it.
    for lab in labels:
        _leader(d, lab, style, axis_y, edges[id(lab)])
    for lab in labels:
        _draw_label(d, lab, style, edges[id(lab)])
    _year_labels(d, style, lo, hi, x_of, axis_y)
    for lab in labels:
        d.add(
            Circle(
                lab.x,
                axis_y,
                3.2,
                fillColor=style.strong,
                strokeColor=style.background,
                strokeWidth=1.0,
            ),
            name=f"marker{lab.index}",
        )
    return d


def _domain(milestones: tuple[Milestone, ...]) -> tuple[float, float]:
    """Return the axis range: whole years around the milestones, with a little air."""
    first = min(m.year for m in milestones)
    last = max(m.year for m in milestones)
    lo = math.floor(first) - (0.25 if first == math.floor(first) else 0.0)
    hi = max(math.floor(last) + 1.0, last + 0.25)
    return lo, hi


def _place_side(labels: list[_Label], style: ChartStyle, width: float) -> None:
    """Give each label on one side its width, wrapped lines, left edge and tier."""
    if not labels:
        return
    count = len(labels)
    fits = (width - GAP * (count - 1)) / count
    tiers = 1 if fits >= MIN_LABEL_W else 2
    for k, lab in enumerate(labels):
        lab.tier = k % tiers
    for tier in range(tiers):
        row = [lab for lab in labels if lab.tier == tier]
        share = (width - GAP * (len(row) - 1)) / len(row)
        for lab in row:
            _wrap_label(lab, style, max(MIN_LABEL_W, min(MAX_LABEL_W, share)), width)
        _dodge(row, width)


def _wrap_label(lab: _Label, style: ChartStyle, max_w: float, width: float) -> None:
    """Wrap the label's text to `max_w` and size its box to the text and its date line."""
    text = lab.milestone.label
    font, fonts = style.fonts.regular, style.fonts
    lab.lines = tuple(wrap(text, font, style.small_size, max_w, fonts))
    content = max(text_width(line, font, style.small_size, fonts) for line in lab.lines)
    lab.width = min(width, max(content, _date_width(lab, style)))


def _dodge(row: list[_Label], width: float) -> None:
    """Place boxes of one row centred on their markers, pushed apart and into [0, width]."""
    right = -GAP
    for lab in row:
        lab.left = max(lab.x - lab.width / 2, right + GAP, 0.0)
        right = lab.left + lab.width
    limit = width
    for lab in reversed(row):
        lab.left = max(0.0, min(lab.left, limit - lab.width))
        limit = lab.left - GAP


def _date_width(lab: _Label, style: ChartStyle) -> float:
    """Return the width of the label's date line."""
    date = lab.milestone.date
    return text_width(date, style.fonts.bold, style.label_size, style.fonts)


def _tier_heights(labels: list[_Label], style: ChartStyle) -> list[float]:
    """Return the height of each tier on one side: its tallest label."""
    tiers = [0.0] * (1 + max((lab.tier for lab in labels), default=0))
    for lab in labels:
        tiers[lab.tier] = max(tiers[lab.tier], lab.height(style))
    return tiers


def _side_height(labels: list[_Label], style: ChartStyle) -> float:
    """Return the room one side's tiers of labels need."""
    tiers = _tier_heights(labels, style)
    return sum(tiers) + TIER_GAP * (len(tiers) - 1) if labels else 0.0


def _year_step(style: ChartStyle, lo: float, hi: float, span: float) -> int:
    """Return how many years apart the labelled ticks are, so year numbers never touch."""
    per_year = span / (hi - lo)
    label_w = text_width("0000", style.fonts.regular, style.small_size) + 8.0
    return next(k for k in (1, 2, 5, 10, 20, 50, 100, 10**9) if per_year * k >= label_w)


def _years(style: ChartStyle, lo: float, hi: float, x_of: Callable[[float], float]) -> list[int]:
    """Return the years that get a labelled tick."""
    step = _year_step(style, lo, hi, x_of(hi) - x_of(lo))
    return [y for y in range(math.ceil(lo), math.floor(hi) + 1) if y % step == 0]


def _axis(
    d: Drawing,
    style: ChartStyle,
    lo: float,
    hi: float,
    x_of: Callable[[float], float],
    axis_y: float,
) -> None:
    """Draw the axis line and a tick at the start of each labelled year."""
    d.add(Line(x_of(lo), axis_y, x_of(hi), axis_y, strokeColor=style.muted, strokeWidth=1.2))
    for year in _years(style, lo, hi, x_of):
        x = x_of(year)
        d.add(Line(x, axis_y + 2.5, x, axis_y - 2.5, strokeColor=style.muted, strokeWidth=0.8))


def _year_labels(
    d: Drawing,
    style: ChartStyle,
    lo: float,
    hi: float,
    x_of: Callable[[float], float],
    axis_y: float,
) -> None:
    """Draw each year under its tick on a white patch, so leaders pass behind the numbers."""
    y = axis_y - STEM + 1.0
    for year in _years(style, lo, hi, x_of):
        text = str(year)
        w = text_width(text, style.fonts.regular, style.small_size) + 2.0
        x = x_of(year)
        d.add(
            Rect(
                x - w / 2,
                y - style.small_size * 0.25,  # from below the descenders ...
                w,
                style.small_size * 1.25,  # ... to the top of the em, above the digits
                fillColor=style.background,
                strokeColor=None,
            )
        )
        d.add(
            String(
                x,
                y,
                text,
                fontName=style.fonts.regular,
                fontSize=style.small_size,
                fillColor=style.muted,
                textAnchor="middle",
            )
        )


def _edge(
    lab: _Label, style: ChartStyle, axis_y: float, years_h: float, tiers: list[float]
) -> float:
    """Return the y of a label's axis-side edge, where its leader ends and its rule runs."""
    offset = STEM + sum(tiers[: lab.tier]) + TIER_GAP * lab.tier
    return axis_y + offset if lab.above else axis_y - years_h - offset


def _draw_label(d: Drawing, lab: _Label, style: ChartStyle, edge: float) -> None:
    """Draw a label on its white patch: the rule along its axis-side edge, its date, its text."""
    h = lab.height(style)
    bottom = edge if lab.above else edge - h
    d.add(
        Rect(lab.left - 1.0, bottom, lab.width + 2.0, h, fillColor=style.background,
             strokeColor=None)
    )  # fmt: skip
    d.add(
        Line(lab.left, edge, lab.left + lab.width, edge, strokeColor=style.strong, strokeWidth=1.0)
    )
    top = edge + h if lab.above else edge
    y = top - 2.0 - style.label_size if lab.above else edge - 2.5 - style.label_size
    f = style.fonts
    date = lab.milestone.date
    d.add(label(lab.left, y, date, f.bold, style.label_size, style.strong, "start", f))
    for line in lab.lines:
        y -= style.small_size * 1.25
        d.add(label(lab.left, y, line, f.regular, style.small_size, style.text, "start", f))


def _leader(d: Drawing, lab: _Label, style: ChartStyle, axis_y: float, edge: float) -> None:
    """Draw the line from a marker to its label: straight up or down, with an elbow if moved."""
    reach = min(max(lab.x, lab.left + 3.0), lab.left + lab.width - 3.0)
    if abs(reach - lab.x) < 0.5:
        d.add(Line(lab.x, axis_y, lab.x, edge, strokeColor=style.rule, strokeWidth=0.7))
        return
    knee = edge - 5.0 if lab.above else edge + 5.0
    knee = knee if abs(knee - axis_y) > 4.0 else edge
    d.add(Line(lab.x, axis_y, lab.x, knee, strokeColor=style.rule, strokeWidth=0.7))
    d.add(Line(lab.x, knee, reach, edge, strokeColor=style.rule, strokeWidth=0.7))
