"""A generated corpus of briefs (tests/corpus.py), each built in both formats and checked.

For each: both formats build and reopen; every character is drawn by an embedded font that
has its glyph (text operators read back through pikepdf, fonts' cmaps through fontTools);
pdftotext finds every Latin text; no page but the last is more than 60% empty; the page
budget holds or the warning says so. A few briefs run by default (CI); set
REPORTGEN_CORPUS=N for N more, with up to 1,000 budget lines each.
"""

from __future__ import annotations

import io
import os
import random

import docx
import pytest

from reportgen.build import build_brief
from reportgen.facts import parse_facts
from tests.briefcheck import collapse, latin_phrases, near_empty_pages, pdf_text, undrawable
from tests.corpus import facts_yaml

DEFAULT = [(1, 0), (2, 12), (7, 100), (4, 250)]  # (seed, budget lines)
EXTRA = int(os.environ.get("REPORTGEN_CORPUS", "0") or 0)
_pick = random.Random(2024)
MORE = [(1000 + i, _pick.randint(0, 1000)) for i in range(EXTRA)]
CASES = [pytest.param(*case, id=f"seed{case[0]}-{case[1]}lines") for case in DEFAULT] + [
    pytest.param(*case, id=f"seed{case[0]}-{case[1]}lines", marks=pytest.mark.slow) for case in MORE
]


@pytest.mark.parametrize(("seed", "lines"), CASES)
def test_generated_brief(seed: int, lines: int) -> None:
    text = facts_yaml(seed, lines).encode()
    facts = parse_facts(text)
    brief = build_brief(text, ("pdf", "docx"))
    pdf = brief.outputs["pdf"]

    assert undrawable(pdf) == []
    found = pdf_text(pdf)
    texts = [facts.meta.title, *facts.key_messages, *(s.heading for s in facts.sections)]
    assert [t for t in latin_phrases(texts) if collapse(t) not in found] == []
    assert near_empty_pages(pdf) == []
    within = 3 <= brief.pages["pdf"] <= 5
    assert within == (brief.warnings == ()), brief.warnings
    document = docx.Document(io.BytesIO(brief.outputs["docx"]))
    opening = " ".join(p.text for p in document.paragraphs[:4])
    assert collapse(facts.meta.title) in collapse(opening)
