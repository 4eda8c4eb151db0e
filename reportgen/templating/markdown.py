"""Markdown escaping: text from facts stays text when a template writes it into Markdown.

Every `{{ value }}` a template outputs passes through `finalize`, which backslash-escapes
all ASCII punctuation (CommonMark lets any of it be escaped, so `*`, `[`, `<`, `&`, `#`,
`|`, `:` and the rest lose their meaning) and folds line breaks into spaces (a newline in
a fact could otherwise end a table row or start a new block). Filters and functions that
mean to emit markup return `MarkdownSafe`, which `finalize` passes through unchanged.
"""

from __future__ import annotations

import re
import string
from typing import Any

_PUNCTUATION = frozenset(string.punctuation)
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u0085\u2028\u2029]+")


class MarkdownSafe(str):
    """A string of Markdown that a filter built on purpose; `finalize` leaves it as is."""

    __slots__ = ()


def escape_text(value: Any) -> str:
    """Return `value` as Markdown source that reads back as exactly its text, on one line."""
    text = _LINE_BREAKS.sub(" ", str(value)).strip()
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)


def escape_markdown(value: Any) -> MarkdownSafe:
    """Return `value` escaped for Markdown, unless it already is marked-safe Markdown."""
    if is_safe(value):
        return MarkdownSafe(value)
    return MarkdownSafe(escape_text(value))


def is_safe(value: Any) -> bool:
    """Return True for strings marked as intended Markdown (by our filters or `|safe`).

    Jinja2's own `markupsafe.Markup` (from `|tojson`, `|xmlattr` ...) is safe *HTML*, not
    safe Markdown, so it is escaped like any other text.
    """
    return isinstance(value, MarkdownSafe)


def mark_safe(value: Any) -> MarkdownSafe:
    """Return `value` marked as intended Markdown (the `|safe` filter)."""
    return MarkdownSafe(value)


def finalize(value: Any) -> str:
    """Return what a template's `{{ value }}` writes: marked-safe markup, else escaped text.

    Text that says it is in another language (a fact's fallback, see facts.text.ForeignText)
    becomes a `[text]{lang=xx}` span, so writers can tag it.
    """
    if value is None:
        return ""
    lang = getattr(value, "lang", None)
    if isinstance(lang, str) and _LANG.fullmatch(lang) and not is_safe(value):
        text = escape_text(value)
        return MarkdownSafe(f"[{text}]{{lang={lang}}}") if text else ""
    return escape_markdown(value)


_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
