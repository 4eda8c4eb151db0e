"""Word's Accessibility Checker rules that can be read from the XML find nothing in the DOCX
of any bundled template, test brief, Hindi view or diglot (tests/docxcheck.py lists them),
and the checker itself finds each fault in a document made to have it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Inches

from reportgen.build import build_brief
from tests.conftest import ROOT, SEED
from tests.docxcheck import accessibility_problems
from tests.unit.test_facts_languages import BILINGUAL

TEMPLATES = sorted(p.parent.name for p in (ROOT / "templates").glob("*/template.yaml"))
BRIEFS = sorted((ROOT / "tests" / "briefs").glob("*.yaml"))
CASES: dict[str, dict[str, Any]] = {
    **{f"seed-{t}": {"facts": SEED, "template": t} for t in TEMPLATES},
    **{f"seed-{t}-hi": {"facts": SEED, "template": t, "language": "hi-IN"} for t in TEMPLATES},
    "seed-diglot": {"facts": SEED, "diglot": "stacked"},
    **{b.stem: {"facts": b} for b in BRIEFS},
    "bilingual-hi": {"facts": "water", "language": "hi-IN"},
    "diglot-columns": {"facts": "water", "diglot": "columns"},
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_word_accessibility_rules_find_nothing(case: str, tmp_path: Path) -> None:
    options = dict(CASES[case])
    facts = options.pop("facts")
    if facts == "water":
        facts = tmp_path / "water.yaml"
        facts.write_text(BILINGUAL, encoding="utf-8")
    data = build_brief(facts, "docx", **options).outputs["docx"]
    assert accessibility_problems(data) == []


def _faulty() -> bytes:
    """Return a DOCX with one of each fault the checker knows."""
    from PIL import Image

    document = docx.Document()
    document.add_paragraph("Skipped", style="Heading 2")
    document.add_paragraph("two  spaces")
    document.add_paragraph("")
    document.add_paragraph("")
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, "PNG")
    document.add_picture(io.BytesIO(png.getvalue()), width=Inches(1))
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1))
    document.core_properties.title = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_checker_finds_each_fault() -> None:
    found = "\n".join(accessibility_problems(_faulty()))
    assert "missing alternative text" in found
    assert "missing table header" in found and "merged or split cells" in found
    assert "heading level 2 after level 0" in found
    assert "repeated blank characters: 'two  spaces'" in found
    assert "two empty paragraphs in a row" in found
    assert "document title missing" in found
