"""Page numbers for the DOCX contents list, taken from a real layout of the DOCX itself.

    docx_with_page_numbers(doc, theme) -> Paginated

A DOCX has no pages until a word processor lays it out, and Word shows the contents list's
cached page numbers as they are (reportgen does not ask Word to update fields on open: that
prompts on every open). So numbers are written only when they are known: headless
LibreOffice lays the DOCX out, the page of each heading is read from its PDF's outline, the
DOCX is written again with those numbers and laid out once more to confirm that adding them
moved no heading. If LibreOffice is absent, fails, or the pages do not settle, the DOCX keeps
its entries without numbers: never a wrong number.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from reportgen.model import Document
from reportgen.theme import Theme

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACES = re.compile(r"\s+")
TIMEOUT_S = 180.0


@dataclass(frozen=True)
class Paginated:
    """A DOCX, whether its contents list shows page numbers, and why not when it does not."""

    data: bytes
    numbered: bool
    reason: str = ""


def docx_with_page_numbers(doc: Document, theme: Theme | None = None) -> Paginated:
    """Return the DOCX of `doc`, with page numbers in its contents list when they are known."""
    from reportgen.writers.docx import write_docx

    plain = write_docx(doc, theme)
    entries = toc_entries(plain)
    if not entries:
        return Paginated(plain, False, "the document has no contents list")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return Paginated(plain, False, "LibreOffice (soffice) is not installed")
    pages = heading_pages(plain, entries, soffice)
    for _ in range(2):  # numbers may widen a contents line and move what follows: recheck
        if pages is None:
            return Paginated(plain, False, "LibreOffice's layout did not show every heading")
        numbered = write_docx(doc, theme, toc_pages=pages)
        again = heading_pages(numbered, entries, soffice)
        if again == pages:
            return Paginated(numbered, True)
        pages = again
    return Paginated(plain, False, "the page numbers did not settle")


def toc_entries(data: bytes) -> list[tuple[str, str]]:
    """Return (bookmark name, text) of each linked contents entry of a DOCX, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    out = []
    for p in root.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        if style is None or not style.get(f"{_W}val", "").startswith("TOC"):
            continue
        link = p.find(f"{_W}hyperlink")
        if link is None or not link.get(f"{_W}anchor"):
            continue
        out.append((link.get(f"{_W}anchor", ""), _entry_text(link)))
    return out


def _entry_text(link: etree._Element) -> str:
    """Return an entry's heading text: its text up to the tab before the page number."""
    parts = []
    for node in link.iter(f"{_W}t", f"{_W}tab"):
        if node.tag == f"{_W}tab":
            break
        parts.append(node.text or "")
    return "".join(parts)


def heading_pages(
    data: bytes, entries: Sequence[tuple[str, str]], soffice: str
) -> dict[str, int] | None:
    """Return bookmark name -> page of each entry's heading in LibreOffice's layout of `data`.

    None when LibreOffice fails or its PDF outline lacks one of the headings.
    """
    outline = _libreoffice_outline(data, soffice)
    if outline is None:
        return None
    return match_outline(entries, outline)


def match_outline(
    entries: Sequence[tuple[str, str]], outline: Sequence[tuple[str, int]]
) -> dict[str, int] | None:
    """Return bookmark -> page, pairing entries with outline items of the same text in order.

    Outline items no entry names (deeper headings) are passed over; None if an entry has no
    item left to pair with.
    """
    pages: dict[str, int] = {}
    position = 0
    for bookmark, text in entries:
        wanted = _norm(text)
        while position < len(outline) and _norm(outline[position][0]) != wanted:
            position += 1
        if position == len(outline):
            return None
        pages[bookmark] = outline[position][1]
        position += 1
    return pages


def _norm(text: str) -> str:
    """Return text with runs of white space as one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


def _libreoffice_outline(data: bytes, soffice: str) -> list[tuple[str, int]] | None:
    """Return (title, 1-based page) of each outline item of LibreOffice's PDF of a DOCX."""
    import pypdfium2

    with tempfile.TemporaryDirectory(prefix="reportgen-pages-") as tmp:
        folder = Path(tmp)
        source = folder / "brief.docx"
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                capture_output=True, check=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            pdf = pypdfium2.PdfDocument(folder / "brief.pdf")
        except (OSError, subprocess.SubprocessError, pypdfium2.PdfiumError):
            return None
        try:
            items = []
            for item in pdf.get_toc():
                dest = item.get_dest()
                index = dest.get_index() if dest is not None else None
                if index is None:
                    return None
                items.append((item.get_title(), index + 1))
        finally:
            pdf.close()
    return items
