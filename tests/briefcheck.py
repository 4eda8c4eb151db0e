"""Checks a reader's tools make of a built brief: fonts, extractable text, page fill, budget.

Shared by the realistic briefs in tests/briefs and the generated corpus (tests/corpus.py).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

from reportgen.theme import FONT_DIR
from tests.layout import page_fill

_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_PRIVATE = range(0xE000, 0xF900)
MAX_EMPTY = 0.6  # no page but the last may be more than 60% empty


@cache
def _font_cmap(stem: str) -> frozenset[int]:
    """Return the code points the shipped font file `stem`.ttf draws."""
    with TTFont(str(FONT_DIR / f"{stem}.ttf"), lazy=True) as font:
        return frozenset(font.getBestCmap())


def drawn_characters(data: bytes) -> dict[str, set[str]]:
    """Return, per embedded font (file stem), the characters the PDF draws with it.

    Codes are read from the text operators of every page and form (charts, page numbers)
    and mapped through the font's ToUnicode map. Shaped glyphs with no code point of their
    own (private codes) map to the text they were shaped from, which other glyphs may share:
    those are left out.
    """
    pdf = pikepdf.open(io.BytesIO(data))
    drawn: dict[str, set[str]] = {}
    maps: dict[tuple[int, int], dict[int, str]] = {}
    for page in pdf.pages:
        _walk(page.obj, drawn, maps, set())
    return drawn


def _walk(
    holder: pikepdf.Object,
    drawn: dict[str, set[str]],
    maps: dict[tuple[int, int], dict[int, str]],
    seen: set[tuple[int, int]],
) -> None:
    """Add the characters drawn by one page or form (and the forms it draws) to `drawn`."""
    resources = holder.get("/Resources", pikepdf.Dictionary())
    fonts = resources.get("/Font", pikepdf.Dictionary())
    font = None
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op == "Tf":
            font = fonts.get(str(operands[0]))
        elif op in ("Tj", "TJ", "'", '"') and font is not None:
            strings = operands[0] if op == "TJ" else operands[-1:]
            codes = b"".join(bytes(x) for x in strings if isinstance(x, pikepdf.String))
            _add(font, codes, drawn, maps)
        elif op == "Do":
            xobject = resources.get("/XObject", pikepdf.Dictionary()).get(str(operands[0]))
            is_form = xobject is not None and xobject.get("/Subtype") == "/Form"
            if is_form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                _walk(xobject, drawn, maps, seen)


def _bfchars(cmap: bytes) -> bytes:
    """Return the bfchar sections of a ToUnicode CMap (not its code space range)."""
    return b"".join(re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S))


def _add(
    font: pikepdf.Object,
    codes: bytes,
    drawn: dict[str, set[str]],
    maps: dict[tuple[int, int], dict[int, str]],
) -> None:
    """Add the characters `codes` stand for in `font` to `drawn` under the font's file stem."""
    parts = str(font.BaseFont).lstrip("/").split("+", 1)[-1].split("-")
    name = "-".join(parts[:2])
    if font.objgen not in maps:
        table: dict[int, str] = {}
        if "/ToUnicode" in font:
            for code, text in _BFCHAR.findall(_bfchars(font.ToUnicode.read_bytes())):
                value = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
                table[int(code, 16)] = value
        maps[font.objgen] = table
    chars = drawn.setdefault(name, set())
    for code in codes:
        value = maps[font.objgen].get(code, "")
        if len(value) == 1 and ord(value) not in _PRIVATE:
            chars.add(value)


def undrawable(data: bytes) -> list[str]:
    """Return "font: char" for every character a PDF font was asked to draw but lacks."""
    problems = []
    for stem, chars in drawn_characters(data).items():
        if not (FONT_DIR / f"{stem}.ttf").is_file():
            problems.append(f"{stem}: not a shipped font")
            continue
        if "\x00" in chars:  # reportlab's code for a character the font lacks: .notdef
            problems.append(f"{stem}: a character it has no glyph for (.notdef drawn)")
            chars = chars - {"\x00"}
        cmap = _font_cmap(stem)
        problems += [
            f"{stem}: {c!r} U+{ord(c):04X}" for c in chars if ord(c) not in cmap and c.strip()
        ]
    return problems


def pdf_text(data: bytes) -> str:
    """Return the PDF's text as pdftotext reads it, white space collapsed."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "brief.pdf"
        path.write_bytes(data)
        out = subprocess.run(
            [shutil.which("pdftotext") or "pdftotext", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return collapse(out)


def collapse(text: str) -> str:
    """Return `text` with every run of white space (no-break spaces too) as one space."""
    return " ".join(text.replace("\u00a0", " ").split())


def latin_phrases(texts: list[str]) -> list[str]:
    """Return the texts written wholly in Latin letters, digits and ASCII punctuation."""
    return [t for t in texts if t.strip() and all(ord(c) < 0x250 for c in t)]


def near_empty_pages(data: bytes) -> list[tuple[int, float]]:
    """Return (page number, fill) of the pages before the last that are over 60% empty."""
    fills = page_fill(data)
    return [(i + 1, f) for i, f in enumerate(fills[:-1]) if f < 1 - MAX_EMPTY]
