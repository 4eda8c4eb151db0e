"""The house template from Word: a reference .docx read, checked, and turned into a theme.

    read_house_docx(path) -> HouseDocx            (ReferenceDocxError, exit 2, when unusable)
    apply_house_docx(theme, house) -> Theme       (the theme with the reference's values)
    reference_docx_bytes() -> bytes               (what `reportgen reference-docx` writes)

As pandoc's `--reference-doc`: only the reference's styles, theme part (colours, fonts),
default header and footer (with their pictures), page size and margins are used; its body
text is ignored. Its styles are matched to the brief's by name (Word's built-in names, the
same in every language of Word), so a style renamed in a localised Word still maps. The
PDF follows the reference's values too: type sizes, colours, paragraph spacing, page size
and margins (its font only when reportgen ships that family; else the PDF keeps the house
font, because the PDF embeds only fonts that come with the package).

A reference file is untrusted input: it must be a zip of bounded size and member count (a
zip bomb is refused before anything is inflated), hold no macros, and its XML is parsed
without DTDs or entities.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from reportgen.errors import UserError
from reportgen.theme import PAGE_SIZES_MM, HouseDocx, HouseDocxPart, Theme

MAX_FILE_BYTES = 25_000_000
MAX_MEMBERS = 2_000
MAX_PART_BYTES = 20_000_000  # one part, inflated
MAX_TOTAL_BYTES = 100_000_000  # all parts, inflated, as the zip declares them
MAX_RATIO = 200  # inflated / deflated, for parts over 1 MB
# The styles the brief cannot do without (Word's built-in names); the others fall back to
# the house's own definitions when the reference lacks them.
REQUIRED_STYLES = ("Normal", "Title", "heading 1", "heading 2")

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
_IMAGE_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "gif": "image/gif",
}
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
_STYLE_REFS = ("basedOn", "next", "link")


class ReferenceDocxError(UserError):
    """A reference .docx cannot be used as the house template (the message says why)."""


def w(tag: str) -> str:
    """Return a WordprocessingML tag or attribute name in Clark notation."""
    return f"{{{_W}}}{tag}"


# ---------------------------------------------------------------- reading the package


def read_house_docx(path: Path) -> HouseDocx:
    """Return what the reference document at `path` gives a brief (ReferenceDocxError if not)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _error(path, f"is {size:,} bytes; a reference document may be at most "
                               f"{MAX_FILE_BYTES:,}")  # fmt: skip
        data = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"cannot be read: {exc.strerror or exc}") from None
    return house_docx_from_bytes(data, str(path))


def house_docx_from_bytes(data: bytes, name: str) -> HouseDocx:
    """Return what the reference document `data` (called `name` in messages) gives a brief."""
    package = _Package(data, name)
    styles_name = package.related(package.main, "styles")
    if styles_name is None:
        raise _error(name, "has no styles part (word/styles.xml): it is not a Word document")
    styles = package.xml(styles_name)
    renames = _style_renames(styles, name)
    _rename_styles(styles, renames)
    theme_name = package.related(package.main, "theme")
    section = package.section()
    header = package.header_footer(section, "header", renames)
    footer = package.header_footer(section, "footer", renames)
    return HouseDocx(
        source=name,
        digest=hashlib.sha256(data).hexdigest(),
        styles_xml=etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True),
        theme_xml=package.raw(theme_name) if theme_name else None,
        header=header,
        footer=footer,
        body_font=_Styles(styles, package.xml(theme_name) if theme_name else None).font("Normal"),
        page=_page(section, name),
    )


