"""The budget as a table: one row per programme line, every derived figure formatted."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    parse_locale,
)

if TYPE_CHECKING:
    from reportgen.facts.models import BudgetLine, ExchangeRate, Facts


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


class RateNote(str):
    """One sentence under the budget table about the rates used; `.sources` are its own."""

    sources: tuple[str, ...]

    def __new__(cls, text: str, sources: tuple[str, ...]) -> RateNote:
        """Return the note `text` citing `sources` (ids of the facts' sources)."""
        note = super().__new__(cls, text)
        note.sources = sources
        return note


@dataclass(frozen=True)
class BudgetTable:
    """Rows in display order (each programme followed by its 'of which' lines), total, notes."""

    reporting_currency: str
    rows: list[BudgetRow] = field(default_factory=list)
    total: BudgetRow | None = None
    rate_notes: list[RateNote] = field(default_factory=list)
    owner_label: str = "Country"  # what the owner column holds
    omitted: int = 0  # lines (programmes and parts) left out by `top()`

    def top(self, n: int) -> BudgetTable:
        """Return the table cut to at most `n` rows: the largest programmes, then their parts.

        Programmes are kept largest first (in reporting currency), up to `n`; the rows left
        go to their largest "of which" lines, so a one-page fact sheet never grows by a
        programme's twenty parts. Kept rows keep their order; the total still adds up the
        whole budget, and `omitted` says how many lines were left out (a fact sheet prints
        "and 12 more, in the full brief").
        """
        if len(self.rows) <= n:
            return self
        n = max(n, 0)
        by_size = sorted(self.rows, key=lambda r: -r.reporting_value)  # stable: ties keep order
        tops = [r.id for r in by_size if r.level == 0][:n]
        parts = [r.id for r in by_size if r.level and r.parent in tops][: n - len(tops)]
        keep = {*tops, *parts}
        rows = [r for r in self.rows if r.id in keep]
        return replace(self, rows=rows, omitted=len(self.rows) - len(rows))


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
    summed = _totalled(facts.budget.total, tops)
    if summed:
        value = sum((ledger.converted_value(t, reporting) for t in summed), Decimal(0))
        same = {t.currency for t in summed} == {reporting}
        text = format_amount(value, reporting, locale, ledger.grouping)
        owners = {t.owner for t in summed}
        total = BudgetRow(
            id="total",
            name=i18n.gettext("Total", locale)
            if len(summed) == len(tops)
            else i18n.ngettext("Total of %(n)s line", "Total of %(n)s lines", len(summed), locale)
            % {"n": len(summed)},
            owner=(owners.pop() or "") if len(owners) == 1 else "",
            level=0,
            parent=None,
            native=text if same else "",
            reporting=text,
            native_value=value,
            reporting_value=value,
            currency=reporting,
        )
    notes = _rate_notes(facts, ledger)
    # Which label is a property of the facts, not of a language: decided on the first
    # language's owners, so "संयुक्त राज्य अमेरिका" (Babel says "संयुक्त राज्य") still reads "देश".
    label = facts.budget.owner_label or _owner_label(facts.primary.budget.programmes, locale)
    return BudgetTable(reporting, rows, total, notes, label)


def _totalled(choice: str | list[str], tops: list[BudgetLine]) -> list[BudgetLine]:
    """Return the top-level lines the total adds up (none: no total row).

    'auto' totals two or more lines only when they share one owner: a worldwide programme
    and a national one are not added together unless the facts list them.
    """
    if choice == "none":
        return []
    if isinstance(choice, list):
        return [t for t in tops if t.id in choice]
    return tops if len(tops) >= 2 and len({t.owner for t in tops}) == 1 else []


def _owner_label(lines: list[BudgetLine], locale: str) -> str:
    """Return "Country" when every owner is a country or union Babel names, else "Funded by"."""
    owners = {line.owner for line in lines if line.owner}
    names = set(parse_locale(locale).territories.values()) | set(
        parse_locale("en").territories.values()
    )
    if owners <= names:
        return i18n.gettext("Country", locale)
    return i18n.gettext("Funded by", locale)


def _row(ledger: Ledger, line: BudgetLine, level: int) -> BudgetRow:
    """Return the table row of one budget line."""
    reporting = ledger.reporting_currency
    period = ledger.period(line)
    # a one-year period's average per year is its amount: the column stays empty
    per_year = ledger.per_year(line) if period and period.years > 1 else None
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


def _rate_notes(facts: Facts, ledger: Ledger) -> list[RateNote]:
    """Return the notes on exchange rates: one per rate any figure used, citing its source.

    Rates used by the table and by `{id.cur}` placeholders in the text are named; a
    conversion through another currency (no rate between the two was stated) says which.
    """
    for line in facts.budget.programmes:  # the table's conversions (recorded by the ledger)
        if line.currency != ledger.reporting_currency:
            try:
                ledger.converted_value(line, ledger.reporting_currency)
            except KeyError:
                continue
    conversions = {**ledger.conversions}
    for key, path in getattr(facts, "_text_conversions", {}).items():
        conversions.setdefault(key, path)
    notes: list[RateNote] = []
    used: list[ExchangeRate] = []
    for (source, target), path in conversions.items():
        if len(path) > 1:
            via = [rate.to if not inverted else rate.from_ for rate, inverted in path[:-1]]
            names = [currency_name(c, ledger.locale, 2) for c in (source, target, *via)]
            sentence = i18n.gettext(
                "%(from)s are converted to %(to)s through %(via)s, at the rates below.",
                ledger.locale,
            )
            first = names[0][:1].upper() + names[0][1:]
            text = sentence % {"from": first, "to": names[1], "via": " and ".join(names[2:])}
            notes.append(RateNote(text, tuple(dict.fromkeys(r.source for r, _ in path))))
        used += [rate for rate, _ in path if rate not in used]
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
        notes.append(RateNote(sentence % values, (rate.source,)))
    return notes
