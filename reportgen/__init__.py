"""reportgen: policy briefs from structured facts, as Word and PDF.

The public API is imported lazily, so that `import reportgen` stays cheap and a command that
asks for one format never pays for the other's libraries.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "build_brief", "load_facts"]


def __getattr__(name: str) -> Any:
    """Return the public API names on first use (PEP 562)."""
    if name == "load_facts":
        from reportgen.facts import load_facts

        return load_facts
    if name == "build_brief":
        from reportgen.build import build_brief

        return build_brief
    raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
