"""The one script table: which writing system each character is in, and which font sets it.

Every writer and the charts ask here, so a character is never set in a font by one module
and in another by the next. The script of a character is its Unicode Script property (with
Script_Extensions for shared marks such as the danda), read from fontTools' copy of the
Unicode Character Database: no hand-written code-point ranges.

A `FontChain` is the body font family followed by the theme's fallback fonts. `runs()`
splits a text into runs each set in one font:

- letters of a script with a fallback font of its own (Devanagari, Bengali ...) take that font;
- combining marks and joiners stay with the run they follow; common punctuation such as the
  danda stays in an Indic run when the script lists it among its own (Script_Extensions);
- everything else (Latin, digits, spaces, common punctuation, currency signs) is set in the
  body font;
- a character the chosen font lacks goes to the first font in the chain that has it (the
  taka sign in a Latin sentence is set in Noto Sans Bengali), and one that no font has is
  reported by `missing()`, so a build can fail naming it instead of drawing a box.

Font files are opened only for the scripts a text holds (their character maps are read with
fontTools on first use and cached for the process).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import unicodedata as ucd
from fontTools.ttLib import TTFont

from reportgen.theme import FallbackFont, FontFamily, Theme

COMMON = "Zyyy"  # ISO 15924: characters of no one script (spaces, digits, punctuation)
INHERITED = "Zinh"  # combining marks and joiners: the script of the character before
UNKNOWN = "Zzzz"
_NEUTRAL = frozenset((COMMON, INHERITED, UNKNOWN))
# Characters a line may hold without any font drawing them.
_NO_GLYPH_NEEDED = frozenset("\n\t\r")


@dataclass(frozen=True)
class ScriptInfo:
    """What a writer needs to know of a script: its name, shaping, Word's language tag."""

    code: str  # ISO 15924, as the Unicode Script property names it ("Deva")
    name: str  # English name, for messages
    shaped: bool  # needs OpenType shaping (HarfBuzz): conjuncts, reordered vowel signs
    complex: bool  # Word sets it from the complex-script font slot (w:cs)
    lang: str | None = None  # BCP 47 tag Word gets as w:lang/@w:bidi for the run


# The scripts reportgen ships fonts for. Any other script still gets a run of its own and is
# set by whichever font in the chain has its characters (or reported as missing).
SCRIPTS: dict[str, ScriptInfo] = {
    info.code: info
    for info in (
        ScriptInfo("Latn", "Latin", shaped=False, complex=False),
        ScriptInfo("Deva", "Devanagari", shaped=True, complex=True, lang="hi-IN"),
        ScriptInfo("Beng", "Bengali", shaped=True, complex=True, lang="bn-IN"),
        ScriptInfo("Guru", "Gurmukhi", shaped=True, complex=True, lang="pa-IN"),
        ScriptInfo("Gujr", "Gujarati", shaped=True, complex=True, lang="gu-IN"),
        ScriptInfo("Orya", "Odia", shaped=True, complex=True, lang="or-IN"),
        ScriptInfo("Taml", "Tamil", shaped=True, complex=True, lang="ta-IN"),
        ScriptInfo("Telu", "Telugu", shaped=True, complex=True, lang="te-IN"),
        ScriptInfo("Knda", "Kannada", shaped=True, complex=True, lang="kn-IN"),
        ScriptInfo("Mlym", "Malayalam", shaped=True, complex=True, lang="ml-IN"),
        ScriptInfo("Sinh", "Sinhala", shaped=True, complex=True, lang="si-LK"),
    )
}


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """Return the ISO 15924 Script property of `char` ("Latn", "Deva", "Zyyy" ...)."""
    return str(ucd.script(char))


@lru_cache(maxsize=4096)
def _extensions(char: str) -> frozenset[str]:
    """Return the scripts `char` is used with (Unicode Script_Extensions)."""
    return frozenset(ucd.script_extension(char))


