"""The seed facts carry every fact of the seed text, and the derived figures are right."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.facts import Facts, load_facts, summary_line

SEED = Path(__file__).resolve().parents[2] / "facts" / "india-us-critical-minerals.yaml"


@pytest.fixture(scope="module")
def facts() -> Facts:
    """Return the loaded seed facts."""
    return load_facts(SEED)


def all_text(facts: Facts) -> str:
    """Return every text of the facts, resolved, joined by newlines."""
    parts: list[str] = [facts.meta.title, facts.meta.subtitle or "", *facts.key_messages]
    for h in facts.highlights:
        parts += [h.value or "", h.label, h.context or ""]

    def section_text(sections: list) -> None:
        for s in sections:
            parts.extend([s.heading, s.summary or "", *s.paragraphs])
            parts.extend(p.text for p in s.points)
            section_text(s.subsections)

    section_text(facts.sections)
    parts += [e.event for e in facts.timeline]
    parts += [line.name for line in facts.budget.lines]
    return "\n".join(parts)


@pytest.mark.parametrize(
    "name",
    [
        "Transforming Relationship Utilizing Strategic Technology (TRUST)",
        "Minerals Security Partnership",
        "Minerals Security Finance Network",
        "Critical Minerals and Materials",
        "National Critical Minerals Mission",
        "Prime Minister Narendra Modi's visit to Washington",
        "lithium and rare earth elements (REEs)",
        "neodymium and lithium",
        "active pharmaceutical ingredients (APIs)",
        "second-largest manufacturer of APIs, after China",
        "nearly 70% of global REE production",
        "heavy rare earths",
        "defense, AI, semiconductors, quantum computing, biotechnology, energy, and space",
        "Reduce barriers to technology transfer and address export controls.",
        "Enhance high-tech commerce between the two nations.",
        "critical minerals, advanced materials, and pharmaceuticals",
    ],
)
def test_seed_name_is_in_the_facts(facts: Facts, name: str) -> None:
    assert name in all_text(facts)


def test_seed_figures_are_in_the_text(facts: Facts) -> None:
    text = all_text(facts)
    assert "The US authorized $675 million for the Critical Minerals" in text
    assert "a budget of ₹16,300 crore over seven years, with ₹7,000 crore allocated" in text
    assert "~70%" in text
    assert "2nd" in text


def test_seed_budget_lines(facts: Facts) -> None:
    lines = {line.id: line for line in facts.budget.lines}
    assert (lines["cmm"].amount, lines["cmm"].currency, lines["cmm"].scale) == (
        Decimal(675),
        "USD",
        "million",
    )
    assert lines["ncmm"].full_value == Decimal("163000000000")
    assert lines["ncmm"].period is not None and lines["ncmm"].period.years == 7
    assert lines["ncmm-exploration"].parent == "ncmm"
    assert lines["ncmm-exploration"].full_value == Decimal("70000000000")


def test_seed_budget_table(facts: Facts) -> None:
    table = facts.budget_table()
    rows = {row.id: row for row in table.rows}
    assert [r.id for r in table.rows] == ["cmm", "ncmm", "ncmm-exploration"]
    assert rows["cmm"].native == "$675 million"
    assert rows["ncmm"].native == "₹16,300 crore"
    assert rows["ncmm"].reporting == "$1.88 billion"
    assert rows["ncmm"].period == "2024-25 to 2030-31 (7\u00a0years)"  # no break inside "7 years"
    assert rows["ncmm"].per_year == "₹2,329 crore"
    assert rows["ncmm-exploration"].share == "42.9%"
    assert rows["ncmm-exploration"].level == 1
    assert rows["ncmm-exploration"].reporting == "$806 million"
    assert table.total is not None and table.total.reporting == "$2.55 billion"
    assert table.rate_notes == [
        "Converted at ₹86.83 per US dollar, the rate published by Financial Benchmarks"
        " India (FBIL) for 13 February 2025."
    ]


def test_seed_dates(facts: Facts) -> None:
    assert facts.meta.date == datetime.date(2025, 2, 28)
    assert facts.meta.date_display == "28 February 2025"
    shown = [(e.date.display, e.date.sort_key) for e in facts.timeline]
    assert shown[0] == ("2020", (2020, 0, 0))
    assert shown[1] == ("2023", (2023, 0, 0))
    assert shown[-1] == ("February 2025", (2025, 2, 0))
    rate = facts.exchange_rates[0]
    assert (rate.from_, rate.to, rate.rate, rate.date) == (
        "USD",
        "INR",
        Decimal("86.83"),
        datetime.date(2025, 2, 13),
    )


def test_seed_highlight_values(facts: Facts) -> None:
    values = [h.value for h in facts.highlights]
    assert values == ["~70%", "₹16,300 crore", "$675 million", "2nd"]


def test_seed_sources_are_numbered_and_all_cited(facts: Facts) -> None:
    assert [s.number for s in facts.sources] == list(range(1, len(facts.sources) + 1))
    assert facts.source_number("fbil-2025-02-13") == 6
    assert facts.sources[0].date_display == "13 February 2025"
    assert facts.warnings == []


def test_seed_meta_and_summary(facts: Facts) -> None:
    assert facts.meta.slug == "india-us-critical-minerals"
    assert facts.meta.template == "policy-brief"
    assert facts.meta.page_size == "A4"
    assert summary_line(facts) == (
        "india-us-critical-minerals: 6 sections, 3 budget lines, 7 sources, 4 events"
    )


def test_facts_dump_to_json_with_iso_dates(facts: Facts) -> None:
    import json

    dumped = json.loads(facts.model_dump_json(by_alias=True))
    assert dumped["timeline"][2]["date"] == "2025-01"
    assert dumped["sources"][1]["date"] == "2023"
    assert dumped["exchange_rates"][0]["from"] == "USD"
    assert dumped["budget"]["programmes"][1]["amount"] == "16300"


def test_facts_keep_the_bytes_they_came_from(facts: Facts) -> None:
    assert facts.source_bytes == SEED.read_bytes()
    assert facts.file == str(SEED)
