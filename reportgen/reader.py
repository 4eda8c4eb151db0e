"""The reader: constrained Markdown (what templates render) into the document model.

The dialect is CommonMark with raw HTML off (it stays literal text), GFM tables with
alignment, `{#id}` anchors at the end of headings and list items, and fenced containers
(`::: name args {key=value ...}`) for the brief's own blocks: summary, executive, note,
warning, callout, highlights, sources, table, figure, toc, pagebreak and style. Links
survive only to http(s), mailto and `#anchors`; `[n](#src-id)` is a citation. Anything the
dialect does not know is a TemplateError naming the Markdown line. docs/templates.md
describes every construct. Like the writers, this module imports only model and errors.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from reportgen import model
from reportgen.errors import TemplateError

__all__ = ["read_markdown"]

CALLOUT_KINDS = ("summary", "executive", "note", "warning")
PARAGRAPH_STYLES = ("note",)
SAFE_SCHEMES = ("http://", "https://", "mailto:")

# `{#id}` or `{ #id }`: templates write the spaced form, since `{#` opens a Jinja comment
_ANCHOR_SUFFIX = re.compile(r"[ \t]*(?<!\\)\{[ \t]*#([A-Za-z0-9][A-Za-z0-9_.:-]*)[ \t]*\}[ \t]*$")
_ATTRIBUTE = re.compile(r'([A-Za-z_][\w-]*)=("(?:[^"\\]|\\.)*"|[^\s"{}]+)|([^\s{}=]+)')
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


class _SoftBreak:
    """A source line break inside a paragraph: a space, or a separator in highlights."""


_SOFT = _SoftBreak()
_Inlines = list[Any]  # model inlines, possibly with _SOFT markers before `_finish`


def read_markdown(text: str, meta: model.Meta) -> model.Document:
    """Return the Document that the constrained Markdown `text` describes, with `meta`."""
    tokens = _parser().parse(text)
    reader = _Reader()
    blocks, _ = reader.blocks(tokens, 0, len(tokens))
    return model.Document(meta=meta, blocks=tuple(blocks))


def _parser() -> MarkdownIt:
    """Return markdown-it set up for the dialect: CommonMark, tables, containers, anchors."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    container_plugin(md, "block", validate=lambda params, _markup: bool(params.strip()))
    md.core.ruler.after("block", "anchor_suffix", _anchor_rule)
    return md


def _anchor_rule(state: Any) -> None:
    """Move a trailing `{#id}` of a heading or list-item paragraph into the token's meta.

    It runs before inline parsing, on the raw source, so an escaped `\\{#id}` written by
    a fact never matches: only the template itself can set an anchor.
    """
    tokens: list[Token] = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or i == 0:
            continue
        opener = tokens[i - 1]
        in_item = (
            opener.type == "paragraph_open" and i >= 2 and tokens[i - 2].type == "list_item_open"
        )
        if opener.type != "heading_open" and not in_item:
            continue
        match = _ANCHOR_SUFFIX.search(token.content)
        if match:
            token.content = token.content[: match.start()]
            token.meta = {**(token.meta or {}), "anchor": match.group(1)}


@dataclass
class _Container:
    """A fenced container's name, positional arguments and `key=value` attributes."""

    name: str
    args: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


def parse_container_info(info: str) -> _Container:
    """Return the parts of `name arg {key=value key="quoted value"}` after a `:::` marker."""
    parts = _ATTRIBUTE.findall(info.strip())
    words = [bare for _key, _value, bare in parts if bare]
    attrs = {key: _unquote(value) for key, value, _bare in parts if key}
    if not words:
        return _Container(name="", attrs=attrs)
    return _Container(name=words[0], args=words[1:], attrs=attrs)


def _unquote(value: str) -> str:
    """Return an attribute value without its quotes and backslash escapes."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _line(token: Token) -> str:
    """Return "line N" for a token's first source line (1-based), or "" if unknown."""
    return f"line {token.map[0] + 1}" if token.map else "line ?"


