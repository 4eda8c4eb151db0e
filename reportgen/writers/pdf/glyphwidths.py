"""Glyph widths that agree with the font program, for glyphs HarfBuzz makes.

Reportlab gives a shaped glyph that has no Unicode value of its own (a Devanagari conjunct,
a Tamil vowel-sign form) a private-use code the first time it sees it, and records as that
code's width the glyph's advance *in the context it was first shaped in* (HarfBuzz's
positioned advance, after kerning and mark positioning). That number goes into the font's
/Widths array, so the dictionary could disagree with the embedded font's own advance
(PDF/A ISO 19005-3 6.2.11.5, PDF/UA through it), and the PDF depended on which context came
first. Here the recorded width is the glyph's nominal advance from the font's hmtx table;
the text is drawn exactly where it was, because reportlab already writes each shaped glyph
with a TJ adjustment from its recorded width to HarfBuzz's advance.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.ttfonts import TTFont

# reportlab's private method (name-mangled); wrapped, never replaced in behaviour otherwise
_ORIGINAL = TTFont._TTFont__addPrivate  # type: ignore[attr-defined]


def nominal_advance(font: TTFont, gid: int) -> float:
    """Return glyph `gid`'s advance width from the font's hmtx table, in 1/1000 em."""
    hmetrics = font.face.hmetrics
    raw = hmetrics[gid][0] if gid < len(hmetrics) else hmetrics[-1][0]
    return float(font.face._pdfScale(raw))


def _add_private(self: TTFont, name: str, gid: int, advance: Any) -> int:
    """Record a private-use code for glyph `gid` with its nominal width; return the code."""
    return int(_ORIGINAL(self, name, gid, nominal_advance(self, gid)))


def install_nominal_widths() -> None:
    """Make reportlab record shaped glyphs' widths from the font program (once)."""
    if TTFont._TTFont__addPrivate is not _add_private:  # type: ignore[attr-defined]
        TTFont._TTFont__addPrivate = _add_private  # type: ignore[attr-defined]
