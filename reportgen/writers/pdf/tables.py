"""Tables: header row repeated on each page, aligned cells, zebra stripes, ruled total rows.

Column widths come from the model's relative widths, or from the text: each column gets its
longest word at least, and the rest of the line in proportion to its natural width.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from reportgen.model import Cell, plain_text
from reportgen.model import Table as TableNode
from reportgen.writers.pdf.inlines import InlineRenderer
from reportgen.writers.pdf.styles import Styles

_CELL_PAD = 5.0  # left and right padding of each cell (pt)
_ALIGNS = ("left", "right", "center")


class BriefTable(Table):
    """A reportlab Table that knows which model table it shows, for layout error messages."""

    label: str = "table"
    first_row: int = 0  # model row index of this part's first body row (after a split)

    def _splitRows(self, availHeight: float, doInRowSplit: int = 0) -> list[Any]:
        """Return the split parts, each told its table's label and first model row."""
        parts: list[Any] = super()._splitRows(availHeight, doInRowSplit)
        offset = self.first_row
        for part in parts:
            if isinstance(part, BriefTable):
                part.label = self.label
                part.first_row = offset
                offset += len(part._cellvalues) - part.repeatRows
        return parts


def table_label(node: TableNode, number: int) -> str:
    """Return how messages name a table: its caption, else its position in the document."""
    caption = plain_text(node.caption).strip()
    return f"table '{caption}'" if caption else f"table {number} of the document"


def _cell(
    renderer: InlineRenderer, styles: Styles, cell: Cell, header: bool, bold: bool
) -> Paragraph:
    """Return one cell's paragraph in its alignment (header cells in the header style)."""
    align = cell.align if cell.align in _ALIGNS else "left"
    markup = renderer.markup(cell.content, bold=bold)
    style = styles.get(f"{'head' if header else 'cell'}-{align}", markup.shaped)
    text = f"<b>{markup.text}</b>" if bold and not header else markup.text
    return Paragraph(text, style)


def _widths(node: TableNode, ncols: int, avail: float, styles: Styles) -> list[float]:
    """Return column widths (pt) filling `avail`, from the model's or from the text."""
    if len(node.widths) == ncols and all(w > 0 for w in node.widths):
        total = float(sum(node.widths))
        return [avail * w / total for w in node.widths]
    font, size = styles.fonts.bold, styles.para["cell-left"].fontSize
    natural = [0.0] * ncols
    minimum = [0.0] * ncols
    for row in (node.header, *node.rows[:200]):  # a sample is enough to judge proportions
        for i, cell in enumerate(row[:ncols]):
            text = plain_text(cell.content)
            natural[i] = max(natural[i], stringWidth(text, font, size) + 2 * _CELL_PAD)
            longest = max(text.split(), key=len, default="")
            minimum[i] = max(minimum[i], stringWidth(longest, font, size) + 2 * _CELL_PAD)
    natural = [max(n, 20.0) for n in natural]
    if sum(natural) <= avail:
        extra = avail - sum(natural)
        return [n + extra * n / sum(natural) for n in natural]
    spare = max(avail - sum(minimum), 0.0)
    give = [n - m for n, m in zip(natural, minimum, strict=True)]
    total_give = sum(give) or 1.0
    widths = [m + spare * g / total_give for m, g in zip(minimum, give, strict=True)]
    scale = avail / sum(widths)
    return [w * scale for w in widths]


def _style(node: TableNode, styles: Styles, nrows: int) -> TableStyle:
    """Return the table's look: coloured header, stripes, rules, bold ruled totals."""
    c = styles.colours
    commands: list[tuple[Any, ...]] = [
        # The table's own font is used for plain-string cells; never reportlab's Helvetica.
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.para["cell-left"].fontSize),
        ("BACKGROUND", (0, 0), (-1, 0), c.table_header_bg),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.8),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, c.accent),
    ]
    if nrows > 1:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, c.table_stripe]))
    totals = min(max(node.total_rows, 0), nrows - 1)
    if totals:
        first = nrows - totals
        commands += [
            ("LINEABOVE", (0, first), (-1, first), 0.8, c.text),
            ("BACKGROUND", (0, first), (-1, -1), c.accent_light),
        ]
    return TableStyle(commands)


def build_table(
    node: TableNode, renderer: InlineRenderer, styles: Styles, avail: float, number: int
) -> BriefTable:
    """Return the flowable table of `node`, `avail` points wide; header repeats on split."""
    ncols = max([len(node.header), *(len(r) for r in node.rows)])
    first_total = len(node.rows) - min(max(node.total_rows, 0), len(node.rows))
    data: list[list[Paragraph | str]] = [
        _padded([_cell(renderer, styles, c, True, False) for c in node.header], ncols)
    ]
    for i, row in enumerate(node.rows):
        bold = i >= first_total
        data.append(_padded([_cell(renderer, styles, c, False, bold) for c in row], ncols))
    table = BriefTable(
        data,
        colWidths=_widths(node, ncols, avail, styles),
        repeatRows=1,
        style=_style(node, styles, len(data)),
        hAlign="LEFT",
    )
    table.label = table_label(node, number)
    return table


def _padded(cells: list[Paragraph], ncols: int) -> list[Paragraph | str]:
    """Return `cells` filled with empty cells up to `ncols` (ragged rows stay drawable)."""
    return [*cells, *([""] * (ncols - len(cells)))]
