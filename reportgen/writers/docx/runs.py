"""The character formatting that nested inlines pass down: bold, italic, style, colour, size."""

from __future__ import annotations

from typing import Any


class RunFormat:
    """The character formatting inherited by nested inlines (bold, italic, style, colour, size)."""

    __slots__ = ("bold", "color", "italic", "lang", "size", "style")

    def __init__(
        self,
        bold: bool = False,
        italic: bool = False,
        style: str | None = None,
        color: str | None = None,
        size: float | None = None,
        lang: str | None = None,
    ):
        self.bold, self.italic, self.style, self.color, self.size = bold, italic, style, color, size
        self.lang = lang  # language of a span that differs from its surroundings (BCP 47)

    def but(self, **changes: Any) -> RunFormat:
        """Return a copy with `changes` applied."""
        new = RunFormat(self.bold, self.italic, self.style, self.color, self.size, self.lang)
        for key, value in changes.items():
            setattr(new, key, value)
        return new


PLAIN = RunFormat()
