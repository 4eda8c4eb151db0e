"""Text fields of a facts file: character checks and `{placeholder}` resolution.

A placeholder names a budget line: `{ncmm}` is its amount as typed ("₹16,300 crore"),
`{ncmm.usd}` the amount converted into US dollars ("$1.88 billion"). `{{` and `}}` are
literal braces. Placeholders are resolved while the file is validated, so the error for an
unknown id carries the path and line of the text that used it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import (
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from reportgen.scripts import describe, theme_chain
from reportgen.theme import Theme, default_theme

# \t and \n are fine in text; every other C0 control, DEL, C1 controls and non-characters are not
_BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_PLACEHOLDER = re.compile(r"^([a-z0-9][a-z0-9-]*)(?:\.([a-z]{3}))?$")


class Resolver(Protocol):
    """What text validation needs from the budget: placeholder values and the brief's locale."""

    locale: str

    def placeholder(self, line_id: str, currency: str | None) -> str:
        """Return the formatted amount for `{line_id}` or `{line_id.currency}`."""
        ...


def describe_char(char: str) -> str:
    """Return "U+0001 (control character)"-style words for a character not allowed in text."""
    code = f"U+{ord(char):04X}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"{code} (a lone surrogate, not a real character)"
    if char in "\ufffe\uffff":
        return f"{code} (a Unicode non-character)"
    name = unicodedata.name(char, "control character")
    return f"{code} ({name.lower()})"


def check_characters(text: str) -> None:
    """Raise ValueError naming the first character a brief cannot carry (controls, surrogates)."""
    match = _BAD_CHAR.search(text)
    if match:
        raise ValueError(
            f"contains {describe_char(match.group())} at character {match.start() + 1};"
            " remove it (only tab and newline are allowed among control characters)"
        )


def check_glyphs(text: str) -> None:
    """Raise ValueError naming each character no font of the house chain draws.

    A brief never drops a character or draws a box: the house fonts (Noto Sans, then a Noto
    font for each Indic script, then symbols and maths) must hold every character of text.
    """
    missing = theme_chain(_house_theme()).missing(text)
    if missing:
        where = text.index(missing[0]) + 1
        named = ", ".join(describe(ch) for ch in missing)
        raise ValueError(
            f"contains {named} (first at character {where}), which no font of the brief"
            " draws (Noto Sans, the Noto fonts of the Indic scripts, symbols and maths);"
            " remove it or write it another way"
        )


@functools.cache
def _house_theme() -> Theme:
    """Return the house theme, whose fonts every brief has (built once)."""
    return default_theme()


def resolve(text: str, lookup: Callable[[str, str | None], str]) -> str:
    """Return `text` with `{id}` / `{id.cur}` replaced through `lookup` and `{{ }}` unescaped."""

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        if token in ("{{", "}}"):
            return token[0]
        if token in ("{", "}"):
            raise ValueError(f"unmatched '{token}'; write '{token * 2}' for a literal brace")
        name = match.group(1)
        parsed = _PLACEHOLDER.match(name)
        if not parsed and _PLACEHOLDER.match(name.strip()):
            # One spelling only: `{ ncmm }` would read as a placeholder here and as text to
            # anything else that looks for `{id}` (a search, a linter, a translator's tool).
            raise ValueError(
                f"'{{{name}}}' has spaces inside its braces; write '{{{name.strip()}}}'"
            )
        if not parsed:
            raise ValueError(
                f"'{{{name}}}' is not a placeholder; use {{budget-id}} or {{budget-id.usd}},"
                " or write '{{' and '}}' for literal braces"
            )
        return lookup(parsed[1], parsed[2].upper() if parsed[2] else None)

    return _TOKEN.sub(replace, text)


def _coerce_scalar(value: Any) -> Any:
    """Return numbers as text, so `label: 2023` is the text "2023" rather than an error."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


# ---------------------------------------------------------------- texts per language

MISSING_LANGUAGE = "missing_language"  # the error type of a text lacking a language
_LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_LETTER = re.compile(r"[^\W\d_]")


class ForeignText(str):
    """Text shown in a brief of another language (a fallback): `lang` says its language."""

    __slots__ = ("lang",)

    def __new__(cls, text: str, lang: str) -> ForeignText:
        """Return `text` marked as written in `lang`."""
        self = super().__new__(cls, text)
        self.lang = lang
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        """Return the arguments that rebuild this text (for copy and pickle)."""
        return (str(self), self.lang)


def base_language(tag: str) -> str:
    """Return the language subtag of a locale code ("hi" for "hi-IN" or "hi_IN")."""
    return tag.replace("_", "-").split("-")[0].lower()


def is_language_mapping(value: Any) -> bool:
    """Return True for a mapping whose keys all look like language codes (`{en: .., hi: ..}`)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and _LANGUAGE_KEY.match(k) for k in value)
    )


