"""Derived money figures: conversions at the stated rates, shares, per-year averages.

Everything is computed in exact Decimal arithmetic on whole currency units and rounded only
when formatted (reportgen.numbers, ROUND_HALF_UP).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from reportgen.facts.models import Budget, BudgetLine, ExchangeRate, Period
from reportgen.facts.problems import known_names
from reportgen.numbers import Grouping, format_amount, format_money


class Ledger:
    """The budget lines and exchange rates of a brief, and the figures derived from them."""

    def __init__(
        self,
        budget: Budget,
        rates: Iterable[ExchangeRate],
        locale: str,
        rates_known: bool = True,
        grouping: Grouping = None,
    ) -> None:
        self.budget = budget
        self.rates = list(rates)
        # False while the rates block is itself invalid: a missing rate is then not reported
        self.rates_known = rates_known
        self.locale = locale
        self.grouping = grouping  # the brief's per-currency digit grouping overrides
        self.lines = {line.id: line for line in budget.programmes}
        # (from, to) -> the rates each conversion made so far went through
        self.conversions: dict[tuple[str, str], list[tuple[ExchangeRate, bool]]] = {}

    @property
    def reporting_currency(self) -> str:
        """Return the currency totals and conversions are reported in."""
        return self.budget.reporting_currency

    def find_rate(self, source: str, target: str) -> tuple[ExchangeRate, bool] | None:
        """Return the rate between two currencies and whether it is used inverted, or None."""
        for rate in self.rates:
            if (rate.from_, rate.to) == (source, target):
                return rate, False
            if (rate.from_, rate.to) == (target, source):
                return rate, True
        return None

    def rate_path(self, source: str, target: str) -> list[tuple[ExchangeRate, bool]] | None:
        """Return the rates a conversion goes through (each with whether it is inverted).

        A stated rate between the two is used alone; else the shortest chain of stated rates
        (USD-EUR and USD-INR make EUR-INR known, through the dollar); None when no chain
        exists. Ties go to the rates listed first.
        """
        if source == target:
            return []
        paths: dict[str, list[tuple[ExchangeRate, bool]]] = {source: []}
        frontier = [source]
        while frontier:
            following: list[str] = []
            for currency in frontier:
                for rate in self.rates:
                    for here, there, inverted in (
                        (rate.from_, rate.to, False),
                        (rate.to, rate.from_, True),
                    ):
                        if here == currency and there not in paths:
                            paths[there] = [*paths[currency], (rate, inverted)]
                            following.append(there)
            if target in paths:
                return paths[target]
            frontier = following
        return None

    def convert(self, value: Decimal, source: str, target: str) -> Decimal:
        """Return `value` in `source` currency converted to `target`; KeyError without a rate.

        The conversion goes through the rates of `rate_path` and is remembered, so the
        brief's rate notes name every rate that any figure (in a table or in text) used.
        """
        path = self.rate_path(source, target)
        if path is None:
            raise KeyError(f"no exchange rate between {source} and {target}")
        if path:
            self.conversions.setdefault((source, target), path)
        for rate, inverted in path:
            value = value / rate.rate if inverted else value * rate.rate
        return value

    def period(self, line: BudgetLine) -> Period | None:
        """Return the line's period, or its parent's for an 'of which' line without one."""
        if line.period is None and line.parent in self.lines:
            return self.lines[line.parent].period
        return line.period

    def per_year(self, line: BudgetLine) -> Decimal | None:
        """Return the line's average per year in its own currency (full units), or None."""
        period = self.period(line)
        return line.full_value / period.years if period else None

    def share(self, line: BudgetLine) -> Decimal | None:
        """Return an 'of which' line's share of its parent (0.429...), or None for top lines."""
        parent = self.lines.get(line.parent or "")
        if parent is None or parent.full_value == 0:
            return None
        return self.convert(line.full_value, line.currency, parent.currency) / parent.full_value

    def native_text(self, line: BudgetLine) -> str:
        """Return the amount as typed: "₹16,300 crore"."""
        return format_money(
            line.amount, line.currency, line.scale, self.locale, grouping=self.grouping
        )

    def converted_value(self, line: BudgetLine, currency: str) -> Decimal:
        """Return the line's full value in another currency."""
        return self.convert(line.full_value, line.currency, currency)

    def converted_text(self, line: BudgetLine, currency: str) -> str:
        """Return the amount in `currency`: as typed when it is the same, else derived."""
        if currency == line.currency:
            return self.native_text(line)
        value = self.converted_value(line, currency)
        return format_amount(value, currency, self.locale, self.grouping)

    def placeholder(self, line_id: str, currency: str | None) -> str:
        """Return the text for `{line_id}` or `{line_id.cur}`; ValueError when it cannot be made."""
        line = self.lines.get(line_id)
        if line is None:
            raise ValueError(
                f"unknown placeholder '{{{line_id}}}': no budget line '{line_id}'"
                f" {known_names(line_id, list(self.lines))}"
            )
        if currency is None:
            return self.native_text(line)
        try:
            return self.converted_text(line, currency)
        except KeyError:
            if not self.rates_known:
                return f"{{{line_id}.{currency.lower()}}}"
            raise ValueError(
                f"'{{{line_id}.{currency.lower()}}}': no exchange rate between"
                f" {line.currency} and {currency}"
            ) from None
