"""Keep headings (and captions) with what follows, without pushing long content to a new page.

reportlab's keepWithNext does not bind a heading to a container (a list, a KeepTogether),
and its KeepTogether moves any content taller than a page to a fresh page. Here a heading
group moves to the next page only when the heading and the start of what follows do not fit.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import KeepTogether, ListFlowable, Table
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import BalancedColumns, Flowable

_MIN_FOLLOWING = 72.0  # points of the following block that must sit under its heading
_LONG_TABLE_ROWS = 80  # a table this long is never measured just to keep it with its heading


class KeepWithNext(KeepTogether):
    """Flowables kept on one page when they fit; else at least their start stays together."""

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        """Return the width and a huge height, which makes the frame call `split`."""
        self._heights = [_height(f, self.canv, aW) for f in self._content]
        self._H = sum(self._heights)
        self._H0 = self._heights[0] if self._heights else 0
        self._wrapInfo = aW, aH
        return aW, 0xFFFFFF

    def split(self, aW: float, aH: float) -> list[Flowable]:
        """Return the content, preceded by a frame break when its start does not fit here."""
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content: list[Any] = list(self._content)
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        frame_height = frame._height if frame is not None else aH
        if aH >= self._H or at_top:
            return content
        last = content[-1] if content else None
        if isinstance(last, Table):
            # A table starts where it is when its header and first rows fit (a typesetter's
            # rule), rather than leaving the rest of the page empty; it splits with its
            # header repeated.
            start = sum(self._heights[:-1]) + _table_start(last, self.canv, aW)
            return [FrameBreak(), *content] if start > aH else content
        items, width = _list_items(last, aW)
        if len(items) > 1:
            # A list splits between items (a list in columns, between items of a column):
            # it starts here when its first item fits.
            first = items[0].wrapOn(self.canv, width, 0xFFFFFF)[1]
            start = sum(self._heights[:-1]) + first + last.getSpaceBefore()
            return [FrameBreak(), *content] if start > aH else content
        if frame_height >= self._H:
            return [FrameBreak(), *content]
        start = sum(self._heights[:-1]) + min(self._heights[-1], _MIN_FOLLOWING)
        return [FrameBreak(), *content] if start > aH else content


def _list_items(flow: Flowable | None, width: float) -> tuple[list[Flowable], float]:
    """Return the items of a list or of a list set in columns (else []), and their width."""
    if isinstance(flow, ListFlowable):
        return list(flow._content), width
    if isinstance(flow, BalancedColumns):
        return list(flow._content), width / flow._nCols
    return [], width


def _table_start(table: Table, canv: Any, width: float) -> float:
    """Return the height of the rows a table must fit where it starts (header and first rows)."""
    rows = int(getattr(table, "start_rows", 2))
    if getattr(table, "_rowHeights", None):
        return float(sum(h or 0 for h in table._rowHeights[:rows])) + table.getSpaceBefore()
    # A long table is not laid out just for this: its first rows, as a table of their own
    # (default padding, a little taller than the real rows), say how much room they need.
    head = Table(table._cellvalues[:rows], colWidths=table._colWidths)
    return float(head.wrapOn(canv, width, 0xFFFFFF)[1]) + table.getSpaceBefore()


def _height(flow: Flowable, canv: Any, width: float) -> float:
    """Return the flowable's height with its spacing; long tables count as taller than a page.

    Wrapping a table of thousands of rows only to learn it is long would cost as much as
    laying it out, so a long table is taken as "more than a page" unmeasured.
    """
    if isinstance(flow, Table) and len(flow._cellvalues) > _LONG_TABLE_ROWS:
        return float(0xFFFFFF)
    return float(
        flow.wrapOn(canv, width, 0xFFFFFF)[1] + flow.getSpaceBefore() + flow.getSpaceAfter()
    )


def keep_headings_with_next(story: list[Flowable]) -> list[Flowable]:
    """Return `story` with each run of flagged flowables grouped with the block after it.

    A flowable is flagged by a true `keep_with_next` attribute (headings, captions).
    """
    out: list[Flowable] = []
    pending: list[Flowable] = []
    for flow in story:
        if getattr(flow, "keep_with_next", False):
            pending.append(flow)
            continue
        if pending:
            inner = list(flow._content) if type(flow) is KeepTogether else [flow]
            out.append(KeepWithNext([*pending, *inner]))
            pending = []
        else:
            out.append(flow)
    out.extend(pending)
    return out
