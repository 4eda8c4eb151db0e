"""`::: name` containers into the brief's own blocks.

Each reader takes the BlockReader (for nested blocks and document-wide numbering), the
tokens, the container's opening and closing indexes and its parsed info line.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from markdown_it.token import Token

from reportgen import model
from reportgen.reader.inlines import Inlines, finish, read_inlines, split_at_break
from reportgen.reader.syntax import Container, children, closing, fail, parse_container_info

if TYPE_CHECKING:
    from reportgen.reader.blocks import BlockReader

CALLOUT_KINDS = ("summary", "executive", "note", "warning")
PARAGRAPH_STYLES = ("note",)


def read_container(
    reader: BlockReader, tokens: list[Token], i: int, close: int, style: str | None
) -> model.Block:
    """Return the block a `::: name` container stands for; TemplateError if unknown."""
    info = parse_container_info(tokens[i].info)
    name = info.name
    if name in CALLOUT_KINDS or name == "callout":
        return _callout(reader, tokens, i, close, info, style)
    if name == "highlights":
        return _highlights(reader, tokens, i, close, info)
    if name == "sources":
        return _sources(reader, tokens, i, close, info)
    if name == "table":
        return _table(reader, tokens, i, close, info)
    if name == "figure":
        return _figure(reader, tokens, i, close, info)
    if name == "style":
        return _styled(reader, tokens, i, close, info)
    if name in ("toc", "pagebreak"):
        if close > i + 1:
            raise fail(tokens[i], f"`::: {name}` takes no content")
        return model.TableOfContents() if name == "toc" else model.PageBreak()
    raise fail(tokens[i], f"unknown container `::: {name}`")


def _callout(
    reader: BlockReader,
    tokens: list[Token],
    i: int,
    close: int,
    info: Container,
    style: str | None,
) -> model.Callout:
    """Return a set-apart box: `::: summary` (executive, note, warning), `::: callout KIND`."""
    kind = (info.name if info.name != "callout" else info.arg("kind")) or "note"
    if kind not in CALLOUT_KINDS:
        raise fail(tokens[i], f"unknown callout kind {kind!r}; use one of {CALLOUT_KINDS}")
    inner, _ = reader.blocks(tokens, i + 1, close, style)
    return model.Callout(kind=kind, blocks=tuple(inner), title=_title(info))


def _styled(
    reader: BlockReader, tokens: list[Token], i: int, close: int, info: Container
) -> model.Block:
    """Return the single paragraph of a `::: style NAME` container, set in that style."""
    name = info.arg("name")
    if name not in PARAGRAPH_STYLES:
        raise fail(tokens[i], f"unknown paragraph style {name!r}; use one of {PARAGRAPH_STYLES}")
    inner, _ = reader.blocks(tokens, i + 1, close, name)
    if len(inner) != 1 or not isinstance(inner[0], model.Paragraph):
        raise fail(tokens[i], "`::: style` holds exactly one paragraph")
    return inner[0]


def _only_child(tokens: list[Token], i: int, close: int, kind: str, what: str) -> int:
    """Return the index of the container's single child of token type `kind`."""
    found = children(tokens, i, close)
    if len(found) != 1 or tokens[found[0]].type != kind:
        raise fail(tokens[i], what)
    return found[0]


def _highlights(
    reader: BlockReader, tokens: list[Token], i: int, close: int, info: Container
) -> model.KeyFigures:
    """Return key figures from a list of `**value** label`, next line: context."""
    start = _only_child(
        tokens, i, close, "bullet_list_open", "`::: highlights` holds one bullet list"
    )
    items = [
        _key_figure(reader, tokens, j) for j in children(tokens, start, closing(tokens, start))
    ]
    return model.KeyFigures(items=tuple(items), title=_title(info))


