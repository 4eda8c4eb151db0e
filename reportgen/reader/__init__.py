"""The reader: constrained Markdown (what templates render) into the document model.

The dialect is CommonMark with raw HTML off (it stays literal text), GFM tables with
alignment, `{#id}` anchors at the end of headings and list items, `[text]{lang=xx}` spans of text in
another language, and fenced containers
(`::: name args {key=value ...}`) for the brief's own blocks: summary, executive, note,
warning, callout, highlights, sources, table, figure, toc, pagebreak and style. Links
survive only to http(s), mailto and `#anchors`; `[n](#src-id)` is a citation. Anything the
dialect does not know is a TemplateError naming the Markdown line. docs/templates.md
describes every construct. Like the writers, this package imports only model and errors.

    syntax      markdown-it set-up, anchors, container attributes, token navigation
    inlines     inline tokens into Text, Strong, Emph, Link, Cite, LineBreak
    blocks      block tokens into headings, paragraphs, lists, tables
    containers  `::: name` containers into callouts, key figures, figures ...
"""

from __future__ import annotations

from reportgen import model
from reportgen.errors import TemplateError
from reportgen.reader.blocks import BlockReader
from reportgen.reader.syntax import parser

__all__ = ["read_markdown"]


def read_markdown(text: str, meta: model.Meta) -> model.Document:
    """Return the Document that the constrained Markdown `text` describes, with `meta`."""
    tokens = parser().parse(text)
    try:
        blocks, _ = BlockReader(meta.labels).blocks(tokens, 0, len(tokens))
    except TemplateError as exc:
        raise _quoting_line(exc, text) from None
    return model.Document(meta=meta, blocks=tuple(blocks))


def _quoting_line(error: TemplateError, text: str) -> TemplateError:
    """Return `error` with the Markdown line it names quoted, so a template author finds it."""
    line = getattr(error, "line", None)
    lines = text.splitlines()
    if not line or line > len(lines):
        return error
    quoted = lines[line - 1].strip()
    quoted = quoted if len(quoted) <= 80 else quoted[:77] + "..."
    return TemplateError(f"{error} (the line reads {quoted!r})")