def script_info(code: str) -> ScriptInfo | None:
    """Return what reportgen knows of the script `code`, or None for one it ships no font for."""
    return SCRIPTS.get(code)


def needs_shaping(code: str) -> bool:
    """Return whether text in script `code` must be shaped by HarfBuzz to read right."""
    info = SCRIPTS.get(code)
    return info.shaped if info else code not in _NEUTRAL


def script_runs(text: str) -> list[tuple[str, str]]:
    """Return `text` as (script code, run) pairs in order, by the rules in the module doc.

    Runs of the body font's scripts (Latin and neutral characters) have the code "Latn"
    unless they are all neutral ("Zyyy"); joining the pairs gives back `text`.
    """
    runs: list[tuple[str, str]] = []
    current = ""
    start = 0
    for i, char in enumerate(text):
        code = script_of(char)
        if code in _NEUTRAL:
            if code == INHERITED and current:
                continue  # a mark or joiner belongs to what it follows
            if current not in ("", COMMON, "Latn") and current in _extensions(char):
                continue  # the danda after Devanagari is Devanagari
            code = COMMON
        if code == COMMON and current == "Latn":
            continue
        if code == "Latn" and current == COMMON:
            current = "Latn"
            continue
        if code != current:
            if i > start:
                runs.append((current, text[start:i]))
            current, start = code, i
    if len(text) > start:
        runs.append((current, text[start:]))
    return runs


def scripts_in(text: str) -> set[str]:
    """Return the ISO 15924 codes of the scripts whose letters `text` holds."""
    if text.isascii():
        return {"Latn"} if any(c.isalpha() for c in text) else set()
    return {code for code, _run in script_runs(text) if code != COMMON}


@lru_cache(maxsize=64)
def _cmap(path: Path) -> frozenset[int]:
    """Return the code points the TrueType font at `path` has glyphs for (read once)."""
    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def font_has(path: Path, char: str) -> bool:
    """Return whether the font file at `path` draws `char`."""
    return ord(char) in _cmap(path)


@dataclass(frozen=True)
class FontRun:
    """A stretch of text set in one font file."""

    text: str
    path: Path  # the TrueType file
    family: str  # the family name documents show ("Noto Sans Bengali")
    script: str  # ISO 15924 code of its letters ("Zyyy" when it has none)
    primary: bool  # set in the body family (its bold/italic faces apply)

    @property
    def shaped(self) -> bool:
        """Return whether this run must be shaped (it holds letters of a shaping script)."""
        return not self.primary and needs_shaping(self.script)


