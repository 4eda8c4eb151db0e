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
class Theme:
    """Everything a writer needs to know about the look of a brief."""

    body_font: FontFamily
    script_fonts: dict[str, Path] = field(default_factory=dict)  # script name -> fallback TTF
    palette: Palette = field(default_factory=Palette)
    sizes: Sizes = field(default_factory=Sizes)
    spacing: Spacing = field(default_factory=Spacing)
    page_size: str = "A4"
    # top, right, bottom, left
    margins_mm: tuple[float, float, float, float] = (20.0, 18.0, 20.0, 18.0)
    logo: bytes | None = None  # PNG bytes of an organisation logo, if any

    def page_mm(self) -> tuple[float, float]:
        """Return (width, height) of the page in millimetres."""
        return PAGE_SIZES_MM[self.page_size]

    def with_page_size(self, page_size: str) -> Theme:
        """Return this theme on another page size ("A4" or "Letter")."""
        if page_size not in PAGE_SIZES_MM:
            raise ValueError(f"unknown page size {page_size!r}; use one of {sorted(PAGE_SIZES_MM)}")
        return replace(self, page_size=page_size)


def default_theme() -> Theme:
    """Return the house theme: Noto Sans (with Noto Sans Devanagari for Devanagari text)."""
    noto = FontFamily(
        name="Noto Sans",
        regular=FONT_DIR / "NotoSans-Regular.ttf",
        bold=FONT_DIR / "NotoSans-Bold.ttf",
        italic=FONT_DIR / "NotoSans-Italic.ttf",
        bold_italic=FONT_DIR / "NotoSans-BoldItalic.ttf",
    )
    return Theme(
        body_font=noto,
        script_fonts={
            "devanagari": FONT_DIR / "NotoSansDevanagari-Regular.ttf",
            "devanagari-bold": FONT_DIR / "NotoSansDevanagari-Bold.ttf",
        },
    )