def pick_language(mapping: dict[str, Any], language: str) -> str | None:
    """Return the key of `mapping` holding text in `language`, or None.

    An exact key wins ("hi-IN"), then the bare language ("hi"), then any key of the same
    language ("hi-Latn" is not preferred over "hi", but found when it is the only one).
    """
    wanted = language.replace("_", "-")
    keys = {k.replace("_", "-"): k for k in mapping}
    if wanted in keys:
        return keys[wanted]
    base = base_language(wanted)
    if base in keys:
        return keys[base]
    return next((k for n, k in keys.items() if base_language(n) == base), None)


def is_neutral(text: str) -> bool:
    """Return True for text with no letters ("~70%", "2024-25"): the same in every language."""
    return _LETTER.search(text) is None


def _localize(value: Any, info: ValidationInfo) -> Any:
    """Return the text of a field in the language being validated (see `Localized` below)."""
    value = _coerce_scalar(value)
    context = info.context
    languages: tuple[str, ...] = tuple(getattr(context, "languages", ()) or ())
    primary = languages[0] if languages else None
    language = getattr(context, "language", None)
    required = getattr(context, "require", None)
    if isinstance(value, dict):
        return _from_mapping(value, primary, language, required)
    if not isinstance(value, str):
        return value  # pydantic reports the wrong type
    other = primary is not None and base_language(primary) != base_language(required or primary)
    if required and other and not is_neutral(value):
        raise PydanticCustomError(
            MISSING_LANGUAGE,
            f"has no '{required}' text (a plain string is {primary});"
            f" write it as {{{base_language(primary)}: ..., {base_language(required)}: ...}}",
        )
    if language and primary and base_language(language) != base_language(primary):
        return value if is_neutral(value) else ForeignText(value, primary)
    return value


def _from_mapping(
    value: dict[Any, Any], primary: str | None, language: str | None, required: str | None
) -> str:
    """Return the text of a `{language: text}` mapping for `language` (or a fallback)."""
    if not is_language_mapping(value) and len(value) == 1:
        raise PydanticCustomError(
            "text",
            "expected text, but YAML read a 'key: value' pair because the text contains ': ';"
            " put the whole text in quotes",
        )
    if not is_language_mapping(value):
        bad = next((k for k in value if not isinstance(k, str) or not _LANGUAGE_KEY.match(k)), "")
        raise PydanticCustomError(
            "text",
            f"expected text, or text per language such as {{en: ..., hi: ...}};"
            f" '{str(bad)[:20]}' is not a language code",
        )
    for key, text in value.items():
        if not isinstance(_coerce_scalar(text), str):
            raise PydanticCustomError("text", f"the '{key}' text is not text")
    if required and pick_language(value, required) is None:
        raise PydanticCustomError(
            MISSING_LANGUAGE,
            f"has no '{required}' text (it has {', '.join(map(str, value))})",
        )
    for wanted in (language, primary):
        key = pick_language(value, wanted) if wanted else None
        if key is not None:
            text = _coerce_scalar(value[key])
            if wanted == language or language is None:
                return str(text)
            return ForeignText(str(text), key.replace("_", "-"))
    key = next(iter(value))
    text = str(_coerce_scalar(value[key]))
    return text if language is None else ForeignText(text, key.replace("_", "-"))


def _validate_text(value: str, info: ValidationInfo) -> str:
    """Return the text with placeholders resolved; raise a field error for bad characters."""
    try:
        check_characters(value)
        check_glyphs(value)
        if not value.strip():
            raise ValueError("is empty; write some text or leave the field out")
        resolver = getattr(info.context, "resolver", None) if info.context else None
        if resolver is not None:
            resolved = resolve(value, resolver.placeholder)
            if isinstance(value, ForeignText):  # a fallback stays marked with its language
                return ForeignText(resolved, value.lang)
            return resolved
    except ValueError as exc:
        raise PydanticCustomError("text", str(exc)) from None
    return value