class FontChain:
    """The body family and the theme's fallback fonts, in the order they are tried."""

    def __init__(self, body: FontFamily, fallbacks: tuple[FallbackFont, ...]) -> None:
        """Set up the chain; no font file is opened until a text needs it."""
        self.body = body
        self.fallbacks = fallbacks
        self._by_script = {code: font for font in fallbacks for code in font.scripts}
        self._lock = threading.Lock()
        self._runs: dict[tuple[str, bool, bool], tuple[FontRun, ...]] = {}

    def body_path(self, bold: bool = False, italic: bool = False) -> Path:
        """Return the body family's file for the weight and slant."""
        b = self.body
        if bold:
            return b.bold_italic if italic else b.bold
        return b.italic if italic else b.regular

    def is_plain(self, text: str) -> bool:
        """Return whether all of `text` is set in the body font without shaping."""
        if text.isascii():
            return True
        runs = self.runs(text)
        return len(runs) == 1 and runs[0].primary

    def runs(self, text: str, bold: bool = False, italic: bool = False) -> tuple[FontRun, ...]:
        """Return `text` split into runs, each set in one font (see the module doc).

        A character no font of the chain draws is left in the run it would have joined;
        `missing()` finds such characters.
        """
        key = (text, bold, italic)
        cached = self._runs.get(key)
        if cached is not None:
            return cached
        body = self.body_path(bold, italic)
        if text.isascii():
            result: tuple[FontRun, ...] = (FontRun(text, body, self.body.name, "Latn", True),)
        else:
            result = tuple(self._font_runs(text, body, bold))
        with self._lock:
            if len(self._runs) > 20_000:  # a bound for long-lived processes (the service)
                self._runs.clear()
            self._runs[key] = result
        return result

    def _font_runs(self, text: str, body: Path, bold: bool) -> list[FontRun]:
        """Return the font runs of non-ASCII `text` (body font file `body`)."""
        out: list[FontRun] = []
        for code, run in script_runs(text):
            preferred = self._by_script.get(code)
            for char in run:
                font = self._font_for(char, preferred, body, bold)
                path, family, primary = font
                if out and out[-1].path == path:
                    last = out[-1]
                    script = last.script if last.script not in _NEUTRAL else code
                    out[-1] = FontRun(last.text + char, path, family, script, primary)
                else:
                    out.append(FontRun(char, path, family, code, primary))
        return out

    def _font_for(
        self, char: str, preferred: FallbackFont | None, body: Path, bold: bool
    ) -> tuple[Path, str, bool]:
        """Return (file, family, is body) of the font that sets `char`."""
        if preferred is not None:
            path = preferred.bold if bold else preferred.regular
            if char in _NO_GLYPH_NEEDED or font_has(path, char):
                return path, preferred.name, False
        if char in _NO_GLYPH_NEEDED or font_has(body, char):
            return body, self.body.name, True
        for font in self.fallbacks:
            path = font.bold if bold else font.regular
            if font_has(path, char):
                return path, font.name, False
        # No font draws it: keep it in the body font; missing() reports it.
        return body, self.body.name, True

    def missing(self, text: str) -> list[str]:
        """Return the characters of `text` that no font of the chain draws, once each, in order."""
        if text.isascii() and all(c.isprintable() or c in _NO_GLYPH_NEEDED for c in text):
            return []
        found: list[str] = []
        for char in dict.fromkeys(text):
            if char in _NO_GLYPH_NEEDED or font_has(self.body.regular, char):
                continue
            if not any(font_has(font.regular, char) for font in self._candidates(char)):
                found.append(char)
        return found

    def _candidates(self, char: str) -> list[FallbackFont]:
        """Return the fallback fonts to look in for `char`: its script's font first."""
        preferred = self._by_script.get(script_of(char))
        rest = [f for f in self.fallbacks if f is not preferred]
        return [preferred, *rest] if preferred else rest

    def fallback_of(self, path: Path) -> FallbackFont | None:
        """Return the fallback font whose regular or bold file is `path`, or None."""
        for font in self.fallbacks:
            if path in (font.regular, font.bold):
                return font
        return None

    def families(self, text: str) -> list[str]:
        """Return the family names that set `text`, body family first, each once."""
        names = dict.fromkeys([self.body.name])
        for run in self.runs(text):
            names[run.family] = None
        return list(names)


def describe(char: str) -> str:
    """Return a character as messages name it: `'৳' (U+09F3 BENGALI RUPEE SIGN)`."""
    name = unicodedata.name(char, "unnamed character")
    shown = char if char.isprintable() else ""
    return f"{shown!r} (U+{ord(char):04X} {name})" if shown else f"U+{ord(char):04X} ({name})"


_chains: dict[tuple[FontFamily, tuple[FallbackFont, ...]], FontChain] = {}
_chains_lock = threading.Lock()


def font_chain(body: FontFamily, fallbacks: tuple[FallbackFont, ...]) -> FontChain:
    """Return the (process-wide, cached) chain of `body` then `fallbacks`."""
    key = (body, fallbacks)
    with _chains_lock:
        chain = _chains.get(key)
        if chain is None:
            chain = _chains[key] = FontChain(body, fallbacks)
        return chain


def theme_chain(theme: Theme) -> FontChain:
    """Return the font chain of `theme`: its body family, then its fallback fonts."""
    return font_chain(theme.body_font, theme.fallback_fonts)
