"""The DOCX writer: a Document and a Theme in, the bytes of a Word file out.

    write_docx(doc, theme) -> bytes

Styles come from the theme (built once per process with python-docx, then cached); the body
is built as lxml elements by `DocxVisitor`; `package` zips the parts deterministically.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from reportgen.errors import UsageError
from reportgen.model import Document, Meta
from reportgen.theme import PAGE_SIZES_MM, Theme, default_theme
from reportgen.writers.docx import fields, fontembed, package, styles
from reportgen.writers.docx.ooxml import NS, clean_text, qn, sub
from reportgen.writers.docx.visitor import DocxVisitor
from reportgen.writers.xmltext import escape

__all__ = ["write_docx"]

_NSMAP = {k: v for k, v in NS.items() if k != "xml"}


def write_docx(
    doc: Document, theme: Theme | None = None, *, toc_pages: Mapping[str, int] | None = None
) -> bytes:
    """Return the DOCX bytes of `doc` in `theme` (the house theme when None).

    `toc_pages` maps each contents entry's bookmark name to its page; the contents list
    shows page numbers only when it covers every entry (`reportgen.pagination` finds them).
    The same Document, Theme and pages always give the same bytes.
    """
    theme = _page_theme(theme or default_theme(), doc.meta.page_size)
    visitor = DocxVisitor(doc, theme, toc_pages)
    body_elements = visitor.run()
    language = package.language_tag(doc.meta.language)
    width = round(visitor.text_width_pt * 20)
    meta = doc.meta
    runs = visitor.runs_xml  # header and footer texts set as the body's (fonts, w:lang)
    header = fields.header_xml(
        clean_text(meta.short_title or meta.title), clean_text(meta.date), width, runs
    )
    footer = fields.footer_xml(clean_text(meta.organisation), width, meta.label("page_of"), runs)
    families = list(visitor.fonts_used)  # after the header and footer: their fonts too
    fonts = fontembed.embedded_fonts(theme, families) if theme.embed_fonts else []
    house = theme.house_docx
    house_parts: list[tuple[str, bytes]] = []  # a reference's header/footer rels and pictures
    media_types: dict[str, str] = {}
    if house is not None:
        for name, part in (("header1", house.header), ("footer1", house.footer)):
            if part is None:
                continue
            if name == "header1":
                header = _fill(part.xml, meta)
            else:
                footer = _fill(part.xml, meta)
            if part.rels is not None:
                house_parts.append((f"word/_rels/{name}.xml.rels", part.rels))
            for media, data, ctype in part.media:
                house_parts.append((f"word/{media}", data))
                media_types[media.rsplit(".", 1)[-1]] = ctype
    members: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", package.content_types(len(visitor.rels.charts), media_types)),
        ("_rels/.rels", package.package_rels()),
        ("docProps/core.xml", package.core_properties(meta, clean_text)),
        ("docProps/app.xml", package.app_properties()),
        ("word/document.xml", _document_xml(body_elements, theme)),
        ("word/_rels/document.xml.rels", package.document_rels(visitor.rels.xml_entries())),
        ("word/styles.xml", _styles(theme, language)),
        ("word/numbering.xml", visitor.numbering.xml()),
        ("word/settings.xml", package.settings(language, bool(fonts))),
        ("word/webSettings.xml", package.web_settings()),
        ("word/fontTable.xml", fontembed.font_table_xml(families, fonts)),
        ("word/theme/theme1.xml", house.theme_xml if house and house.theme_xml
         else package.theme_part()),
        ("word/header1.xml", header),
        ("word/footer1.xml", footer),
    ]  # fmt: skip
    members += house_parts
    members += [(f"word/{name}", png) for _, name, png in visitor.rels.images]
    members += visitor.rels.chart_members()
    if fonts:
        members.append(("word/_rels/fontTable.xml.rels", fontembed.font_table_rels(fonts)))
        members += [(f"word/{font.part}", font.data) for font in fonts]
    return package.write_zip(members)


def _fill(xml: bytes, meta: Meta) -> bytes:
    """Return a reference's header or footer with {title}, {date} ... of this brief."""
    values = {
        "{title}": meta.title,
        "{short_title}": meta.short_title or meta.title,
        "{date}": meta.date,
        "{organisation}": meta.organisation,
    }
    for placeholder, value in values.items():
        xml = xml.replace(placeholder.encode(), escape(clean_text(value)).encode())
    return xml


def _page_theme(theme: Theme, page_size: str) -> Theme:
    """Return the theme on the document's page size (meta.page_size overrides the theme)."""
    if not page_size or page_size == theme.page_size:
        return theme
    if page_size not in PAGE_SIZES_MM:
        raise UsageError(f"unknown page size {page_size!r}; use one of {sorted(PAGE_SIZES_MM)}")
    return theme.with_page_size(page_size)


def _styles(theme: Theme, language: str) -> bytes:
    """Return the cached styles.xml with the document's language filled in."""
    marker = f'w:val="{styles.LANG_MARKER}"'.encode()
    return styles.styles_xml(theme).replace(marker, package.lang_xml_attributes(language).encode())


def _document_xml(body_elements: list[etree._Element], theme: Theme) -> bytes:
    """Return word/document.xml: the body, then the section (page size, margins, header)."""
    root = etree.Element(qn("w:document"), nsmap=_NSMAP)
    body = sub(root, "w:body")
    body.extend(body_elements)
    body.append(_section(theme))
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def _section(theme: Theme) -> etree._Element:
    """Return the `w:sectPr`: header/footer references, page size and margins from the theme."""
    sect = etree.Element(qn("w:sectPr"))
    sub(sect, "w:headerReference", {"w:type": "default", "r:id": package.HEADER_RID})
    sub(sect, "w:footerReference", {"w:type": "default", "r:id": package.FOOTER_RID})
    width_mm, height_mm = theme.page_mm()
    sub(sect, "w:pgSz", {"w:w": _tw(width_mm), "w:h": _tw(height_mm)})
    top, right, bottom, left = theme.margins_mm
    sub(sect, "w:pgMar", {"w:top": _tw(top), "w:right": _tw(right), "w:bottom": _tw(bottom),
                          "w:left": _tw(left), "w:header": _tw(top / 2),
                          "w:footer": _tw(bottom / 2), "w:gutter": "0"})  # fmt: skip
    sub(sect, "w:cols", {"w:space": "720"})
    return sect


def _tw(mm: float) -> str:
    """Return millimetres as twips."""
    return str(round(mm / 25.4 * 1440))
