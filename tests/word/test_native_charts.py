"""Native Word charts: the budget chart as a chart part with its workbook of the facts' figures."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.shape import WD_INLINE_SHAPE
from lxml import etree

from reportgen import model as m
from reportgen.facts import load_facts
from reportgen.theme import default_theme
from reportgen.writers.docx import write_docx
from reportgen.writers.docx.nativecharts import _axis_max
from tests.conftest import SEED, libreoffice_pdf, pdf_pages_text
from tests.word.conftest import GRID, document_of

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
openpyxl = pytest.importorskip("openpyxl")


def zip_parts(data: bytes) -> dict[str, bytes]:
    """Return every member of a zip by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def expected_bars(facts_path: Path) -> list[tuple[str, float]]:
    """Return (programme name, amount in reporting-currency millions) from the facts."""
    table = load_facts(facts_path).budget_table()
    return [(str(row.name), float(Decimal(row.reporting_value) / 1_000_000)) for row in table.rows]


def workbook_bars(xlsx: bytes) -> list[tuple[str, float]]:
    """Return (category, value) of each row of the chart's workbook, either series."""
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    return [(str(row[0]), next(v for v in row[1:] if v is not None)) for row in rows]


@pytest.fixture(scope="module", params=[SEED, GRID], ids=["seed", "grid"])
def built(request: pytest.FixtureRequest) -> tuple[Path, bytes]:
    """Return (facts path, DOCX bytes) of a brief with a budget chart."""
    return request.param, write_docx(document_of(request.param))


def test_budget_chart_is_a_native_chart_part(built: tuple[Path, bytes]) -> None:
    _, data = built
    document = docx.Document(io.BytesIO(data))
    kinds = [shape.type for shape in document.inline_shapes]
    assert WD_INLINE_SHAPE.CHART in kinds  # python-docx sees a chart, not a picture
    chart_rels = [r for r in document.part.rels.values() if r.reltype.endswith("/chart")]
    assert len(chart_rels) == 1
    chart_part = chart_rels[0].target_part
    assert chart_part.partname == "/word/charts/chart1.xml"
    assert chart_part.content_type.endswith("drawingml.chart+xml")
    book = [r for r in chart_part.rels.values() if r.reltype.endswith("/package")]
    assert book and book[0].target_part.partname.endswith(".xlsx")


def test_workbook_and_chart_cache_hold_the_facts_figures(built: tuple[Path, bytes]) -> None:
    facts, data = built
    parts = zip_parts(data)
    want = expected_bars(facts)
    got = workbook_bars(parts["word/embeddings/Microsoft_Excel_Worksheet1.xlsx"])
    names = [name.removeprefix("of which ") for name, _ in got]
    assert names == [name for name, _ in want]
    assert [v for _, v in got] == pytest.approx([v for _, v in want], abs=0.0005)
    # Word and LibreOffice draw from the cached values in the chart XML: the same numbers.
    chart = etree.fromstring(parts["word/charts/chart1.xml"])
    cached = {
        int(pt.get("idx")): float(pt.findtext(f"{C}v"))
        for pt in chart.iter(f"{C}pt")
        if pt.getparent().tag == f"{C}numCache"
    }
    assert [cached[i] for i in range(len(want))] == pytest.approx([v for _, v in want], abs=5e-4)
    assert chart.find(f"{C}externalData") is not None


def test_alt_text_and_caption_stay(built: tuple[Path, bytes]) -> None:
    facts, data = built
    figure = next(b for b in document_of(facts).blocks if isinstance(b, m.Figure))
    body = etree.fromstring(zip_parts(data)["word/document.xml"])
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    doc_pr = next(d for d in body.iter(f"{wp}docPr") if d.get("name") == "figure1")
    assert doc_pr.get("descr") == doc_pr.get("title") == figure.alt
    assert (
        doc_pr.getparent()
        .find("{http://schemas.openxmlformats.org/drawingml/2006/main}graphic")[0]
        .get("uri")
        .endswith("/chart")
    )
    captions = [
        p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name == "Caption"
    ]
    assert m.plain_text(figure.caption) in " ".join(captions)


def test_the_timeline_stays_a_picture() -> None:
    data = write_docx(document_of(SEED))
    shapes = docx.Document(io.BytesIO(data)).inline_shapes
    assert [s.type for s in shapes].count(WD_INLINE_SHAPE.PICTURE) == 1


def test_templates_can_ask_for_pictures() -> None:
    theme = dataclasses.replace(default_theme(), docx_charts="picture")
    parts = zip_parts(write_docx(document_of(SEED), theme))
    assert not [n for n in parts if n.startswith("word/charts/")]
    assert len([n for n in parts if n.startswith("word/media/")]) == 2


def test_theme_file_key_docx_charts(tmp_path: Path) -> None:
    from reportgen.themefile import ThemeFileError, load_theme

    path = tmp_path / "theme.yaml"
    path.write_text("docx:\n  charts: picture\n", encoding="utf-8")
    assert load_theme(path).docx_charts == "picture"
    path.write_text("docx:\n  charts: vector\n", encoding="utf-8")
    with pytest.raises(ThemeFileError, match=r"docx\.charts"):
        load_theme(path)


def test_chart_parts_are_the_same_bytes_each_time() -> None:
    doc = document_of(SEED)
    first, second = write_docx(doc), write_docx(doc)
    assert first == second
    book = zip_parts(first)["word/embeddings/Microsoft_Excel_Worksheet1.xlsx"]
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_axis_leaves_room_for_the_labels_in_round_steps() -> None:
    assert _axis_max(1877.3) == 3000.0
    assert _axis_max(675) == 1000.0
    assert _axis_max(0.4) == pytest.approx(0.6)
    for longest in (3.0, 42.0, 999.0, 12_345.0):
        top = _axis_max(longest)
        assert longest * 1.45 <= top <= longest * 2.2


@pytest.mark.slow
def test_libreoffice_draws_the_chart(tmp_path: Path) -> None:
    source = tmp_path / "brief.docx"
    source.write_bytes(write_docx(document_of(SEED)))
    pages = pdf_pages_text(libreoffice_pdf(source).read_bytes())
    page = next(p for p in pages if "Figure 1" in p)
    # Words only the chart draws: its axis title, its "of which" category, its bar labels.
    for text in ("USD million", "of which Exploration", "$1.88 billion", "₹16,300 crore", "1,000"):
        assert text in page, text


@pytest.mark.slow
def test_pandoc_still_reads_a_docx_with_a_chart(tmp_path: Path) -> None:
    import shutil
    import subprocess

    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed")
    source = tmp_path / "brief.docx"
    source.write_bytes(write_docx(document_of(SEED)))
    out = subprocess.run([pandoc, "-f", "docx", "-t", "plain", str(source)], check=True,
                         capture_output=True, text=True, timeout=60).stdout  # fmt: skip
    assert "Figure 1" in out or "Programme budgets" in out
