"""Tables as lxml elements built row by row (linear in rows, unlike python-docx's add_row).

Three kinds: the data table (repeating header row, rows that do not split, right-aligned
numbers, zebra stripes, ruled bold totals, caption), the key-figures grid (shaded cells with
gutters), and the single-cell box for callouts that hold more than paragraphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from reportgen import model as m
from reportgen.writers.docx import styles as st
from reportgen.writers.docx.metrics import text_width
from reportgen.writers.docx.ooxml import W_VAL, qn, sub, twips
from reportgen.writers.docx.runs import PLAIN

if TYPE_CHECKING:
    from pathlib import Path

    from reportgen.writers.docx.visitor import DocxVisitor

W_TR, W_TC, W_TRPR, W_TCPR = qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr")
W_TCW, W_SHD, W_W, W_TYPE, W_FILL = qn("w:tcW"), qn("w:shd"), qn("w:w"), qn("w:type"), qn("w:fill")
W_COLOR = qn("w:color")
# The PDF's key-figure boxes (writers/pdf/boxes.py): the same gutter and padding give the
# labels the same width, so they break their lines at the same words in both formats.
KF_GAP_PT = 6.0
KF_PAD_PT = 8.0
KF_MIN_VALUE_PT = 12.0


def _table(style: str, widths: list[int], look_first: bool) -> tuple[Any, Any]:
    """Return a new `w:tbl` with its properties and grid (fixed layout, widths in twips)."""
    tbl = etree.Element(qn("w:tbl"))
    pr = sub(tbl, "w:tblPr")
    sub(pr, "w:tblStyle", {"w:val": style})
    sub(pr, "w:tblW", {"w:w": str(sum(widths)), "w:type": "dxa"})
    sub(pr, "w:tblLayout", {"w:type": "fixed"})
    sub(pr, "w:tblLook", {"w:val": "0020" if look_first else "0000",
                          "w:firstRow": "1" if look_first else "0", "w:lastRow": "0",
                          "w:firstColumn": "0", "w:lastColumn": "0", "w:noHBand": "1",
                          "w:noVBand": "1"})  # fmt: skip
    grid = sub(tbl, "w:tblGrid")
    for width in widths:
        sub(grid, "w:gridCol", {"w:w": str(width)})
    return tbl, pr


def _cell(row: Any, width: int, fill: str | None = None) -> tuple[Any, Any]:
    """Return a new `w:tc` of `width` twips (optionally shaded) and its `w:tcPr`."""
    tc = etree.SubElement(row, W_TC)
    tcpr = etree.SubElement(tc, W_TCPR)
    tcw = etree.SubElement(tcpr, W_TCW)
    tcw.set(W_W, str(width))
    tcw.set(W_TYPE, "dxa")
    if fill:
        shd = etree.SubElement(tcpr, W_SHD)
        shd.set(W_VAL, "clear")
        shd.set(W_COLOR, "auto")
        shd.set(W_FILL, fill)
    return tc, tcpr


def column_widths(
    node: m.Table, total: int, size_pt: float, pad_pt: float, fonts: tuple[Path, Path]
) -> list[int]:
    """Return column widths in twips: Table.widths (else text lengths), each column wide enough.

    A column's minimum is its widest word (text columns, which may wrap between words) or
    its widest entry (number columns, right-aligned, which must not wrap), measured in the
    table's fonts (regular, bold for the header); columns below their minimum take room
    from those with more than theirs.
    """
    n = len(node.header)
    weights = [float(w) for w in node.widths] if len(node.widths) == n else []
    if not weights or any(w <= 0 for w in weights):
        weights = [min(max(_longest(node, col), 4), 40) for col in range(n)]
    scale = total / sum(weights)
    widths = [w * scale for w in weights]
    # a point to spare: Word and LibreOffice round cell margins and advances their own way
    minimum = [
        (_widest(node, col, node.header[col].align != "right", fonts, size_pt) + 2 * pad_pt + 1)
        * 20
        for col in range(n)
    ]
    if sum(minimum) <= total:
        short = sum(max(0.0, minimum[c] - widths[c]) for c in range(n))
        slack = [max(0.0, widths[c] - minimum[c]) for c in range(n)]
        if short > 0 and sum(slack) > 0:
            ratio = short / sum(slack)
            widths = [max(minimum[c], widths[c] - slack[c] * ratio) for c in range(n)]
    scale = total / sum(widths)
    result = [int(w * scale) for w in widths]
    result[-1] += total - sum(result)
    return result


def _widest(
    node: m.Table, col: int, words: bool, fonts: tuple[Path, Path], size_pt: float
) -> float:
    """Return the width in pt of the widest entry (or word) of column `col`, header words bold.

    Only the first 200 rows are looked at, which keeps big tables linear and cheap.
    """
    regular, bold = fonts
    header = m.plain_text(node.header[col].content).split()
    widest = max((text_width(bold, w, size_pt) for w in header), default=0.0)
    for row in node.rows[:200]:
        if col < len(row):
            text = m.plain_text(row[col].content)
            parts = text.split() if words else [text]
            widest = max([widest, *(text_width(regular, p, size_pt) for p in parts)])
    return widest


def _longest(node: m.Table, col: int) -> int:
    """Return the length in characters of the longest entry of column `col` (or its header).

    Only the first 200 rows are looked at, which keeps big tables linear and cheap.
    """
    longest = max((len(w) for w in m.plain_text(node.header[col].content).split()), default=1)
    for row in node.rows[:200]:
        if col < len(row):
            longest = max(longest, len(m.plain_text(row[col].content)))
    return longest


def data_table(v: DocxVisitor, node: m.Table) -> list[Any]:
    """Return the caption paragraph (kept with the table) and the table element."""
    out: list[Any] = []
    if node.caption:
        cap = v.paragraph(st.TABLE_CAPTION, keep_next=True)
        v.inlines(cap, node.caption, PLAIN)
        out.append(cap)
    if not node.header:
        return out
    total = round(v.text_width_pt * 20)
    fonts = (v.theme.body_font.regular, v.theme.body_font.bold)
    widths = column_widths(node, total, v.theme.sizes.table, 85 / 20, fonts)
    tbl, _ = _table(st.BRIEF_TABLE, widths, True)
    pal = v.theme.palette
    aligns = [c.align for c in node.header]
    header = etree.SubElement(tbl, W_TR)
    trpr = etree.SubElement(header, W_TRPR)
    etree.SubElement(trpr, qn("w:cantSplit"))
    etree.SubElement(trpr, qn("w:tblHeader"))  # repeat on every page the table runs onto
    for col, cell in enumerate(node.header):
        tc, _ = _cell(header, widths[col], pal.table_header_bg)
        p = v.paragraph(st.TABLE_HEADER, jc=cell.align, keep_next=True)
        tc.append(p)
        v.inlines(p, cell.content, PLAIN)
    first_total = len(node.rows) - max(0, node.total_rows)
    # Cells are deep copies of a few prototypes (one per column, fill, alignment and rule):
    # copying a small subtree is several times faster than building it element by element.
    protos: dict[tuple[int, str | None, str, bool, bool], Any] = {}
    plain, bold = PLAIN, PLAIN.but(bold=True)
    # Word keeps a row on the page of the next when its paragraphs have keepNext: the first
    # three rows, "of which" parts with their row, the last two rows (model.Table.bound_rows).
    bound = node.bound_rows()
    for index, cells in enumerate(node.rows):
        is_total = index >= first_total
        row = etree.SubElement(tbl, W_TR)
        etree.SubElement(etree.SubElement(row, W_TRPR), qn("w:cantSplit"))
        fill = pal.accent_light if is_total else pal.table_stripe if index % 2 == 1 else None
        ruled = is_total and index == first_total
        for col in range(len(widths)):
            cell = cells[col] if col < len(cells) else _EMPTY
            key = (col, fill, cell.align or aligns[col], ruled, bound[index])
            proto = protos.get(key)
            if proto is None:
                proto = protos[key] = _body_cell(v, widths[col], fill, key[2], ruled, key[4])
            tc = proto.__copy__()  # lxml copies the whole subtree
            row.append(tc)
            v.inlines(tc[1], cell.content, bold if is_total else plain)
    out.append(tbl)
    out.append(v.spacer(v.theme.spacing.block_after))
    return out


_EMPTY = m.Cell(())


def _body_cell(
    v: DocxVisitor, width: int, fill: str | None, align: str, ruled: bool, keep: bool
) -> Any:
    """Return a prototype body cell (properties and an empty styled paragraph)."""
    holder = etree.Element(W_TR)
    tc, tcpr = _cell(holder, width, fill)
    if ruled:  # the first total row is ruled off from the rows above
        borders = etree.Element(qn("w:tcBorders"))
        sub(borders, "w:top", {"w:val": "single", "w:sz": "8", "w:space": "0",
                               "w:color": v.theme.palette.accent})  # fmt: skip
        tcpr.insert(1, borders)
    tc.append(v.paragraph(st.TABLE_TEXT, jc=align, keep_next=keep))
    return tc


def _grid_layout(v: DocxVisitor, items: tuple[m.KeyFigure, ...], gap: int) -> tuple[int, float]:
    """Return (columns, value size in pt), by the PDF's rules for its key-figure boxes.

    Two to four boxes a row, rows as even as possible; the values shrink together so the
    widest fits one line, to no less than 12 pt (below that a value wraps). The same rules
    and box widths make both formats show the same grid with the same line breaks.
    """
    n = len(items)
    cols = max(n, 1) if n <= 4 else (3 if n % 3 == 0 or n % 4 == 1 else 4)
    inner = (v.text_width_pt - (cols - 1) * gap / 20) / cols - 2 * KF_PAD_PT
    size = v.theme.sizes.key_figure
    bold = v.theme.body_font.bold
    widest = max((text_width(bold, item.value, 1.0) for item in items), default=0.0)
    fit = size if widest <= 0 else min(size, inner / widest)
    return cols, max(KF_MIN_VALUE_PT, int(fit * 2) / 2)


def key_figures(v: DocxVisitor, node: m.KeyFigures) -> list[Any]:
    """Return the key-figures grid: shaded cells (value, label, context) with white gutters.

    Gutters are narrow empty columns and rows rather than cell spacing, which LibreOffice
    and pandoc do not all honour.
    """
    if not node.items:
        return []
    gap = round(KF_GAP_PT * 20)
    cols, value_size = _grid_layout(v, node.items, gap)
    total = round(v.text_width_pt * 20)
    cell_w = (total - (cols - 1) * gap) // cols
    widths: list[int] = []
    for col in range(cols):
        widths += [cell_w] if col == 0 else [gap, cell_w]
    widths[-1] += total - sum(widths)
    tbl, pr = _table(st.GRID_TABLE, widths, False)
    mar = etree.Element(qn("w:tblCellMar"))
    for side, pad in (("top", KF_PAD_PT), ("left", KF_PAD_PT), ("bottom", KF_PAD_PT + 1),
                      ("right", KF_PAD_PT)):  # fmt: skip
        sub(mar, f"w:{side}", {"w:w": twips(pad), "w:type": "dxa"})
    pr.find(qn("w:tblLayout")).addnext(mar)
    pal = v.theme.palette
    rows = [node.items[i : i + cols] for i in range(0, len(node.items), cols)]
    for r_index, items in enumerate(rows):
        if r_index:
            _gutter_row(tbl, widths, gap)
        row = etree.SubElement(tbl, W_TR)
        etree.SubElement(etree.SubElement(row, W_TRPR), qn("w:cantSplit"))
        for col in range(cols):
            if col:
                tc, _ = _cell(row, widths[2 * col - 1])
                _empty(tc)
            item = items[col] if col < len(items) else None
            tc, tcpr = _cell(row, widths[2 * col], pal.accent_light if item else None)
            borders = etree.Element(qn("w:tcBorders"))
            if item:
                sub(borders, "w:top", {"w:val": "single", "w:sz": "18", "w:space": "0",
                                       "w:color": pal.accent})  # fmt: skip
                tcpr.insert(1, borders)
            if item is None:
                _empty(tc)
                continue
            value = v.paragraph(st.KF_VALUE)
            size = None if value_size == v.theme.sizes.key_figure else round(value_size, 1)
            v.text(value, item.value, PLAIN.but(size=size))
            label = v.paragraph(st.KF_LABEL)
            v.inlines(label, item.label, PLAIN)
            tc.extend([value, label])
            if item.context:
                context = v.paragraph(st.KF_CONTEXT)
                v.inlines(context, item.context, PLAIN)
                tc.append(context)
    return [tbl]


def _gutter_row(tbl: Any, widths: list[int], gap: int) -> None:
    """Append an exact-height empty row: the vertical gap between rows of key figures."""
    row = etree.SubElement(tbl, W_TR)
    trpr = etree.SubElement(row, W_TRPR)
    sub(trpr, "w:trHeight", {"w:val": str(gap), "w:hRule": "exact"})
    for width in widths:
        tc, _ = _cell(row, width)
        _empty(tc)


def _empty(tc: Any) -> None:
    """Give a cell the one empty, tiny paragraph every `w:tc` must end with."""
    p = sub(tc, "w:p")
    ppr = sub(p, "w:pPr")
    sub(ppr, "w:spacing", {"w:before": "0", "w:after": "0", "w:line": "20",
                           "w:lineRule": "exact"})  # fmt: skip
    rpr = sub(ppr, "w:rPr")
    sub(rpr, "w:sz", {"w:val": "2"})


def box_table(v: DocxVisitor, node: m.Callout, style: str) -> list[Any]:
    """Return a callout holding lists or tables as a shaded single-cell table with a rule."""
    pal = v.theme.palette
    total = round(v.text_width_pt * 20)
    tbl, pr = _table(st.GRID_TABLE, [total], False)
    pad = twips(v.theme.spacing.box_padding)
    mar = etree.Element(qn("w:tblCellMar"))
    for side in ("top", "left", "bottom", "right"):
        sub(mar, f"w:{side}", {"w:w": pad, "w:type": "dxa"})
    pr.find(qn("w:tblLayout")).addnext(mar)
    row = etree.SubElement(tbl, W_TR)
    fill = pal.table_stripe if style in (st.EXECUTIVE, st.WARNING) else pal.accent_light
    tc, tcpr = _cell(row, total, fill)
    borders = etree.Element(qn("w:tcBorders"))
    rule = pal.accent_2 if style == st.WARNING else pal.accent
    side = "top" if style == st.EXECUTIVE else "left"
    sub(borders, f"w:{side}", {"w:val": "single", "w:sz": "24", "w:space": "0", "w:color": rule})
    tcpr.insert(1, borders)
    outer_out, outer_box = v.out, v.box_style
    inner: list[Any] = []
    v.out, v.box_style = inner, None
    try:
        if node.title:
            p = v.paragraph(st.NORMAL, keep_next=True)
            v.inlines(p, node.title, PLAIN.but(bold=True))
            inner.append(p)
        for block in node.blocks:
            v.visit(block)
    finally:
        v.out, v.box_style = outer_out, outer_box
    if not inner or inner[-1].tag != qn("w:p"):
        inner.append(v.spacer(1))  # a cell must end with a paragraph
    tc.extend(inner)
    return [tbl, v.spacer(v.theme.spacing.block_after)]


def columns_table(v: DocxVisitor, node: m.Columns) -> list[Any]:
    """Return side-by-side columns as a borderless table: each row of Divs one table row.

    Rows do not split across pages, so a block and its counterpart in the other language
    stay level with each other.
    """
    count = max((len(row) for row in node.rows), default=0)
    if count == 0:
        return []
    gap = 280  # twips between the columns
    total = round(v.text_width_pt * 20)
    width = (total - gap * (count - 1)) // count
    widths = [width] * count
    tbl, pr = _table(st.GRID_TABLE, widths, False)
    mar = etree.Element(qn("w:tblCellMar"))
    for side, value in (("left", 0), ("right", gap)):
        sub(mar, f"w:{side}", {"w:w": str(value), "w:type": "dxa"})
    pr.find(qn("w:tblLayout")).addnext(mar)
    outer_out = v.out
    try:
        for divs in node.rows:
            row = etree.SubElement(tbl, W_TR)
            sub(etree.SubElement(row, W_TRPR), "w:cantSplit")
            for col in range(count):
                tc, _ = _cell(row, widths[col])
                inner: list[Any] = []
                v.out = inner
                if col < len(divs):
                    v.visit_div(divs[col])
                if not inner or inner[-1].tag != qn("w:p"):
                    inner.append(v.spacer(1))  # a cell must end with a paragraph
                tc.extend(inner)
    finally:
        v.out = outer_out
    return [tbl, v.spacer(v.theme.spacing.block_after)]
