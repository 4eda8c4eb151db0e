"""The chart fonts: the theme's TrueType files registered once with reportlab, and text metrics.

reportlab draws a `String` with a font registered in `pdfmetrics`; a TrueType font (not one of
the 14 standard PDF fonts) is what carries the rupee sign and Indic scripts into both the
vector drawing and its raster copy. Which font sets which character comes from
`reportgen.scripts`, as in the PDF and DOCX text.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.graphics.shapes import Group, String
from reportlab.lib.abag import ABag
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeFragWord, shapeStr

from reportgen.scripts import FontChain, theme_chain
from reportgen.theme import Theme


@dataclass(frozen=True)
class ChartFonts:
    """The reportlab font names a chart uses for each text role, and the theme's font chain."""

    regular: str
    bold: str
    italic: str
    chain: FontChain


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
    """Return the theme's body fonts registered with reportlab, and its font chain."""
    family = theme.body_font
    return ChartFonts(
        regular=register_ttf(family.regular),
        bold=register_ttf(family.bold),
        italic=register_ttf(family.italic),
        chain=theme_chain(theme),
    )


def _runs(text: str, font: str, size: float, fonts: ChartFonts | None) -> list[tuple[str, str]]:
    """Return `text` as (reportlab font, run) pairs: `font` for the body font's runs.

    Runs the body font cannot set (another script, a symbol) take the chain's font for them,
    in the bold file when `font` is the bold face. A run in a shaping script is shaped.
    """
    if fonts is None or fonts.chain.is_plain(text):
        return [(font, text)]
    out: list[tuple[str, str]] = []
    for run in fonts.chain.runs(text):
        if run.primary:
            out.append((font, run.text))
            continue
        fallback = fonts.chain.fallback_of(run.path)
        path = fallback.bold if fallback and font == fonts.bold else run.path
        face = register_ttf(path)
        out.append((face, _shape(run.text, face, size) if run.shaped else run.text))
    return out


def _shape(text: str, face: str, size: float) -> str:
    """Return `text` shaped by HarfBuzz in `face`, its glyphs' text recorded for the PDF.

    A shaped glyph with no code point of its own gets a private code; recording which text
    it stands for lets the PDF's ToUnicode map give that text back (as in body text).
    """
    from reportgen.writers.pdf.glyphwidths import install_nominal_widths
    from reportgen.writers.pdf.tounicode import record_shaped_word

    install_nominal_widths()
    word = [pdfmetrics.stringWidth(text, face, size), (ABag(fontName=face, fontSize=size), text)]
    shaped = shapeFragWord(word)
    if shaped is not word:
        record_shaped_word(word, shaped)
    return shaped[1][1] if len(shaped) == 2 else shapeStr(text, face, size)


def _width(run: str, face: str, size: float) -> float:
    """Return the advance width (pt) of a run, shaped or plain."""
    data = getattr(run, "__shapeData__", None)
    if data is not None:  # HarfBuzz advances, in thousandths of the size
        return float(sum(d.x_advance for d in data)) * size / 1000
    return float(pdfmetrics.stringWidth(run, face, size))


def text_width(text: str, font: str, size: float, fonts: ChartFonts | None = None) -> float:
    """Return the advance width (pt) of `text` in `font` at `size`, fallbacks and shaping done.

    Without `fonts` the text is measured in `font` alone (for text reportgen writes itself).
    """
    return sum(_width(run, face, size) for face, run in _runs(text, font, size, fonts))


def wrap(
    text: str, font: str, size: float, max_width: float, fonts: ChartFonts | None = None
) -> list[str]:
    """Return `text` broken into lines no wider than `max_width`.

    Lines break at spaces; a word wider than a line breaks after a hyphen or slash, or, failing
    that, between characters, so no line ever runs past its box.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        if text_width(word, font, size, fonts) > max_width:
            if current:
                lines.append(current)
            *whole, current = _split_word(word, font, size, max_width, fonts)
            lines.extend(whole)
            continue
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, font, size, fonts) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _split_word(
    word: str, font: str, size: float, max_width: float, fonts: ChartFonts | None
) -> list[str]:
    """Return the pieces of a word too wide for a line, each as wide as a line allows."""
    pieces: list[str] = []
    rest = word
    while rest and text_width(rest, font, size, fonts) > max_width:
        fit = 1
        while fit < len(rest) and text_width(rest[: fit + 1], font, size, fonts) <= max_width:
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
) -> String | Group:
    """Return `text` drawn at (x, y): one String, or a Group of one String per font run.

    reportlab's String draws characters one by one in one font; a label that mixes Latin and
    Devanagari is drawn run by run, each in its own font and shaped where its script needs
    it (HarfBuzz's glyphs travel in a ShapedStr, which renderPDF and PDF text extraction
    understand).
    """
    runs = _runs(text, font, size, fonts)
    if len(runs) == 1:
        face, run = runs[0]
        return String(x, y, run, fontName=face, fontSize=size, fillColor=colour, textAnchor=anchor)
    widths = [_width(run, face, size) for face, run in runs]
    total = sum(widths)
    left = x - (total if anchor == "end" else total / 2 if anchor == "middle" else 0.0)
    group = Group()
    for (face, run), w in zip(runs, widths, strict=True):
        group.add(String(left, y, run, fontName=face, fontSize=size, fillColor=colour))
        left += w
    return group
