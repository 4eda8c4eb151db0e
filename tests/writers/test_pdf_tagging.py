"""The tagged PDF (PDF/UA-1) and its archival parts (PDF/A-3), judged by real readers:
the `pdfua` checker, our pikepdf checker (tests/pdfcheck.py), poppler and pikepdf.pdfa.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from reportgen import model
from reportgen.model import (
    Bar,
    BarChart,
    BulletList,
    Callout,
    Cell,
    Cite,
    Div,
    Document,
    Figure,
    Heading,
    KeyFigure,
    KeyFigures,
    Link,
    ListItem,
    Meta,
    Paragraph,
    Table,
    Text,
    lang_attr,
)
from reportgen.writers.pdf import write_pdf
from tests.pdfcheck import (
    Node,
    empty_headings,
    pdfa_findings,
    pdfua_problems,
    shown_text,
    struct_tree,
    untagged_operators,
)

FIXTURE = Path(__file__).parent / "fixtures" / "brief.json"
HINDI = "राष्ट्रीय महत्वपूर्ण खनिज मिशन"
HINDI_2 = "नीति आयोग ने खनिजों की सूची दी"


def _t(text: str) -> tuple[Text, ...]:
    return (Text(text),)


def _hindi_brief(rows: int = 70) -> Document:
    """Return a brief on another subject: Hindi text, a long table, links, sources, a chart."""
    table = Table(
        header=(Cell(_t("District")), Cell(_t("Allocation (₹ lakh)"), "right")),
        rows=tuple(
            (Cell(_t(f"District {i}")), Cell(_t(f"{i * 12.5:,.1f}"), "right")) for i in range(rows)
        ),
        caption=_t("Table 1: Allocations by district"),
        total_rows=1,
    )
    blocks: tuple[model.Block, ...] = (
        Heading(1, _t("Summary"), id="summary"),
        Paragraph(
            (Text(f"The mission ({HINDI}) runs seven years "), Cite(1, "niti"), Text(".")),
        ),
        KeyFigures(
            (
                KeyFigure("₹16,300 crore", _t("Mission outlay"), _t("Seven years")),
                KeyFigure("30", _t("Critical minerals"), (Text("Listed "), Cite(2, "mines"))),
            ),
            title=_t("Key figures"),
        ),
        Heading(3, _t("Deep heading after a level 1")),
        Callout("summary", (Paragraph(_t(HINDI_2)),), title=_t("In brief")),
        Div((Paragraph(_t(HINDI_2)),), lang_attr("hi-IN")),
        Paragraph(
            (
                Text("See "),
                Link("https://example.org/mission", _t("the mission site")),
                Text(" and "),
                Link("#summary", _t("the summary")),
                Text("."),
            )
        ),
        table,
        Figure(
            BarChart((Bar("Outlay", 16300, "16,300"), Bar("Spent", 4000, "4,000")), "₹ crore"),
            1,
            _t("Figure 1: Outlay and spending"),
            "Bar chart: outlay 16,300 crore rupees, spent 4,000 crore rupees.",
        ),
        Heading(1, _t("Sources"), id="sources"),
        BulletList(
            (
                ListItem(_t("NITI Aayog, report, 2023."), id="src-niti"),
                ListItem(_t("Ministry of Mines, list of critical minerals, 2023."), id="src-mines"),
            ),
            ordered=True,
        ),
    )
    return Document(
        Meta(
            title="राष्ट्रीय खनिज मिशन: a brief",
            language="en-IN",
            date="1 March 2025",
            date_iso="2025-03-01",
            organisation="Test Unit",
        ),
        blocks,
    )


@pytest.fixture(scope="module")
def brief_pdf() -> bytes:
    return write_pdf(model.from_json(FIXTURE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def hindi_pdf() -> bytes:
    return write_pdf(_hindi_brief())


@pytest.fixture(params=["brief", "hindi"])
def any_pdf(request: pytest.FixtureRequest, brief_pdf: bytes, hindi_pdf: bytes) -> bytes:
    return brief_pdf if request.param == "brief" else hindi_pdf


# ---------------------------------------------------------------- checkers


def test_pdfua_checker_reports_nothing(any_pdf: bytes, tmp_path: Path) -> None:
    pytest.importorskip("pdfua")
    assert pdfua_problems(any_pdf, tmp_path) == []


def test_no_painting_operator_outside_tags_and_artifacts(any_pdf: bytes) -> None:
    assert untagged_operators(any_pdf) == []


def test_checker_finds_untagged_content() -> None:
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.obj.Contents = pdf.make_stream(b"/Artifact BMC 0 0 1 1 re f EMC 0 0 2 2 re f")
    buf = io.BytesIO()
    pdf.save(buf)
    assert untagged_operators(buf.getvalue()) == [(1, "f")]


def test_checker_finds_an_empty_heading() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    heading = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.H1, K=pikepdf.Array())
    )
    document = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array([heading])
        )
    )
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=document)
    )
    buf = io.BytesIO()
    pdf.save(buf)
    assert empty_headings(buf.getvalue()) == ["H1"]


def test_qpdf_check_is_clean(any_pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    path = tmp_path / "brief.pdf"
    path.write_bytes(any_pdf)
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax or stream encoding errors" in run.stdout


# ---------------------------------------------------------------- the tree against the model


def _roles(tree: Node, role: str) -> list[Node]:
    return [n for n in tree.walk() if n.role == role]


def test_headings_follow_the_model_and_never_skip_a_level(hindi_pdf: bytes) -> None:
    tree = struct_tree(hindi_pdf)
    assert tree.role == "Document"
    headings = [n.role for n in tree.walk() if re.fullmatch(r"H\d", n.role)]
    assert headings == ["H1", "H2", "H1"]  # the model's level 3 after a 1 becomes an H2
    levels = [int(h[1]) for h in headings]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_tree_order_follows_the_model(brief_pdf: bytes) -> None:
    doc = model.from_json(FIXTURE.read_text(encoding="utf-8"))
    expected = {
        "Heading": "H",
        "Paragraph": "P",
        "BulletList": "L",
        "KeyFigures": "Sect",
        "Callout": "Sect",
        "Table": "Table",
        "Figure": "Figure",
    }
    want = [expected[type(b).__name__] for b in doc.blocks if type(b).__name__ in expected]
    tree = struct_tree(brief_pdf)
    title_block = 4  # organisation, title, subtitle, date line
    got = [k.role[0] if k.role.startswith("H") else k.role for k in tree.kids[title_block:]]
    got = [r for r in got if r != "Caption"]  # a figure's caption follows it
    assert got == want


def test_every_table_has_head_and_body_rows_with_scoped_headers(hindi_pdf: bytes) -> None:
    tree = struct_tree(hindi_pdf)
    (table,) = _roles(tree, "Table")
    assert [k.role for k in table.kids] == ["Caption", "THead", "TBody"]
    head, body = table.kids[1], table.kids[2]
    assert [c.role for c in head.kids[0].kids] == ["TH", "TH"]
    assert all(c.attributes.get("Scope") == "Column" for c in head.kids[0].kids)
    assert len(body.kids) == 70  # every model row once, across the page break
    assert all([c.role for c in row.kids] == ["TD", "TD"] for row in body.kids)
    assert all(c.marks == 1 for row in body.kids for c in row.kids)


def test_repeated_header_rows_are_artifacts(hindi_pdf: bytes) -> None:
    tree = struct_tree(hindi_pdf)
    (table,) = _roles(tree, "Table")
    with pikepdf.open(io.BytesIO(hindi_pdf)) as pdf:
        pages = len(pdf.pages)
    # The header cells own one marked-content sequence each, though drawn on every page.
    assert all(th.marks == 1 for th in table.kids[1].kids[0].kids)
    headers = [
        (page, marking)
        for page in range(1, pages + 1)
        for marking, text in shown_text(hindi_pdf, page)
        if text == "District"
    ]
    first, *repeats = headers
    assert first[1] == "TH"  # read once, where the table starts
    assert repeats and all(marking == "artifact" for _, marking in repeats)
    assert len({page for page, _ in headers}) == len(headers)  # once on each page


def test_figures_have_alt_and_bbox(any_pdf: bytes) -> None:
    figures = _roles(struct_tree(any_pdf), "Figure")
    assert figures
    for fig in figures:
        assert fig.alt and len(fig.alt) > 10
        bbox = fig.attributes["BBox"]
        assert fig.attributes["O"] == "Layout" and len(bbox) == 4
        assert bbox[0] < bbox[2] and bbox[1] < bbox[3]


def test_every_link_annotation_is_in_a_link_with_contents(any_pdf: bytes) -> None:
    tree = struct_tree(any_pdf)
    links = _roles(tree, "Link")
    owned = [annot for link in links for annot in link.annotations]
    pdf = pikepdf.open(io.BytesIO(any_pdf))
    annots = [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
    assert annots and len(owned) == len(annots)
    for annot in annots:
        assert str(annot.Contents).strip()
        assert int(annot.F) & 4  # printed
        assert "/StructParent" in annot
    for page in pdf.pages:
        assert page.obj.Tabs == "/S"


def test_citations_are_references_and_sources_a_list_with_ids(hindi_pdf: bytes) -> None:
    tree = struct_tree(hindi_pdf)
    refs = _roles(tree, "Reference")
    assert len(refs) == 2 and all(r.kids[0].role == "Link" for r in refs)
    assert refs[0].kids[0].alt.startswith("Source 1: NITI Aayog")
    entries = _roles(tree, "BibEntry")
    assert [e.elem_id for e in entries] == ["src-niti", "src-mines"]
    lists = _roles(tree, "L")
    assert any(lst.attributes.get("ListNumbering") == "Decimal" for lst in lists)
    for li in _roles(tree, "LI"):
        assert [k.role for k in li.kids] in (["Lbl", "LBody"], ["LBody"])


def test_key_figures_are_a_list_not_a_layout_table(hindi_pdf: bytes) -> None:
    tree = struct_tree(hindi_pdf)
    sects = _roles(tree, "Sect")
    key = sects[0]
    assert [k.role for k in key.kids] == ["P", "L"]
    assert len(key.kids[1].kids) == 2
    assert len(_roles(tree, "Table")) == 1  # the data table only; boxes are layout


def test_other_language_div_carries_lang(hindi_pdf: bytes) -> None:
    tree = struct_tree(hindi_pdf)
    divs = [d for d in _roles(tree, "Div") if d.lang]
    assert [d.lang for d in divs] == ["hi-IN"]
    assert str(pikepdf.open(io.BytesIO(hindi_pdf)).Root.Lang) == "en-IN"


def test_struct_text_shows_headings_and_cells(hindi_pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler) is not installed")
    path = tmp_path / "h.pdf"
    path.write_bytes(hindi_pdf)
    out = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r'H1 \(block\)\n\s+"Summary"', out)
    assert '"District 69"' in out and '"Allocation (₹ lakh)"' in out
    assert "Page 1 of" not in out  # page furniture is not content


# ---------------------------------------------------------------- text extraction


def test_devanagari_round_trips_through_pdftotext(hindi_pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) is not installed")
    path = tmp_path / "h.pdf"
    path.write_bytes(hindi_pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    squashed = " ".join(text.split())
    assert HINDI in squashed
    assert HINDI_2 in squashed


def test_devanagari_round_trips_through_pdfminer(hindi_pdf: bytes) -> None:
    # pdfminer reads no /ActualText: the ToUnicode map alone gives logical order, because
    # a cluster drawn out of order ("ति" drawn ि, त) has codes of its own.
    from pdfminer.high_level import extract_text

    squashed = " ".join(extract_text(io.BytesIO(hindi_pdf)).split())
    assert HINDI in squashed and HINDI_2 in squashed
    assert "नीति" in squashed and "खनिजों" in squashed
    assert "नीित" not in squashed and "खिनजों" not in squashed


def test_shaped_runs_carry_actual_text(hindi_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(hindi_pdf))
    found = []
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and str(operands[0]) == "/Span":
                found.append(str(operands[1].ActualText))
    spans = " ".join(found)
    assert all(word in spans for word in HINDI.split())  # each shaped word, in logical order


# ---------------------------------------------------------------- metadata and PDF/A


def test_catalog_declares_tagging_language_and_title(any_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(any_pdf))
    root = pdf.Root
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang)
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert "/StructTreeRoot" in root and "/ParentTree" in root.StructTreeRoot
    assert "/Encrypt" not in pdf.trailer


def test_xmp_identifies_pdfa3_and_pdfua1_and_matches_info(any_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(any_pdf))
    assert "/Filter" not in pdf.Root.Metadata.stream_dict
    meta = pdf.open_metadata()
    assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
    assert meta["pdfuaid:part"] == "1"
    assert meta["dc:title"] == str(pdf.docinfo.Title)
    assert meta["pdf:Producer"] == str(pdf.docinfo.Producer)
    info_date = str(pdf.docinfo.CreationDate)  # D:YYYYMMDDhhmmss...
    assert (
        meta["xmp:CreateDate"].replace("-", "").replace(":", "").replace("T", "")[:14]
        == info_date[2:16]
    )


def test_output_intent_is_srgb(any_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(any_pdf))
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1"
    profile = intent.DestOutputProfile
    assert int(profile.N) == 3 and profile.read_bytes()[36:40] == b"acsp"


def _pdfa_findings(data: bytes) -> list[str]:
    pytest.importorskip("pikepdf.pdfa")
    return pdfa_findings(data)


def test_pikepdf_pdfa_validator_finds_only_known_gaps(any_pdf: bytes) -> None:
    assert _pdfa_findings(any_pdf) == []


def test_shaped_glyph_widths_agree_with_font_programs() -> None:
    # A glyph HarfBuzz makes (no Unicode value of its own) first met where GPOS narrows it
    # used to be recorded with that narrowed advance in /Widths (ISO 19005-3 6.2.11.5).
    # Here the same conjuncts and vowel signs appear in many contexts, in two scripts.
    words = "क्षेत्र ज्ञान श्री द्वारा प्रधानमंत्री नीति खनिजों ட்ரா க்ஷ ஸ்ரீ கொள்கை"
    doc = Document(
        Meta(title="Widths", language="hi-IN"),
        tuple(Paragraph(_t(" ".join(words.split()[i:] + words.split()[:i]))) for i in range(6)),
    )
    data = write_pdf(doc)
    assert _pdfa_findings(data) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = [f for p in pdf.pages for f in p.Resources.Font.values()]
        assert any("Devanagari" in str(f.BaseFont) for f in fonts)
        assert any("Tamil" in str(f.BaseFont) for f in fonts)


def test_tagged_output_is_byte_identical(hindi_pdf: bytes) -> None:
    assert write_pdf(_hindi_brief()) == hindi_pdf
