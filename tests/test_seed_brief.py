"""The seed brief end to end: every seed fact in both formats, parity, sound files."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, docx_paragraphs, libreoffice_pdf, need, pdf_pages_text

SEED_TEXT = (ROOT / "tests" / "fixtures" / "seed.txt").read_text(encoding="utf-8")


def normalise(text: str) -> str:
    """Return text with runs of white space folded and typographic quotes made plain."""
    text = text.replace("\u2019", "'").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def seed_sentences() -> list[str]:
    """Return every line of the seed text, bullets stripped, "Rs " written as the rupee sign.

    The brief sets rupee amounts with the rupee sign (Babel's en_IN currency format), so the
    seed's "Rs 16,300 crore" appears as "₹16,300 crore"; nothing else is rewritten.
    """
    lines = [line.lstrip("- ").strip() for line in SEED_TEXT.splitlines()]
    return [normalise(line.replace("Rs ", "₹")) for line in lines if line]


def pdf_text(data: bytes) -> str:
    """Return the whole PDF's text, normalised."""
    return normalise(" ".join(pdf_pages_text(data)))


def docx_text(data: bytes) -> str:
    """Return the whole DOCX's text (body and tables), normalised."""
    return normalise(" ".join(text for _, text in docx_paragraphs(data)))


@pytest.fixture(scope="module")
def texts(seed_brief) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Return the normalised text of each format of the seed brief."""
    return {
        "pdf": pdf_text(seed_brief.outputs["pdf"]),
        "docx": docx_text(seed_brief.outputs["docx"]),
    }


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_every_seed_line_appears_exactly(texts: dict[str, str], fmt: str) -> None:
    missing = [s for s in seed_sentences() if s not in texts[fmt]]
    assert missing == [], f"{fmt} lacks seed text: {missing}"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_derived_figures_appear(texts: dict[str, str], fmt: str, seed_path: Path) -> None:
    from reportgen.facts import load_facts

    table = load_facts(seed_path).budget_table()
    derived = [row.reporting for row in table.rows] + [row.native for row in table.rows]
    derived += [row.share for row in table.rows if row.share]
    derived += [row.per_year for row in table.rows if row.per_year]
    if table.total is not None:
        derived.append(table.total.reporting)
    derived += table.rate_notes
    assert "42.9%" in derived
    missing = [d for d in derived if normalise(d) not in texts[fmt]]
    assert missing == [], f"{fmt} lacks derived figures: {missing}"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_timeline_and_sources_appear(texts: dict[str, str], fmt: str, seed_path: Path) -> None:
    from reportgen.facts import load_facts

    facts = load_facts(seed_path)
    wanted = [e.date.display for e in facts.timeline] + [e.event for e in facts.timeline]
    wanted += [s.title for s in facts.sources] + [s.publisher for s in facts.sources]
    missing = [w for w in wanted if normalise(w) not in texts[fmt]]
    assert missing == []


MONEY = re.compile(r"[₹$][\d,.]+(?: (?:crore|lakh|million|billion))?|\d+(?:\.\d+)?%|\[\d+\]")


def test_same_numbers_and_citations_in_both_formats(texts: dict[str, str], seed_path: Path) -> None:
    from reportgen.facts import load_facts
    from reportgen.model import Figure
    from reportgen.templating import build_document
    from reportgen.writers.charts import chart_text

    # The PDF draws charts as vector text; the DOCX holds the same chart as a picture, so
    # the figures' own labels are counted out of the PDF before comparing.
    doc = build_document(load_facts(seed_path))
    charts = " ".join(chart_text(b.chart) for b in doc.blocks if isinstance(b, Figure))
    pdf_tokens = Counter(MONEY.findall(texts["pdf"])) - Counter(MONEY.findall(charts))
    docx_tokens = Counter(MONEY.findall(texts["docx"]))
    assert pdf_tokens["₹16,300 crore"] >= 3 and pdf_tokens["[1]"] >= 1
    assert pdf_tokens == docx_tokens


def test_same_headings_in_both_formats(seed_brief) -> None:  # type: ignore[no-untyped-def]
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(seed_brief.outputs["pdf"]))

    def titles(outline: list) -> list[str]:  # type: ignore[type-arg]
        out: list[str] = []
        for item in outline:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out

    pdf_headings = [normalise(t) for t in titles(reader.outline)]
    docx_headings = [
        normalise(text)
        for style, text in docx_paragraphs(seed_brief.outputs["docx"])
        if style.startswith("Heading")
    ]
    assert len(docx_headings) >= 6
    assert pdf_headings == docx_headings


def test_pdf_is_sound(seed_brief, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pikepdf

    path = tmp_path / "brief.pdf"
    path.write_bytes(seed_brief.outputs["pdf"])
    with pikepdf.open(path) as pdf:
        assert pdf.check_pdf_syntax() == []
        info = pdf.docinfo
        assert str(info["/Title"]) == "India-US Cooperation on Critical Minerals"
        assert str(info.get("/Author", ""))
        assert len(pdf.open_outline().root) >= 6
    fonts = subprocess.run(
        [need("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), fonts
    assert subprocess.run([need("qpdf"), "--check", str(path)], capture_output=True).returncode == 0


def test_policy_brief_fits_its_page_range(seed_brief) -> None:  # type: ignore[no-untyped-def]
    assert 3 <= seed_brief.pages["pdf"] <= 5


def test_fact_sheet_fits_one_page(seed_path: Path) -> None:
    from reportgen.build import build_brief

    brief = build_brief(seed_path, formats=("pdf",), template="fact-sheet")
    assert brief.pages["pdf"] == 1


def test_docx_reopens_and_converts(seed_brief, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "brief.docx"
    path.write_bytes(seed_brief.outputs["docx"])
    converted = libreoffice_pdf(path)
    assert converted.stat().st_size > 10_000
    assert "Key Highlights" in normalise(" ".join(pdf_pages_text(converted.read_bytes())))


def test_pandoc_reads_the_docx(seed_brief, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "brief.docx"
    path.write_bytes(seed_brief.outputs["docx"])
    out = subprocess.run(
        [need("pandoc"), "-f", "docx", "-t", "plain", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "Minerals Security Finance Network" in normalise(out)


INJECTIONS = [
    "<font color=\"[[[getattr(pow, 'x')]]]\">x</font>",
    '<img src="/etc/passwd"/>',
    '<a href="javascript:alert(1)">click</a>',
    "Fish & chips < crisps > peas",
    "*not emphasis* [not a link](javascript:x) # not a heading",
]


def test_markup_in_facts_stays_literal(seed_path: Path, tmp_path: Path) -> None:
    from reportgen.build import build_brief

    data = yaml.safe_load(seed_path.read_text(encoding="utf-8"))
    data["key_messages"] = data["key_messages"][:1] + INJECTIONS[:4]
    data["sections"][0]["paragraphs"].append(INJECTIONS[4])
    facts = tmp_path / "inject.yaml"
    facts.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    brief = build_brief(facts, formats=("pdf", "docx"))
    for text in (pdf_text(brief.outputs["pdf"]), docx_text(brief.outputs["docx"])):
        for injection in INJECTIONS:
            assert normalise(injection) in text
    assert all(uri.startswith(("http://", "https://", "mailto:")) for uri in link_uris(brief))


def link_uris(brief) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the URI of every link annotation in the brief's PDF."""
    import pypdf

    uris = []
    for page in pypdf.PdfReader(io.BytesIO(brief.outputs["pdf"])).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_seed_brief_has_live_links(seed_brief) -> None:  # type: ignore[no-untyped-def]
    assert any(uri.startswith("https://") for uri in link_uris(seed_brief))
