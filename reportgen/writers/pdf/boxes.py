"""The brief's own blocks: the title block, callout boxes, key-figure boxes, figures.

Boxes are one-cell (or one-row) reportlab tables: they get padding, a background and rules
from TableStyle, and `splitInRow` lets a long callout continue on the next page.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from reportgen.errors import LayoutError
from reportgen.model import KeyFigure, KeyFigures, Meta
from reportgen.writers.pdf.inlines import InlineRenderer
from reportgen.writers.pdf.marking import RuleFlowable
from reportgen.writers.pdf.paragraphs import WrapOnceParagraph
from reportgen.writers.pdf.styles import Styles

_LOGO_HEIGHT = 30.0  # pt; the logo sits right of the organisation line
_LOGO_MAX_WIDTH = 140.0


def logo_image(png: bytes) -> Image:
    """Return the theme's logo (PNG bytes the project supplies) scaled to the title block.

    Raises LayoutError when the bytes are not a readable image.
    """
    try:
        reader = ImageReader(io.BytesIO(png))
        w, h = reader.getSize()
    except Exception as exc:  # reportlab/PIL raise many kinds for bad image data
        raise LayoutError(f"the theme's logo is not a readable PNG image ({exc})") from None
    scale = min(_LOGO_HEIGHT / h, _LOGO_MAX_WIDTH / w)
    return Image(io.BytesIO(png), width=w * scale, height=h * scale, hAlign="RIGHT")


def _masthead(
    meta: Meta, logo: bytes | None, renderer: InlineRenderer, styles: Styles, width: float
) -> list[Flowable]:
    """Return the organisation line, with the logo at the right when the theme has one."""
    org: list[Flowable] = []
    if meta.organisation:
        markup = renderer.text(meta.organisation.upper(), bold=True)
        org.append(WrapOnceParagraph(markup.text, styles.get("organisation", markup.shaped)))
    if logo is None:
        return org
    image = logo_image(logo)
    for para in org:  # the row's bottom edge, not the style's space, aligns it with the logo
        para.style = ParagraphStyle("organisation-masthead", parent=para.style, spaceAfter=0)
    row = Table(
        [[org or "", image]],
        colWidths=[width - image.drawWidth, image.drawWidth],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.para["small"].fontSize),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
        hAlign="LEFT",
    )
    return [row, Spacer(1, 8)]


def title_block(
    meta: Meta,
    renderer: InlineRenderer,
    styles: Styles,
    width: float,
    logo: bytes | None = None,
) -> list[Flowable]:
    """Return the title block: organisation (and logo), title, subtitle, a rule, date line."""
    out: list[Flowable] = _masthead(meta, logo, renderer, styles, width)

    def para(text: str, style: str) -> None:
        markup = renderer.text(text, styles.is_bold(style))
        out.append(WrapOnceParagraph(markup.text, styles.get(style, markup.shaped)))

    para(meta.title, "title")
    if meta.subtitle:
        para(meta.subtitle, "subtitle")
    out.append(Spacer(1, 8))
    out.append(
        RuleFlowable(
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


_KF_PAD = 8.0  # inner padding of a key-figure box (pt)
_KF_GAP = 6.0  # gap between boxes (pt)
_KF_MIN_SIZE = 12.0  # below this a value wraps rather than shrinks (pt)


def _per_row(n: int) -> int:
    """Return how many key-figure boxes go in a row: 2-4, rows as even as possible."""
    if n <= 4:
        return max(n, 1)
    return 3 if n % 3 == 0 or n % 4 == 1 else 4


def _value_style(node: KeyFigures, styles: Styles, inner: float) -> ParagraphStyle:
    """Return the value style, shrunk (equally for all boxes) so each value fits one line."""
    base = styles.para["kf_value"]
    widest = max((stringWidth(kf.value, base.fontName, 1.0) for kf in node.items), default=0.0)
    size = base.fontSize if widest <= 0 else min(base.fontSize, inner / widest)
    size = max(_KF_MIN_SIZE, int(size * 2) / 2)
    if size == base.fontSize:
        return base
    return ParagraphStyle("kf_value_fit", parent=base, fontSize=size, leading=size * 1.15)


def _key_figure_cell(
    kf: KeyFigure, value_style: ParagraphStyle, renderer: InlineRenderer, styles: Styles
) -> list[Flowable]:
    """Return one box's content: the large value, its label, its context line."""
    value = renderer.text(kf.value, bold=True)
    style = (
        ParagraphStyle("kf_value_shaped", parent=value_style, shaping=1)
        if value.shaped
        else value_style
    )
    parts: list[Flowable] = [WrapOnceParagraph(value.text, style)]
    for inlines, name in ((kf.label, "kf_label"), (kf.context, "kf_context")):
        markup = renderer.markup(inlines, styles.is_bold(name))
        if markup.text:
            parts.append(WrapOnceParagraph(markup.text, styles.get(name, markup.shaped)))
    return parts


def key_figures_box(
    node: KeyFigures, renderer: InlineRenderer, styles: Styles, width: float
) -> Flowable:
    """Return the key figures as rows of 2-4 boxes (value, label, context), kept together."""
    n = len(node.items)
    per_row = _per_row(n)
    col = (width - _KF_GAP * (per_row - 1)) / per_row
    value_style = _value_style(node, styles, col - 2 * _KF_PAD)
    c = styles.colours
    rows: list[list[Any]] = []
    heights: list[float | None] = []
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.para["body"].fontSize),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _KF_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _KF_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), _KF_PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), _KF_PAD + 1),
    ]
    for start in range(0, n, per_row):
        if rows:  # a gap row between rows of boxes
            rows.append([""] * (2 * per_row - 1))
            heights.append(_KF_GAP)
        r = len(rows)
        row: list[Any] = []
        for j in range(per_row):
            if j:
                row.append("")
            if start + j < n:
                row.append(_key_figure_cell(node.items[start + j], value_style, renderer, styles))
                commands += [
                    ("BACKGROUND", (2 * j, r), (2 * j, r), c.accent_light),
                    ("LINEABOVE", (2 * j, r), (2 * j, r), 2.2, c.accent),
                ]
            else:
                row.append("")
        rows.append(row)
        heights.append(None)
    widths: list[float] = []
    for j in range(per_row):
        widths += [*([_KF_GAP] if j else []), col]
    grid = Table(
        rows, colWidths=widths, rowHeights=heights, style=TableStyle(commands), hAlign="LEFT"
    )
    parts: list[Flowable] = [Spacer(1, 4)]  # set the boxes apart from a list just above
    if node.title:
        markup = renderer.markup(node.title, bold=True)
        parts.append(WrapOnceParagraph(markup.text, styles.get("callout_title", markup.shaped)))
    parts += [grid, Spacer(1, styles.para["body"].spaceAfter + 6)]
    return KeepTogether(parts)
