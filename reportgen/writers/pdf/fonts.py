"""The theme's TrueType fonts, registered with reportlab once per process, and script runs.

Fonts come only from the files the theme names (shipped in the package). Latin text is set
in the body family; Devanagari words are set in the theme's Devanagari font and shaped with
HarfBuzz (reportlab's `shaping`), because conjuncts and vowel signs need OpenType shaping.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as rl_paragraph

from reportgen.theme import Theme
from reportgen.writers.pdf.tounicode import install_tounicode_map, record_shaped_word

_DEVANAGARI_CHARS = "\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff"
_HAS_DEVANAGARI = re.compile(f"[{_DEVANAGARI_CHARS}]")
# A whitespace-delimited word holding Devanagari is set wholly in the Devanagari font (it also
# has digits and ASCII punctuation): reportlab shapes a word with the font of its first run.
_DEVANAGARI_WORD = re.compile(f"[^\\s]*[{_DEVANAGARI_CHARS}][^\\s]*")
_DEVANAGARI_PHRASE = re.compile(
    f"{_DEVANAGARI_WORD.pattern}(?:[ \u00a0]+{_DEVANAGARI_WORD.pattern})*"
)

_lock = threading.Lock()
_registered: dict[tuple[str, ...], FontSet] = {}
# Fonts whose words reportlab must not shape: shaping Latin adds ligature glyphs ("ﬁ") that
# text extraction returns as ligature characters, and costs time for nothing.
_UNSHAPED_FONTS: set[str] = set()


@dataclass(frozen=True)
class FontSet:
    """The reportlab names of the fonts a theme uses."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    devanagari: str
    devanagari_bold: str

    def body(self, bold: bool = False, italic: bool = False) -> str:
        """Return the body font name for the given weight and slant."""
        if bold:
            return self.bold_italic if italic else self.bold
        return self.italic if italic else self.regular


def _register(path: Path) -> str:
    """Return the reportlab name of the TrueType font at `path`, registering it if new."""
    name = path.stem
    # Look only among registered fonts: pdfmetrics.getFont() on an unknown name first searches
    # the disk for a Type 1 font of that name, which costs a tenth of a second per font.
    font = pdfmetrics.getFont(name) if name in pdfmetrics.getRegisteredFontNames() else None
    if font is not None and Path(getattr(font.face, "filename", "")) == path:
        return name
    if font is not None:  # same stem, another file: keep both apart
        name = f"{name}-{zlib.crc32(str(path).encode()):08x}"
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def theme_fonts(theme: Theme) -> FontSet:
    """Return the theme's fonts, registered with reportlab (once per process per file set)."""
    family = theme.body_font
    deva = theme.script_fonts.get("devanagari", family.regular)
    deva_bold = theme.script_fonts.get("devanagari-bold", deva)
    paths = (family.regular, family.bold, family.italic, family.bold_italic, deva, deva_bold)
    key = tuple(str(p) for p in paths)
    with _lock:
        cached = _registered.get(key)
        if cached is not None:
            return cached
        fonts = FontSet(*(_register(Path(p)) for p in paths))
        registerFontFamily(
            fonts.regular,
            normal=fonts.regular,
            bold=fonts.bold,
            italic=fonts.italic,
            boldItalic=fonts.bold_italic,
        )
        _UNSHAPED_FONTS.update((fonts.regular, fonts.bold, fonts.italic, fonts.bold_italic))
        _UNSHAPED_FONTS.difference_update((fonts.devanagari, fonts.devanagari_bold))
        _registered[key] = fonts
        return fonts


def has_devanagari(text: str) -> bool:
    """Return True when `text` holds any Devanagari character."""
    return _HAS_DEVANAGARI.search(text) is not None


def split_scripts(text: str) -> list[tuple[bool, str]]:
    """Return `text` as runs of (is_devanagari, run), whole words kept in one run."""
    runs: list[tuple[bool, str]] = []
    pos = 0
    for match in _DEVANAGARI_PHRASE.finditer(text):
        if match.start() > pos:
            runs.append((False, text[pos : match.start()]))
        runs.append((True, match.group()))
        pos = match.end()
    if pos < len(text):
        runs.append((False, text[pos:]))
    return runs


def _shape_only_shapable_fonts(shape: Callable[..., Any]) -> Callable[..., Any]:
    """Return `shape` wrapped to leave words that start in an unshaped font as they are."""

    def shape_frag_word(word: Any, *args: Any, **kwargs: Any) -> Any:
        for frag, _text in word[1:]:
            if hasattr(frag, "cbDefn"):
                continue
            if frag.fontName in _UNSHAPED_FONTS:
                return word
            break
        shaped = shape(word, *args, **kwargs)
        if shaped is not word:
            record_shaped_word(word, shaped)
        return shaped

    shape_frag_word.__wrapped__ = shape  # type: ignore[attr-defined]
    return shape_frag_word


def install_shaping_filter() -> None:
    """Make reportlab shape only Devanagari words, and map their glyphs back to text (once)."""
    current = rl_paragraph.shapeFragWord
    if not hasattr(current, "__wrapped__"):
        rl_paragraph.shapeFragWord = _shape_only_shapable_fonts(current)
    install_tounicode_map()
