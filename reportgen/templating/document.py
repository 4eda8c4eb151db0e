"""From facts to the document model: pick the template, render Markdown, read it.

`build_document` is the whole templating stage of the pipeline; `render_markdown` stops
half-way (useful to look at what a template produced, and for the reader's error lines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportgen import model
from reportgen.reader import read_markdown
from reportgen.templating.discovery import find_template
from reportgen.templating.env import make_environment, render_template


def render_markdown(
    facts: Any,
    template: str | None = None,
    templates_dirs: Sequence[Path] = (),
    *,
    sandboxed: bool = False,
) -> str:
    """Return the constrained Markdown that `template` (default: the facts' own) renders."""
    info = find_template(template or str(facts.meta.template), templates_dirs)
    env = _environment(tuple(Path(d) for d in templates_dirs), sandboxed)
    # the template sees its own description as plain values: no Path objects in the sandbox
    about = {"name": info.name, "description": info.description, "pages": info.pages}
    context = {"facts": facts, "meta": facts.meta, "template": about}
    return render_template(env, info.entry_name, context)


@lru_cache(maxsize=16)
def _environment(templates_dirs: tuple[Path, ...], sandboxed: bool) -> Any:
    """Return a Jinja2 environment per search path, kept so templates compile once.

    Compiling the templates costs more than rendering them; the environment reloads a
    template whose file changed (auto_reload), so a long-running service sees edits.
    """
    env = make_environment(templates_dirs, sandboxed=sandboxed)
    env.auto_reload = True
    return env


def build_document(
    facts: Any,
    template: str | None = None,
    templates_dirs: Sequence[Path] = (),
    *,
    sandboxed: bool = False,
) -> model.Document:
    """Return the Document for `facts` laid out by `template` (default: the facts' own)."""
    text = render_markdown(facts, template, templates_dirs, sandboxed=sandboxed)
    return read_markdown(text, meta_from_facts(facts))


def meta_from_facts(facts: Any) -> model.Meta:
    """Return the document's Meta (title block, running header, file properties)."""
    meta = facts.meta
    date = getattr(meta, "date", None)
    title = str(meta.title)
    subtitle = str(getattr(meta, "subtitle", "") or "")
    return model.Meta(
        title=title,
        subtitle=subtitle,
        short_title=str(getattr(meta, "short_title", "") or "") or title,
        date=str(getattr(meta, "date_display", "") or ""),
        date_iso=date.isoformat() if isinstance(date, dt.date) else str(date or ""),
        organisation=str(getattr(meta, "organisation", "") or ""),
        authors=tuple(str(a) for a in (getattr(meta, "authors", None) or ())),
        audience=str(getattr(meta, "audience", "") or ""),
        language=str(getattr(meta, "language", "") or "en"),
        keywords=tuple(str(k) for k in (getattr(meta, "keywords", None) or ())),
        subject=subtitle or title,
        page_size=str(getattr(meta, "page_size", "") or "A4"),
    )
