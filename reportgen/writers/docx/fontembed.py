"""Fonts inside the DOCX: obfuscated font parts, as Word itself embeds them.

    embedded_fonts(theme, families) -> list[EmbeddedFont]
    font_table_xml(families, embedded) -> bytes      (word/fontTable.xml)
    font_table_rels(embedded) -> bytes               (word/_rels/fontTable.xml.rels)

ECMA-376 part 1, 17.8.1 and 17.8.3.3: each font file is stored as `word/fonts/fontN.odttf`
with its first 32 bytes XORed with a key, the GUID in `w:fontKey` with its bytes reversed;
fontTable.xml names the part from `w:embedRegular`, `w:embedBold` ... and settings.xml says
`w:embedTrueTypeFonts`. Full fonts, not subsets: LibreOffice ignores subsetted embedded fonts
and an editor must be able to type new text. The body family is embedded in its four styles,
a fallback family (a script font) in the styles it has, only when the document uses it.

The key is derived from the font's bytes, so the same fonts always give the same parts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportgen.theme import Theme
from reportgen.writers.xmltext import quoteattr

_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_FONT = f"{_R}/font"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# fontTable's embed elements, in schema order (CT_Font).
STYLES: tuple[str, ...] = ("Regular", "Bold", "Italic", "BoldItalic")


@dataclass(frozen=True)
class EmbeddedFont:
    """One font file embedded as an obfuscated part: its family, style, part and key."""

    family: str
    style: str  # one of STYLES
    part: str  # "fonts/font1.odttf", relative to word/
    rid: str  # relationship id in fontTable.xml.rels
    key: str  # "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"
    data: bytes  # the obfuscated bytes


def embedded_fonts(theme: Theme, families: list[str]) -> list[EmbeddedFont]:
    """Return the fonts to embed for a document using `families`, in a fixed order.

    The body family comes in its four styles; each fallback family the document uses in
    regular and bold (one part when both are one file). Families the theme has no file for
    (none, in practice) are only named, not embedded.
    """
    files = _family_files(theme)
    out: list[EmbeddedFont] = []
    for family in families:
        for style, path in files.get(family, ()):
            n = len(out) + 1
            key, data = _obfuscated(path, *_stamp(path))
            out.append(EmbeddedFont(family, style, f"fonts/font{n}.odttf", f"rId{n}", key, data))
    return out


def _family_files(theme: Theme) -> dict[str, tuple[tuple[str, Path], ...]]:
    """Return family name -> ((style, file), ...) for the body and fallback fonts."""
    body = theme.body_font
    files = {
        body.name: (
            ("Regular", body.regular),
            ("Bold", body.bold),
            ("Italic", body.italic),
            ("BoldItalic", body.bold_italic),
        )
    }
    for font in theme.fallback_fonts:
        styles = [("Regular", font.regular)]
        if font.bold != font.regular:
            styles.append(("Bold", font.bold))
        files.setdefault(font.name, tuple(styles))
    return files


def _stamp(path: Path) -> tuple[int, int]:
    """Return (mtime_ns, size) of a file, so a replaced font is read again."""
    st = path.stat()
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=32)
def _obfuscated(path: Path, mtime_ns: int, size: int) -> tuple[str, bytes]:
    """Return (fontKey GUID, obfuscated bytes) of a font file (cached per file version)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:32].upper()
    key = f"{{{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}}}"
    return key, obfuscate(data, key)


def obfuscate(data: bytes, key: str) -> bytes:
    """Return font bytes with the first 32 XORed by the GUID's bytes in reverse (17.8.1).

    The same function undoes it: XOR twice gives the font back.
    """
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def font_table_xml(families: list[str], embedded: list[EmbeddedFont]) -> bytes:
    """Return fontTable.xml: each family, with its embedded styles and their keys."""
    by_family: dict[str, list[EmbeddedFont]] = {}
    for font in embedded:
        by_family.setdefault(font.family, []).append(font)
    items = []
    for family in families:
        embeds = "".join(
            f'<w:embed{f.style} r:id="{f.rid}" w:fontKey="{f.key}"/>'
            for f in sorted(by_family.get(family, []), key=lambda f: STYLES.index(f.style))
        )
        # Sans-serif, proportional, Unicode: what Word shows and substitutes by.
        items.append(
            f'<w:font w:name={quoteattr(family)}><w:charset w:val="00"/>'
            f'<w:family w:val="swiss"/><w:pitch w:val="variable"/>{embeds}</w:font>'
        )
    return (f'{_DECL}<w:fonts xmlns:w="{_W}" xmlns:r="{_R}">{"".join(items)}</w:fonts>').encode()


def font_table_rels(embedded: list[EmbeddedFont]) -> bytes:
    """Return word/_rels/fontTable.xml.rels: one font relationship per embedded part."""
    rels = "".join(
        f'<Relationship Id="{f.rid}" Type="{REL_FONT}" Target="{f.part}"/>' for f in embedded
    )
    return f'{_DECL}<Relationships xmlns="{_PKG_R}">{rels}</Relationships>'.encode()