def _page(
    section: etree._Element | None, name: str
) -> tuple[str, tuple[float, float, float, float]] | None:
    """Return (page size, margins in mm) of the reference's section; an error if unsupported."""
    if section is None:
        return None
    size = section.find(w("pgSz"))
    margins = section.find(w("pgMar"))
    if size is None:
        return None
    width, height = (_number(size.get(w(k)), 20) for k in ("w", "h"))
    if width is None or height is None:
        raise _error(name, "has a page size reportgen cannot read (w:pgSz)")
    mm = (width / 72 * 25.4, height / 72 * 25.4)
    page = next(
        (key for key, (pw, ph) in PAGE_SIZES_MM.items()
         if abs(pw - mm[0]) <= 2 and abs(ph - mm[1]) <= 2),
        None,
    )  # fmt: skip
    if page is None:
        raise _error(
            name,
            f"has pages of {mm[0]:.0f} x {mm[1]:.0f} mm; briefs are laid out on portrait"
            f" {' or '.join(PAGE_SIZES_MM)}",
        )
    if margins is None:
        return None
    values = []
    for side in ("top", "right", "bottom", "left"):
        points = _number(margins.get(w(side)), 20)
        value = round(abs(points) / 72 * 25.4, 1) if points is not None else None
        if value is None or not 5 <= value <= 60:
            shown = "unreadable" if value is None else f"{value:g} mm"
            raise _error(name, f"has a {side} margin of {shown}; use 5 to 60 mm")
        values.append(value)
    top, right, bottom, left = values
    return page, (top, right, bottom, left)


def _error(name: Any, message: str) -> ReferenceDocxError:
    """Return the error for reference document `name`."""
    return ReferenceDocxError(f"{name}: reference document {message}")


