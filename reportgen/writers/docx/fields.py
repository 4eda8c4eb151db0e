"""Word fields: the running header and footer (PAGE, NUMPAGES) and the table of contents.

Fields carry a cached result, which is what Word and LibreOffice show on open: settings.xml
does not ask Word to update fields (that makes Word prompt on every open). Page fields in the
header and footer are laid out live by every reader anyway; the contents list shows page
numbers only when the caller knows them for sure (see `reportgen.pagination`), and F9 in
Word still rebuilds it from the TOC field around the entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from lxml import etree

from reportgen.writers.docx import styles as st
from reportgen.writers.docx.ooxml import el, qn, sub
from reportgen.writers.xmltext import escape

TOC_INSTR = ' TOC \\o "1-2" \\h \\z \\u '
_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# The runs of a text as XML: the writer's own (fonts per script, w:lang), or `_run` below.
RunsXml = Callable[[str], str]
TextRuns = Callable[[etree._Element, str], None]


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


def header_xml(left: str, right: str, width: int, runs: RunsXml | None = None) -> bytes:
    """Return header1.xml: the short title, a right tab, the date (`width` in twips).

    `runs` writes a text's runs (the body's fonts and languages); plain runs without it.
    """
    runs = runs or _run
    body = f"{runs(left)}<w:r><w:tab/></w:r>{runs(right)}"
    return (
        f'{_DECL}<w:hdr xmlns:w="{_W}"><w:p>{_ppr(st.HEADER, width)}{body}</w:p></w:hdr>'
    ).encode()


def footer_xml(
    left: str, width: int, page_of: str = "Page {page} of {pages}", runs: RunsXml | None = None
) -> bytes:
    """Return footer1.xml: the organisation, a right tab, "Page X of Y" from fields.

    `page_of` is the document's wording, its `{page}` and `{pages}` becoming PAGE and
    NUMPAGES fields (so a language may put the numbers where its grammar wants them);
    `runs` writes a text's runs (the body's fonts and languages).
    """
    runs = runs or _run
    fields = {"{page}": _simple("PAGE", "1"), "{pages}": _simple("NUMPAGES", "1")}
    pieces = re.split(r"(\{page\}|\{pages\})", page_of)
    body = f"{runs(left)}<w:r><w:tab/></w:r>" + "".join(
        fields.get(p) or (runs(p) if p else "") for p in pieces
    )
    return (
        f'{_DECL}<w:ftr xmlns:w="{_W}"><w:p>{_ppr(st.FOOTER, width)}{body}</w:p></w:ftr>'
    ).encode()


def _fld_char(parent: etree._Element, kind: str) -> None:
    """Append a run holding a complex field's begin/separate/end marker."""
    r = sub(parent, "w:r")
    sub(r, "w:fldChar", {"w:fldCharType": kind})


def toc_paragraphs(
    entries: list[tuple[int, str, str]],
    placeholder: str = "Update the table of contents.",
    pages: Mapping[str, int] | None = None,
    text_runs: TextRuns | None = None,
) -> list[etree._Element]:
    """Return the TOC field as paragraphs: instruction, one cached entry per heading, end.

    `entries` are (level, text, bookmark name). Each cached entry links to its heading. When
    `pages` gives the page of every entry's bookmark, each entry ends with a tab and a
    PAGEREF field showing that page; otherwise no entry shows a number, since Word and
    LibreOffice both show the cached number as it is (a wrong one would be believed).
    `text_runs` appends a text's runs (the body's fonts and languages) to an element.
    """
    text_runs = text_runs or _text_run
    paras: list[etree._Element] = []
    rows = entries or [(1, placeholder, "")]
    numbered = bool(entries) and pages is not None and all(b in pages for _, _, b in entries)
    for index, (level, text, bookmark) in enumerate(rows):
        p = el("w:p")
        ppr = sub(p, "w:pPr")
        sub(ppr, "w:pStyle", {"w:val": st.TOC[min(level, 2)]})
        if index == 0:
            _complex_start(p, TOC_INSTR)
        target = sub(p, "w:hyperlink", {"w:anchor": bookmark, "w:history": "1"}) if bookmark else p
        text_runs(target, text)
        if numbered and pages is not None:
            sub(sub(target, "w:r"), "w:tab")
            _pageref(target, bookmark, pages[bookmark])
        if index == len(rows) - 1:
            _fld_char(p, "end")
        paras.append(p)
    last = paras[-1].find(qn("w:pPr"))
    assert last is not None
    last.append(el("w:spacing", {"w:after": "240"}))
    return paras


def _pageref(parent: etree._Element, bookmark: str, page: int) -> None:
    """Append a PAGEREF field to `bookmark` whose cached result is `page`."""
    _complex_start(parent, f" PAGEREF {bookmark} \\h ")
    _text_run(parent, str(page))
    _fld_char(parent, "end")


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
