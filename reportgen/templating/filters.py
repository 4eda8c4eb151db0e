"""The filters and functions templates use: citations, numbers, dates, escaping, anchors.

Filters that build markup (`cite`, `anchor`, `quoted`, `md`) return `MarkdownSafe`; the
others return plain strings, which the environment's finalize escapes like any fact.
Number and date formats live in `reportgen.numbers` (one place for each format); these
filters only delegate to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from reportgen.errors import TemplateError
from reportgen.slugs import slugify
from reportgen.templating.markdown import MarkdownSafe, escape_markdown, escape_text, mark_safe

_ANCHOR_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def anchor(value: Any) -> MarkdownSafe:
    """Return `value` as an anchor id usable in `{#id}` and `#id` links (slugified if needed)."""
    text = str(value)
    return MarkdownSafe(text if _ANCHOR_SAFE.match(text) else slugify(text, fallback="section"))


def quoted(value: Any) -> MarkdownSafe:
    """Return `value` as a double-quoted container attribute value (`alt="..."`)."""
    text = " ".join(str(value).split())
    return MarkdownSafe('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


def link(url: Any, text: Any = None) -> MarkdownSafe:
    """Return a Markdown link to `url` showing `text` (the URL itself by default)."""
    label = escape_text(url if text is None else text)
    return MarkdownSafe(f"[{label}](<{escape_text(url)}>)")


def md(value: Any) -> MarkdownSafe:
    """Return `value` escaped as Markdown text and marked safe (for building markup)."""
    return escape_markdown(value)


def _source_ids(ids: Any) -> list[str]:
    """Return citation ids from one id, a list of ids, or an object with `.sources`."""
    if ids is None:
        return []
    if isinstance(ids, str):
        return [ids]
    if hasattr(ids, "sources") and not isinstance(ids, Iterable):
        return _source_ids(ids.sources)
    return [str(i) for i in ids]


def cite_marks(facts: Any, ids: Any) -> MarkdownSafe:
    """Return `[n](#src-id)` links for the source ids, numbered, sorted and de-duplicated."""
    numbered: dict[str, int] = {}
    for source_id in _source_ids(ids):
        try:
            numbered[source_id] = int(facts.source_number(source_id))
        except (KeyError, LookupError, ValueError) as exc:
            raise TemplateError(f"cite: unknown source id {source_id!r}") from exc
    marks = sorted(numbered.items(), key=lambda item: (item[1], item[0]))
    return MarkdownSafe("".join(f"[{n}](#src-{anchor(sid)})" for sid, n in marks))


@pass_context
def cite(context: Context, ids: Any) -> MarkdownSafe:
    """Return citation marks for `ids` (see `cite_marks`), numbered by the facts' sources."""
    return cite_marks(context["facts"], ids)


def _numbers() -> Any:
    """Return the numbers module (imported late: it belongs to the facts layer)."""
    from reportgen import numbers

    return numbers


def _with_locale(context: Context, args: tuple[Any, ...], kwargs: dict[str, Any], at: int) -> None:
    """Default the `locale` argument (positional index `at`) to the brief's language."""
    if "locale" in kwargs or len(args) > at:
        return
    meta = getattr(context.get("facts"), "meta", None)
    language = getattr(meta, "language", None)
    if language:
        kwargs["locale"] = str(language)


@pass_context
def money(context: Context, value: Any, *args: Any, **kwargs: Any) -> str:
    """Return an amount formatted by `reportgen.numbers.format_money` (currency, scale)."""
    _with_locale(context, args, kwargs, 2)
    meta = getattr(context.get("facts"), "meta", None)
    if "grouping" not in kwargs and len(args) <= 4 and getattr(meta, "grouping", None):
        kwargs["grouping"] = meta.grouping  # type: ignore[union-attr]
    return str(_numbers().format_money(value, *args, **kwargs))


@pass_context
def number(context: Context, value: Any, *args: Any, **kwargs: Any) -> str:
    """Return a number formatted by `reportgen.numbers.format_number`."""
    _with_locale(context, args, kwargs, 0)
    return str(_numbers().format_number(value, *args, **kwargs))


@pass_context
def percent(context: Context, value: Any, *args: Any, **kwargs: Any) -> str:
    """Return a ratio formatted as a percentage by `reportgen.numbers.format_percent`."""
    _with_locale(context, args, kwargs, 0)
    return str(_numbers().format_percent(value, *args, **kwargs))


@pass_context
def date(context: Context, value: Any, *args: Any, **kwargs: Any) -> str:
    """Return a date formatted by `reportgen.numbers.format_date`."""
    _with_locale(context, args, kwargs, 0)
    return str(_numbers().format_date(value, *args, **kwargs))


FILTERS: dict[str, Any] = {
    "anchor": anchor,
    "date": date,
    "link": link,
    "md": md,
    "escape": md,
    "e": md,
    "money": money,
    "number": number,
    "percent": percent,
    "quoted": quoted,
    "safe": mark_safe,
    "cite": cite,
}
