"""The words a template adds, in the language being rendered (Jinja2's i18n extension).

Templates write `{{ _("Key messages") }}` or `{% trans currency=c %}Equivalent
({{ currency }}){% endtrans %}`; Babel extracts those messages into the catalogs
(`python -m reportgen.catalogs extract`). The functions here are what the i18n extension
calls, bound to one brief's catalog and passed in that brief's render context (so concurrent
renders in different languages never share them). A translation is trusted markup, like the
template itself; the values put into it are facts, escaped as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen import i18n
from reportgen.templating.markdown import MarkdownSafe, escape_markdown

MESSAGES_DIR = "messages"  # a template's own catalogs: <template>/messages/<lang>.po


class Words:
    """The gettext functions of one render: a catalog and the language it is for."""

    def __init__(self, language: str, catalog: i18n.Catalog) -> None:
        self.language = language
        self.catalog = catalog

    def gettext(self, message: str, **variables: Any) -> MarkdownSafe:
        """Return `message` translated, `%(name)s` filled with the escaped values."""
        return _fill(str(self.catalog.gettext(message)), variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> MarkdownSafe:
        """Return the form of a message for the count `num` (`%(num)d` is the count)."""
        variables.setdefault("num", num)
        return _fill(str(self.catalog.ngettext(singular, plural, num)), variables)

    def pgettext(self, context: str, message: str, **variables: Any) -> MarkdownSafe:
        """Return `message` translated within a gettext `context`."""
        return _fill(str(self.catalog.pgettext(context, message)), variables)

    def text(self, message: str, **variables: Any) -> str:
        """Return `message` translated as plain text (for values that are not Markdown)."""
        translated = str(self.catalog.gettext(message))
        return translated % variables if variables else translated

    def context(self) -> dict[str, Any]:
        """Return the names the i18n extension and templates call, for the render context."""
        return {
            "_": self.gettext,
            "gettext": self.gettext,
            "ngettext": self.ngettext,
            "pgettext": self.pgettext,
            "words": self,
            "language": self.language,
        }


def _fill(translated: str, variables: dict[str, Any]) -> MarkdownSafe:
    """Return a translation with its variables put in, each escaped as Markdown text."""
    if not variables:
        return MarkdownSafe(translated)
    escaped = {
        k: v if isinstance(v, int | float) else escape_markdown(v) for k, v in variables.items()
    }
    return MarkdownSafe(translated % escaped)


def template_catalogs(files: list[Path], own_folder: Path, language: str) -> list[Path]:
    """Return a template's own catalogs for `language`, its own folder's before its parents'.

    `files` are the template's files (templating.template_files); a catalog is
    `<folder>/messages/<language>.po`, `hi_IN.po` preferred to `hi.po`.
    """
    names = [f"{part}.po" for part in i18n.locale_parts(language)]
    found = [p for p in files if p.parent.name == MESSAGES_DIR and p.name in names]
    found.sort(key=lambda p: (p.parent.parent != own_folder, names.index(p.name)))
    return found


def words_for(language: str, overrides: list[Path]) -> Words:
    """Return the Words of a render in `language`, with a template's catalogs over ours."""
    return Words(language, i18n.translations(language, overrides))