def _text(
    value: Any,
    handler: ValidatorFunctionWrapHandler,
    info: ValidationInfo,
    max_chars: int = 0,
    title: bool = False,
) -> Any:
    """Return a text field's value: picked in the language, checked, placeholders resolved.

    A wrap validator, so a ForeignText comes out as it is (pydantic's own str validation
    would turn it back into a plain str). Every language's text is held to `max_chars`
    before anything else looks at it, so a megabyte of text costs nothing more; a `title`
    refuses bidirectional controls.
    """
    limit = max_chars or MAX_CHARS["text"]
    for each in value.values() if isinstance(value, dict) else (value,):
        if isinstance(each, str):
            _check_length(each, limit)
            if title:
                _check_bidi(each)
    value = _localize(value, info)
    if not isinstance(value, str):
        return handler(value)  # not text: pydantic's own error message
    return _validate_text(value, info)


# The longest text each kind of field holds, in characters (docs/facts.md lists them). Each is
# generous for its use and bounded by what a page can show; so the cost of validating and
# rendering a brief is bounded by its fields, not by what a file (or an upload) throws at it.
MAX_CHARS = {
    "title": 300,  # the title block holds three or four lines of the title's size
    "subtitle": 500,
    "short_title": 150,  # one line of running header
    "name": 200,  # organisation, author, keyword, label, heading, budget line, publisher
    "figure": 60,  # a key figure's value: "~70%", "₹16,300 crore"
    "line": 500,  # a key message, a highlight's context, a timeline event, a source title
    "summary": 1500,  # a section's summary: a few sentences
    "point": 2000,  # a bullet point
    "notes": 1000,  # a budget line's notes
    "text": 5000,  # a paragraph: most of a page
}


def _check_length(text: str, limit: int) -> None:
    """Raise a field error when `text` is longer than `limit` characters."""
    if len(text) > limit:
        raise PydanticCustomError(
            "text_too_long",
            f"is {len(text):,} characters long; this field holds at most {limit:,}: shorten"
            " it (split a long paragraph in two, move detail into a section)",
        )


# Embeddings, overrides and isolates: they reorder how text displays, so a title holding one
# can show one thing and say another (in the PDF's metadata and bookmarks too).
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _check_bidi(text: str) -> None:
    """Raise a field error when a title holds a bidirectional formatting control."""
    match = _BIDI_CONTROL.search(text)
    if match:
        raise PydanticCustomError(
            "bidi_control",
            f"contains {describe_char(match.group())} at character {match.start() + 1}, which"
            " reorders how the title displays (in viewers' title bars and bookmarks too);"
            " remove it: right-to-left text displays correctly without it",
        )


def text_schema(max_chars: int) -> dict[str, Any]:
    """Return the JSON Schema of a text field of at most `max_chars` characters."""
    string = {"type": "string", "maxLength": max_chars}
    return {
        "anyOf": [
            string,
            {"type": "number"},
            {
                "type": "object",
                "description": "The text per language: {en: ..., hi: ...}.",
                "patternProperties": {_LANGUAGE_KEY.pattern: {"type": ["string", "number"]}},
                "additionalProperties": False,
                "minProperties": 1,
            },
        ]
    }


def _bounded(kind: str, title: bool = False) -> WrapValidator:
    """Return the text validator of a field of kind `kind` (a key of MAX_CHARS)."""
    return WrapValidator(functools.partial(_text, max_chars=MAX_CHARS[kind], title=title))


Text = Annotated[str, _bounded("text"), WithJsonSchema(text_schema(MAX_CHARS["text"]))]
"""A piece of brief text: a string (in the brief's first language) or a mapping of language
to text; characters checked, placeholders resolved in the language being validated."""
TitleText = Annotated[
    str, _bounded("title", title=True), WithJsonSchema(text_schema(MAX_CHARS["title"]))
]
SubtitleText = Annotated[
    str, _bounded("subtitle", title=True), WithJsonSchema(text_schema(MAX_CHARS["subtitle"]))
]
ShortTitleText = Annotated[
    str, _bounded("short_title", title=True), WithJsonSchema(text_schema(MAX_CHARS["short_title"]))
]
NameText = Annotated[str, _bounded("name"), WithJsonSchema(text_schema(MAX_CHARS["name"]))]
FigureText = Annotated[str, _bounded("figure"), WithJsonSchema(text_schema(MAX_CHARS["figure"]))]
LineText = Annotated[str, _bounded("line"), WithJsonSchema(text_schema(MAX_CHARS["line"]))]
SummaryText = Annotated[str, _bounded("summary"), WithJsonSchema(text_schema(MAX_CHARS["summary"]))]
PointText = Annotated[str, _bounded("point"), WithJsonSchema(text_schema(MAX_CHARS["point"]))]
NotesText = Annotated[str, _bounded("notes"), WithJsonSchema(text_schema(MAX_CHARS["notes"]))]
