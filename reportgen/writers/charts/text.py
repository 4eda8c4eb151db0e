"""A chart in words (alt text, the text under a PDF figure) and the drawing of an empty chart."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, String

from reportgen.model import BarChart, Chart, TimelineChart, label_text
from reportgen.writers.charts.style import ChartStyle


def chart_text(chart: Chart) -> str:
    """Return what the chart shows as sentences: each bar with its amounts, each milestone dated."""
    if isinstance(chart, BarChart):
        return _bar_text(chart)
    if isinstance(chart, TimelineChart):
        return _timeline_text(chart)
    raise TypeError(f"not a chart: {type(chart).__name__}")


def _bar_text(chart: BarChart) -> str:
    """Return one sentence per programme, its "of which" parts inside it."""
    words = chart.labels
    if not chart.bars:
        return label_text(words, "chart_empty")
    sentences = []
    for total in (b for b in chart.bars if b.parent is None):
        parts = [
            f"{label_text(words, 'of_which', label=p.label)}: {_amount(p.value_label, p.note)}"
            for p in chart.bars
            if p.parent == total.label
        ]
        sentence = f"{total.label}: {_amount(total.value_label, total.note)}"
        sentences.append("; ".join([sentence, *parts]) + ".")
    unit = f" ({label_text(words, 'bars_in', unit=chart.unit)})" if chart.unit else ""
    return f"{label_text(words, 'bar_chart')}{unit}. " + " ".join(sentences)


def _amount(value_label: str, note: str) -> str:
    """Return a value label with its native amount in brackets when the note differs."""
    if note and note.strip() != value_label.strip():
        return f"{value_label} ({note})"
    return value_label


def _timeline_text(chart: TimelineChart) -> str:
    """Return the milestones in date order as 'date: label.' sentences."""
    if not chart.milestones:
        return label_text(chart.labels, "chart_empty")
    items = sorted(chart.milestones, key=lambda m: m.year)
    return f"{label_text(chart.labels, 'timeline')}. " + " ".join(
        f"{m.date}: {m.label.rstrip('.')}." for m in items
    )


def empty_drawing(style: ChartStyle, width: float, chart: Chart) -> Drawing:
    """Return a short drawing saying there is nothing to chart."""
    d = Drawing(width, 24.0)
    d.add(
        String(
            width / 2,
            8.0,
            label_text(chart.labels, "chart_empty"),
            fontName=style.fonts.italic,
            fontSize=style.label_size,
            fillColor=style.muted,
            textAnchor="middle",
        )
    )
    return d
