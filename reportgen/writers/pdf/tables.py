"""Tables: header row repeated on each page, aligned cells, zebra stripes, ruled total rows.

Column widths come from the model's relative widths, or from the text: each column gets its
longest word at least, and the rest of the line in proportion to its natural width.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.tables import _calc_pc

from reportgen.model import Cell, Text, plain_text
from reportgen.model import Table as TableNode
from reportgen.writers.pdf.inlines import InlineRenderer
from reportgen.writers.pdf.paragraphs import WrapOnceParagraph
from reportgen.writers.pdf.safety import clean_text
from reportgen.writers.pdf.styles import Styles

_CELL_PAD = 5.0  # left and right padding of each cell (pt)
_NBSP = "\u00a0"
_ALIGNS = ("left", "right", "center")


class BriefTable(Table):
    """A reportlab Table that knows which model table it shows, for layout error messages."""

    label: str = "table"
    first_row: int = 0  # model row index of this part's first body row (after a split)
    start_rows: int = 1  # rows (header included) that must fit where the table starts
    # reportlab's LongTable mode: a split hands the rows' measured heights to its parts.
    # Without it every split measured all remaining rows again, quadratic in a long table.
    _longTableOptimize = 1
    _placed_for: tuple[Any, ...] | None = None  # the widths the row positions were computed for
    bound: tuple[bool, ...] = ()  # per model body row: stays on the page of the next one
    _argH: list[Any]  # reportlab's: row heights as given (None: to be measured)
    _rowHeights: list[Any]  # reportlab's: row heights as measured

    def _calc_height(
        self, availHeight: float, availWidth: float, H: Any = None, W: Any = None
    ) -> None:
        """Measure unmeasured rows once, in one pass; then let reportlab place them.

        reportlab 5.1 finds each unmeasured row with `None in H` and `H.index(None)` and, in
        LongTable mode, sums all rows above it, all from the table's start: quadratic, 6 s
        of a 4,000-line annex (and its LongTable early stop only fires for tables with
        spans). Rows are measured here exactly as reportlab measures them (same helpers,
        same order), their heights kept as the table's own, so splits reuse them. Once all
        heights are known, the row positions depend only on the widths: a part wrapped again
        at the same widths (each split part is wrapped two or three times) keeps them.
        """
        key = (availWidth, tuple(W) if W else None, tuple(self._argW))
        if self._spanCmds:
            super()._calc_height(availHeight, availWidth, H, W)
            return
        if key == self._placed_for and self._argH is self._rowHeights:
            return
        if None in self._argH:
            heights = self._measure_rows(W or _calc_pc(self._argW, availWidth))
            self._argH = self._rowHeights = heights
        super()._calc_height(availHeight, availWidth, H, W)
        self._placed_for = key if self._argH is self._rowHeights else None

    def _measure_rows(self, widths: list[Any]) -> list[float]:
        """Return every row's height: its tallest cell plus padding (reportlab's rule)."""
        heights = list(self._argH)
        minimum = self._minRowHeights
        canv = getattr(self, "canv", None)
        saved: Any = (canv._fontname, canv._fontsize, canv._leading) if canv else None
        for i, given in enumerate(heights):
            if given is not None:
                continue
            values, cell_styles = self._cellvalues[i], self._cellStyles[i]
            h: float = 0
            for j, (v, s, w) in enumerate(zip(values, cell_styles, widths, strict=False)):
                if isinstance(v, (tuple, list, Flowable)):
                    v = values[j] = self._cellListProcess(v, w, None)
                    if canv:
                        canv._fontname, canv._fontsize = s.fontname, s.fontsize
                        canv._leading = s.leading or 1.2 * s.fontsize
                    width, t = self._listCellGeom(v, w or self._listValueWidth(v), s)
                    if canv:
                        canv._fontname, canv._fontsize, canv._leading = saved
                    too_wide = width + s.leftPadding + s.rightPadding > (w or 0)
                    if too_wide and not rl_config.allowTableBoundsErrors & 1:
                        raise LayoutError(f"a cell too wide for its column in {self.label}")
                else:
                    lines = ("" if v is None else str(v)).split("\n")
                    t = (s.leading or 1.2 * s.fontsize) * len(lines)
                t += s.bottomPadding + s.topPadding
                if t > h:
                    h = t
            heights[i] = max(minimum[i], h) if minimum else h
        return heights

    def _splitRows(self, availHeight: float, doInRowSplit: int = 0) -> list[Any]:
        """Return the split parts, each told its table's label and first model row."""
        parts: list[Any] = super()._splitRows(availHeight, doInRowSplit)
        offset = self.first_row
        for part in parts:
            if isinstance(part, BriefTable):
                part.label = self.label
                part.first_row = offset
                part.bound = self.bound
                part.start_rows = self.start_rows
                offset += len(part._cellvalues) - part.repeatRows
        return parts

    def _getFirstPossibleSplitRowPosition(self, availHeight: float, ignoreSpans: int = 0) -> int:
        """Return the last row position the table may split at within `availHeight`.

        Positions after a bound row (model.Table.bound_rows) are refused. This does what
        reportlab's NOSPLIT ranges do, in one pass: NOSPLIT recomputes every range for each
        split, which made long tables quadratic.
        """
        if not self.bound or self._spanCmds:
            return int(super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans))
        height, split_at = 0.0, 0
        for n, row_height in enumerate(self._rowHeights, start=1):
            if height + row_height > availHeight:
                break
            body = self.first_row + (n - 1) - self.repeatRows
            if not (0 <= body < len(self.bound) and self.bound[body]):
                split_at = n
            height += row_height
        return split_at