class _Package:
    """A reference .docx opened with its limits checked: parts by name, relationships."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise _error(name, "is an old Word 97-2003 file (.doc); save it as a .docx")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise _error(name, "is not a Word document (.docx): it is not a zip package") from None
        self._check_limits(infos)
        self.names = {info.filename for info in infos}
        macros = sorted(n for n in self.names if _is_macro(n))
        types = self.raw("[Content_Types].xml") if "[Content_Types].xml" in self.names else b""
        if macros or b"macroEnabled" in types or b"vbaProject" in types:
            where = macros[0] if macros else "[Content_Types].xml"
            raise _error(name, f"holds macros ({where}); save it as a plain .docx (no macros)")
        if not types:
            raise _error(name, "is not a Word document (.docx): [Content_Types].xml is missing")
        self.types = etree.fromstring(types, _PARSER) if types else None
        main = self.related("", "officeDocument")
        if main is None or main not in self.names or self.content_type(main) not in _MAIN_TYPES:
            raise _error(name, "is not a Word document (.docx): it has no Word document part")
        self.main = main

    def _check_limits(self, infos: list[zipfile.ZipInfo]) -> None:
        """Refuse a package too large to inflate safely (a zip bomb), before inflating it."""
        if len(infos) > MAX_MEMBERS:
            raise _error(self.name, f"has {len(infos):,} parts; at most {MAX_MEMBERS:,}")
        total = sum(info.file_size for info in infos)
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or (
                info.file_size > 1_000_000 and ratio > MAX_RATIO
            ):
                raise _error(
                    self.name,
                    f"part {info.filename} inflates to {info.file_size:,} bytes from"
                    f" {info.compress_size:,} (a zip bomb?); refused",
                )
        if total > MAX_TOTAL_BYTES:
            raise _error(self.name, f"inflates to {total:,} bytes in all; at most "
                                    f"{MAX_TOTAL_BYTES:,}")  # fmt: skip

    def raw(self, part: str) -> bytes:
        """Return a part's bytes, reading no more than the limit whatever the zip declares."""
        try:
            with self.zip.open(part) as handle:
                data = handle.read(MAX_PART_BYTES + 1)
        except KeyError:
            raise _error(self.name, f"lacks its part {part}") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _error(self.name, f"part {part} cannot be read: {exc}") from None
        if len(data) > MAX_PART_BYTES:
            raise _error(self.name, f"part {part} inflates past {MAX_PART_BYTES:,} bytes; refused")
        return data

    def xml(self, part: str) -> etree._Element:
        """Return a part parsed as XML (no DTD, no entities)."""
        data = self.raw(part)
        if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data:
            raise _error(self.name, f"part {part} declares a DTD or entities; refused")
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise _error(self.name, f"part {part} is not well-formed XML: {exc}") from None

    def content_type(self, part: str) -> str:
        """Return the content type the package declares for `part` ("" if none)."""
        if self.types is None:
            return ""
        for override in self.types.iter(f"{{{_CT}}}Override"):
            if override.get("PartName", "").lstrip("/") == part:
                return override.get("ContentType", "")
        ext = part.rsplit(".", 1)[-1].lower()
        for default in self.types.iter(f"{{{_CT}}}Default"):
            if default.get("Extension", "").lower() == ext:
                return default.get("ContentType", "")
        return ""

    def rels(self, part: str) -> list[tuple[str, str, str, bool]]:
        """Return (id, type's last word, target part or URL, external) of a part's relationships."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels_name not in self.names:
            return []
        out = []
        for rel in self.xml(rels_name).iter(f"{{{_PKG_R}}}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target.lstrip("/")))
                if target.startswith("/") or target.startswith(".."):
                    target = target.lstrip("/")
            out.append((rel.get("Id", ""), kind, target, external))
        return out

    def related(self, part: str, kind: str) -> str | None:
        """Return the first internal part `part` relates to by a relationship of `kind`."""
        for _, rel_kind, target, external in self.rels(part):
            if rel_kind == kind and not external:
                return target
        return None

    def section(self) -> etree._Element | None:
        """Return the document's last section properties (its page and its header/footer)."""
        body = self.xml(self.main).find(w("body"))
        return body.find(w("sectPr")) if body is not None else None

    def header_footer(
        self, section: etree._Element | None, kind: str, renames: dict[str, str]
    ) -> HouseDocxPart | None:
        """Return the section's default header or footer with its pictures, None without one."""
        if section is None:
            return None
        ref = next(
            (r for r in section.iter(w(f"{kind}Reference")) if r.get(w("type")) == "default"),
            None,
        )
        if ref is None:
            return None
        rid = ref.get(f"{{{_R}}}id")
        target = next((t for i, _, t, e in self.rels(self.main) if i == rid and not e), None)
        if target is None or target not in self.names:
            raise _error(self.name, f"names a {kind} ({rid}) that is not in the package")
        root = self.xml(target)
        _rename_refs(root, renames)
        rels, media = self._part_rels(target, kind)
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return HouseDocxPart(xml, rels, tuple(media))

    def _part_rels(self, part: str, kind: str) -> tuple[bytes | None, list[tuple[str, bytes, str]]]:
        """Return a header's or footer's relationships part and its pictures, renamed."""
        entries: list[tuple[str, str, str, bool]] = []
        media: list[tuple[str, bytes, str]] = []
        for rid, rel_kind, target, external in self.rels(part):
            if rel_kind == "hyperlink" and external:
                entries.append((rid, rel_kind, target, True))
                continue
            if rel_kind != "image" or external:
                message = f"{kind} {part} holds a {rel_kind} part; a house {kind} may hold"
                raise _error(self.name, f"{message} text, fields and pictures")
            ext = target.rsplit(".", 1)[-1].lower()
            ctype = self.content_type(target) or _IMAGE_TYPES.get(ext, "")
            if ctype not in _IMAGE_TYPES.values():
                shown = ctype or "of an unknown type"
                raise _error(self.name, f"{kind} picture {target} is {shown}; use PNG, JPEG or GIF")
            name = f"media/house-{kind}{len(media) + 1}.{ext}"
            media.append((name, self.raw(target), ctype))
            entries.append((rid, rel_kind, name, False))
        if not entries:
            return None, media
        items = "".join(
            f'<Relationship Id="{_attr(rid)}" Type="{_R}/{kind_}" Target="{_attr(target)}"'
            + (' TargetMode="External"/>' if external else "/>")
            for rid, kind_, target, external in entries
        )
        decl = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        return f'{decl}<Relationships xmlns="{_PKG_R}">{items}</Relationships>'.encode(), media


