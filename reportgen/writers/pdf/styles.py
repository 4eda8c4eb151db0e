"""Paragraph styles and colours of the PDF, all taken from the theme, built once per theme.

Building reportlab styles is cheap but not free; briefs are rendered many times per process
(batch builds, the service), so the style sheet is cached by the theme's look.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from reportgen.theme import Theme
from reportgen.writers.pdf.fonts import FontSet, theme_fonts

_ALIGNMENTS = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
_lock = threading.Lock()
_cache: dict[tuple[Any, ...], Styles] = {}


@dataclass(frozen=True)
class Colours:
    """The theme palette as reportlab colours."""

    text: Color
    muted: Color
    accent: Color
    accent_light: Color
    accent_2: Color
    rule: Color
    table_header_bg: Color
    table_header_text: Color
    table_stripe: Color
    link: Color
    link_hex: str


@dataclass
class Styles:
    """Every paragraph style the writer uses, plus the theme's colours and fonts."""

    fonts: FontSet
    colours: Colours
    para: dict[str, ParagraphStyle]
    _shaped: dict[str, ParagraphStyle] = field(default_factory=dict)

    def is_bold(self, name: str) -> bool:
        """Return whether the style `name` is set in a bold face (its fallbacks must be too)."""
        return self.para[name].fontName in (self.fonts.bold, self.fonts.bold_italic)

    def get(self, name: str, shaped: bool = False) -> ParagraphStyle:
        """Return the style `name`; with `shaped`, its variant that shapes Indic scripts."""
        style = self.para[name]
        if not shaped:
            return style
        variant = self._shaped.get(name)
        if variant is None:
            variant = ParagraphStyle(f"{name}-shaped", parent=style, shaping=1)
            self._shaped[name] = variant
        return variant


def _hex(value: str) -> Color:
    """Return the reportlab colour of an RRGGBB hex string."""
    return HexColor(f"#{value}")


def _colours(theme: Theme) -> Colours:
    """Return the theme palette as reportlab colours."""
    p = theme.palette
    return Colours(
        text=_hex(p.text),
        muted=_hex(p.muted),
        accent=_hex(p.accent),
        accent_light=_hex(p.accent_light),
        accent_2=_hex(p.accent_2),
        rule=_hex(p.rule),
        table_header_bg=_hex(p.table_header_bg),
        table_header_text=_hex(p.table_header_text),
        table_stripe=_hex(p.table_stripe),
        link=_hex(p.link),
        link_hex=f"#{p.link}",
    )


def _paragraph_styles(theme: Theme, fonts: FontSet, c: Colours) -> dict[str, ParagraphStyle]:
    """Return the named paragraph styles of the house look."""
    s, sp = theme.sizes, theme.spacing
    lh = sp.line_height
    body = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        fontSize=s.body,
        leading=s.body * lh,
        textColor=c.text,
        spaceAfter=sp.paragraph_after,
        allowWidows=0,  # no paragraph's last line alone at the top of a page
        allowOrphans=0,  # nor its first line alone at the foot of one
    )
    small = replace_style(body, "small", fontSize=s.small, leading=s.small * lh, spaceAfter=0)
    cell = replace_style(small, "cell", fontSize=s.table, leading=s.table * 1.25)
    styles = {
        "body": body,
        "small": small,
        "note": replace_style(small, "note", textColor=c.muted, spaceAfter=sp.block_after),
        "caption": replace_style(
            small, "caption", fontName=fonts.italic, textColor=c.muted, spaceBefore=3, spaceAfter=0
        ),
        "list_item": replace_style(body, "list_item", spaceAfter=2.5),
        "title": replace_style(
            body,
            "title",
            fontName=fonts.bold,
            fontSize=s.title,
            leading=s.title * 1.18,
            textColor=c.accent,
            spaceAfter=6,
        ),
        "subtitle": replace_style(
            body, "subtitle", fontSize=s.subtitle, leading=s.subtitle * 1.3, textColor=c.muted
        ),
        "organisation": replace_style(
            small, "organisation", fontName=fonts.bold, textColor=c.accent, spaceAfter=10
        ),
        "title_meta": replace_style(small, "title_meta", textColor=c.muted, leading=s.small * 1.5),
        "h1": replace_style(
            body,
            "h1",
            fontName=fonts.bold,
            fontSize=s.h1,
            leading=s.h1 * 1.2,
            textColor=c.accent,
            spaceBefore=sp.heading_before * 1.4,
            spaceAfter=sp.heading_after + 2,
            keepWithNext=1,
        ),
        "h2": replace_style(
            body,
            "h2",
            fontName=fonts.bold,
            fontSize=s.h2,
            leading=s.h2 * 1.25,
            textColor=c.text,
            spaceBefore=sp.heading_before,
            spaceAfter=sp.heading_after,
            keepWithNext=1,
        ),
        "callout_title": replace_style(
            small, "callout_title", fontName=fonts.bold, textColor=c.accent, spaceAfter=3
        ),
        "callout_body": replace_style(body, "callout_body", spaceAfter=3),
        "kf_value": replace_style(
            body,
            "kf_value",
            fontName=fonts.bold,
            fontSize=s.key_figure,
            leading=s.key_figure * 1.15,
            textColor=c.accent,
            spaceAfter=3,
        ),
        "kf_label": replace_style(small, "kf_label", fontName=fonts.bold, spaceAfter=2),
        "kf_context": replace_style(small, "kf_context", textColor=c.muted),
        "header_footer": replace_style(
            small, "header_footer", fontSize=s.header_footer, textColor=c.muted
        ),
    }
    for align in _ALIGNMENTS:
        styles[f"cell-{align}"] = replace_style(cell, f"cell-{align}", alignment=_ALIGNMENTS[align])
        styles[f"head-{align}"] = replace_style(
            cell,
            f"head-{align}",
            fontName=fonts.bold,
            textColor=c.table_header_text,
            alignment=_ALIGNMENTS[align],
        )
    return styles


def replace_style(base: ParagraphStyle, name: str, **changes: Any) -> ParagraphStyle:
    """Return a new style named `name`: `base` with `changes`."""
    return ParagraphStyle(name, parent=base, **changes)


def _theme_key(theme: Theme) -> tuple[Any, ...]:
    """Return what of the theme decides the styles, as a hashable key."""
    return (
        theme.body_font,
        theme.fallback_fonts,
        theme.palette,
        theme.sizes,
        theme.spacing,
    )


def theme_styles(theme: Theme) -> Styles:
    """Return the styles of `theme`, built on first use and cached for the process."""
    key = _theme_key(theme)
    with _lock:
        styles = _cache.get(key)
        if styles is None:
            fonts = theme_fonts(theme)
            colours = _colours(theme)
            styles = Styles(fonts, colours, _paragraph_styles(theme, fonts, colours))
            _cache[key] = styles
        return styles
