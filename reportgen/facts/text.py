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

from pydantic import AfterValidator, BeforeValidator, ValidationInfo
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
        name = match.group(1).strip()
        parsed = _PLACEHOLDER.match(name)
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


def _validate_text(value: str, info: ValidationInfo) -> str:
    """Return the text with placeholders resolved; raise a field error for bad characters."""
    try:
        check_characters(value)
        check_glyphs(value)
        if not value.strip():
            raise ValueError("is empty; write some text or leave the field out")
        resolver = getattr(info.context, "resolver", None) if info.context else None
        if resolver is not None:
            return resolve(value, resolver.placeholder)
    except ValueError as exc:
        raise PydanticCustomError("text", str(exc)) from None
    return value


Text = Annotated[str, BeforeValidator(_coerce_scalar), AfterValidator(_validate_text)]
"""A piece of brief text: checked characters, resolved placeholders."""
