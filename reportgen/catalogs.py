"""Keeping the message catalogs: extract the messages, start a language, update, check.

    python -m reportgen.catalogs extract       write reportgen/locale/reportgen.pot
    python -m reportgen.catalogs init ta       start reportgen/locale/ta/LC_MESSAGES/reportgen.po
    python -m reportgen.catalogs update        merge new messages into every language's .po
    python -m reportgen.catalogs check [hi]    list messages a language lacks (exit 1 if any)

Messages come from three places, found with Babel's extractors: `_()` and `{% trans %}` in
the bundled templates (Jinja2's extractor), `gettext`/`ngettext` calls in reportgen's Python
code, and two tables that are data rather than calls: the writers' words (model.LABELS)
and the scale words (lakh, crore, million, billion; msgctxt "scale").
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from reportgen.i18n import DOMAIN, LOCALE_DIR, SCALE_CONTEXT, bundled_languages
from reportgen.model import LABELS
from reportgen.paths import BUNDLED_TEMPLATES, PACKAGE_DIR

POT = LOCALE_DIR / f"{DOMAIN}.pot"
SCALES = ("lakh", "crore", "million", "billion")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}


def extract(templates: Path = BUNDLED_TEMPLATES) -> Catalog:
    """Return a catalog of every message reportgen and the templates in `templates` use."""
    catalog = Catalog(project="reportgen", domain=DOMAIN, fuzzy=False)
    found = extract_from_dir(
        str(templates),
        method_map=[("**.j2", "jinja2")],
        options_map={"**.j2": _JINJA_OPTIONS},
        keywords=KEYWORDS,
    )
    _add(catalog, found, "templates/")
    code = extract_from_dir(
        str(PACKAGE_DIR),
        method_map=[("templates/**", "ignore"), ("**.py", "python")],
        keywords=KEYWORDS,
    )
    _add(catalog, code, "reportgen/")
    for key, text in LABELS.items():
        catalog.add(text, locations=[("reportgen/model.py", 0)], auto_comments=[f"label {key}"])
    for scale in SCALES:
        catalog.add(scale, context=SCALE_CONTEXT, auto_comments=["the scale word of an amount"])
    return catalog


def _add(catalog: Catalog, found: Iterable[tuple], prefix: str) -> None:
    """Add extracted (file, line, message, comments, context) entries to `catalog`."""
    for filename, lineno, message, comments, context in found:
        catalog.add(
            message,
            locations=[(prefix + filename, lineno)],
            auto_comments=comments,
            context=context,
        )


def po_path(language: str) -> Path:
    """Return the path of a language's bundled .po file."""
    return LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path) -> Catalog:
    """Return the catalog of a .po or .pot file."""
    with path.open("rb") as stream:
        return read_po(stream)


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog as a .po/.pot file (sorted, without line-number churn)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        write_po(stream, catalog, width=100, sort_output=True, omit_header=False)


def missing(language: str, template: Catalog | None = None) -> list[str]:
    """Return the messages of `template` (default: extracted now) the language lacks."""
    template = template or extract()
    path = po_path(language)
    if not path.is_file():
        return [m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id]
    catalog = read_catalog(path)
    lacking = []
    for message in template:
        if not message.id:
            continue
        have = catalog.get(message.id, context=message.context)
        strings = have.string if have is not None else None
        values = strings if isinstance(strings, tuple | list) else (strings,)
        if have is None or have.fuzzy or not all(values):
            lacking.append(message.id if isinstance(message.id, str) else message.id[0])
    return lacking


def main(argv: Sequence[str] | None = None) -> int:
    """Run a catalog command (extract, init LANG, update, check [LANG...]); return the status."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "check"
    template = extract()
    if command == "extract":
        write_catalog(template, POT)
        print(f"{POT}: {len(template)} messages")
        return 0
    if command == "init" and args:
        catalog = Catalog(
            locale=args[0].replace("-", "_"), project="reportgen", domain=DOMAIN, fuzzy=False
        )
        catalog.update(template)
        write_catalog(catalog, po_path(args[0]))
        print(f"{po_path(args[0])}: translate every msgstr, then run: check {args[0]}")
        return 0
    if command == "update":
        for language in bundled_languages():
            catalog = read_catalog(po_path(language))
            catalog.update(template, no_fuzzy_matching=True)
            write_catalog(catalog, po_path(language))
        return 0
    if command == "check":
        status = 0
        for language in args or bundled_languages():
            lacking = missing(language, template)
            print(f"{language}: {len(template) - len(lacking)}/{len(template)} translated")
            for message in lacking:
                print(f"  missing: {message!r}")
            status = status or (1 if lacking else 0)
        return status
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
