"""The brief's own blocks: the title block, callout boxes, key-figure boxes, figures.

Boxes are one-cell (or one-row) reportlab tables: they get padding, a background and rules
from TableStyle, and `splitInRow` lets a long callout continue on the next page.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reportgen.model import KeyFigures, Meta
from reportgen.writers.pdf.inlines import InlineRenderer
from reportgen.writers.pdf.styles import Styles


def title_block(
    meta: Meta, renderer: InlineRenderer, styles: Styles, width: float
) -> list[Flowable]:
    """Return the title block: organisation, title, subtitle, a rule, date and audience."""
    out: list[Flowable] = []

    def para(text: str, style: str) -> None:
        markup = renderer.text(text)
        out.append(Paragraph(markup.text, styles.get(style, markup.shaped)))

    if meta.organisation:
        para(meta.organisation.upper(), "organisation")
    para(meta.title, "title")
    if meta.subtitle:
        para(meta.subtitle, "subtitle")
    out.append(Spacer(1, 8))
    out.append(
        HRFlowable(
            width="100%", thickness=1.6, color=styles.colours.accent, spaceBefore=0, spaceAfter=5
        )
    )
    line = "  ·  ".join(x for x in (meta.date, ", ".join(meta.authors), meta.audience) if x)
    if line:
        para(line, "title_meta")
    out.append(Spacer(1, 14))
    return out


def callout_box(kind: str, content: list[Flowable], styles: Styles, width: float) -> Table:
    """Return `content` in a box styled for `kind` ('summary', 'executive', 'note', 'warning')."""
    c = styles.colours
    pad = 9.0
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.para["body"].fontSize),
        ("LEFTPADDING", (0, 0), (-1, -1), pad + 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad - 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad - 3),
    ]
    if kind == "summary":
        commands += [
            ("BACKGROUND", (0, 0), (-1, -1), c.accent_light),
            ("LINEBEFORE", (0, 0), (0, -1), 3, c.accent),
        ]
    elif kind == "executive":
        commands += [
            ("BACKGROUND", (0, 0), (-1, -1), c.table_stripe),
            ("LINEABOVE", (0, 0), (-1, 0), 1.6, c.accent),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, c.rule),
        ]
    elif kind == "warning":
        commands += [("LINEBEFORE", (0, 0), (0, -1), 3, c.accent_2)]
    else:  # note, and any kind the writer does not know
        commands += [("LINEBEFORE", (0, 0), (0, -1), 1.5, c.rule)]
    box = Table(
        [[content]],
        colWidths=[width],
        style=TableStyle(commands),
        splitInRow=1,
        hAlign="LEFT",
        spaceAfter=styles.para["body"].spaceAfter + 4,
    )
    return box


def key_figures_box(
    node: KeyFigures, renderer: InlineRenderer, styles: Styles, width: float
) -> Flowable:
    """Return the key figures as a row (or rows) of boxes: value, label, context."""
    items = node.items
    n = len(items)
    per_row = n if n <= 4 else (3 if n % 3 == 0 or n % 4 == 1 else 4)
    per_row = max(per_row, 1)
    gap = 6.0
    col = (width - gap * (per_row - 1)) / per_row

    def cell(i: int) -> list[Flowable]:
        kf = items[i]
        parts: list[Flowable] = []
        for inl, style in ((None, "kf_value"), (kf.label, "kf_label"), (kf.context, "kf_context")):
            markup = renderer.text(kf.value) if inl is None else renderer.markup(inl)
            if markup.text:
                parts.append(Paragraph(markup.text, styles.get(style, markup.shaped)))
        return parts

    rows: list[list[Any]] = []
    for start in range(0, n, per_row):
        row: list[Any] = []
        for j in range(per_row):
            if j:
                row.append("")
            row.append(cell(start + j) if start + j < n else "")
        rows.append(row)
    widths: list[float] = []
    for j in range(per_row):
        widths += ([gap] if j else []) + [col]
    c = styles.colours
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.para["body"].fontSize),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
    ]
    for r in range(len(rows)):
        for j in range(per_row):
            if r * per_row + j >= n:
                continue
            x = 2 * j
            commands += [
                ("BACKGROUND", (x, r), (x, r), c.accent_light),
                ("LINEABOVE", (x, r), (x, r), 2.2, c.accent),
            ]
    grid = Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT")
    parts: list[Flowable] = []
    if node.title:
        markup = renderer.markup(node.title)
        parts.append(Paragraph(markup.text, styles.get("callout_title", markup.shaped)))
    parts.append(grid)
    parts.append(Spacer(1, styles.para["body"].spaceAfter + 6))
    return KeepTogether(parts)