def _attr(value: str) -> str:
    """Return text escaped for an XML attribute value."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _is_macro(name: str) -> bool:
    """Return True for a part that holds macros (VBA project, its data)."""
    lower = name.lower()
    return lower.endswith(("vbaproject.bin", "vbadata.xml")) or "/vba" in lower


# ---------------------------------------------------------------- styles


def _writer_styles() -> dict[str, str]:
    """Return name (lower case) -> style id of every style the DOCX writer defines."""
    from reportgen.theme import default_theme
    from reportgen.writers.docx.styles import styles_xml

    root = etree.fromstring(styles_xml(default_theme()))
    out = {}
    for style in root.iter(w("style")):
        name = style.find(w("name"))
        if name is not None:
            out[name.get(w("val"), "").lower()] = style.get(w("styleId"), "")
    return out


def _style_renames(styles: etree._Element, name: str) -> dict[str, str]:
    """Return reference style id -> the writer's id, for styles whose names match.

    A reference style that happens to use one of the writer's ids for another name is moved
    out of the way (`<id>House`). Raises ReferenceDocxError naming every required style the
    reference lacks.
    """
    ours = _writer_styles()
    by_name: dict[str, str] = {}
    for style in styles.iter(w("style")):
        label = style.find(w("name"))
        if label is not None:
            by_name.setdefault(label.get(w("val"), "").lower(), style.get(w("styleId"), ""))
    missing = [s for s in REQUIRED_STYLES if s.lower() not in by_name]
    if missing:
        raise _error(
            name,
            "lacks the style" + ("s " if len(missing) > 1 else " ") + ", ".join(
                repr(s) for s in missing) + "; every brief uses it. Start from the house"
            " reference: reportgen reference-docx > house.docx",
        )  # fmt: skip
    renames: dict[str, str] = {}
    taken = set(by_name.values())
    for label, ref_id in by_name.items():
        our_id = ours.get(label)
        if our_id and ref_id != our_id:
            renames[ref_id] = our_id
    claimed = set(renames.values())
    for label, ref_id in by_name.items():
        if ref_id in claimed and ref_id not in renames and ours.get(label) != ref_id:
            new = f"{ref_id}House"
            while new in taken:
                new += "X"
            renames[ref_id] = new
    return renames


def _rename_styles(styles: etree._Element, renames: dict[str, str]) -> None:
    """Rename style ids, and the references between styles, in place."""
    if not renames:
        return
    for style in styles.iter(w("style")):
        sid = style.get(w("styleId"))
        if sid in renames:
            style.set(w("styleId"), renames[sid])
    _rename_refs(styles, renames)


def _rename_refs(root: etree._Element, renames: dict[str, str]) -> None:
    """Rename the style ids that elements of `root` refer to (basedOn, pStyle ...), in place."""
    if not renames:
        return
    tags = {w(t) for t in (*_STYLE_REFS, "pStyle", "rStyle", "tblStyle")}
    for element in root.iter(*tags):
        value = element.get(w("val"))
        if value in renames:
            element.set(w("val"), renames[value])


class _Styles:
    """Effective values of a styles part: a style's own, its bases', then the defaults."""

    def __init__(self, root: etree._Element, theme: etree._Element | None) -> None:
        self.by_id = {s.get(w("styleId")): s for s in root.iter(w("style"))}
        self.defaults = root.find(w("docDefaults"))
        self.theme = theme

    def _chain(self, style_id: str) -> Iterator[etree._Element]:
        """Yield the style, then its bases in order (a cycle ends the walk)."""
        seen: set[str] = set()
        current: str | None = style_id
        while current and current not in seen and current in self.by_id:
            seen.add(current)
            style = self.by_id[current]
            yield style
            based = style.find(w("basedOn"))
            current = based.get(w("val")) if based is not None else None

    def _find(self, style_id: str, path: str) -> etree._Element | None:
        """Return the first element at `path` (rPr/.. or pPr/..) along the chain or defaults."""
        for style in self._chain(style_id):
            found = style.find(path)
            if found is not None:
                return found
        if self.defaults is not None:
            default = "rPrDefault" if path.startswith(w("rPr")) else "pPrDefault"
            return self.defaults.find(f"{w(default)}/{path}")
        return None

    def size(self, style_id: str) -> float | None:
        """Return the style's font size in points."""
        found = self._find(style_id, f"{w('rPr')}/{w('sz')}")
        return _number(found.get(w("val")), 2) if found is not None else None

    def colour(self, style_id: str) -> str | None:
        """Return the style's text colour as RRGGBB (a theme colour resolved), None for auto."""
        found = self._find(style_id, f"{w('rPr')}/{w('color')}")
        if found is None:
            return None
        theme_name = found.get(w("themeColor"))
        if theme_name and self.theme is not None:
            resolved = self._theme_colour(theme_name)
            if resolved:
                return resolved
        value = (found.get(w("val")) or "").upper()
        return value if re.fullmatch(r"[0-9A-F]{6}", value) else None

    def _theme_colour(self, name: str) -> str | None:
        """Return an RRGGBB colour of the theme's colour scheme ("accent1", "text1" ...)."""
        assert self.theme is not None
        alias = {"text1": "dk1", "text2": "dk2", "background1": "lt1", "background2": "lt2"}
        slot = self.theme.find(f".//{{{_A}}}clrScheme/{{{_A}}}{alias.get(name, name)}")
        if slot is None or not len(slot):
            return None
        colour = slot[0]
        value = colour.get("val") if colour.tag == f"{{{_A}}}srgbClr" else colour.get("lastClr")
        return value.upper() if value and re.fullmatch(r"[0-9A-Fa-f]{6}", value) else None

    def font(self, style_id: str) -> str | None:
        """Return the style's Latin font family (a theme font resolved)."""
        found = self._find(style_id, f"{w('rPr')}/{w('rFonts')}")
        if found is None:
            return None
        theme_slot = found.get(w("asciiTheme"))
        if theme_slot and self.theme is not None:
            which = "majorFont" if theme_slot.startswith("major") else "minorFont"
            latin = self.theme.find(f".//{{{_A}}}{which}/{{{_A}}}latin")
            if latin is not None and latin.get("typeface"):
                return str(latin.get("typeface"))
        return found.get(w("ascii")) or found.get(w("hAnsi")) or None

    def spacing(self, style_id: str, attr: str) -> float | None:
        """Return a paragraph spacing of the style ("before", "after") in points.

        The attribute is looked up along the chain: a style may set only one of them.
        """
        for style in self._chain(style_id):
            found = style.find(f"{w('pPr')}/{w('spacing')}")
            if found is not None and found.get(w(attr)) is not None:
                return _number(found.get(w(attr)), 20)
        default = self._default_spacing()
        if default is not None and default.get(w(attr)) is not None:
            return _number(default.get(w(attr)), 20)
        return None

    def line(self, style_id: str) -> float | None:
        """Return the style's line spacing as a multiple of single spacing (lineRule auto)."""
        for style in [*self._chain(style_id), None]:
            found = (
                style.find(f"{w('pPr')}/{w('spacing')}")
                if style is not None
                else self._default_spacing()
            )
            if found is None or found.get(w("line")) is None:
                continue
            if found.get(w("lineRule"), "auto") != "auto":
                return None  # exact or at-least leading: no multiple to carry over
            return _number(found.get(w("line")), 240)
        return None

    def _default_spacing(self) -> etree._Element | None:
        """Return the document defaults' paragraph spacing element, if any."""
        if self.defaults is None:
            return None
        return self.defaults.find(f"{w('pPrDefault')}/{w('pPr')}/{w('spacing')}")


