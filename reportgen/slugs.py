"""The one `slugify`: titles and headings into slugs for file names, URLs and anchors.

Slugs are lowercase ASCII letters, digits and hyphens. Text in other scripts is transliterated
(anyascii), not dropped: "Café" gives "cafe", a Devanagari title gives its romanisation
("भारत" gives "bhart"), so briefs in Hindi, Bengali or Tamil get slugs of their own instead of
all collapsing to one generic word. ASCII was chosen over keeping Unicode letters because slugs
become file names, URL paths, mail attachment names and zip members on every system, where
non-ASCII names are still mangled (percent-encoding, NFC/NFD differences on macOS).

Invisible format characters (bidi controls such as U+202E, zero-width joiners) are removed
before anything else, so they can neither reorder a displayed name nor make two slugs that
look alike differ. Names that Windows reserves for devices (`con`, `nul`, `com1` ...) cannot be
file names there, even with an extension: `slugify` never returns one and `check_slug`
refuses one given by hand. This module imports nothing of reportgen.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

MAX_LENGTH = 80

# Windows device names: "con.pdf" opens the console, not a file (any case, any extension).
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{port}{n}" for port in ("com", "lpt") for n in (*"123456789", "¹", "²", "³")}
)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _visible(text: str) -> str:
    """Return `text` without format characters (Unicode category Cf: bidi controls, ZWJ ...)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def is_reserved(name: str) -> bool:
    """Return True when `name` (with or without an extension) is a Windows device name."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICE_NAMES


def slugify(text: object, fallback: str = "brief", max_length: int = MAX_LENGTH) -> str:
    """Return the slug of `text`: lowercase ASCII words joined by hyphens, at most max_length.

    Returns `fallback` when nothing is left (a title of punctuation only), and appends it to
    a Windows device name ("con" gives "con-brief").
    """
    ascii_text = anyascii(unicodedata.normalize("NFKC", _visible(str(text))))
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    if not slug:
        return fallback
    return f"{slug}-{fallback}" if is_reserved(slug) else slug


def check_slug(slug: str) -> str | None:
    """Return what is wrong with a slug given by hand, or None when it is a good one."""
    if not SLUG_PATTERN.match(slug) or len(slug) > MAX_LENGTH:
        return (
            f"'{slug[:MAX_LENGTH]}' is not a slug; use lowercase ASCII letters, digits and "
            f"hyphens (at most {MAX_LENGTH})"
        )
    if is_reserved(slug):
        return f"'{slug}' is a device name on Windows and cannot name a file there; choose another"
    return None