def table_label(node: TableNode, number: int) -> str:
    """Return how messages name a table: its caption, else its position in the document."""
    caption = plain_text(node.caption).strip()
    return f"table '{caption}'" if caption else f"table {number} of the document"


def _cell(
    renderer: InlineRenderer, styles: Styles, cell: Cell, header: bool, bold: bool
) -> Paragraph:
    """Return one cell's paragraph in its alignment (header cells in the header style)."""
    align = cell.align if cell.align in _ALIGNS else "left"
    markup = renderer.markup(cell.content, bold=bold or header)
    style = styles.get(f"{'head' if header else 'cell'}-{align}", markup.shaped)
    text = f"<b>{markup.text}</b>" if bold and not header else markup.text
    return WrapOnceParagraph(text, style)


def _plain(cell: Cell, styles: Styles, font: str, size: float, width: float) -> str | None:
    """Return the cell's text as a string the table can draw, lines broken to fit; or None.

    Strings are drawn by the table itself, far faster than a Paragraph per cell (large
    annex tables have thousands); text with markup, or that needs a fallback font or shaping,
    stays a Paragraph.
    """
    if not all(isinstance(node, Text) for node in cell.content):
        return None
    text = clean_text("".join(node.text for node in cell.content))  # type: ignore[union-attr]
    if not styles.fonts.chain.is_plain(text):
        return None
    room = width - 2 * _CELL_PAD
    if stringWidth(text, font, size) <= room:
        return text
    if _NBSP in text:  # simpleSplit breaks at any white space; a no-break space must hold
        return "\n".join(_break_at_spaces(text, font, size, room))
    return "\n".join(simpleSplit(text, font, size, room))


def _break_at_spaces(text: str, font: str, size: float, room: float) -> list[str]:
    """Return `text` broken into lines at plain spaces only, each as full as `room` allows."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for word in part.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and stringWidth(candidate, font, size) > room:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _widths(node: TableNode, ncols: int, avail: float, styles: Styles) -> list[float]:
    """Return column widths (pt) filling `avail`, from the model's or from the text."""
    if len(node.widths) == ncols and all(w > 0 for w in node.widths):
        total = float(sum(node.widths))
        return _unwrap_numbers(node, [avail * w / total for w in node.widths], styles)
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


def _unwrap_numbers(node: TableNode, widths: list[float], styles: Styles) -> list[float]:
    """Return `widths` with right-aligned (numeric) columns widened so figures do not wrap.

    The room comes from left-aligned text columns, which wrap gracefully; none is taken
    below its longest word.
    """
    font, size = styles.fonts.bold, styles.para["cell-left"].fontSize
    need = list(widths)
    floor = [0.0] * len(widths)
    for row in (node.header, *node.rows[:200]):
        for i, cell in enumerate(row[: len(widths)]):
            text = plain_text(cell.content)
            if cell.align == "right":
                # A header may wrap between words ("Share of / parent"); a figure may not.
                if row is node.header:
                    text = max(text.split(), key=len, default="")
                need[i] = max(need[i], stringWidth(text, font, size) + 2 * _CELL_PAD + 1)
            else:
                longest = max(text.split(), key=len, default="")
                floor[i] = max(floor[i], stringWidth(longest, font, size) + 2 * _CELL_PAD)
    extra = sum(need) - sum(widths)
    donors = [i for i, cell in enumerate(node.header) if cell.align != "right" and i < len(widths)]
    spare = sum(max(widths[i] - floor[i], 0.0) for i in donors)
    if extra <= 0 or spare < extra:
        return widths
    out = need
    for i in donors:
        out[i] = widths[i] - extra * max(widths[i] - floor[i], 0.0) / spare
    return out


