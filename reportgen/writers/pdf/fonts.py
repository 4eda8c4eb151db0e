"""The theme's TrueType fonts registered with reportlab, and shaping per font run.

Fonts come only from the files the theme names (shipped in the package). Which font sets
which character is decided by `reportgen.scripts` (the one script table); this module only
gives each font file a reportlab name, registering it on first use, so a fallback font is
read only when a document holds its script. Runs in a shaping script (Devanagari, Bengali,
Tamil ...) are shaped with HarfBuzz, each in its own font.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import ShapedFragWord, TTFont, makeShapedFragWord
from reportlab.platypus import paragraph as rl_paragraph

from reportgen.scripts import FontChain, theme_chain
from reportgen.theme import Theme
from reportgen.writers.pdf.glyphwidths import install_nominal_widths
from reportgen.writers.pdf.tounicode import install_tounicode_map, record_shaped_word

_lock = threading.Lock()
_registered: dict[tuple[str, ...], FontSet] = {}
# Fonts whose runs reportlab shapes: shaping Latin adds ligature glyphs ("ﬁ") that text
# extraction returns as ligature characters, and costs time for nothing.
_SHAPED_FONTS: set[str] = set()


def register_font(path: Path) -> str:
    """Return the reportlab name of the TrueType font at `path`, registering it if new."""
    name = path.stem
    with _lock:
        # Look only among registered fonts: pdfmetrics.getFont() on an unknown name first
        # searches the disk for a Type 1 font of that name (a tenth of a second per font).
        font = pdfmetrics.getFont(name) if name in pdfmetrics.getRegisteredFontNames() else None
        if font is not None and Path(getattr(font.face, "filename", "")) == path:
            return name
        if font is not None:  # same stem, another file: keep both apart
            name = f"{name}-{zlib.crc32(str(path).encode()):08x}"
            if name in pdfmetrics.getRegisteredFontNames():
                return name
        pdfmetrics.registerFont(TTFont(name, str(path)))
        return name


@dataclass
class FontSet:
    """The reportlab names of a theme's body fonts, and its chain for everything else."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    chain: FontChain
    _faces: dict[Path, str] = field(default_factory=dict)

    def body(self, bold: bool = False, italic: bool = False) -> str:
        """Return the body font name for the given weight and slant."""
        if bold:
            return self.bold_italic if italic else self.bold
        return self.italic if italic else self.regular

    def face(self, path: Path, shaped: bool = False) -> str:
        """Return the reportlab name of a fallback font file, registered on first use."""
        name = self._faces.get(path)
        if name is None:
            name = register_font(path)
            # <b> or <i> around <font face=...> keeps this face: fallbacks have no italic,
            # and bold text names the bold file itself.
            registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
            self._faces[path] = name
        if shaped:
            _SHAPED_FONTS.add(name)
        return name


def theme_fonts(theme: Theme) -> FontSet:
    """Return the theme's body fonts, registered with reportlab (once per process per set)."""
    family = theme.body_font
    paths = (family.regular, family.bold, family.italic, family.bold_italic)
    key = tuple(str(p) for p in (*paths, *(f.regular for f in theme.fallback_fonts)))
    with _lock:
        cached = _registered.get(key)
    if cached is not None:
        return cached
    names = [register_font(Path(p)) for p in paths]
    registerFontFamily(
        names[0], normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3]
    )
    fonts = FontSet(*names, chain=theme_chain(theme))
    with _lock:
        return _registered.setdefault(key, fonts)


def _shape_font_runs(shape: Callable[..., Any]) -> Callable[..., Any]:
    """Return `shape` wrapped to shape each font run of a word on its own.

    reportlab shapes a whole word with the font of its first fragment and then reads the
    glyph ids back through each fragment's own font: a word such as "२०८१)," (Devanagari
    then Latin punctuation) came out with a wrong glyph. Here only runs in a shaping font
    are shaped, each with its font; Latin runs are left as they are.
    """

    def shape_frag_word(word: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(word, ShapedFragWord):
            return word
        parts = word[1:]
        if not any(
            not hasattr(frag, "cbDefn") and frag.fontName in _SHAPED_FONTS for frag, _ in parts
        ):
            return word
        groups = _font_groups(parts)
        if len(groups) == 1:
            return _shape_group(shape, word, args, kwargs)
        # The word's class says whether a space follows it (reportlab's _HSFrag): keep it.
        out = makeShapedFragWord(word)([0.0])
        for group in groups:
            sub = [_width(group), *group]
            shaped = _shape_group(shape, sub, args, kwargs) if _is_shaped(group) else sub
            out[0] += shaped[0]
            out.extend(shaped[1:])
        return out

    shape_frag_word.__wrapped__ = shape  # type: ignore[attr-defined]
    return shape_frag_word


def _font_groups(parts: list[Any]) -> list[list[Any]]:
    """Return a word's fragments grouped into runs of one font (specials kept in place)."""
    groups: list[list[Any]] = []
    last: str | None = None
    for frag, text in parts:
        font = None if hasattr(frag, "cbDefn") else frag.fontName
        if groups and (font is None or font == last):
            groups[-1].append((frag, text))
        else:
            groups.append([(frag, text)])
        if font is not None:
            last = font
    return groups


def _is_shaped(group: list[Any]) -> bool:
    """Return whether a font run is in a font that is shaped."""
    return any(not hasattr(f, "cbDefn") and f.fontName in _SHAPED_FONTS for f, _ in group)


def _width(group: list[Any]) -> float:
    """Return the natural width of a run of fragments."""
    return sum(
        pdfmetrics.stringWidth(text, frag.fontName, frag.fontSize)
        for frag, text in group
        if not hasattr(frag, "cbDefn")
    )


def _shape_group(shape: Callable[..., Any], word: list[Any], args: Any, kwargs: Any) -> Any:
    """Return `word` shaped, recording its glyphs' text for the PDF's ToUnicode map."""
    shaped = shape(word, *args, **kwargs)
    if shaped is not word:
        record_shaped_word(word, shaped)
    return shaped


def install_shaping_filter() -> None:
    """Make reportlab shape font runs one by one, and map their glyphs back to text (once)."""
    current = rl_paragraph.shapeFragWord
    if not hasattr(current, "__wrapped__"):
        rl_paragraph.shapeFragWord = _shape_font_runs(current)
    install_tounicode_map()
    install_nominal_widths()