def _fail(token: Token, message: str) -> TemplateError:
    """Return a TemplateError naming the brief markup line of `token`."""
    return TemplateError(f"brief markup {_line(token)}: {message}")


def slugify(text: str) -> str:
    """Return a lower-case ASCII anchor made of letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


class _Reader:
    """Walks markdown-it's token stream and builds blocks, numbering figures as it goes."""

    def __init__(self) -> None:
        self.figures = 0
        self.ids: set[str] = set()

    # ------------------------------------------------------------ block level

    def blocks(
        self, tokens: list[Token], start: int, end: int, style: str | None = None
    ) -> tuple[list[model.Block], int]:
        """Return the blocks of tokens[start:end] and the index after them."""
        out: list[model.Block] = []
        i = start
        while i < end:
            token = tokens[i]
            close = _closing(tokens, i) if token.nesting == 1 else i
            block = self.block(tokens, i, close, style)
            if block is not None:
                out.append(block)
            i = close + 1
        return out, i

    def block(
        self, tokens: list[Token], i: int, close: int, style: str | None
    ) -> model.Block | None:
        """Return the block that starts at tokens[i] and ends at tokens[close]."""
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            return self.heading(tokens[i + 1], int(token.tag[1:]))
        if kind == "paragraph_open":
            return model.Paragraph(content=_finish(self.inlines(tokens[i + 1])), style=style)
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.bullet_list(tokens, i, close)
        if kind == "table_open":
            return self.table(tokens, i, close)
        if kind == "container_block_open":
            return self.container(tokens, i, close, style)
        if kind == "blockquote_open":
            inner, _ = self.blocks(tokens, i + 1, close, style)
            return model.Callout(kind="note", blocks=tuple(inner))
        if kind in ("fence", "code_block"):
            if kind == "fence" and token.info.strip() == "chart":
                raise _fail(token, "a ```chart block belongs inside a `::: figure` container")
            return _literal(token.content, style)
        if kind == "hr":
            raise _fail(token, "horizontal rules are not part of the brief dialect")
        if kind in ("html_block", "inline"):
            return model.Paragraph(content=(model.Text(token.content.strip()),), style=style)
        raise _fail(token, f"unsupported Markdown construct {kind!r}")

    def heading(self, inline: Token, level: int) -> model.Heading:
        """Return a heading with its `{#id}` anchor, or an id made from its text."""
        content = _finish(self.inlines(inline))
        anchor = (inline.meta or {}).get("anchor") or slugify(model.plain_text(content))
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
        items = [
            self.list_item(tokens, j, _closing(tokens, j)) for j in _children(tokens, i, close)
        ]
        return model.BulletList(items=tuple(items), ordered=ordered, start=start)

    def list_item(self, tokens: list[Token], i: int, close: int) -> model.ListItem:
        """Return a list item; several paragraphs are joined by line breaks."""
        content, anchor = self.item_inlines(tokens, i, close)
        return model.ListItem(content=_finish(content), id=anchor)

    def item_inlines(self, tokens: list[Token], i: int, close: int) -> tuple[_Inlines, str | None]:
        """Return a list item's inlines (with soft-break markers) and its `{#id}`, if any."""
        content: _Inlines = []
        anchor: str | None = None
        for j in _children(tokens, i, close):
            if tokens[j].type != "paragraph_open":
                raise _fail(tokens[j], "a list item holds text only (no nested lists or blocks)")
            inline = tokens[j + 1]
            anchor = anchor or (inline.meta or {}).get("anchor")
            if content:
                content.append(model.LineBreak())
            content.extend(self.inlines(inline))
        return content, anchor

    def table(
        self, tokens: list[Token], i: int, close: int, options: _Container | None = None
    ) -> model.Table:
        """Return a table with per-cell alignment; `options` may set widths and total rows."""
        rows: list[tuple[model.Cell, ...]] = []
        for j in range(i, close):
            if tokens[j].type == "tr_open":
                cells = [self.cell(tokens, k) for k in _children(tokens, j, _closing(tokens, j))]
                rows.append(tuple(cells))
        if not rows:
            raise _fail(tokens[i], "a table needs a header row")
        header, body = rows[0], tuple(rows[1:])
        widths, totals = _table_options(tokens[i], options, len(header), len(body))
        return model.Table(header=header, rows=body, widths=widths, total_rows=totals)

    def cell(self, tokens: list[Token], i: int) -> model.Cell:
        """Return the cell whose th/td opens at tokens[i], aligned as its column says."""
        match = _ALIGN.search(str(tokens[i].attrs.get("style", "")))
        return model.Cell(
            content=_finish(self.inlines(tokens[i + 1])),
            align=match.group(1) if match else "left",
        )

    # ------------------------------------------------------------ containers

    def container(
        self, tokens: list[Token], i: int, close: int, style: str | None
    ) -> model.Block | None:
        """Return the block a `::: name` container stands for."""
        info = parse_container_info(tokens[i].info)
        name = info.name
        if name in CALLOUT_KINDS or name == "callout":
            return self.callout(tokens, i, close, info, style)
        handlers = {
            "highlights": self.highlights,
            "sources": self.sources,
            "table": self.table_container,
            "figure": self.figure,
        }
        if name in handlers:
            return handlers[name](tokens, i, close, info)
        if name in ("toc", "pagebreak"):
            if close > i + 1:
                raise _fail(tokens[i], f"`::: {name}` takes no content")
            return model.TableOfContents() if name == "toc" else model.PageBreak()
        if name == "style":
            return self.styled(tokens, i, close, info)
        raise _fail(tokens[i], f"unknown container `::: {name}`")

    def callout(
        self, tokens: list[Token], i: int, close: int, info: _Container, style: str | None
    ) -> model.Callout:
        """Return a set-apart box; `::: callout KIND` or `::: summary` (executive, note ...)."""
        kind = info.name if info.name != "callout" else info.attrs.get("kind", _first(info.args))
        kind = kind or "note"
        if kind not in CALLOUT_KINDS:
            raise _fail(tokens[i], f"unknown callout kind {kind!r}; use one of {CALLOUT_KINDS}")
        inner, _ = self.blocks(tokens, i + 1, close, style)
        return model.Callout(kind=kind, blocks=tuple(inner), title=_title(info))

    def styled(self, tokens: list[Token], i: int, close: int, info: _Container) -> model.Block:
        """Return the single paragraph of a `::: style NAME` container, set in that style."""
        name = info.attrs.get("name", _first(info.args))
        if name not in PARAGRAPH_STYLES:
            raise _fail(
                tokens[i], f"unknown paragraph style {name!r}; use one of {PARAGRAPH_STYLES}"
            )
        inner, _ = self.blocks(tokens, i + 1, close, name)
        if len(inner) != 1:
            raise _fail(tokens[i], "`::: style` holds exactly one paragraph")
        return inner[0]

    def highlights(
        self, tokens: list[Token], i: int, close: int, info: _Container
    ) -> model.KeyFigures:
        """Return key figures from a list of `**value** label` + next line: context."""
        lists = [j for j in _children(tokens, i, close)]
        if len(lists) != 1 or tokens[lists[0]].type != "bullet_list_open":
            raise _fail(tokens[i], "`::: highlights` holds one bullet list")
        start = lists[0]
        items = [
            self.key_figure(tokens, j, _closing(tokens, j))
            for j in _children(tokens, start, _closing(tokens, start))
        ]
        return model.KeyFigures(items=tuple(items), title=_title(info))

    def key_figure(self, tokens: list[Token], i: int, close: int) -> model.KeyFigure:
        """Return one key figure: the leading strong text, the label, then the context."""
        content, _anchor = self.item_inlines(tokens, i, close)
        while content and isinstance(content[0], model.Text) and not content[0].text.strip():
            content.pop(0)
        if not content or not isinstance(content[0], model.Strong):
            raise _fail(tokens[i], "a highlight starts with its value in bold: `**value** label`")
        value = model.plain_text(content[0].children).strip()
        rest = content[1:]
        split = next(
            (
                k
                for k, node in enumerate(rest)
                if node is _SOFT or isinstance(node, model.LineBreak)
            ),
            len(rest),
        )
        return model.KeyFigure(
            value=value, label=_finish(rest[:split]), context=_finish(rest[split + 1 :])
        )

    def sources(self, tokens: list[Token], i: int, close: int, info: _Container) -> model.Block:
        """Return the numbered list of sources; each item keeps its `{#src-id}` anchor."""
        lists = list(_children(tokens, i, close))
        if len(lists) != 1 or tokens[lists[0]].type != "ordered_list_open":
            raise _fail(tokens[i], "`::: sources` holds one numbered list")
        return self.bullet_list(tokens, lists[0], _closing(tokens, lists[0]))

    def table_container(
        self, tokens: list[Token], i: int, close: int, info: _Container
    ) -> model.Table:
        """Return the table in a `::: table` container, with its caption paragraph, if any."""
        caption: tuple[model.Inline, ...] = ()
        table: model.Table | None = None
        for j in _children(tokens, i, close):
            kind = tokens[j].type
            if kind == "paragraph_open" and not caption:
                caption = _finish(self.inlines(tokens[j + 1]))
            elif kind == "table_open" and table is None:
                table = self.table(tokens, j, _closing(tokens, j), info)
            else:
                raise _fail(tokens[j], "`::: table` holds one table and one caption paragraph")
        if table is None:
            raise _fail(tokens[i], "`::: table` holds no table")
        return model.Table(
            header=table.header,
            rows=table.rows,
            widths=table.widths,
            caption=caption,
            total_rows=table.total_rows,
        )

    def figure(self, tokens: list[Token], i: int, close: int, info: _Container) -> model.Figure:
        """Return a numbered figure: a ```chart JSON block, a caption, the `alt` attribute."""
        chart: model.Chart | None = None
        caption: _Inlines = []
        for j in _children(tokens, i, close):
            token = tokens[j]
            if token.type == "fence" and token.info.strip() == "chart" and chart is None:
                chart = _chart(token)
            elif token.type == "paragraph_open":
                if caption:
                    caption.append(model.LineBreak())
                caption.extend(self.inlines(tokens[j + 1]))
            else:
                raise _fail(token, "`::: figure` holds one ```chart block and a caption")
        if chart is None:
            raise _fail(tokens[i], "`::: figure` holds no ```chart block")
        self.figures += 1
        label = f"Figure {self.figures}" + (": " if caption else "")
        full = _finish([model.Text(label), *caption])
        alt = info.attrs.get("alt", "") or model.plain_text(_finish(caption))
        return model.Figure(chart=chart, number=self.figures, caption=full, alt=alt)

    # ------------------------------------------------------------ inline level

    def inlines(self, inline: Token) -> _Inlines:
        """Return the inlines of an `inline` token (soft breaks kept as markers)."""
        out, _ = self.inline_run(inline.children or [], 0, None)
        return out

    def inline_run(self, children: list[Token], i: int, stop: str | None) -> tuple[_Inlines, int]:
        """Return inlines from children[i] up to the `stop` token type, and the next index."""
        out: _Inlines = []
        while i < len(children):
            token = children[i]
            kind = token.type
            if kind == stop:
                return out, i + 1
            i += 1
            if kind in ("strong_open", "em_open", "link_open"):
                inner, i = self.inline_run(children, i, kind.replace("_open", "_close"))
                out.extend(_wrap(token, inner))
            elif kind == "softbreak":
                out.append(_SOFT)
            elif kind == "hardbreak":
                out.append(model.LineBreak())
            elif kind == "image":
                out.extend(self.inline_run(token.children or [], 0, None)[0])
            elif token.content:  # text, code_inline, html_inline (html is off): literal
                out.append(model.Text(token.content))
        return out, i


