"""Word fields: the running header and footer (PAGE, NUMPAGES) and the table of contents.

Fields carry a cached result so readers that do not compute fields (pandoc, LibreOffice's
first layout, previews) still show sensible text; `updateFields` in settings.xml makes Word
recompute them on open.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from lxml import etree

from reportgen.writers.docx import styles as st
from reportgen.writers.docx.ooxml import el, qn, sub

TOC_INSTR = ' TOC \\o "1-2" \\h \\z \\u '
_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(text: str) -> str:
    """Return a run holding literal text."""
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""


def _simple(instr: str, shown: str) -> str:
    """Return a simple field (`w:fldSimple`) with a cached result."""
    return f'<w:fldSimple w:instr=" {instr} ">{_run(shown)}</w:fldSimple>'


def _ppr(style: str, width: int) -> str:
    """Return paragraph properties: `style` and a right tab stop at the text's right edge.

    The tab is set here rather than in the style because the text width depends on the
    document's page size (A4 or Letter).
    """
    return (
        f'<w:pPr><w:pStyle w:val="{style}"/><w:tabs>'
        f'<w:tab w:val="right" w:pos="{width}"/></w:tabs></w:pPr>'
    )


def header_xml(left: str, right: str, width: int) -> bytes:
    """Return header1.xml: the short title, a right tab, the date (`width` in twips)."""
    body = f"{_run(left)}<w:r><w:tab/></w:r>{_run(right)}"
    return (
        f'{_DECL}<w:hdr xmlns:w="{_W}"><w:p>{_ppr(st.HEADER, width)}{body}</w:p></w:hdr>'
    ).encode()


def footer_xml(left: str, width: int, page_of: str = "Page {page} of {pages}") -> bytes:
    """Return footer1.xml: the organisation, a right tab, "Page X of Y" from fields.

    `page_of` is the document's wording, its `{page}` and `{pages}` becoming PAGE and
    NUMPAGES fields (so a language may put the numbers where its grammar wants them).
    """
    fields = {"{page}": _simple("PAGE", "1"), "{pages}": _simple("NUMPAGES", "1")}
    pieces = re.split(r"(\{page\}|\{pages\})", page_of)
    body = f"{_run(left)}<w:r><w:tab/></w:r>" + "".join(fields.get(p) or _run(p) for p in pieces)
    return (
        f'{_DECL}<w:ftr xmlns:w="{_W}"><w:p>{_ppr(st.FOOTER, width)}{body}</w:p></w:ftr>'
    ).encode()


def _fld_char(parent: etree._Element, kind: str) -> None:
    """Append a run holding a complex field's begin/separate/end marker."""
    r = sub(parent, "w:r")
    sub(r, "w:fldChar", {"w:fldCharType": kind})


def toc_paragraphs(
    entries: list[tuple[int, str, str]], placeholder: str = "Update the table of contents."
) -> list[etree._Element]:
    """Return the TOC field as paragraphs: instruction, one cached entry per heading, end.

    `entries` are (level, text, bookmark name). The cached entries link to their headings
    but carry no page numbers: only Word's refresh on open can know them (LibreOffice keeps
    cached PAGEREF results, which would show every entry on page 1).
    """
    paras: list[etree._Element] = []
    rows = entries or [(1, placeholder, "")]
    for index, (level, text, bookmark) in enumerate(rows):
        p = el("w:p")
        ppr = sub(p, "w:pPr")
        sub(ppr, "w:pStyle", {"w:val": st.TOC[min(level, 2)]})
        if index == 0:
            _complex_start(p, TOC_INSTR)
        target = sub(p, "w:hyperlink", {"w:anchor": bookmark, "w:history": "1"}) if bookmark else p
        _text_run(target, text)
        if index == len(rows) - 1:
            _fld_char(p, "end")
        paras.append(p)
    last = paras[-1].find(qn("w:pPr"))
    assert last is not None
    last.append(el("w:spacing", {"w:after": "240"}))
    return paras


def _complex_start(parent: etree._Element, instruction: str) -> None:
    """Append the begin marker, instruction and separate marker of a complex field."""
    _fld_char(parent, "begin")
    instr = sub(sub(parent, "w:r"), "w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    _fld_char(parent, "separate")


def _text_run(parent: etree._Element, text: str) -> None:
    """Append a run of literal text."""
    t = sub(sub(parent, "w:r"), "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text


def page_break() -> etree._Element:
    """Return a paragraph holding a page break."""
    p = el("w:p")
    sub(sub(p, "w:r"), "w:br", {"w:type": "page"})
    return p
