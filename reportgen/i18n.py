"""Message catalogs: every word reportgen adds to a brief, in the language being rendered.

The words live in gettext catalogs, `reportgen/locale/<lang>/LC_MESSAGES/reportgen.po`
(English is the source language and needs none). They are compiled in memory with Babel the
first time a language is used, so the `.po` file is the only thing a translator edits.
A template may carry its own `messages/<lang>.po`; its entries override the bundled ones.

    translations(language, overrides=())  the catalog of a language (overrides first)
    active(translations)                  make it the one `gettext` & co. use while rendering
    gettext / ngettext / pgettext         a message in a language (the active catalog first)
    scale_word(scale, language)           "crore" -> "करोड़"
    labels(translations)                  the writers' words (model.LABELS) in that language
    negotiate(languages, wanted, accept)  which of a brief's languages to render (?lang=,
                                          Accept-Language, else the first)

docs/languages.md says how to add a language (`python -m reportgen.catalogs init xx`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as gettext_module
import io
import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from reportgen.errors import TemplateError, UnknownLanguage
from reportgen.model import LABELS
from reportgen.paths import PACKAGE_DIR

DOMAIN = "reportgen"
LOCALE_DIR = PACKAGE_DIR / "locale"
SCALE_CONTEXT = "scale"  # msgctxt of the scale words (lakh, crore, million, billion)

Catalog = gettext_module.NullTranslations


def locale_parts(language: str) -> list[str]:
    """Return the catalog names to try for a language, most specific first (hi_IN, hi)."""
    tag = language.replace("-", "_")
    parts = tag.split("_")
    return list(dict.fromkeys(["_".join(parts[:n]) for n in range(len(parts), 0, -1)]))


def bundled_catalog(language: str) -> Path | None:
    """Return the bundled .po file of a language, or None (English needs none)."""
    for name in locale_parts(language):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def bundled_languages() -> list[str]:
    """Return the languages reportgen ships catalogs for (besides English), sorted."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@functools.cache
def _compiled(path: Path, mtime_ns: int, size: int) -> Translations:
    """Return the catalog of a .po file compiled in memory (cached per file version)."""
    try:
        with path.open("rb") as stream:
            catalog = read_po(stream, abort_invalid=True)
    except Exception as exc:  # Babel raises several kinds for a broken .po
        raise TemplateError(f"{path}: cannot read the message catalog: {exc}") from None
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load_catalog(path: Path) -> Translations:
    """Return the translations of one .po file; TemplateError when it cannot be read."""
    st = path.stat()
    return _compiled(path, st.st_mtime_ns, st.st_size)


@functools.cache
def _bundled(language: str) -> Catalog:
    """Return the bundled translations of `language` (no-op translations for English)."""
    path = bundled_catalog(language)
    return load_catalog(path) if path else NullTranslations()


def translations(language: str, overrides: Sequence[Path] = ()) -> Catalog:
    """Return the catalog of `language`: each override .po (first wins), then the bundled one.

    A new object each call when there are overrides (fallbacks are chained onto it); the
    bundled catalog alone is shared.
    """
    base = _bundled(language)
    if not overrides:
        return base
    chain: list[Translations] = [_copy(load_catalog(p)) for p in overrides]
    for upper, lower in itertools.pairwise(chain):
        upper.add_fallback(lower)
    chain[-1].add_fallback(base)
    return chain[0]


def _copy(catalog: Translations) -> Translations:
    """Return a shallow copy of a cached catalog, so a fallback chain never alters the cache."""
    copy = Translations.__new__(Translations)
    copy.__dict__.update(catalog.__dict__)
    copy._fallback = None
    return copy


# The catalog of the brief being rendered, for the layers below templating (numbers, the
# budget table) that format words without a template context. A ContextVar keeps concurrent
# renders (threads of the service) apart.
_ACTIVE: contextvars.ContextVar[tuple[str, Catalog] | None] = contextvars.ContextVar(
    "reportgen_catalog", default=None
)


@contextlib.contextmanager
def active(language: str, catalog: Catalog) -> Iterator[Catalog]:
    """Make `catalog` the one used for `language` while the block runs; yield it."""
    token = _ACTIVE.set((_key(language), catalog))
    try:
        yield catalog
    finally:
        _ACTIVE.reset(token)


def catalog_for(language: str) -> Catalog:
    """Return the active catalog when it is for `language`, else the bundled one."""
    current = _ACTIVE.get()
    if current is not None and current[0] == _key(language):
        return current[1]
    return _bundled(_key(language))


def _key(language: str) -> str:
    """Return a language code in one spelling ("hi_IN" for "hi-IN" or "hi_IN")."""
    return language.replace("-", "_")


def gettext(message: str, language: str) -> str:
    """Return `message` in `language` (the message itself when it has no translation)."""
    return str(catalog_for(language).gettext(message))


def ngettext(singular: str, plural: str, n: int, language: str) -> str:
    """Return the singular or plural form of a message in `language`, for the count `n`."""
    return str(catalog_for(language).ngettext(singular, plural, n))


def pgettext(context: str, message: str, language: str) -> str:
    """Return `message` in `language`, disambiguated by a gettext context."""
    return str(catalog_for(language).pgettext(context, message))


def scale_word(scale: str, language: str) -> str:
    """Return the scale word in `language`: "crore" -> "करोड़" in Hindi."""
    return pgettext(SCALE_CONTEXT, scale, language)


def labels(catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """Return the writers' words (model.LABELS) translated by `catalog`, as Meta.labels."""
    return tuple((key, str(catalog.gettext(text))) for key, text in LABELS.items())


def negotiate(
    languages: Sequence[str], wanted: str | None = None, accept: str | None = None
) -> str:
    """Return which of a brief's `languages` to render.

    `wanted` (a tag such as "hi-IN" or a bare "hi") must match one of them, else
    UnknownLanguage; without it, the first of an Accept-Language header's languages (by
    quality) that matches; else the brief's first language.
    """
    if wanted:
        match = _match(languages, wanted)
        if match is None:
            raise UnknownLanguage(
                f"this brief is not published in {wanted!r} (its languages: {', '.join(languages)})"
            )
        return match
    for tag in accepted_languages(accept or ""):
        match = languages[0] if tag == "*" else _match(languages, tag)
        if match is not None:
            return match
    return languages[0]


def accepted_languages(header: str) -> list[str]:
    """Return the language tags of an Accept-Language header, best first (q=0 left out)."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def _match(languages: Sequence[str], tag: str) -> str | None:
    """Return the language of `languages` that `tag` asks for: the same tag, else the same
    language ("hi" or "hi-Deva" finds "hi-IN"), else None."""
    wanted = tag.replace("_", "-").lower()
    for language in languages:
        if language.replace("_", "-").lower() == wanted:
            return language
    base = wanted.split("-")[0]
    return next((lang for lang in languages if lang.split("-")[0].lower() == base), None)