def _wrap(token: Token, inner: _Inlines) -> _Inlines:
    """Return `inner` wrapped as the token says: strong, emphasis, a safe link or a cite."""
    if token.type == "strong_open":
        return [model.Strong(_finish(inner))]
    if token.type == "em_open":
        return [model.Emph(_finish(inner))]
    href = str(token.attrs.get("href", ""))
    text = model.plain_text(_finish(inner))
    if href.startswith("#src-") and text.isdigit():
        return [model.Cite(number=int(text), source_id=href[len("#src-") :])]
    if href.startswith("#") or href.lower().startswith(SAFE_SCHEMES):
        return [model.Link(url=href, children=_finish(inner))]
    return list(inner)  # any other scheme (javascript:, file:, data: ...) stays plain text


def _finish(nodes: _Inlines) -> tuple[model.Inline, ...]:
    """Return inlines with soft breaks as spaces and neighbouring texts merged."""
    out: list[model.Inline] = []
    for node in nodes:
        if node is _SOFT:
            node = model.Text(" ")
        if isinstance(node, model.Text) and out and isinstance(out[-1], model.Text):
            out[-1] = model.Text(out[-1].text + node.text)
        elif not (isinstance(node, model.Text) and not node.text):
            out.append(node)
    while out and isinstance(out[0], model.Text) and not out[0].text.strip():
        out.pop(0)
    while out and isinstance(out[-1], model.Text) and not out[-1].text.strip():
        out.pop()
    if out and isinstance(out[0], model.Text):
        out[0] = model.Text(out[0].text.lstrip())
    if out and isinstance(out[-1], model.Text):
        out[-1] = model.Text(out[-1].text.rstrip())
    return tuple(out)


