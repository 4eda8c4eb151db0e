"""The house style in one format-neutral place: fonts, sizes, colours, spacing, page.

Both writers read a `Theme`, so the DOCX and the PDF look like the same house. Lengths are
points (1/72 inch) unless a name says otherwise; colours are RRGGBB hex strings. Fonts are
TrueType files shipped inside the package (never the system's), so the rupee sign and
Devanagari render wherever reportgen is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"

PAGE_SIZES_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}


@dataclass(frozen=True)
class FontFamily:
    """A family's name as documents show it, and its four TrueType files."""

    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@dataclass(frozen=True)
class FallbackFont:
    """A font the chain falls back to: its family name, its files, the scripts it is for.

    `scripts` are ISO 15924 codes ("Deva", "Beng"): text of those scripts is set in this font
    first. A font with no scripts (symbols) is tried, in chain order, for any character the
    preferred font lacks. Fallback fonts have no italic: slanted text keeps the upright face.
    """

    name: str
    regular: Path
    bold: Path
    scripts: tuple[str, ...] = ()


# (family name, file stem, ISO 15924 scripts): the scheduled languages of India and the
# neighbours' scripts, then symbols. One line per font; scripts.py maps characters to them.
_NOTO_FALLBACKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Noto Sans Devanagari", "NotoSansDevanagari", ("Deva",)),
    ("Noto Sans Bengali", "NotoSansBengali", ("Beng",)),
    ("Noto Sans Gurmukhi", "NotoSansGurmukhi", ("Guru",)),
    ("Noto Sans Gujarati", "NotoSansGujarati", ("Gujr",)),
    ("Noto Sans Oriya", "NotoSansOriya", ("Orya",)),
    ("Noto Sans Tamil", "NotoSansTamil", ("Taml",)),
    ("Noto Sans Telugu", "NotoSansTelugu", ("Telu",)),
    ("Noto Sans Kannada", "NotoSansKannada", ("Knda",)),
    ("Noto Sans Malayalam", "NotoSansMalayalam", ("Mlym",)),
    ("Noto Sans Sinhala", "NotoSansSinhala", ("Sinh",)),
)
# Ticks, stars, shapes, arrows, relations: what tables and notes use beyond the text fonts.
_NOTO_SYMBOLS = (
    ("Noto Sans Symbols", "NotoSansSymbols"),
    ("Noto Sans Symbols 2", "NotoSansSymbols2"),
    ("Noto Sans Math", "NotoSansMath"),
)


def noto_fallbacks() -> tuple[FallbackFont, ...]:
    """Return the house fallback chain: a Noto font per Indic script, then symbols and maths."""
    chain = [
        FallbackFont(name, FONT_DIR / f"{stem}-Regular.ttf", FONT_DIR / f"{stem}-Bold.ttf", s)
        for name, stem, s in _NOTO_FALLBACKS
    ]
    for name, stem in _NOTO_SYMBOLS:
        path = FONT_DIR / f"{stem}-Regular.ttf"  # symbol fonts have one weight
        chain.append(FallbackFont(name, path, path))
    return tuple(chain)


@dataclass(frozen=True)
class Palette:
    """Colours of the house style; dark-on-light pairs stay readable in grey-scale print."""

    text: str = "1F2328"
    muted: str = "5A6270"
    accent: str = "0B4F6C"  # deep teal-blue: headings, rules, key figures
    accent_light: str = "E6F0F4"  # summary and highlight backgrounds
    accent_2: str = "C2691A"  # warm orange: a second series; distinct from accent for CVD readers
    rule: str = "B8C4CC"
    table_header_bg: str = "0B4F6C"
    table_header_text: str = "FFFFFF"
    table_stripe: str = "F4F7F9"
    link: str = "0B5CAD"


@dataclass(frozen=True)
class Sizes:
    """Font sizes (pt) of each text role."""

    body: float = 10.0
    small: float = 8.0
    title: float = 22.0
    subtitle: float = 13.0
    h1: float = 14.0
    h2: float = 11.5
    key_figure: float = 20.0
    table: float = 8.5
    header_footer: float = 7.5


