"""Derived budget figures: conversions both ways, shares, per-year averages, totals, notes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.errors import FactsError
from reportgen.facts import Facts, parse_facts

HEAD = """\
meta: {title: Budget test, date: 2025-02-28, language: en-IN}
key_messages: [One., Two., Three.]
sections: [{heading: H, summary: S.}]
sources:
  - id: fbil
    title: Reference rate
    publisher: Financial Benchmarks India (FBIL)
    date: 2025-02-13
exchange_rates:
  - {from: USD, to: INR, rate: 86.83, date: 2025-02-13, source: fbil}
"""

SEED_BUDGET = """\
budget:
  reporting_currency: USD
  total: [cmm, ncmm]
  programmes:
    - {id: cmm, name: CMM, owner: United States, amount: 675, currency: USD, scale: million}
    - id: ncmm
      name: NCMM
      owner: India
      amount: 16300
      currency: INR
      scale: crore
      period: {start: 2024, years: 7, fiscal: true}
    - {id: expl, name: Exploration, parent: ncmm, amount: 7000, currency: INR, scale: crore}
"""


def load(budget: str, extra: str = "") -> Facts:
    """Return facts with the given budget block (and extra top-level YAML)."""
    return parse_facts(HEAD + budget + extra, "budget.yaml")


def test_rupees_to_dollars_and_dollars_to_rupees_via_placeholders() -> None:
    text = 'key_messages: ["{ncmm} is {ncmm.usd}", "{cmm} is {cmm.inr}", "{{literal}} {cmm.usd}"]'
    facts = parse_facts(HEAD.replace("key_messages: [One., Two., Three.]", text) + SEED_BUDGET)
    assert facts.key_messages == [
        "₹16,300 crore is $1.88 billion",
        "$675 million is ₹5,861 crore",
        "{literal} $675 million",
    ]


def test_share_of_parent() -> None:
    rows = {r.id: r for r in load(SEED_BUDGET).budget_table().rows}
    assert rows["expl"].share == "42.9%"
    assert rows["ncmm"].share == ""
    assert rows["cmm"].share == ""


def test_of_which_line_inherits_the_parent_period() -> None:
    rows = {r.id: r for r in load(SEED_BUDGET).budget_table().rows}
    assert rows["ncmm"].period == "2024-25 to 2030-31 (7\u00a0years)"  # no break inside "7 years"
    assert rows["ncmm"].per_year == "₹2,329 crore"
    assert rows["expl"].period == "2024-25 to 2030-31 (7\u00a0years)"  # no break inside "7 years"
    assert rows["expl"].per_year == "₹1,000 crore"
    assert rows["cmm"].period == ""
    assert rows["cmm"].per_year == ""


def test_reporting_values_are_exact_decimals() -> None:
    rows = {r.id: r for r in load(SEED_BUDGET).budget_table().rows}
    assert rows["ncmm"].native_value == Decimal("163000000000")
    assert rows["ncmm"].reporting_value == Decimal("163000000000") / Decimal("86.83")
    assert rows["cmm"].reporting_value == Decimal("675000000")
    assert (rows["ncmm"].native, rows["ncmm"].reporting) == ("₹16,300 crore", "$1.88 billion")
    assert (rows["cmm"].native, rows["cmm"].reporting) == ("$675 million", "$675 million")


def test_rows_put_of_which_lines_under_their_parent() -> None:
    budget = SEED_BUDGET.replace(
        "    - {id: cmm,",
        "    - {id: late, name: Late, parent: cmm, amount: 5, currency: USD,"
        " scale: million}\n    - {id: cmm,",
    )
    table = load(budget).budget_table()
    assert [(r.id, r.level) for r in table.rows] == [
        ("cmm", 0),
        ("late", 1),
        ("ncmm", 0),
        ("expl", 1),
    ]
    assert table.rows[1].share == "0.7%"


def test_total_of_top_level_lines_in_reporting_currency() -> None:
    total = load(SEED_BUDGET).budget_table().total
    assert total is not None
    assert total.reporting == "$2.55 billion"
    assert total.native == ""  # mixed currencies have no single native total
    assert total.level == 0


def test_no_total_for_a_single_programme() -> None:
    budget = SEED_BUDGET.split("    - {id: cmm")[0] + SEED_BUDGET.split("scale: million}\n")[1]
    budget = budget.replace("  total: [cmm, ncmm]\n", "")
    table = load(budget).budget_table()
    assert [r.id for r in table.rows] == ["ncmm", "expl"]
    assert table.total is None


def test_rate_note_names_rate_publisher_and_date() -> None:
    table = load(SEED_BUDGET).budget_table()
    assert [str(n) for n in table.rate_notes] == [
        "Converted at ₹86.83 per US dollar, the rate published by Financial Benchmarks"
        " India (FBIL) for 13 February 2025."
    ]
    assert table.rate_notes[0].sources == ("fbil",)
    assert table.reporting_currency == "USD"


def test_no_rate_note_when_nothing_is_converted() -> None:
    budget = "budget:\n  reporting_currency: INR\n  programmes:\n" + (
        "    - {id: a, name: A, amount: 10, currency: INR, scale: crore}\n"
        "    - {id: b, name: B, amount: 25, currency: INR, scale: lakh}\n"
    )
    table = load(budget).budget_table()
    assert table.rate_notes == []
    assert table.total is not None
    assert (table.total.native, table.total.reporting) == ("₹10.3 crore", "₹10.3 crore")


def test_rupee_reporting_currency_uses_crore() -> None:
    budget = SEED_BUDGET.replace("reporting_currency: USD", "reporting_currency: INR")
    table = load(budget).budget_table()
    rows = {r.id: r for r in table.rows}
    assert rows["cmm"].reporting == "₹5,861 crore"
    assert rows["ncmm"].reporting == "₹16,300 crore"
    assert table.total is not None and table.total.reporting == "₹22,161 crore"
    assert table.rate_notes[0].startswith("Converted at ₹86.83 per US dollar")


def test_calendar_period_and_one_year_period() -> None:
    budget = SEED_BUDGET.replace("years: 7, fiscal: true", "years: 1")
    rows = {r.id: r for r in load(budget).budget_table().rows}
    assert rows["ncmm"].period == "2024 (1\u00a0year)"
    assert rows["ncmm"].per_year == ""  # one year's average is its amount: not repeated
    budget = SEED_BUDGET.replace("years: 7, fiscal: true", "years: 3")
    rows = {r.id: r for r in load(budget).budget_table().rows}
    assert rows["ncmm"].period == "2024 to 2026 (3\u00a0years)"
    assert rows["ncmm"].per_year == "₹5,433 crore"


@pytest.mark.parametrize(
    ("fiscal", "expected"),
    [
        ("true", "2024-25 to 2026-27 (3\u00a0years)"),  # India, April-March
        ("april", "2024-25 to 2026-27 (3\u00a0years)"),
        ("july", "2024-25 to 2026-27 (3\u00a0years)"),  # Bangladesh, Pakistan
        ("mid-july", "2024-25 to 2026-27 (3\u00a0years)"),  # Nepal
        ("october", "FY2025 to FY2027 (3\u00a0years)"),  # US federal: named by its end
        ("calendar", "2024 to 2026 (3\u00a0years)"),
    ],
)
def test_fiscal_years_other_than_april_to_march(fiscal: str, expected: str) -> None:
    budget = SEED_BUDGET.replace("years: 7, fiscal: true", f"years: 3, fiscal: {fiscal}")
    rows = {r.id: r for r in load(budget).budget_table().rows}
    assert rows["ncmm"].period == expected


def test_an_unknown_fiscal_year_names_the_field() -> None:
    budget = SEED_BUDGET.replace("years: 7, fiscal: true", "years: 3, fiscal: march")
    with pytest.raises(FactsError) as info:
        load(budget)
    assert any("fiscal" in p.path for p in info.value.problems)


def test_highlight_from_budget_line() -> None:
    extra = "highlights:\n  - {budget: ncmm, label: Mission}\n  - {value: '{ncmm.usd}', label: M}\n"
    facts = load(SEED_BUDGET, extra)
    assert [h.value for h in facts.highlights] == ["₹16,300 crore", "$1.88 billion"]
    assert facts.highlights[0].budget == "ncmm"


def test_rate_given_the_other_way_round_converts_the_same() -> None:
    inverse = HEAD.replace(
        "{from: USD, to: INR, rate: 86.83", "{from: INR, to: USD, rate: 0.011516757"
    )
    facts = parse_facts(inverse + SEED_BUDGET)
    rows = {r.id: r for r in facts.budget_table().rows}
    assert rows["ncmm"].reporting == "$1.88 billion"


def test_auto_total_never_adds_lines_of_different_owners() -> None:
    budget = SEED_BUDGET.replace("  total: [cmm, ncmm]\n", "")
    assert load(budget).budget_table().total is None  # United States + India: unlike
    same = budget.replace("owner: United States", "owner: India")
    total = load(same).budget_table().total
    assert total is not None and total.reporting == "$2.55 billion" and total.owner == "India"


def test_total_none_and_an_unknown_total_line() -> None:
    assert load(SEED_BUDGET.replace("[cmm, ncmm]", "none")).budget_table().total is None
    with pytest.raises(FactsError) as info:
        load(SEED_BUDGET.replace("[cmm, ncmm]", "[cmm, expl]"))
    (problem,) = info.value.problems
    assert problem.path == "budget" and "'expl', which is not a top-level" in problem.message


def test_owner_column_is_named_for_what_it_holds() -> None:
    assert load(SEED_BUDGET).budget_table().owner_label == "Country"
    bank = SEED_BUDGET.replace("owner: United States", "owner: World Bank")
    assert load(bank).budget_table().owner_label == "Funded by"
    named = bank.replace("  total: [cmm, ncmm]\n", "  owner_label: Lender\n")
    assert load(named).budget_table().owner_label == "Lender"


EURO_RATE = "  - {from: EUR, to: USD, rate: 1.08, date: 2025-02-13, source: ecb}\n"
EURO_SOURCE = "  - {id: ecb, title: Euro rates, publisher: ECB, date: 2025-02-13}\n"
EURO_HEAD = HEAD.replace("exchange_rates:\n", "exchange_rates:\n" + EURO_RATE).replace(
    "sources:\n", "sources:\n" + EURO_SOURCE
)


def test_cross_rate_goes_through_the_dollar_and_says_so() -> None:
    head = EURO_HEAD
    budget = SEED_BUDGET.replace("reporting_currency: USD", "reporting_currency: EUR")
    facts = parse_facts(head + budget)
    table = facts.budget_table()
    rows = {r.id: r for r in table.rows}
    # 16,300 crore / 86.83 INR per USD / 1.08 USD per EUR
    assert rows["ncmm"].reporting == "€1.74 billion"
    notes = [str(n) for n in table.rate_notes]
    assert notes[0] == (
        "Indian rupees are converted to euros through US dollars, at the rates below."
    )
    assert table.rate_notes[0].sources == ("fbil", "ecb")
    assert {n.sources for n in table.rate_notes[1:]} == {("fbil",), ("ecb",)}


def test_a_rate_used_only_in_text_gets_its_note() -> None:
    head = EURO_HEAD.replace(
        "sections: [{heading: H, summary: S.}]",
        "sections: [{heading: H, summary: 'About {cmm.eur}.'}]",
    )
    facts = parse_facts(head + SEED_BUDGET)
    assert facts.sections[0].summary == "About €625 million."
    sources = [n.sources for n in facts.budget_table().rate_notes]
    assert ("ecb",) in sources  # the table (in USD) never used the euro rate; the text did
