"""Turn pydantic errors and our own findings into Problems with file, line and YAML path."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from reportgen.errors import Problem

Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """Return a YAML path as `sections[2].points[0].text`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class Locator:
    """Find the line of a YAML path, falling back to its nearest ancestor that has one."""

    def __init__(self, file: str, lines: dict[Path, int]) -> None:
        self.file = file
        self.lines = lines

    def line(self, path: Path) -> int | None:
        """Return the line of `path` or of the closest enclosing node, or None."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: Path, message: str, severity: str = "error") -> Problem:
        """Return a Problem at `path` with its line."""
        return Problem(self.file, self.line(path), format_path(path), message, severity)


def _field_names(model: type[BaseModel]) -> list[str]:
    """Return the names a model accepts in YAML (aliases where they exist)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(root: Any, loc: Sequence[str | int]) -> type[BaseModel] | None:
    """Return the model class found by following `loc` through type annotations, or None."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            field = fields.get(part)
            current = field.annotation if field else None
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Return the annotation without Annotated[...] and `| None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _message(error: ErrorDetails, root: Any) -> str:
    """Return a plain-words message for one pydantic error."""
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden":
        name = str(loc[-1])
        model = _model_at(root, loc[:-1])
        allowed = _field_names(model) if model else []
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        listing = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return f"unknown field '{name}'{hint}{listing}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    message = error["msg"]
    given = error.get("input")
    if kind == "string_type" and isinstance(given, dict) and len(given) == 1:
        return (
            "expected text, but YAML read a 'key: value' pair because the text contains ': ';"
            " put the whole text in quotes"
        )
    if kind in ("too_short", "too_long") and "List" in message:
        ctx = error.get("ctx", {})
        lo, hi = ctx.get("min_length"), ctx.get("max_length")
        count = ctx.get("actual_length")
        bound = f"at least {lo}" if kind == "too_short" else f"at most {hi}"
        return f"expected {bound} items, got {count}"
    if kind == "string_type" and isinstance(given, bool):
        return (
            f"expected text, got {given}: YAML reads yes/no/true/false/on/off as true or false;"
            " put the text in quotes"
        )
    shown = repr(given)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of 'key: value' lines, got {shown}"
    if kind == "list_type":
        return f"expected a list (lines starting with '- '), got {shown}"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "literal_error":
        return f"{message[0].lower()}{message[1:]}, got {shown}"
    return message[0].lower() + message[1:] if message else kind


def from_validation_error(
    exc: ValidationError, prefix: Path, root: Any, locator: Locator
) -> list[Problem]:
    """Return one Problem per pydantic error, located by its path in the file."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        path = (*prefix, *loc)
        problems.append(locator.problem(path, _message(error, root)))
    return problems


def known_names(wanted: str, names: Sequence[str], label: str = "budget lines") -> str:
    """Return a short hint naming the choices: all of a few, or the closest of many.

    "(budget lines: cmm, ncmm)" for a short list; "(did you mean 'line-10'? 2000 budget lines)"
    for a long one, so a message stays one readable line whatever the file's size.
    """
    if len(names) <= 8:
        return f"({label}: {', '.join(sorted(names)) or 'none'})"
    close = difflib.get_close_matches(wanted, names, n=3)
    guess = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"({guess}{len(names)} {label})"