def _key_figure(reader: BlockReader, tokens: list[Token], i: int) -> model.KeyFigure:
    """Return one key figure: the leading strong text, the label, then the context."""
    content, _anchor = reader.item_inlines(tokens, i, closing(tokens, i))
    while content and isinstance(content[0], model.Text) and not content[0].text.strip():
        content.pop(0)
    if not content or not isinstance(content[0], model.Strong):
        raise fail(tokens[i], "a highlight starts with its value in bold: `**value** label`")
    label, context = split_at_break(content[1:])
    return model.KeyFigure(
        value=model.plain_text(content[0].children).strip(),
        label=finish(label),
        context=finish(context),
    )


def _sources(
    reader: BlockReader, tokens: list[Token], i: int, close: int, info: Container
) -> model.Block:
    """Return the numbered list of sources; each item keeps its `{#src-id}` anchor.

    `::: sources compact` wraps the list in a Div of class "compact": small type, tight,
    in two columns where the writer can (a one-page fact sheet's sources).
    """
    start = _only_child(
        tokens, i, close, "ordered_list_open", "`::: sources` holds one numbered list"
    )
    sources = reader.bullet_list(tokens, start, closing(tokens, start))
    if info.args == ["compact"]:
        return model.Div(blocks=(sources,), attr=model.Attr(classes=("compact",)))
    if info.args:
        raise fail(tokens[i], "`::: sources` takes no argument but `compact`")
    return sources


def _table(
    reader: BlockReader, tokens: list[Token], i: int, close: int, info: Container
) -> model.Table:
    """Return the table in a `::: table` container, with its caption paragraph, if any."""
    caption: tuple[model.Inline, ...] = ()
    table: model.Table | None = None
    for j in children(tokens, i, close):
        kind = tokens[j].type
        if kind == "paragraph_open" and not caption:
            caption = finish(read_inlines(tokens[j + 1]))
        elif kind == "table_open" and table is None:
            table = reader.table(tokens, j, closing(tokens, j), info)
        else:
            raise fail(tokens[j], "`::: table` holds one table and one caption paragraph")
    if table is None:
        raise fail(tokens[i], "`::: table` holds no table")
    return dataclasses.replace(table, caption=caption)


def _figure(
    reader: BlockReader, tokens: list[Token], i: int, close: int, info: Container
) -> model.Figure:
    """Return a numbered figure: a ```chart JSON block, a caption, the `alt` attribute."""
    chart: model.Chart | None = None
    caption: Inlines = []
    for j in children(tokens, i, close):
        token = tokens[j]
        if token.type == "fence" and token.info.strip() == "chart" and chart is None:
            chart = _chart(token)
        elif token.type == "paragraph_open":
            if caption:
                caption.append(model.LineBreak())
            caption.extend(read_inlines(tokens[j + 1]))
        else:
            raise fail(token, "`::: figure` holds one ```chart block and a caption")
    if chart is None:
        raise fail(tokens[i], "`::: figure` holds no ```chart block")
    reader.figures += 1
    label = model.label_text(reader.labels, "figure", number=reader.figures)
    label += ": " if caption else ""
    alt = info.attrs.get("alt", "") or model.plain_text(finish(caption))
    return model.Figure(
        chart=chart,
        number=reader.figures,
        caption=finish([model.Text(label), *caption]),
        alt=alt,
    )


def _chart(token: Token) -> model.Chart:
    """Return the BarChart or TimelineChart a ```chart block holds as model JSON."""
    try:
        chart = model.from_data(json.loads(token.content))
    except (ValueError, KeyError, TypeError) as exc:
        raise fail(token, f"chart JSON is not a BarChart or TimelineChart: {exc}") from exc
    if not isinstance(chart, (model.BarChart, model.TimelineChart)):
        raise fail(token, "chart JSON is not a BarChart or TimelineChart")
    return chart


def _title(info: Container) -> tuple[model.Inline, ...]:
    """Return a container's `title="..."` attribute as plain text inlines."""
    title = info.attrs.get("title", "").strip()
    return (model.Text(title),) if title else ()