def _tint(colour: str, share: float) -> str:
    """Return `colour` mixed with white, `share` of it kept (0.1: a light tint)."""
    channels = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return "".join(f"{round(255 - (255 - c) * share):02X}" for c in channels)


def _number(value: str | None, per_point: int) -> float | None:
    """Return a WordprocessingML measure (half-points, twips) in points, None if unreadable."""
    try:
        return int(str(value)) / per_point
    except ValueError:
        return None


# ---------------------------------------------------------------- theme values


def house_values(house: HouseDocx) -> dict[str, Any]:
    """Return the theme values the reference sets: {"sizes": {...}, "palette": {...}, ...}."""
    styles = etree.fromstring(house.styles_xml, _PARSER)
    theme = etree.fromstring(house.theme_xml, _PARSER) if house.theme_xml else None
    st = _Styles(styles, theme)
    sizes = {
        key: st.size(style_id)
        for key, style_id in (
            ("body", "Normal"),
            ("title", "Title"),
            ("subtitle", "Subtitle"),
            ("h1", "Heading1"),
            ("h2", "Heading2"),
        )
        if style_id in st.by_id
    }
    palette = {"text": st.colour("Normal"), "accent": st.colour("Heading1")}
    if palette["accent"]:
        palette["table_header_bg"] = palette["accent"]
    if "Hyperlink" in st.by_id:
        palette["link"] = st.colour("Hyperlink")
    return {
        "sizes": {k: v for k, v in sizes.items() if v and 4 <= v <= 72},
        "palette": {k: v for k, v in palette.items() if v},
        "spacing": _spacing(st),
        "font": st.font("Normal"),
    }