def _literal(text: str, style: str | None) -> model.Paragraph:
    """Return a code block's text as a literal paragraph, lines kept by line breaks."""
    content: list[model.Inline] = []
    for n, line in enumerate(text.rstrip("\n").split("\n")):
        if n:
            content.append(model.LineBreak())
        content.append(model.Text(line))
    return model.Paragraph(content=tuple(content), style=style)


def _chart(token: Token) -> model.Chart:
    """Return the BarChart or TimelineChart a ```chart block holds as model JSON."""
    try:
        chart = model.from_data(json.loads(token.content))
    except (ValueError, KeyError, TypeError) as exc:
        raise _fail(token, f"chart JSON is not a BarChart or TimelineChart: {exc}") from exc
    if not isinstance(chart, (model.BarChart, model.TimelineChart)):
        raise _fail(token, "chart JSON is not a BarChart or TimelineChart")
    return chart


def _table_options(
    token: Token, options: _Container | None, columns: int, rows: int
) -> tuple[tuple[float, ...], int]:
    """Return (widths, total_rows) from a `::: table {widths="3,1" total_rows=1}` container."""
    if options is None:
        return (), 0
    try:
        widths = tuple(float(w) for w in options.attrs.get("widths", "").split(",") if w.strip())
        totals = int(options.attrs.get("total_rows", "0"))
    except ValueError as exc:
        raise _fail(token, f"bad table attribute: {exc}") from exc
    if widths and (len(widths) != columns or min(widths) <= 0):
        raise _fail(token, f"widths lists {len(widths)} positive numbers for {columns} columns")
    if not 0 <= totals <= rows:
        raise _fail(token, f"total_rows={totals} but the table has {rows} rows")
    return widths, totals


def _title(info: _Container) -> tuple[model.Inline, ...]:
    """Return a container's `title="..."` attribute as plain text inlines."""
    title = info.attrs.get("title", "").strip()
    return (model.Text(title),) if title else ()


def _first(items: list[str]) -> str:
    """Return the first item, or "" for an empty list."""
    return items[0] if items else ""


def _closing(tokens: list[Token], i: int) -> int:
    """Return the index of the token that closes the one opening at tokens[i]."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _children(tokens: list[Token], i: int, close: int) -> list[int]:
    """Return the indexes of the direct child blocks between tokens[i] and tokens[close]."""
    out: list[int] = []
    j = i + 1
    while j < close:
        out.append(j)
        j = _closing(tokens, j) + 1
    return out
