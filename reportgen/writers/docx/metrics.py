"""Text widths from a font's own metrics, for the few layout choices the DOCX writer makes.

Word lays text out itself; the writer only needs widths where it must choose before Word
does, as the PDF writer chooses: how small a key figure's value must be to fit its box.
Widths are advance widths from the font's `hmtx` table (no kerning, no shaping), which is
what reportlab's stringWidth measures for the PDF.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_FALLBACK_EM = 0.6  # width of a character the font lacks, in ems


def text_width(path: Path, text: str, size: float) -> float:
    """Return the width in points of `text` set in the font file at `path`, `size` pt."""
    advances, units = _advances(path)
    total = sum(advances.get(ord(ch), _FALLBACK_EM * units) for ch in text)
    return total * size / units


@lru_cache(maxsize=8)
def _advances(path: Path) -> tuple[dict[int, float], int]:
    """Return (code point -> advance width in font units, units per em) of a font file."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        units = int(font["head"].unitsPerEm)
        metrics = font["hmtx"].metrics
        cmap = font.getBestCmap() or {}
        return {cp: float(metrics[name][0]) for cp, name in cmap.items()}, units
