"""The dialect's syntax around CommonMark: parser set-up, anchors, container attributes.

Also the small helpers every reader module uses to walk markdown-it's flat token list
(`closing`, `children`) and to report a line (`fail`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from reportgen.errors import TemplateError

# `{#id}` or `{ #id }`: templates write the spaced form, since `{#` opens a Jinja comment
_ANCHOR_SUFFIX = re.compile(r"[ \t]*(?<!\\)\{[ \t]*#([A-Za-z0-9][A-Za-z0-9_.:-]*)[ \t]*\}[ \t]*$")
_ATTRIBUTE = re.compile(r'([A-Za-z_][\w-]*)=("(?:[^"\\]|\\.)*"|[^\s"{}]+)|([^\s{}=]+)')


def parser() -> MarkdownIt:
    """Return markdown-it set up for the dialect: CommonMark, tables, containers, anchors."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    container_plugin(md, "block", validate=lambda params, _markup: bool(params.strip()))
    # `[text]{lang=hi-IN}`: a span of text in another language (Pandoc's bracketed span);
    # no other attribute, and only on spans
    attrs_plugin(md, after=("span_close",), spans=True, allowed=("lang",))
    md.core.ruler.after("block", "anchor_suffix", anchor_rule)
    return md


def anchor_rule(state: Any) -> None:
    """Move a trailing `{#id}` of a heading or list-item paragraph into the token's meta.

    It runs before inline parsing, on the raw source, so an escaped `\\{\\#id\\}` written
    by a fact never matches: only the template itself can set an anchor.
    """
    tokens: list[Token] = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or i == 0:
            continue
        opener = tokens[i - 1].type
        in_item = opener == "paragraph_open" and i >= 2 and tokens[i - 2].type == "list_item_open"
        if opener != "heading_open" and not in_item:
            continue
        match = _ANCHOR_SUFFIX.search(token.content)
        if match:
            token.content = token.content[: match.start()]
            token.meta = {**(token.meta or {}), "anchor": match.group(1)}


def anchor_of(inline: Token) -> str | None:
    """Return the `{#id}` anchor that `anchor_rule` took from an inline token, if any."""
    anchor = (inline.meta or {}).get("anchor")
    return str(anchor) if anchor else None


@dataclass
class Container:
    """A fenced container's name, positional arguments and `key=value` attributes."""

    name: str
    args: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def arg(self, key: str) -> str:
        """Return attribute `key`, else the first positional argument, else ""."""
        return self.attrs.get(key, self.args[0] if self.args else "")


def parse_container_info(info: str) -> Container:
    """Return the parts of `name arg {key=value key="quoted value"}` after a `:::` marker."""
    parts = _ATTRIBUTE.findall(info.strip())
    words = [bare for _key, _value, bare in parts if bare]
    attrs = {key: _unquote(value) for key, value, _bare in parts if key}
    if not words:
        return Container(name="", attrs=attrs)
    return Container(name=words[0], args=words[1:], attrs=attrs)


def _unquote(value: str) -> str:
    """Return an attribute value without its quotes and backslash escapes."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def fail(token: Token, message: str) -> TemplateError:
    """Return a TemplateError naming the brief markup line of `token` (kept as `.line`)."""
    line = token.map[0] + 1 if token.map else None
    error = TemplateError(f"brief markup line {line or '?'}: {message}")
    error.line = line  # type: ignore[attr-defined]  # read_markdown quotes the line
    return error


def closing(tokens: list[Token], i: int) -> int:
    """Return the index of the token that closes the one opening at tokens[i]."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def children(tokens: list[Token], i: int, close: int) -> list[int]:
    """Return the indexes of the direct child blocks between tokens[i] and tokens[close]."""
    out: list[int] = []
    j = i + 1
    while j < close:
        out.append(j)
        j = closing(tokens, j) + 1
    return out
