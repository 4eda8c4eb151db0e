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
            f"expected text, got {given}: YAML reads true/false as true or false;"
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
    """Return one Problem per pydantic error, located by its path in the file.

    A misspelt required field ("titel:" for "title:") is one mistake and one problem: the
    unknown field says which required field it is likely meant to be, and the "missing" error
    of that field is dropped.
    """
    errors = exc.errors(include_url=False)
    typos = _typos(errors, root)
    problems = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and loc in typos.values():
            continue
        message = _message(error, root)
        if loc in typos:
            message = (
                f"unknown field '{loc[-1]}'; did you mean '{typos[loc][-1]}'? "
                f"('{typos[loc][-1]}' is required and missing)"
            )
        problems.append(locator.problem((*prefix, *loc), message))
    return problems


def _typos(errors: Sequence[ErrorDetails], root: Any) -> dict[Path, Path]:
    """Return {location of an unknown field: location of the missing field it misspells}."""
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    found: dict[Path, Path] = {}
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] != "extra_forbidden" or not loc:
            continue
        siblings = [str(m[-1]) for m in missing if m[:-1] == loc[:-1] and m not in found.values()]
        close = difflib.get_close_matches(str(loc[-1]), siblings, n=1, cutoff=0.6)
        if close:
            found[loc] = (*loc[:-1], close[0])
    return found


def known_names(wanted: str, names: Sequence[str], label: str = "budget lines") -> str:
    """Return a short hint naming the choices: all of a few, or the closest of many.

    "(budget lines: cmm, ncmm)" for a short list; "(did you mean 'line-10'? 2000 budget lines)"
    for a long one, so a message stays one readable line whatever the file's size.
    """
    guess = did_you_mean(wanted, names)
    guess = f"{guess} " if guess else ""
    if len(names) <= 8:
        return f"({guess}{label}: {', '.join(sorted(names)) or 'none'})"
    return f"({guess}{len(names)} {label})"


def did_you_mean(wanted: str, names: Sequence[str]) -> str:
    """Return "did you mean 'x'?" (or 'x' or 'y') for the names closest to `wanted`, or ""."""
    # A wrong case ("inr") or two letters swapped ("IRN", "nmcm") is the likeliest slip.
    exact_case = [n for n in names if n.lower() == wanted.lower()]
    swapped = [n for n in names if sorted(n.lower()) == sorted(wanted.lower())]
    similar = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    close = exact_case or list(dict.fromkeys([*swapped, *similar]))[:3]
    if not close:
        return ""
    return f"did you mean {' or '.join(repr(c) for c in close)}?"