@dataclass(frozen=True)
class Spacing:
    """Vertical rhythm (pt): space before/after blocks, line height as a multiple."""

    line_height: float = 1.3
    paragraph_after: float = 5.0
    heading_before: float = 12.0
    heading_after: float = 4.0
    block_after: float = 8.0
    box_padding: float = 7.0


@dataclass(frozen=True)
class HouseDocxPart:
    """A header or footer taken from a reference .docx, ready to place in a DOCX.

    `xml` is the part, `rels` its relationships part (None without one); `media` holds the
    (name under word/, bytes, content type) of each picture it shows, already renamed so
    they cannot meet the brief's own pictures.
    """

    xml: bytes
    rels: bytes | None = None
    media: tuple[tuple[str, bytes, str], ...] = ()


@dataclass(frozen=True)
class HouseDocx:
    """What a user's reference .docx gives the DOCX writer (see reportgen.housedocx).

    The styles part (its style ids already those the writer uses), the theme part (colours
    and fonts), the default header and footer when it has them, and the name of its body
    font (the DOCX names it; the PDF keeps a font reportgen ships).
    """

    source: str  # the file's name, for messages
    digest: str  # SHA-256 of the file: part of every cache key that depends on it
    styles_xml: bytes
    theme_xml: bytes | None = None
    header: HouseDocxPart | None = None
    footer: HouseDocxPart | None = None
    body_font: str | None = None
    # (page size, margins top/right/bottom/left in mm) of its section, None if it has none
    page: tuple[str, tuple[float, float, float, float]] | None = None


@dataclass(frozen=True)
class Theme:
    """Everything a writer needs to know about the look of a brief."""

    body_font: FontFamily
    # Tried in order for text the body font cannot set (other scripts, symbols).
    fallback_fonts: tuple[FallbackFont, ...] = ()
    palette: Palette = field(default_factory=Palette)
    sizes: Sizes = field(default_factory=Sizes)
    spacing: Spacing = field(default_factory=Spacing)
    page_size: str = "A4"
    # top, right, bottom, left
    margins_mm: tuple[float, float, float, float] = (20.0, 18.0, 20.0, 18.0)
    logo: bytes | None = None  # PNG bytes of an organisation logo, if any
    embed_fonts: bool = True  # the DOCX carries its fonts (full files, obfuscated as Word does)
    docx_charts: str = "native"  # "native": Word charts with their workbook; "picture": PNGs
    house_docx: HouseDocx | None = None  # a Word reference document's styles, header, footer
    embed_facts: bool = True  # the PDF carries the facts file it was built from (PDF/A-3 /AF)

    @property
    def docx_font(self) -> str:
        """Return the body font the DOCX names: the reference document's, else the theme's."""
        if self.house_docx is not None and self.house_docx.body_font:
            return self.house_docx.body_font
        return self.body_font.name

    def page_mm(self) -> tuple[float, float]:
        """Return (width, height) of the page in millimetres."""
        return PAGE_SIZES_MM[self.page_size]

    def with_page_size(self, page_size: str) -> Theme:
        """Return this theme on another page size ("A4" or "Letter")."""
        if page_size not in PAGE_SIZES_MM:
            raise ValueError(f"unknown page size {page_size!r}; use one of {sorted(PAGE_SIZES_MM)}")
        return replace(self, page_size=page_size)


def default_theme() -> Theme:
    """Return the house theme: Noto Sans, falling back to the Noto font of each Indic script."""
    noto = FontFamily(
        name="Noto Sans",
        regular=FONT_DIR / "NotoSans-Regular.ttf",
        bold=FONT_DIR / "NotoSans-Bold.ttf",
        italic=FONT_DIR / "NotoSans-Italic.ttf",
        bold_italic=FONT_DIR / "NotoSans-BoldItalic.ttf",
    )
    return Theme(body_font=noto, fallback_fonts=noto_fallbacks())
