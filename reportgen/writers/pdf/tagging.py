"""The tagging layer's two ends: elements for the flowables the visitor makes, and the canvas.

The visitor calls these helpers to give each flowable its structure element (`tag_table`,
`tag_list`, `tag_key_figures`); `tagged_canvas_maker` makes the canvas that carries the
document's Tagger, hands link annotations to it, and writes the structure tree (and the
archival parts) when the PDF is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, ListFlowable, Paragraph, Table

from reportgen import model
from reportgen.model import Block, plain_text
from reportgen.writers.pdf.marking import (
    TableMarks,
    Tagger,
    install_actual_text,
    install_bullet_marks,
    set_elem,
)
from reportgen.writers.pdf.page import PageCountCanvas
from reportgen.writers.pdf.structtree import write_structure_tree
from reportgen.writers.pdf.structure import StructElem

_TH_SCOPE = {"O": "Table", "Scope": "Column"}


class TaggedCanvas(PageCountCanvas):
    """A canvas that marks content through its Tagger and writes the structure tree on save."""

    _rg_tagger: Tagger | None = None
    _rg_finish: Callable[[Any], None] | None = None

    def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> None:
        """Add an annotation as reportlab does, then give it to the link being drawn."""
        name = name or f"NUMBER{self._annotationCount + 1}"  # the name reportlab would give
        super()._addAnnotation(annotation, name, addtopage)
        if self._rg_tagger is not None and addtopage:
            self._rg_tagger.add_annotation(self._pageNumber, name, _target(annotation))

    def save(self) -> None:
        """Write the structure tree and the archival parts, then the PDF."""
        if self._rg_tagger is not None:
            write_structure_tree(self, self._rg_tagger)
        if self._rg_finish is not None:
            self._rg_finish(self)
        super().save()


def _target(annotation: Any) -> str:
    """Return where a link annotation points (a URL or a destination name)."""
    action = annotation.dict.get("A") if hasattr(annotation, "dict") else None
    if action is not None:
        return str(action.dict.get("URI", ""))
    return str(getattr(annotation, "Destination", ""))


def tagged_canvas_maker(
    tagger: Tagger, finish: Callable[[Any], None] | None = None
) -> Callable[..., TaggedCanvas]:
    """Return a canvas maker for reportlab's build: canvases tagged by `tagger`.

    `finish` runs on the canvas just before the PDF is written (metadata, attachments).
    """
    install_bullet_marks()
    install_actual_text()

    def make(*args: Any, **kw: Any) -> TaggedCanvas:
        canv = TaggedCanvas(*args, **kw)
        canv._rg_tagger = tagger
        canv._rg_finish = finish
        return canv

    return make


# ---------------------------------------------------------------------- elements for flowables


def link_descriptions(blocks: Iterable[Block]) -> dict[str, str]:
    """Return '#src-<id>' -> 'Source n: <text>' for each source of the document's lists."""
    found: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, model.BulletList):
            for i, item in enumerate(block.items):
                if item.id:
                    number = block.start + i if block.ordered else i + 1
                    text = " ".join(plain_text(item.content).split())
                    found[f"#{item.id}"] = f"Source {number}: {text}"[:400]
        elif isinstance(block, model.Callout):
            found |= link_descriptions(block.blocks)
    return found


def tag_list(flow: ListFlowable, node: model.BulletList, parent: StructElem) -> None:
    """Give a list its L > LI > Lbl + LBody elements (sources: BibEntry with their ids)."""
    numbering = "Decimal" if node.ordered else "Disc"
    lst = parent.child("L", attributes={"O": "List", "ListNumbering": numbering})
    items = [c._flowable if hasattr(c, "_flowable") else c for c in _list_items(flow)]
    for item, para in zip(node.items, items, strict=False):
        li = lst.child("LI")
        para._rg_label = li.child("Lbl")
        body = li.child("LBody")
        if item.id and item.id.startswith("src-"):
            body = body.child("BibEntry", elem_id=item.id)
        set_elem(para, body)


def _list_items(flow: ListFlowable) -> list[Flowable]:
    """Return the item paragraphs of a list flowable, in order."""
    out: list[Flowable] = []
    for item in flow._flowables:
        inner = getattr(item, "_flowables", None)
        out.append(inner[0] if inner else item)
    return out


def tag_table(table: Table, node: model.Table, elem: StructElem) -> None:
    """Give a table's cells TH/TD elements under THead/TBody rows of `elem` (a Table)."""
    ncols = len(table._cellvalues[0]) if table._cellvalues else 0
    head = elem.child("THead").child("TR")
    cells = [[head.child("TH", attributes=dict(_TH_SCOPE)) for _ in range(ncols)]]
    body = elem.child("TBody")
    for _row in node.rows:
        tr = body.child("TR")
        cells.append([tr.child("TD") for _ in range(ncols)])
    for r, row in enumerate(table._cellvalues):
        for c, value in enumerate(row):
            if isinstance(value, Paragraph) and r < len(cells):
                set_elem(value, cells[r][c])
    table._renderCB = TableMarks(cells)


def tag_layout(table: Table) -> Table:
    """Return a table used only for layout (a box), its decoration marked as artifacts."""
    table._renderCB = TableMarks(None)
    return table


def tag_key_figures(box: Flowable, node: model.KeyFigures, parent: StructElem) -> None:
    """Tag key figures by meaning: a Sect with its title and a list of the figures.

    Each figure is a list item whose body is its value, label and context paragraphs; the
    grid of boxes that places them is layout only.
    """
    sect = parent.child("Sect")
    content = list(box._content) if isinstance(box, KeepTogether) else [box]
    grid = next((f for f in content if isinstance(f, Table)), None)
    title = next((f for f in content if isinstance(f, Paragraph)), None)
    if title is not None and node.title:
        set_elem(title, sect.child("P"))
    lst = sect.child("L", attributes={"O": "List", "ListNumbering": "None"})
    if grid is None:
        return
    tag_layout(grid)
    cells = [cell for row in grid._cellvalues for cell in row if isinstance(cell, list)]
    for cell in cells:
        body = lst.child("LI").child("LBody")
        for para in cell:
            set_elem(para, body.child("P"))


def tag_title_block(flows: list[Flowable], parent: StructElem) -> list[Flowable]:
    """Return the title block's flowables, each paragraph a P; the masthead is layout."""
    for flow in flows:
        if isinstance(flow, Paragraph):
            set_elem(flow, parent.child("P"))
        elif isinstance(flow, Table):
            tag_layout(flow)
            for row in flow._cellvalues:
                for cell in row:
                    for para in cell if isinstance(cell, list) else [cell]:
                        if isinstance(para, Paragraph):
                            set_elem(para, parent.child("P"))
    return flows
