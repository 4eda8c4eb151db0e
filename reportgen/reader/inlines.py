"""Inline tokens into model inlines; the link policy lives here.

Soft line breaks are kept as `SOFT` markers until `finish`, because a highlight's label
and context are separated by one; everywhere else a soft break is a space.
"""

from __future__ import annotations

from typing import Any

from markdown_it.token import Token

from reportgen import model

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class SoftBreak:
    """A source line break inside a paragraph: a space, or a separator in highlights."""


SOFT = SoftBreak()
Inlines = list[Any]  # model inlines, possibly with SOFT markers before `finish`


def read_inlines(inline: Token) -> Inlines:
    """Return the inlines of an `inline` token (soft breaks kept as markers)."""
    out, _ = _run(inline.children or [], 0, None)
    return out


def _run(tokens: list[Token], i: int, stop: str | None) -> tuple[Inlines, int]:
    """Return inlines from tokens[i] up to the `stop` token type, and the next index."""
    out: Inlines = []
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == stop:
            return out, i + 1
        i += 1
        if kind in ("strong_open", "em_open", "link_open", "span_open"):
            inner, i = _run(tokens, i, kind.replace("_open", "_close"))
            out.extend(_wrap(token, inner))
        elif kind == "softbreak":
            out.append(SOFT)
        elif kind == "hardbreak":
            out.append(model.LineBreak())
        elif kind == "image":
            out.extend(_run(token.children or [], 0, None)[0])
        elif token.content:  # text, code_inline, html_inline (html is off): literal
            out.append(model.Text(token.content))
    return out, i


def _wrap(token: Token, inner: Inlines) -> Inlines:
    """Return `inner` wrapped as the token says: strong, emphasis, a safe link or a cite."""
    if token.type == "strong_open":
        return [model.Strong(finish(inner))]
    if token.type == "em_open":
        return [model.Emph(finish(inner))]
    if token.type == "span_open":
        lang = str(token.attrs.get("lang", ""))
        return [model.Span(finish(inner), model.lang_attr(lang))] if lang else list(inner)
    href = str(token.attrs.get("href", ""))
    text = model.plain_text(finish(inner))
    if href.startswith("#src-") and text.isdigit():
        return [model.Cite(number=int(text), source_id=href[len("#src-") :])]
    if href.startswith("#") or href.lower().startswith(SAFE_SCHEMES):
        return [model.Link(url=href, children=finish(inner))]
    return list(inner)  # any other scheme (javascript:, file:, data: ...) stays plain text


def finish(nodes: Inlines) -> tuple[model.Inline, ...]:
    """Return inlines with soft breaks as spaces, neighbouring texts merged, ends trimmed."""
    out: list[model.Inline] = []
    for node in nodes:
        if node is SOFT:
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


def split_at_break(nodes: Inlines) -> tuple[Inlines, Inlines]:
    """Return the inlines before the first line break (soft or hard) and those after it."""
    for k, node in enumerate(nodes):
        if node is SOFT or isinstance(node, model.LineBreak):
            return nodes[:k], nodes[k + 1 :]
    return nodes, []
