"""The chart fonts: the theme's TrueType files registered once with reportlab, and text metrics.

reportlab draws a `String` with a font registered in `pdfmetrics`; a TrueType font (not one of
the 14 standard PDF fonts) is what carries the rupee sign and Devanagari into both the vector
drawing and its raster copy.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.graphics.shapes import String
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeStr

from reportgen.theme import Theme

_DEVANAGARI = range(0x0900, 0x0980)


@dataclass(frozen=True)
class ChartFonts:
    """The reportlab font names a chart uses for each text role."""

    regular: str
    bold: str
    italic: str
    devanagari: str | None
    devanagari_bold: str | None


@cache
def register_ttf(path: Path) -> str:
    """Return the reportlab name of the TrueType font at `path`, registering it on first use.

    The name is the file's stem, as the PDF writer names the same file, so a chart in a PDF
    shares the body text's embedded font instead of adding a second copy.
    """
    name = path.stem
    try:
        font = pdfmetrics.getFont(name)
    except KeyError:
        font = None
    if font is not None and Path(getattr(font.face, "filename", "")) == path:
        return name
    if font is not None:  # the same stem from another file: keep the two apart
        name = f"{name}-{zlib.crc32(str(path).encode()):08x}"
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def chart_fonts(theme: Theme) -> ChartFonts:
    """Return the theme's fonts registered with reportlab, ready for `String.fontName`."""
    family = theme.body_font
    deva = theme.script_fonts.get("devanagari")
    deva_bold = theme.script_fonts.get("devanagari-bold", deva)
    return ChartFonts(
        regular=register_ttf(family.regular),
        bold=register_ttf(family.bold),
        italic=register_ttf(family.italic),
        devanagari=register_ttf(deva) if deva else None,
        devanagari_bold=register_ttf(deva_bold) if deva_bold else None,
    )


def font_for(text: str, font: str, fonts: ChartFonts) -> str:
    """Return `font`, or the Devanagari font when `text` holds Devanagari letters."""
    if fonts.devanagari and needs_shaping(text):
        return (
            fonts.devanagari_bold
            if font == fonts.bold and fonts.devanagari_bold
            else fonts.devanagari
        )
    return font


def needs_shaping(text: str) -> bool:
    """Return whether `text` holds Devanagari, whose vowel signs and conjuncts need shaping."""
    return any(ord(ch) in _DEVANAGARI for ch in text)


def shaped(text: str, font: str, size: float) -> str:
    """Return `text` shaped by HarfBuzz for `font` where its script needs it, else `text`.

    reportlab's String draws characters one by one; a Devanagari i-matra or conjunct then
    lands in the wrong place. A ShapedStr (a str) carries the glyphs HarfBuzz chose, and
    both renderPDF and the text extraction of the PDF understand it.
    """
    if not needs_shaping(text):
        return text
    return shapeStr(text, font, size)  # type: ignore[no-any-return]


def text_width(text: str, font: str, size: float) -> float:
    """Return the advance width (pt) of `text` set in `font` at `size`, shaped if need be."""
    return float(pdfmetrics.stringWidth(shaped(text, font, size), font, size))


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Return `text` broken into lines no wider than `max_width`.

    Lines break at spaces; a word wider than a line breaks after a hyphen or slash, or, failing
    that, between characters, so no line ever runs past its box.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        if text_width(word, font, size) > max_width:
            if current:
                lines.append(current)
            *whole, current = _split_word(word, font, size, max_width)
            lines.extend(whole)
            continue
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, font, size) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _split_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    """Return the pieces of a word too wide for a line, each as wide as a line allows."""
    pieces: list[str] = []
    rest = word
    while rest and text_width(rest, font, size) > max_width:
        fit = 1
        while fit < len(rest) and text_width(rest[: fit + 1], font, size) <= max_width:
            fit += 1
        soft = max(rest.rfind("-", 0, fit), rest.rfind("/", 0, fit))
        cut = soft + 1 if soft > 0 else fit
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return [*pieces, rest] if rest else pieces


def label(
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    colour: Color,
    anchor: str,
    fonts: ChartFonts,
) -> String:
    """Return a String of `text` in `font` (the Devanagari font, shaped, where it needs it)."""
    face = font_for(text, font, fonts)
    return String(
        x,
        y,
        shaped(text, face, size),
        fontName=face,
        fontSize=size,
        fillColor=colour,
        textAnchor=anchor,
    )
