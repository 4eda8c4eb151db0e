"""The budget as a table: one row per programme line, every derived figure formatted."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from reportgen import i18n
from reportgen.facts.money import Ledger
from reportgen.numbers import (
    currency_name,
    format_amount,
    format_date,
    format_money,
    format_percent,
)

if TYPE_CHECKING:
    from reportgen.facts.models import BudgetLine, Facts


@dataclass(frozen=True)
class BudgetRow:
    """A row of the budget table; text fields are ready to print, values are full units."""

    id: str
    name: str
    owner: str
    level: int  # 0 for a programme, 1 for an "of which" line under it
    parent: str | None
    native: str
    reporting: str
    native_value: Decimal
    reporting_value: Decimal
    currency: str
    period: str = ""
    per_year: str = ""
    share: str = ""
    notes: str = ""
    source: str | None = None


@dataclass(frozen=True)
class BudgetTable:
    """Rows in display order (each programme followed by its 'of which' lines), total, notes."""

    reporting_currency: str
    rows: list[BudgetRow] = field(default_factory=list)
    total: BudgetRow | None = None
    rate_notes: list[str] = field(default_factory=list)


def build_budget_table(facts: Facts) -> BudgetTable:
    """Return the budget table of validated facts."""
    locale = facts.meta.language
    ledger = Ledger(facts.budget, facts.exchange_rates, locale, grouping=facts.meta.grouping)
    reporting = facts.budget.reporting_currency
    rows: list[BudgetRow] = []
    tops = [line for line in facts.budget.programmes if line.parent is None]
    # children by parent in one pass: scanning every line for each programme was quadratic
    children: dict[str, list[BudgetLine]] = {}
    for line in facts.budget.programmes:
        if line.parent is not None:
            children.setdefault(line.parent, []).append(line)
    for top in tops:
        rows.append(_row(ledger, top, 0))
        rows += [_row(ledger, c, 1) for c in children.get(top.id, ())]
    total = None
    if len(tops) >= 2:
        value = sum((ledger.converted_value(t, reporting) for t in tops), Decimal(0))
        same = {t.currency for t in tops} == {reporting}
        text = format_amount(value, reporting, locale, ledger.grouping)
        total = BudgetRow(
            id="total",
            name=i18n.gettext("Total", locale),
            owner="",
            level=0,
            parent=None,
            native=text if same else "",
            reporting=text,
            native_value=value,
            reporting_value=value,
            currency=reporting,
        )
    return BudgetTable(reporting, rows, total, _rate_notes(facts, ledger))


def _row(ledger: Ledger, line: BudgetLine, level: int) -> BudgetRow:
    """Return the table row of one budget line."""
    reporting = ledger.reporting_currency
    period = ledger.period(line)
    per_year = ledger.per_year(line)
    share = ledger.share(line)
    return BudgetRow(
        id=line.id,
        name=line.name,
        owner=line.owner or "",
        level=level,
        parent=line.parent,
        native=ledger.native_text(line),
        reporting=ledger.converted_text(line, reporting),
        native_value=line.full_value,
        reporting_value=ledger.converted_value(line, reporting),
        currency=line.currency,
        period=period.text(ledger.locale) if period else "",
        per_year=format_amount(per_year, line.currency, ledger.locale, ledger.grouping)
        if per_year
        else "",
        share=format_percent(share, ledger.locale) if share is not None else "",
        notes=line.notes or "",
        source=line.source,
    )


def _rate_notes(facts: Facts, ledger: Ledger) -> list[str]:
    """Return one sentence per exchange rate the table used, naming its publisher and date."""
    used = []
    for line in facts.budget.programmes:
        found = ledger.find_rate(line.currency, ledger.reporting_currency)
        if line.currency != ledger.reporting_currency and found and found[0] not in used:
            used.append(found[0])
    notes = []
    for rate in used:
        amount = format_money(rate.rate, rate.to, None, ledger.locale, grouping=ledger.grouping)
        name = currency_name(rate.from_, ledger.locale)
        try:
            publisher = facts.source(rate.source).publisher
        except KeyError:
            publisher = rate.source
        when = format_date(rate.date, ledger.locale)
        sentence = i18n.gettext(
            "Converted at %(amount)s per %(currency)s, the rate published by %(publisher)s"
            " for %(date)s.",
            ledger.locale,
        )
        values = {"amount": amount, "currency": name, "publisher": publisher, "date": when}
        notes.append(sentence % values)
    return notes
