"""Figures placed by templates: a budget chart stays readable however long the budget."""

from __future__ import annotations

from pathlib import Path

import yaml

from reportgen.facts import load_facts
from reportgen.model import Figure
from reportgen.templating import build_document
from reportgen.templating.figures import MAX_BARS, budget_bar_chart
from tests.helpers import seed_data


def facts_with_lines(tmp_path: Path, count: int):  # type: ignore[no-untyped-def]
    """Return the seed facts with `count` extra US programmes of growing size."""
    data = seed_data()
    for i in range(count):
        data["budget"]["programmes"].append(
            {"id": f"p{i}", "name": f"Programme {i}", "owner": "United States",
             "amount": 10 + i, "currency": "USD", "scale": "million",
             "source": "energy-act-2020"}
        )  # fmt: skip
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_facts(path)


def test_seed_chart_has_every_line(seed_path: Path) -> None:
    chart = budget_bar_chart(load_facts(seed_path))
    assert [b.label for b in chart.bars] == [
        "Critical Minerals and Materials (CMM) program",
        "National Critical Minerals Mission",
        "Exploration",
    ]
    assert chart.bars[2].parent == "National Critical Minerals Mission"


def test_long_budget_charts_the_largest_programmes_with_their_parts(tmp_path: Path) -> None:
    facts = facts_with_lines(tmp_path, 40)
    chart = budget_bar_chart(facts)
    labels = [b.label for b in chart.bars]
    assert len(labels) == MAX_BARS
    # NCMM ($1.88 billion) and its part come first in size; then the largest programmes.
    assert "National Critical Minerals Mission" in labels and "Exploration" in labels
    assert "Programme 39" in labels and "Programme 0" not in labels


def test_caption_says_when_the_chart_shows_only_the_largest(tmp_path: Path) -> None:
    doc = build_document(facts_with_lines(tmp_path, 40))
    figure = next(b for b in doc.blocks if isinstance(b, Figure))
    caption = "".join(getattr(i, "text", "") for i in figure.caption)
    assert f"the {MAX_BARS - 1} largest of 42 programmes" in caption
