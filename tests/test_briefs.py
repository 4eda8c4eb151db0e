"""Three realistic briefs of our own (not the seed), built in both formats and read back.

EU-India hydrogen (EUR/INR/USD, en-GB), South Asia power trade (NPR/INR/BDT/USD with
Devanagari and Bengali) and a 275-line Tamil Nadu budget annex (Tamil district names).
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from reportlab.pdfgen.canvas import Canvas

from reportgen.build import build_brief
from reportgen.facts import load_facts
from reportgen.theme import FONT_DIR
from reportgen.writers.pdf.fonts import register_font
from tests.briefcheck import collapse, latin_phrases, near_empty_pages, pdf_text, undrawable

BRIEFS = sorted((Path(__file__).parent / "briefs").glob("*.yaml"))


@pytest.fixture(scope="module", params=BRIEFS, ids=[p.stem for p in BRIEFS])
def built(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Return (facts, built brief) of one of the briefs, in both formats."""
    path = request.param
    return load_facts(path), build_brief(path, ("pdf", "docx"))


def _texts(facts) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the texts of a brief a reader must find: title, messages, headings, names."""
    texts = [facts.meta.title, *facts.key_messages]
    for section in facts.sections:
        texts += [section.heading, section.summary or ""]
    texts += [line.name for line in facts.budget.programmes[:20]]
    return [t for t in texts if t]


def test_every_character_is_drawn_by_a_font_that_has_it(built) -> None:  # type: ignore[no-untyped-def]
    _facts, brief = built
    assert undrawable(brief.outputs["pdf"]) == []


def test_pdftotext_finds_every_latin_text(built) -> None:  # type: ignore[no-untyped-def]
    facts, brief = built
    text = pdf_text(brief.outputs["pdf"])
    missing = [t for t in latin_phrases(_texts(facts)) if collapse(t) not in text]
    assert missing == []


def test_no_page_but_the_last_is_more_than_60_percent_empty(built) -> None:  # type: ignore[no-untyped-def]
    _facts, brief = built
    assert near_empty_pages(brief.outputs["pdf"]) == []


def test_page_budget_holds_or_the_warning_says_so(built) -> None:  # type: ignore[no-untyped-def]
    _facts, brief = built
    pages = brief.pages["pdf"]
    assert (3 <= pages <= 5) == (brief.warnings == ())


def test_docx_reopens_with_every_text(built) -> None:  # type: ignore[no-untyped-def]
    facts, brief = built
    document = docx.Document(io.BytesIO(brief.outputs["docx"]))
    body = collapse(" ".join(p.text for p in document.paragraphs))
    cells = collapse(" ".join(c.text for t in document.tables for row in t.rows for c in row.cells))
    missing = [t for t in _texts(facts) if collapse(t) not in body + " " + cells]
    assert missing == []


def test_the_font_check_catches_a_box() -> None:
    # The taka sign drawn in Noto Sans (which lacks it) is what 0.1 did: the check must see it.
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(register_font(FONT_DIR / "NotoSans-Regular.ttf"), 12)
    canvas.drawString(72, 720, "Taka ৳1,101")
    canvas.save()
    assert undrawable(buffer.getvalue()) == [
        "NotoSans-Regular: a character it has no glyph for (.notdef drawn)"
    ]


def test_the_annex_fact_sheet_keeps_its_largest_lines_and_says_how_many_more() -> None:
    annex = next(p for p in BRIEFS if "annex" in p.stem)
    brief = build_brief(annex, ("pdf",), template="fact-sheet")
    text = pdf_text(brief.outputs["pdf"])
    lines = load_facts(annex).budget.programmes
    assert f"and {len(lines) - 6} more, in the full brief" in text


@pytest.mark.parametrize("path", BRIEFS, ids=[p.stem for p in BRIEFS])
def test_each_fact_sheet_fits_its_one_page_with_every_source(path: Path) -> None:
    # 9 to 12 sources and up to 275 budget lines: the fact sheet shrinks (six budget rows,
    # one rate note, sources small in two columns) instead of spilling onto a near-empty page.
    facts = load_facts(path)
    brief = build_brief(path, ("pdf", "docx"), template="fact-sheet")
    assert brief.pages["pdf"] == 1 and brief.warnings == ()
    text = pdf_text(brief.outputs["pdf"])
    titles = [s.title for s in facts.sources]
    assert [t for t in latin_phrases(titles) if collapse(t) not in text] == []
    document = docx.Document(io.BytesIO(brief.outputs["docx"]))
    compact = [p for p in document.paragraphs if p.style.name == "Compact List"]
    assert len(compact) == len(facts.sources)
