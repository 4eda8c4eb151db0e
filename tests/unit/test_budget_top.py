"""BudgetTable.top: a fact sheet's cut of the budget table, at most n rows."""

from __future__ import annotations

from decimal import Decimal

from reportgen.facts.budget_table import BudgetRow, BudgetTable


def _row(id_: str, value: int, parent: str | None = None) -> BudgetRow:
    """Return a row worth `value` in the reporting currency (a part when `parent` is given)."""
    amount = Decimal(value)
    return BudgetRow(id=id_, name=id_, owner="", level=1 if parent else 0, parent=parent,
                     native=str(value), reporting=str(value), native_value=amount,
                     reporting_value=amount, currency="USD")  # fmt: skip


TABLE = BudgetTable(
    reporting_currency="USD",
    rows=[
        _row("a", 10),
        _row("a1", 6, "a"),
        _row("a2", 3, "a"),
        _row("b", 50),
        _row("b1", 40, "b"),
        _row("b2", 5, "b"),
        _row("b3", 1, "b"),
        _row("c", 30),
        _row("d", 5),
        _row("d1", 4, "d"),
    ],
)


def test_top_keeps_the_largest_programmes_then_their_largest_parts_in_order() -> None:
    cut = TABLE.top(6)  # all four programmes, then the two largest parts of any of them
    assert [r.id for r in cut.rows] == ["a", "a1", "b", "b1", "c", "d"]
    assert cut.omitted == len(TABLE.rows) - 6


def test_top_never_keeps_a_part_without_its_programme() -> None:
    cut = TABLE.top(2)
    assert [r.id for r in cut.rows] == ["b", "c"] and cut.omitted == 8


def test_top_of_a_table_that_fits_is_the_table() -> None:
    assert TABLE.top(10) is TABLE and TABLE.top(10).omitted == 0