def _style(node: TableNode, styles: Styles, nrows: int) -> TableStyle:
    """Return the table's look: coloured header, stripes, rules, bold ruled totals."""
    c = styles.colours
    cell = styles.para["cell-left"]
    commands: list[tuple[Any, ...]] = [
        # The table's own font is used for plain-string cells; never reportlab's Helvetica.
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, cell.fontSize, cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), cell.textColor),
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
            ("FONT", (0, first), (-1, -1), styles.fonts.bold, cell.fontSize, cell.leading),
            ("LINEABOVE", (0, first), (-1, first), 0.8, c.text),
            ("BACKGROUND", (0, first), (-1, -1), c.accent_light),
        ]
    return TableStyle(commands)


def _align_commands(aligns: list[list[str | None]]) -> list[tuple[Any, ...]]:
    """Return ALIGN commands for string cells: one per run of equal alignment in a column."""
    commands: list[tuple[Any, ...]] = []
    for col in range(len(aligns[0]) if aligns else 0):
        run_start, current = 0, None
        for row in range(len(aligns) + 1):
            align = aligns[row][col] if row < len(aligns) else None
            if align != current:
                if current is not None:
                    commands.append(("ALIGN", (col, run_start), (col, row - 1), current.upper()))
                run_start, current = row, align
    return commands


def build_table(
    node: TableNode, renderer: InlineRenderer, styles: Styles, avail: float, number: int
) -> BriefTable:
    """Return the flowable table of `node`, `avail` points wide; header repeats on split."""
    ncols = max([len(node.header), *(len(r) for r in node.rows)])
    widths = _widths(node, ncols, avail, styles)
    first_total = len(node.rows) - min(max(node.total_rows, 0), len(node.rows))
    size = styles.para["cell-left"].fontSize
    data: list[list[Paragraph | str]] = [
        _padded([_cell(renderer, styles, c, True, False) for c in node.header], ncols)
    ]
    aligns: list[list[str | None]] = [[None] * ncols]
    for i, row in enumerate(node.rows):
        bold = i >= first_total
        font = styles.fonts.bold if bold else styles.fonts.regular
        cells: list[Paragraph | str] = []
        row_aligns: list[str | None] = [None] * ncols
        for j, cell in enumerate(row[:ncols]):
            text = _plain(cell, styles, font, size, widths[j])
            if text is None:
                cells.append(_cell(renderer, styles, cell, False, bold))
            else:
                cells.append(text)
                row_aligns[j] = cell.align if cell.align in _ALIGNS else "left"
        data.append(_padded(cells, ncols))
        aligns.append(row_aligns)
    style = _style(node, styles, len(data))
    for command in _align_commands(aligns):
        style.add(*command)
    bound = node.bound_rows()
    runs = bound_runs(bound)
    table = BriefTable(data, colWidths=widths, repeatRows=1, style=style, hAlign="LEFT")
    table.bound = bound
    table.label = table_label(node, number)
    table.start_rows = 1 + (runs[0][1] + 1 if runs and runs[0][0] == 0 else min(1, len(data) - 1))
    return table


def bound_runs(bound: tuple[bool, ...]) -> list[tuple[int, int]]:
    """Return (first, last) body-row indices of each run of rows kept on one page."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, keep in enumerate(bound):
        if keep and start is None:
            start = i
        if not keep and start is not None:
            runs.append((start, i))  # row i is the last one bound to the row before it
            start = None
    if start is not None:
        runs.append((start, len(bound) - 1))
    return runs


def _padded(cells: list[Paragraph | str], ncols: int) -> list[Paragraph | str]:
    """Return `cells` filled with empty cells up to `ncols` (ragged rows stay drawable)."""
    return [*cells, *([""] * (ncols - len(cells)))]
