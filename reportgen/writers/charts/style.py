"""What a chart takes from the theme: colours, type sizes and fonts, in reportlab terms.

Every chart colour comes from `theme.palette`; the chart only adds lighter tints of them, so
a theme file recolours the charts with the rest of the brief. Parts are told apart by lightness
(dark component inside a light total) and by direct labels, never by hue alone, so the charts
survive grey-scale print and colour-blind readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor

from reportgen.theme import Theme
from reportgen.writers.charts.fonts import ChartFonts, chart_fonts

MIN_TEXT_PT = 7.0  # the smallest type a chart sets, readable in print


def colour(hex_rgb: str) -> Color:
    """Return the reportlab colour of an RRGGBB hex string."""
    return HexColor(f"#{hex_rgb.lstrip('#')}")


def tint(hex_rgb: str, white_share: float) -> Color:
    """Return `hex_rgb` mixed with white; `white_share` 0 keeps the colour, 1 gives white."""
    base = colour(hex_rgb)
    mix = lambda c: c + (1.0 - c) * white_share  # noqa: E731 (one line, used three times)
    return Color(mix(base.red), mix(base.green), mix(base.blue))


@dataclass(frozen=True)
class ChartStyle:
    """Fonts, sizes and colours of one chart, derived from a theme."""

    fonts: ChartFonts
    label_size: float  # category and value labels
    small_size: float  # axis ticks, notes, legend
    text: Color
    muted: Color
    rule: Color
    grid: Color
    strong: Color  # solid bars, markers: the theme accent
    total: Color  # a programme total that holds "of which" parts: a light tint of the accent
    total_edge: Color
    background: Color


def chart_style(theme: Theme) -> ChartStyle:
    """Return the chart style of `theme`, with type never smaller than MIN_TEXT_PT."""
    p = theme.palette
    return ChartStyle(
        fonts=chart_fonts(theme),
        label_size=max(MIN_TEXT_PT, theme.sizes.table),
        small_size=max(MIN_TEXT_PT, theme.sizes.small),
        text=colour(p.text),
        muted=colour(p.muted),
        rule=colour(p.rule),
        grid=tint(p.rule, 0.55),
        strong=colour(p.accent),
        total=tint(p.accent, 0.68),
        total_edge=colour(p.accent),
        background=colour("FFFFFF"),
    )
