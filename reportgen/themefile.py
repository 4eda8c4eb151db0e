"""Theme files: a template's `theme.yaml` read and checked into a `Theme`.

A theme file changes the house theme only where it says so: colours, the font family (one
that ships with reportgen), type sizes, spacing, page size and margins, and an optional
organisation logo (a PNG beside the theme file). Every mistake is reported at once, each as
`file:line: key: message`, in a UserError; nothing in a theme file can reach outside its own
folder or name a font the package does not carry. docs/theme.md describes the format.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import Problem, UserError
from reportgen.theme import (
    FONT_DIR,
    PAGE_SIZES_MM,
    FontFamily,
    Palette,
    Theme,
    default_theme,
)

THEME_FILE = "theme.yaml"
MAX_LOGO_BYTES = 2_000_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEX = re.compile(r"#?[0-9A-Fa-f]{6}")
_SECTIONS = ("fonts", "palette", "sizes", "spacing", "page", "logo", "docx", "pdf")
DOCX_CHARTS = ("native", "picture")

# The families a theme may name: the TrueType files inside the package, never the system's.
FONT_FAMILIES: dict[str, FontFamily] = {
    "Noto Sans": FontFamily(
        name="Noto Sans",
        regular=FONT_DIR / "NotoSans-Regular.ttf",
        bold=FONT_DIR / "NotoSans-Bold.ttf",
        italic=FONT_DIR / "NotoSans-Italic.ttf",
        bold_italic=FONT_DIR / "NotoSans-BoldItalic.ttf",
    ),
}

# Colour pairs that must stay readable (WCAG contrast ratio), also in grey-scale print.
_CONTRAST_PAIRS = (
    ("text", "FFFFFF", 4.5),
    ("muted", "FFFFFF", 4.5),
    ("accent", "FFFFFF", 4.5),
    ("link", "FFFFFF", 4.5),
    ("text", "accent_light", 4.5),
    ("table_header_text", "table_header_bg", 4.5),
)


class ThemeFileError(UserError):
    """A theme file is unreadable or invalid; `problems` lists every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_theme(path: Path, base: Theme | None = None) -> Theme:
    """Return `base` (the house theme when None) changed as the theme file at `path` says.

    Raises ThemeFileError listing every mistake.
    """
    data, lines = _read(path)
    check = _Checker(path, lines)
    theme = check.theme(data, base or default_theme())
    check.raise_if_any()
    return theme


def theme_for_template(template_dir: Path) -> Theme:
    """Return the theme of a template folder: its theme.yaml, or the house theme without one."""
    path = template_dir / THEME_FILE
    return load_theme(path) if path.is_file() else default_theme()


def _read(path: Path) -> tuple[Any, dict[str, int]]:
    """Return the YAML data of `path` and the line (1-based) of each dotted key in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(
            [Problem(str(path), None, "", f"cannot read theme file: {exc}")]
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        message = f"not valid YAML: {getattr(exc, 'problem', None) or exc}"
        raise ThemeFileError([Problem(str(path), line, "", message)]) from None
    lines: dict[str, int] = {}
    _key_lines(node, "", lines)
    return data, lines


def _key_lines(node: yaml.Node | None, prefix: str, lines: dict[str, int]) -> None:
    """Record in `lines` the line of every mapping key under `node`, as dotted paths."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            lines[path] = key.start_mark.line + 1
            _key_lines(value, path, lines)