def _spacing(st: _Styles) -> dict[str, float | None]:
    """Return the theme's spacing values the reference sets (points; line height a multiple).

    Word's line multiple is of the font's natural line height, the theme's of its size (see
    writers.docx.styles.font_line_ratio): converted with the body font's ratio, so the house
    reference gives back the house line height.
    """
    from reportgen.theme import default_theme
    from reportgen.writers.docx.styles import font_line_ratio

    multiple = st.line("Normal")
    ratio = font_line_ratio(default_theme().body_font.regular)
    return {
        "paragraph_after": st.spacing("Normal", "after"),
        "heading_before": st.spacing("Heading2", "before"),
        "heading_after": st.spacing("Heading2", "after"),
        "line_height": round(multiple * ratio, 2) if multiple else None,
    }


def apply_house_docx(theme: Theme, house: HouseDocx) -> Theme:
    """Return `theme` with the reference's sizes, colours, spacing, page and margins."""
    from reportgen.themefile import FONT_FAMILIES

    values = house_values(house)
    accent = values["palette"].get("accent")
    if accent and accent != theme.palette.accent:
        values["palette"]["accent_light"] = _tint(accent, 0.1)  # summary and highlight boxes
    spacing = {
        k: v
        for k, v in values["spacing"].items()
        if v is not None and (0.8 <= v <= 3 if k == "line_height" else 0 <= v <= 72)
    }
    changes: dict[str, Any] = {
        "sizes": dataclasses.replace(theme.sizes, **values["sizes"]),
        "palette": dataclasses.replace(theme.palette, **values["palette"]),
        "spacing": dataclasses.replace(theme.spacing, **spacing),
        "house_docx": house,
    }
    family = FONT_FAMILIES.get(values["font"] or "")
    if family is not None:
        changes["body_font"] = family
    if house.page is not None:
        changes["page_size"], changes["margins_mm"] = house.page
    return dataclasses.replace(theme, **changes)


# ---------------------------------------------------------------- the house reference

# Words a reference's header and footer may hold, replaced by each brief's own.
PLACEHOLDERS = ("{title}", "{short_title}", "{date}", "{organisation}")


def reference_docx_bytes() -> bytes:
    """Return the house reference .docx: the example brief in the house styles.

    Every style a brief uses appears in it, and its header and footer hold the placeholders
    {short_title}, {date} and {organisation} (with Page X of Y fields), which each brief
    fills in; so it builds a brief just like reportgen's own styles do.
    """
    from reportgen.facts import load_facts
    from reportgen.paths import EXAMPLE_FACTS
    from reportgen.templating import build_document
    from reportgen.theme import default_theme
    from reportgen.writers.docx import write_docx

    facts = load_facts(EXAMPLE_FACTS / "india-us-critical-minerals.yaml")
    doc = build_document(facts, "policy-brief", [])
    meta = dataclasses.replace(
        doc.meta, short_title="{short_title}", date="{date}", organisation="{organisation}"
    )
    theme = dataclasses.replace(default_theme(), embed_fonts=False)
    return write_docx(dataclasses.replace(doc, meta=meta), theme)
