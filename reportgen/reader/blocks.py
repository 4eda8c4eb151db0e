"""Block tokens into model blocks: headings, paragraphs, lists, tables, literal code.

`BlockReader` walks the token list once. It keeps the document-wide state: the anchors
already used (ids stay unique) and the running figure number. Containers are handed to
`reader.containers`.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from reportgen import model
from reportgen.reader import containers
from reportgen.reader.inlines import Inlines, finish, read_inlines
from reportgen.reader.syntax import Container, anchor_of, children, closing, fail
from reportgen.slugs import slugify

_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


class BlockReader:
    """Builds blocks from markdown-it tokens, keeping ids unique and numbering figures."""

    def __init__(self, labels: tuple[tuple[str, str], ...] = ()) -> None:
        self.labels = labels  # the document's words ("Figure {number}") in its language
        self.figures = 0
        self.ids: set[str] = set()

    def blocks(
        self, tokens: list[Token], start: int, end: int, style: str | None = None
    ) -> tuple[list[model.Block], int]:
        """Return the blocks of tokens[start:end] and the index after them."""
        out: list[model.Block] = []
        i = start
        while i < end:
            close = closing(tokens, i)
            out.append(self.block(tokens, i, close, style))
            i = close + 1
        return out, i

    def block(self, tokens: list[Token], i: int, close: int, style: str | None) -> model.Block:
        """Return the block that starts at tokens[i] and ends at tokens[close]."""
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            return self.heading(tokens[i + 1], int(token.tag[1:]))
        if kind == "paragraph_open":
            return model.Paragraph(content=finish(read_inlines(tokens[i + 1])), style=style)
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.bullet_list(tokens, i, close)
        if kind == "table_open":
            return self.table(tokens, i, close)
        if kind == "container_block_open":
            return containers.read_container(self, tokens, i, close, style)
        if kind == "blockquote_open":
            inner, _ = self.blocks(tokens, i + 1, close, style)
            return model.Callout(kind="note", blocks=tuple(inner))
        if kind == "fence" and token.info.strip() == "chart":
            raise fail(token, "a ```chart block belongs inside a `::: figure` container")
        if kind in ("fence", "code_block"):
            return _literal(token.content, style)
        if kind == "hr":
            raise fail(token, "horizontal rules are not part of the brief dialect")
        raise fail(token, f"unsupported Markdown construct {kind!r}")

    def heading(self, inline: Token, level: int) -> model.Heading:
        """Return a heading with its `{#id}` anchor, or an id made from its text."""
        content = finish(read_inlines(inline))
        anchor = anchor_of(inline) or slugify(model.plain_text(content), fallback="section")
        return model.Heading(level=level, content=content, id=self.unique_id(anchor))

    def unique_id(self, anchor: str) -> str:
        """Return `anchor`, suffixed with -2, -3 ... if the document already uses it."""
        candidate, n = anchor, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{anchor}-{n}"
        self.ids.add(candidate)
        return candidate

    def bullet_list(self, tokens: list[Token], i: int, close: int) -> model.BulletList:
        """Return a bulleted or numbered list; each item is one paragraph of inlines."""
        ordered = tokens[i].type == "ordered_list_open"
        start = int(tokens[i].attrs.get("start", 1)) if ordered else 1
        items = []
        for j in children(tokens, i, close):
            content, anchor = self.item_inlines(tokens, j, closing(tokens, j))
            items.append(model.ListItem(content=finish(content), id=anchor))
        return model.BulletList(items=tuple(items), ordered=ordered, start=start)

    def item_inlines(self, tokens: list[Token], i: int, close: int) -> tuple[Inlines, str | None]:
        """Return a list item's inlines (soft breaks kept) and its `{#id}`; paragraphs joined."""
        content: Inlines = []
        anchor: str | None = None
        for j in children(tokens, i, close):
            if tokens[j].type != "paragraph_open":
                raise fail(tokens[j], "a list item holds text only (no nested lists or blocks)")
            anchor = anchor or anchor_of(tokens[j + 1])
            if content:
                content.append(model.LineBreak())
            content.extend(read_inlines(tokens[j + 1]))
        return content, anchor

    def table(
        self, tokens: list[Token], i: int, close: int, options: Container | None = None
    ) -> model.Table:
        """Return a table with per-cell alignment; `options` may set widths and total rows."""
        rows: list[tuple[model.Cell, ...]] = []
        for j in range(i, close):
            if tokens[j].type == "tr_open":
                cells = [_cell(tokens, k) for k in children(tokens, j, closing(tokens, j))]
                rows.append(tuple(cells))
        if not rows:
            raise fail(tokens[i], "a table needs a header row")
        header, body = rows[0], tuple(rows[1:])
        widths, totals, levels = _table_options(tokens[i], options, len(header), len(body))
        return model.Table(
            header=header, rows=body, widths=widths, total_rows=totals, levels=levels
        )


def _cell(tokens: list[Token], i: int) -> model.Cell:
    """Return the cell whose th/td opens at tokens[i], aligned as its column says."""
    match = _ALIGN.search(str(tokens[i].attrs.get("style", "")))
    return model.Cell(
        content=finish(read_inlines(tokens[i + 1])),
        align=match.group(1) if match else "left",
    )


def _table_options(
    token: Token, options: Container | None, columns: int, rows: int
) -> tuple[tuple[float, ...], int, tuple[int, ...]]:
    """Return (widths, total_rows, levels) from a `::: table {widths="3,1" total_rows=1}`.

    `levels="0,1,0"` gives each body row's level: 1 marks an "of which" part of the row above.
    """
    if options is None:
        return (), 0, ()
    try:
        widths = tuple(float(w) for w in options.attrs.get("widths", "").split(",") if w.strip())
        totals = int(options.attrs.get("total_rows", "0"))
        levels = tuple(int(v) for v in options.attrs.get("levels", "").split(",") if v.strip())
    except ValueError as exc:
        raise fail(token, f"bad table attribute: {exc}") from exc
    if levels and (len(levels) > rows or min(levels) < 0):
        raise fail(token, f"levels lists {len(levels)} levels for {rows} rows")
    if widths and (len(widths) != columns or min(widths) <= 0):
        raise fail(token, f"widths lists {len(widths)} positive numbers for {columns} columns")
    if not 0 <= totals <= rows:
        raise fail(token, f"total_rows={totals} but the table has {rows} rows")
    return widths, totals, levels + (0,) * (rows - len(levels)) if levels else ()


def _literal(text: str, style: str | None) -> model.Paragraph:
    """Return a code block's text as a literal paragraph, lines kept by line breaks."""
    content: list[model.Inline] = []
    for n, line in enumerate(text.rstrip("\n").split("\n")):
        if n:
            content.append(model.LineBreak())
        content.append(model.Text(line))
    return model.Paragraph(content=tuple(content), style=style)
