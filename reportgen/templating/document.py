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

from reportgen import i18n, model
from reportgen.reader import read_markdown
from reportgen.templating.diglot import diglot_document
from reportgen.templating.discovery import TemplateInfo, find_template, template_files
from reportgen.templating.env import make_environment, render_template
from reportgen.templating.words import Words, template_catalogs, words_for


def render_markdown(
    facts: Any,
    template: str | None = None,
    templates_dirs: Sequence[Path] = (),
    *,
    sandboxed: bool = False,
    language: str | None = None,
) -> str:
    """Return the constrained Markdown that `template` (default: the facts' own) renders.

    `language` picks one of the brief's languages (default: the one the facts are in).
    """
    return _render(facts, template, templates_dirs, sandboxed, language)[0]


def _render(
    facts: Any,
    template: str | None,
    templates_dirs: Sequence[Path],
    sandboxed: bool,
    language: str | None,
) -> tuple[str, Any, Words]:
    """Return (Markdown, the facts in the language rendered, the render's Words)."""
    if language and hasattr(facts, "for_language"):
        facts = facts.for_language(language)
    info = find_template(template or str(facts.meta.template), templates_dirs)
    env = _environment(tuple(Path(d) for d in templates_dirs), sandboxed)
    words = _words(facts, info, templates_dirs)
    # the template sees its own description as plain values: no Path objects in the sandbox
    about = {"name": info.name, "description": info.description, "pages": info.pages}
    context = {"facts": facts, "meta": facts.meta, "template": about, **words.context()}
    with i18n.active(words.language, words.catalog):
        return render_template(env, info.entry_name, context), facts, words


def _words(facts: Any, info: TemplateInfo, templates_dirs: Sequence[Path]) -> Words:
    """Return the words of a render in the facts' language, the template's catalogs first."""
    language = str(getattr(facts.meta, "language", "") or "en")
    files = template_files(info.name, list(templates_dirs))
    return words_for(language, template_catalogs(files, info.path, language))


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
    language: str | None = None,
) -> model.Document:
    """Return the Document for `facts` laid out by `template` (default: the facts' own),
    in `language` (default: the language the facts are in)."""
    text, facts, words = _render(facts, template, templates_dirs, sandboxed, language)
    meta = meta_from_facts(facts, i18n.labels(words.catalog))
    return read_markdown(text, meta)


def build_diglot(
    facts: Any,
    template: str | None = None,
    templates_dirs: Sequence[Path] = (),
    *,
    sandboxed: bool = False,
    languages: Sequence[str] = (),
    layout: str | None = None,
) -> model.Document:
    """Return one document with the brief in each of `languages` (default: all the brief's),
    section by section: `layout` "stacked" (default, or the template's) or "columns"."""
    info = find_template(template or str(facts.meta.template), templates_dirs)
    chosen = list(languages) or list(getattr(facts, "languages", None) or [facts.meta.language])
    docs = [
        build_document(facts, info.name, templates_dirs, sandboxed=sandboxed, language=lang)
        for lang in chosen
    ]
    return diglot_document(docs, layout or info.diglot or "stacked")


def meta_from_facts(facts: Any, labels: tuple[tuple[str, str], ...] = ()) -> model.Meta:
    """Return the document's Meta (title block, running header, file properties).

    `labels` are the writers' words in the document's language (i18n.labels).
    """
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
        page_size=_page_size(meta),
        labels=labels,
    )


def _page_size(meta: Any) -> str:
    """Return the page size the facts set themselves, "" when they leave it to the theme."""
    fields_set = getattr(meta, "model_fields_set", None)
    if fields_set is not None and "page_size" not in fields_set:
        return ""
    return str(getattr(meta, "page_size", "") or "")
