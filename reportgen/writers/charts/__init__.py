"""Charts for figures: one reportlab Drawing per chart, embedded as vector or as PNG.

`drawing()` gives the PDF writer a vector Drawing (a Flowable); `png()` gives the DOCX writer
the same drawing rasterised at print resolution; `chart_text()` gives the figure's content as
words, for alt text and for the PDF text under a figure.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing

from reportgen.errors import LayoutError
from reportgen.model import BarChart, Chart, TimelineChart
from reportgen.theme import Theme
from reportgen.writers.charts.bars import bar_drawing
from reportgen.writers.charts.fonts import chart_fonts, register_ttf
from reportgen.writers.charts.raster import drawing_png
from reportgen.writers.charts.style import ChartStyle, chart_style
from reportgen.writers.charts.text import chart_text, empty_drawing
from reportgen.writers.charts.timeline import timeline_drawing

__all__ = ["chart_fonts", "chart_text", "drawing", "png", "register_ttf"]


def drawing(chart: Chart, theme: Theme, width_pt: float) -> Drawing:
    """Return `chart` drawn `width_pt` wide in the theme's fonts and colours (height follows).

    A chart with no bars or milestones gives a short drawing that says so; a bar with a
    negative value or an unknown parent raises LayoutError.
    """
    if width_pt < 120:
        raise LayoutError(f"a chart needs at least 120 pt of width, got {width_pt:g}")
    style = chart_style(theme)
    key = (chart, repr(style), width_pt)
    cached = _DRAWINGS.get(key)
    if cached is not None:
        return cached
    d = _draw(chart, style, width_pt)
    if len(_DRAWINGS) >= 16:
        _DRAWINGS.pop(next(iter(_DRAWINGS)))
    _DRAWINGS[key] = d
    return d


# A brief built in both formats draws each chart twice (vector for the PDF, then rasterised
# for the DOCX); a drawing depends only on the chart, the style and the width, and rendering
# it does not change it, so the second ask reuses the first drawing.
_DRAWINGS: dict[tuple[Chart, str, float], Drawing] = {}


def _draw(chart: Chart, style: ChartStyle, width_pt: float) -> Drawing:
    """Return a new drawing of `chart` in `style`, `width_pt` wide."""
    if isinstance(chart, BarChart):
        d = (
            bar_drawing(chart, style, width_pt)
            if chart.bars
            else empty_drawing(style, width_pt, chart)
        )
    elif isinstance(chart, TimelineChart):
        d = timeline_drawing(chart, style, width_pt) if chart.milestones else None
        d = d or empty_drawing(style, width_pt, chart)
    else:
        raise TypeError(f"not a chart: {type(chart).__name__}")
    # reportlab starts a drawing in Helvetica, a font the PDF would not embed: start in ours.
    d.initialFontName = style.fonts.regular
    d.initialFontSize = style.small_size
    return d


def png(chart: Chart, theme: Theme, width_pt: float, dpi: int = 200) -> bytes:
    """Return `chart` as PNG bytes, `width_pt` wide at `dpi` (the same drawing the PDF shows)."""
    if not 36 <= dpi <= 1200:
        raise LayoutError(f"chart resolution must be 36 to 1200 dpi, got {dpi}")
    return drawing_png(drawing(chart, theme, width_pt), dpi)
