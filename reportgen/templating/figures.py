"""Template functions that place figures: `budget_chart()` and `timeline_chart()`.

Each returns a `::: figure` container holding the chart as JSON (the model's `to_data` of a
BarChart or TimelineChart) in a ```chart fence, then the caption. The reader turns it into
a numbered `model.Figure`; the writers draw it. Numbers come from the facts, never typed.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from reportgen import i18n, model
from reportgen.templating.filters import quoted
from reportgen.templating.markdown import MarkdownSafe, escape_markdown

_MILLION = Decimal(1_000_000)


def figure_markdown(chart: model.Chart, caption: str, alt: str) -> MarkdownSafe:
    """Return the `::: figure` Markdown for `chart` with its caption and alt text."""
    data = json.dumps(model.to_data(chart), ensure_ascii=False, sort_keys=True)
    lines = [
        f"::: figure {{alt={quoted(alt)}}}",
        "```chart",
        data,
        "```",
        "",
        escape_markdown(caption),  # a translated caption (`_()`) is markup already
        ":::",
    ]
    return MarkdownSafe("\n".join(lines))


MAX_BARS = 15  # a bar chart past this is a table drawn badly; the table is in the brief


def budget_bar_chart(
    facts: Any, max_bars: int = MAX_BARS, labels: tuple[tuple[str, str], ...] = ()
) -> model.BarChart:
    """Return the budget as bars in the reporting currency, in millions ("of which" nested).

    With more lines than `max_bars`, the largest programmes (each with its "of which" lines)
    are kept, in the table's order, until the bars would pass the limit.
    """
    table = facts.budget_table()
    names = {row.id: str(row.name) for row in table.rows}
    rows = _largest_programmes(table.rows, max_bars)
    bars = tuple(
        model.Bar(
            label=str(row.name),
            value=float(round(Decimal(row.reporting_value) / _MILLION, 3)),
            value_label=str(row.reporting),
            note=str(row.native) if str(row.native) != str(row.reporting) else "",
            parent=names.get(row.parent) if getattr(row, "parent", None) else None,
        )
        for row in rows
    )
    million = i18n.scale_word("million", str(facts.meta.language))
    return model.BarChart(bars=bars, unit=f"{table.reporting_currency} {million}", labels=labels)


def _largest_programmes(rows: list[Any], max_bars: int) -> list[Any]:
    """Return the rows of the largest top-level programmes and their parts, within max_bars."""
    if len(rows) <= max_bars:
        return list(rows)
    parts: dict[Any, list[Any]] = {}
    for row in rows:
        if getattr(row, "parent", None):
            parts.setdefault(row.parent, []).append(row)
    top = [row for row in rows if not getattr(row, "parent", None)]
    kept: set[Any] = set()
    count = 0
    for row in sorted(top, key=lambda r: Decimal(r.reporting_value), reverse=True):
        size = 1 + len(parts.get(row.id, []))
        if count + size > max_bars:
            continue
        kept.add(row.id)
        count += size
    return [row for row in rows if row.id in kept or getattr(row, "parent", None) in kept]


def timeline_milestones(
    facts: Any, labels: tuple[tuple[str, str], ...] = ()
) -> model.TimelineChart:
    """Return the facts' timeline as milestones placed on a fractional-year axis."""
    events = sorted(facts.timeline, key=lambda e: date_parts(e.date.sort_key))
    return model.TimelineChart(
        milestones=tuple(
            model.Milestone(
                date=str(e.date.display), year=axis_year(e.date.sort_key), label=str(e.event)
            )
            for e in events
        ),
        labels=labels,
    )


def date_parts(key: Any) -> tuple[int, int, int]:
    """Return (year, month, day), unknown parts 0, from a date, tuple, int or "YYYY-MM-DD"."""
    if isinstance(key, (dt.date, dt.datetime)):
        return (key.year, key.month, key.day)
    if isinstance(key, int):
        return (key, 0, 0)
    if isinstance(key, (tuple, list)):
        parts = [int(p or 0) for p in key]
    else:
        parts = [int(p) for p in str(key).split("-") if p.strip()]
    year, month, day = [*parts, 0, 0, 0][:3]
    return (year, month, day)


def axis_year(key: Any) -> float:
    """Return the date as a year on the axis: year + (month - 1) / 12 + (day - 1) / 365."""
    year, month, day = date_parts(key)
    return round(year + (max(month, 1) - 1) / 12 + (max(day, 1) - 1) / 365, 4)


@pass_context
def budget_chart(
    context: Context,
    caption: str = "Programme budgets in the reporting currency",
    alt: str = "",
) -> MarkdownSafe:
    """Return the budget bar chart as a `::: figure` block (template function)."""
    words = _words(context)
    chart = budget_bar_chart(context["facts"], labels=_labels(words))
    programmes = [r for r in context["facts"].budget_table().rows if not getattr(r, "parent", None)]
    shown = sum(1 for b in chart.bars if b.parent is None)
    if shown < len(programmes):
        language = str(context["facts"].meta.language)
        more = i18n.gettext("(the %(shown)d largest of %(total)d programmes)", language)
        more %= {"shown": shown, "total": len(programmes)}
        caption = MarkdownSafe(f"{escape_markdown(caption)} {escape_markdown(more)}")
    bars = "; ".join(f"{b.label}: {b.value_label}" for b in chart.bars)
    alt = alt or f"{model.label_text(chart.labels, 'bar_chart')}: {bars}"
    return figure_markdown(chart, caption, alt)


def _words(context: Context) -> Any:
    """Return the render's Words (templating/words.py), or None outside a brief's render."""
    return context.get("words")


def _labels(words: Any) -> tuple[tuple[str, str], ...]:
    """Return the writers' words in the render's language (English without a render)."""
    return i18n.labels(words.catalog) if words is not None else ()


@pass_context
def timeline_chart(
    context: Context, caption: str = "Timeline of milestones", alt: str = ""
) -> MarkdownSafe:
    """Return the timeline chart as a `::: figure` block (template function)."""
    chart = timeline_milestones(context["facts"], _labels(_words(context)))
    events = "; ".join(f"{m.date}: {m.label}" for m in chart.milestones)
    alt = alt or f"{model.label_text(chart.labels, 'timeline')}: {events}"
    return figure_markdown(chart, caption, alt)