class _Checker:
    """Builds a Theme from theme-file data, collecting a Problem for each mistake."""

    def __init__(self, path: Path, lines: dict[str, int]) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        """Record a mistake at `key` (a dotted path), with the line it is on."""
        line = self.lines.get(key) or self.lines.get(key.rsplit(".", 1)[0])
        self.problems.append(Problem(str(self.path), line, key, message))

    def raise_if_any(self) -> None:
        """Raise ThemeFileError listing every problem, if there is any."""
        if self.problems:
            raise ThemeFileError(sorted(self.problems, key=lambda p: (p.line or 0, p.path)))

    def theme(self, data: Any, base: Theme) -> Theme:
        """Return the theme the data describes, `base`'s values where it says nothing."""
        if data is None:
            return base
        if not isinstance(data, dict):
            self.problem("", "a theme file is a mapping of sections: " + ", ".join(_SECTIONS))
            return base
        self.unknown_keys(data, _SECTIONS, "")
        palette = self.dataclass_section(data, "palette", base.palette, self.colour)
        page_size, margins = self.page(data.get("page"), base)
        theme = dataclasses.replace(
            base,
            body_font=self.fonts(data.get("fonts"), base.body_font),
            palette=palette,
            sizes=self.dataclass_section(data, "sizes", base.sizes, self.size),
            spacing=self.dataclass_section(data, "spacing", base.spacing, self.spacing),
            page_size=page_size,
            margins_mm=margins,
            logo=self.logo(data.get("logo")),
            embed_fonts=self.embed(data.get("fonts"), base.embed_fonts),
            docx_charts=self.docx(data.get("docx"), base.docx_charts),
            embed_facts=self.pdf(data.get("pdf"), base.embed_facts),
        )
        self.contrast(palette, data.get("palette"))
        return theme

    def unknown_keys(self, data: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
        """Record each key of `data` that is not one of `known`."""
        for key in data:
            if str(key) not in known:
                where = f"{prefix}.{key}" if prefix else str(key)
                self.problem(where, f"unknown key; use one of: {', '.join(known)}")

    def section(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        """Return the mapping under `name`, empty (with a problem) if it is not a mapping."""
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(name, f"must be a mapping of keys to values, not {_kind(value)}")
            return {}
        return value

    def dataclass_section(self, data: dict[str, Any], name: str, base: Any, convert: Any) -> Any:
        """Return `base` (Palette, Sizes or Spacing) with the section's values checked and set."""
        section = self.section(data, name)
        known = tuple(f.name for f in dataclasses.fields(base))
        self.unknown_keys(section, known, name)
        changes = {}
        for key, value in section.items():
            if str(key) in known:
                checked = convert(f"{name}.{key}", value)
                if checked is not None:
                    changes[str(key)] = checked
        return dataclasses.replace(base, **changes)

    def colour(self, key: str, value: Any) -> str | None:
        """Return an RRGGBB colour (upper case, no '#'), or None with a problem."""
        if isinstance(value, str) and _HEX.fullmatch(value.strip()):
            return value.strip().lstrip("#").upper()
        if value is None:
            self.problem(key, 'no colour given; write it in quotes, such as "#0B4F6C"')
        elif isinstance(value, (int, float)):
            self.problem(key, f'{value!r} is a number to YAML; quote colours: "#0B4F6C"')
        else:
            self.problem(key, f'{value!r} is not an RRGGBB hex colour such as "#0B4F6C"')
        return None

    def number(self, key: str, value: Any, low: float, high: float) -> float | None:
        """Return `value` as a float within [low, high], or None with a problem."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(key, f"must be a number, not {_kind(value)}")
            return None
        if not (math.isfinite(value) and low <= value <= high):
            self.problem(key, f"{value} is out of range; use {low:g} to {high:g}")
            return None
        return float(value)

    def size(self, key: str, value: Any) -> float | None:
        """Return a font size in points (4 to 72)."""
        return self.number(key, value, 4.0, 72.0)

    def spacing(self, key: str, value: Any) -> float | None:
        """Return a spacing in points (0 to 72), or a line height (0.8 to 3 times the size)."""
        if key.endswith("line_height"):
            return self.number(key, value, 0.8, 3.0)
        return self.number(key, value, 0.0, 72.0)

    def fonts(self, value: Any, base: FontFamily) -> FontFamily:
        """Return the body font family named by the `fonts` section."""
        if value is None:
            return base
        if not isinstance(value, dict):
            self.problem(
                "fonts", f"must be a mapping such as 'body: Noto Sans', not {_kind(value)}"
            )
            return base
        self.unknown_keys(value, ("body", "embed"), "fonts")
        name = value.get("body")
        if name is None:
            return base
        if name not in FONT_FAMILIES:
            known = ", ".join(sorted(FONT_FAMILIES))
            self.problem("fonts.body", f"{name!r} is not a font reportgen ships; use: {known}")
            return base
        return FONT_FAMILIES[name]

    def embed(self, value: Any, base: bool) -> bool:
        """Return `fonts.embed`: whether the DOCX carries its font files."""
        if not isinstance(value, dict) or "embed" not in value:
            return base
        if not isinstance(value["embed"], bool):
            self.problem("fonts.embed", f"must be true or false, not {_kind(value['embed'])}")
            return base
        return bool(value["embed"])

    def docx(self, value: Any, base: str) -> str:
        """Return `docx.charts`: native Word charts or pictures in the DOCX."""
        if value is None:
            return base
        if not isinstance(value, dict):
            self.problem("docx", f"must be a mapping such as 'charts: picture', not {_kind(value)}")
            return base
        self.unknown_keys(value, ("charts",), "docx")
        charts = value.get("charts", base)
        if charts not in DOCX_CHARTS:
            self.problem("docx.charts", f"{charts!r}: use one of {', '.join(DOCX_CHARTS)}")
            return base
        return str(charts)

    def pdf(self, value: Any, base: bool) -> bool:
        """Return `pdf.embed_facts`: whether the PDF carries the facts it was built from."""
        if value is None:
            return base
        if not isinstance(value, dict):
            self.problem(
                "pdf", f"must be a mapping such as 'embed_facts: false', not {_kind(value)}"
            )
            return base
        self.unknown_keys(value, ("embed_facts",), "pdf")
        embed = value.get("embed_facts", base)
        if not isinstance(embed, bool):
            self.problem("pdf.embed_facts", f"must be true or false, not {_kind(embed)}")
            return base
        return embed

    def page(self, value: Any, base: Theme) -> tuple[str, tuple[float, float, float, float]]:
        """Return (page size, margins in mm) from the `page` section."""
        if value is None:
            return base.page_size, base.margins_mm
        if not isinstance(value, dict):
            self.problem("page", f"must be a mapping with size and margins_mm, not {_kind(value)}")
            return base.page_size, base.margins_mm
        self.unknown_keys(value, ("size", "margins_mm"), "page")
        size = value.get("size", base.page_size)
        if size not in PAGE_SIZES_MM:
            self.problem("page.size", f"{size!r} is not a page size; use one of: A4, Letter")
            size = base.page_size
        return str(size), self.margins(value.get("margins_mm"), base.margins_mm)

    def margins(self, value: Any, base: tuple[float, ...]) -> tuple[float, float, float, float]:
        """Return four margins (top, right, bottom, left) in mm, 5 to 60 each."""
        if value is None:
            return base  # type: ignore[return-value]
        if not isinstance(value, list) or len(value) != 4:
            self.problem("page.margins_mm", "must be four numbers: [top, right, bottom, left]")
            return base  # type: ignore[return-value]
        checked = [self.number("page.margins_mm", v, 5.0, 60.0) for v in value]
        if any(v is None for v in checked):
            return base  # type: ignore[return-value]
        top, right, bottom, left = (float(v) for v in checked if v is not None)
        return top, right, bottom, left

    def logo(self, value: Any) -> bytes | None:
        """Return the PNG bytes of the logo named relative to the theme file, or None."""
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem("logo", f"must be a file name such as logo.png, not {_kind(value)}")
            return None
        folder = self.path.parent.resolve()
        target = (folder / value).resolve()
        if Path(value).is_absolute() or not target.is_relative_to(folder):
            self.problem("logo", f"{value!r} must be a file inside the theme's folder {folder}")
            return None
        if not target.is_file():
            self.problem("logo", f"logo file {target} does not exist")
            return None
        data = target.read_bytes()
        if not data.startswith(PNG_SIGNATURE):
            self.problem("logo", f"logo file {target} is not a PNG image")
            return None
        if len(data) > MAX_LOGO_BYTES:
            self.problem("logo", f"logo file {target} is larger than {MAX_LOGO_BYTES:,} bytes")
            return None
        return data

    def contrast(self, palette: Palette, given: Any) -> None:
        """Record each colour pair the file set that would be hard to read (or print in grey)."""
        named = given if isinstance(given, dict) else {}
        for fore, back, need in _CONTRAST_PAIRS:
            if fore not in named and back not in named:
                continue  # the house pairs pass; only judge what this file changed
            a = getattr(palette, fore)
            b = getattr(palette, back, back)  # a palette key, or a literal colour (white)
            ratio = contrast_ratio(a, b)
            if ratio < need:
                key = f"palette.{fore}" if fore in named else f"palette.{back}"
                on = back if hasattr(palette, back) else "white"
                self.problem(
                    key,
                    f"{fore} #{a} on {on} #{b} has contrast {ratio:.1f}:1; "
                    f"text needs at least {need}:1 to stay readable, also printed in grey",
                )


def contrast_ratio(a: str, b: str) -> float:
    """Return the WCAG contrast ratio (1 to 21) of two RRGGBB colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _luminance(hex_rgb: str) -> float:
    """Return the relative luminance (0 black to 1 white) of an RRGGBB colour."""
    channels = [int(hex_rgb[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _kind(value: Any) -> str:
    """Return a short description of a YAML value's type, for messages."""
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "empty",
    }
    for kind, name in names.items():
        if isinstance(value, kind):
            return f"{name} ({value!r})" if kind in (str, bool) else name
    return f"{type(value).__name__} ({value!r})"


__all__ = [
    "FONT_FAMILIES",
    "THEME_FILE",
    "ThemeFileError",
    "contrast_ratio",
    "load_theme",
    "theme_for_template",
]
