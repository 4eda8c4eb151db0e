"""The theme's organisation logo is in both formats' title blocks."""

from __future__ import annotations

import dataclasses
import io

import docx
import pikepdf
from PIL import Image

from reportgen import model as m
from reportgen.theme import default_theme
from reportgen.writers.docx import write_docx
from reportgen.writers.pdf import write_pdf


def logo_png() -> bytes:
    """Return a small two-colour PNG, 120 x 40 pixels."""
    image = Image.new("RGB", (120, 40), (11, 79, 108))
    image.paste((255, 255, 255), (60, 0, 120, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


DOC = m.Document(
    m.Meta(title="A brief", organisation="Policy Unit", date="1 March 2025", date_iso="2025-03-01"),
    (m.Paragraph((m.Text("Body."),)),),
)


def test_docx_title_block_starts_with_the_logo() -> None:
    theme = dataclasses.replace(default_theme(), logo=logo_png())
    body = docx.Document(io.BytesIO(write_docx(DOC, theme))).element.body
    first = body.xpath("./w:p")[0]
    descr = first.xpath(".//wp:docPr/@descr")
    assert descr == ["Policy Unit logo"]
    extent = first.xpath(".//wp:extent")[0]
    assert int(extent.get("cx")) == 3 * int(extent.get("cy"))  # 120 x 40 kept


def test_docx_without_logo_has_no_picture() -> None:
    body = docx.Document(io.BytesIO(write_docx(DOC, default_theme()))).element.body
    assert body.xpath(".//w:drawing") == []


def test_pdf_title_block_draws_the_logo() -> None:
    theme = dataclasses.replace(default_theme(), logo=logo_png())
    with pikepdf.open(io.BytesIO(write_pdf(DOC, theme))) as pdf:
        images = list(pdf.pages[0].images.values())
    assert len(images) == 1 and images[0].Width == 120
