"""reportgen: policy briefs from structured facts, as Word and PDF.

The public API is imported lazily, so that `import reportgen` stays cheap and a command that
asks for one format never pays for the other's libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type checkers see the real signatures; at run time they load on first use
    from reportgen.build import BuiltBrief, build_brief
    from reportgen.facts import Facts, load_facts, parse_facts

__version__ = "0.1.0"

__all__ = ["BuiltBrief", "Facts", "__version__", "build_brief", "load_facts", "parse_facts"]


def __getattr__(name: str) -> Any:
    """Return the public API names on first use (PEP 562)."""
    if name == "load_facts":
        from reportgen.facts import load_facts

        return load_facts
    if name == "build_brief":
        from reportgen.build import build_brief

        return build_brief
    if name == "parse_facts":
        from reportgen.facts import parse_facts

        return parse_facts
    if name == "Facts":
        from reportgen.facts import Facts

        return Facts
    if name == "BuiltBrief":
        from reportgen.build import BuiltBrief

        return BuiltBrief
    raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
