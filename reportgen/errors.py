"""The exceptions reportgen raises, and the one shape of a user-facing problem.

    ReportgenError                 base of everything raised on purpose
    ├── UserError                  the user's input is wrong; exit 2, HTTP 4xx, no traceback
    │   ├── FactsError             a facts file is invalid; carries every Problem found
    │   ├── TemplateError          a template is missing, broken, or uses an undefined value
    │   │   └── TemplateSecurityError   a user template tried to reach outside the sandbox
    │   ├── LayoutError            content cannot be laid out (a cell taller than a page)
    │   ├── GlyphError             text holds a character no font of the theme draws
    │   ├── UsageError             a bad option or argument (unknown format, missing file)
    │   │   └── UnknownLanguage    a brief asked for in a language it is not published in
    │   ├── OutputError            an output cannot be written (a full disk, no permission)
    │   └── BrokerUnavailable      the job queue's broker cannot be reached (exit 2, HTTP 503)
    └── RenderTimeout              a render ran past its deadline (HTTP 503)

Anything else that escapes is a bug in reportgen (exit 1, HTTP 500).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    file: str
    line: int | None
    path: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        """Return the problem as `file:line: path: message`, the shape compilers use."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        field = f" {self.path}:" if self.path else ""
        label = "" if self.severity == "error" else f" {self.severity}:"
        return f"{where}:{label}{field} {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready dict (the service's error list uses it)."""
        return asdict(self)


class ReportgenError(Exception):
    """Base of the errors reportgen raises on purpose."""


class UserError(ReportgenError):
    """The user's input is wrong; the message says what and where."""

    exit_code = 2


class FactsError(UserError):
    """A facts file is invalid; `problems` lists every error found in one pass."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(UserError):
    """A template is unknown, does not parse, or uses a value the facts lack."""


class TemplateSecurityError(TemplateError):
    """A user template tried something the sandbox forbids."""


class LayoutError(UserError):
    """Content cannot be laid out, such as a table cell taller than a page."""


class GlyphError(UserError):
    """Text holds a character that no font of the theme's chain draws (never a box)."""


class UsageError(UserError):
    """A bad option, argument or missing input file."""


class UnknownLanguage(UsageError):
    """A brief is asked for in a language it is not published in (HTTP 404)."""


class OutputError(UserError):
    """An output cannot be written (a full disk, no permission); nothing of it was placed."""


class RenderTimeout(ReportgenError):
    """A render ran past its deadline."""


class BrokerUnavailable(UserError):
    """The job queue's broker (Redis) cannot be reached (exit 2, HTTP 503 with Retry-After)."""
