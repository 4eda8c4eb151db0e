"""The benchmark harness measures what it says: fresh content, the same brief for each peer."""

from __future__ import annotations

import io

import pytest

from benchmarks import bench, variants
from reportgen.facts import parse_facts


def test_fresh_seed_changes_the_title_and_every_amount() -> None:
    one, two = parse_facts(variants.fresh_seed(1)), parse_facts(variants.fresh_seed(2))
    assert one.meta.title != two.meta.title
    pairs = zip(one.budget.programmes, two.budget.programmes, strict=True)
    assert all(a.amount != b.amount for a, b in pairs)


def test_fresh_seeds_never_repeat_a_title() -> None:
    titles = {parse_facts(variants.fresh_seed(n)).meta.title for n in range(0, 3000, 997)}
    assert len(titles) == len(range(0, 3000, 997))


def test_large_brief_has_fifty_sections_and_the_lines_asked_for() -> None:
    facts = parse_facts(variants.dump(variants.large(120, 7)))
    assert len(facts.sections) == 50
    assert len(facts.budget.programmes) == 120
    assert "variant 7" in facts.meta.title


def test_interleave_rotates_the_order_and_gives_each_call_a_new_number() -> None:
    calls: list[tuple[str, int]] = []
    contenders = {name: (lambda n, name=name: calls.append((name, n))) for name in "ABC"}
    samples = bench.interleave(contenders, rounds=3)
    measured = calls[3:]  # after one warm-up call each
    assert [name for name, _ in measured] == list("ABCBCACAB")
    assert len({n for _, n in calls}) == len(calls)
    assert all(len(samples[name]) == 3 for name in "ABC")


def test_stats_gives_median_and_spread() -> None:
    s = bench.stats([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (s["median"], s["min"], s["max"]) == (3.0, 1.0, 5.0)
    assert s["q1"] <= s["median"] <= s["q3"]


def test_typst_reference_brief_carries_the_varied_title_and_amounts() -> None:
    pytest.importorskip("typst")
    from pypdf import PdfReader

    from benchmarks.peers.render import TypstBrief

    pdf = TypstBrief()(variants.fresh_seed(41))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "(variant 41)" in text
    assert "$717 million" in text  # 675 + 1 + 41


def test_reportlab_reference_brief_renders_the_budget_table() -> None:
    from pypdf import PdfReader

    from benchmarks.peers.render import ReportlabBrief

    pdf = ReportlabBrief()(variants.fresh_seed(41))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "(variant 41)" in text
    assert "16,342 crore" in text  # 16300 + 1 + 41, grouped the Indian way


def test_docxtpl_reference_brief_fills_every_loop() -> None:
    pytest.importorskip("docxtpl")
    import docx

    from benchmarks.peers.render import docxtpl_brief

    document = docx.Document(io.BytesIO(docxtpl_brief(variants.fresh_seed(41))))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "(variant 41)" in text
    assert "{%" not in text and "{{" not in text
    assert "₹16,342 crore" in cells
