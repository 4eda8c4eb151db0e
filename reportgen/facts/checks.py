"""Consistency checks across blocks: ids, citations, budget arithmetic, exchange rates.

Each check takes the blocks that validated (a block that failed is None and its checks are
skipped) and returns (path, message, severity) findings; the loader turns them into Problems.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from reportgen.facts.models import (
    Budget,
    ExchangeRate,
    Highlight,
    Section,
    Source,
    TimelineEvent,
)
from reportgen.facts.money import Ledger
from reportgen.facts.problems import Path, format_path, known_names
from reportgen.numbers import format_amount


@dataclass
class Finding:
    """One inconsistency: where, what, and whether it is an error or a warning."""

    path: Path
    message: str
    severity: str = "error"


@dataclass
class Blocks:
    """The validated blocks of a facts file; None for a block that did not validate."""

    highlights: list[Highlight] | None
    sections: list[Section] | None
    budget: Budget | None
    exchange_rates: list[ExchangeRate] | None
    timeline: list[TimelineEvent] | None
    sources: list[Source] | None
    locale: str = "en-IN"
    raw_source_ids: set[str] = field(default_factory=set)  # ids written, valid or not
    partial: set[str] = field(default_factory=set)  # blocks that had errors (items dropped)


def run_checks(blocks: Blocks) -> list[Finding]:
    """Return every finding of every check, in file order of the blocks."""
    findings: list[Finding] = []
    findings += check_section_ids(blocks.sections)
    findings += check_citations(blocks)
    # with some rates dropped for their own errors, a "missing rate" would be noise
    rates = None if "exchange_rates" in blocks.partial else blocks.exchange_rates
    findings += check_budget(blocks.budget, rates, blocks.locale)
    findings += check_rates(blocks.exchange_rates)
    return findings


def _duplicates(items: Sequence[tuple[Path, str]], what: str) -> Iterator[Finding]:
    """Yield a finding for each repeat of a value, naming where it first appeared."""
    seen: dict[str, Path] = {}
    for path, value in items:
        key = value.casefold()
        if key in seen:
            first = format_path(seen[key])
            yield Finding(path, f"duplicate {what} '{value}' (first used at {first})")
        else:
            seen[key] = path


def _walk_sections(
    sections: list[Section], prefix: Path
) -> Iterator[tuple[Path, Section, list[Section]]]:
    """Yield (path, section, its siblings) for every section and sub-section, depth first."""
    for i, section in enumerate(sections):
        path = (*prefix, i)
        yield path, section, sections
        yield from _walk_sections(section.subsections, (*path, "subsections"))


def check_section_ids(sections: list[Section] | None) -> list[Finding]:
    """Return findings for repeated section ids (anywhere) and headings (among siblings)."""
    if sections is None:
        return []
    walked = list(_walk_sections(sections, ("sections",)))
    ids = [((*p, "id"), s.id or "") for p, s, _ in walked]
    findings = list(_duplicates(ids, "section id"))
    groups: dict[int, list[tuple[Path, str]]] = defaultdict(list)
    for path, section, siblings in walked:
        groups[id(siblings)].append(((*path, "heading"), section.heading))
    for group in groups.values():
        findings += _duplicates(group, "heading")
    return findings


def _citations(blocks: Blocks) -> Iterator[tuple[Path, str]]:
    """Yield (path, source id) for every citation in the file."""
    for i, item in enumerate(blocks.highlights or []):
        for j, sid in enumerate(item.sources):
            yield ("highlights", i, "sources", j), sid
    for path, section, _ in _walk_sections(blocks.sections or [], ("sections",)):
        for j, sid in enumerate(section.sources):
            yield (*path, "sources", j), sid
        for k, point in enumerate(section.points):
            for j, sid in enumerate(point.sources):
                yield (*path, "points", k, "sources", j), sid
    for i, line in enumerate(blocks.budget.programmes if blocks.budget else []):
        if line.source:
            yield ("budget", "programmes", i, "source"), line.source
    for i, rate in enumerate(blocks.exchange_rates or []):
        yield ("exchange_rates", i, "source"), rate.source
    for i, event in enumerate(blocks.timeline or []):
        for j, sid in enumerate(event.sources):
            yield ("timeline", i, "sources", j), sid


def check_citations(blocks: Blocks) -> list[Finding]:
    """Return errors for citations of unknown sources and warnings for sources never cited."""
    if blocks.sources is None:
        return []
    sources = blocks.sources
    findings = list(
        _duplicates([(("sources", i, "id"), s.id) for i, s in enumerate(sources)], "source id")
    )
    known = {s.id for s in sources}
    cited: set[str] = set()
    for path, sid in _citations(blocks):
        cited.add(sid)
        if sid not in known and sid not in blocks.raw_source_ids:
            hint = known_names(sid, [s.id for s in sources], "sources")
            findings.append(Finding(path, f"unknown source '{sid}' {hint}"))
    for i, source in enumerate(sources):
        if source.id not in cited:
            findings.append(
                Finding(("sources", i), f"source '{source.id}' is never cited", "warning")
            )
    return findings


def check_budget(
    budget: Budget | None, rates: list[ExchangeRate] | None, locale: str
) -> list[Finding]:
    """Return findings for budget ids, parents, components past their whole, missing rates."""
    if budget is None:
        return []
    lines = budget.programmes
    base: Path = ("budget", "programmes")
    findings = list(
        _duplicates([((*base, i, "id"), x.id) for i, x in enumerate(lines)], "budget line id")
    )
    ledger = Ledger(budget, rates or [], locale)
    reporting = budget.reporting_currency
    children: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        path = (*base, i)
        if (
            line.currency != reporting
            and rates is not None
            and (ledger.rate_path(line.currency, reporting) is None)
        ):
            findings.append(
                Finding(
                    (*path, "currency"),
                    f"no exchange rate between "
                    f"{line.currency} and the reporting currency {reporting}, direct or"
                    " through another currency; add one under exchange_rates",
                )
            )
        if line.parent is None:
            continue
        parent = ledger.lines.get(line.parent)
        if parent is None:
            findings.append(
                Finding(
                    (*path, "parent"),
                    f"unknown parent '{line.parent}' "
                    + known_names(line.parent, list(ledger.lines)),
                )
            )
        elif parent is line:
            findings.append(Finding((*path, "parent"), "a line cannot be its own parent"))
        elif parent.parent is not None:
            findings.append(
                Finding(
                    (*path, "parent"),
                    f"'{line.parent}' is itself an 'of which'"
                    " line; only one level of 'of which' lines is supported",
                )
            )
        else:
            children[line.parent].append(i)
    for parent_id, indexes in children.items():
        findings += _check_components(ledger, parent_id, indexes, base, rates is not None)
    return findings


def _check_components(
    ledger: Ledger, parent_id: str, indexes: list[int], base: Path, rates_known: bool
) -> list[Finding]:
    """Return findings for components larger than their parent, alone or together."""
    parent = ledger.lines[parent_id]
    lines = ledger.budget.programmes
    findings: list[Finding] = []
    total = Decimal(0)
    for i in indexes:
        line = lines[i]
        try:
            value = ledger.convert(line.full_value, line.currency, parent.currency)
        except KeyError:
            if not rates_known:  # the rates block had errors of its own
                return findings
            findings.append(
                Finding(
                    (*base, i, "currency"),
                    f"no exchange rate between {line.currency} and its parent's {parent.currency}",
                )
            )
            return findings
        total += value
        if value > parent.full_value:
            findings.append(
                Finding(
                    (*base, i, "amount"),
                    f"{ledger.native_text(line)} is more"
                    f" than its parent '{parent_id}' ({ledger.native_text(parent)})",
                )
            )
    if len(indexes) > 1 and total > parent.full_value:
        shown = format_amount(total, parent.currency, ledger.locale)
        findings.append(
            Finding(
                (*base, indexes[-1], "amount"),
                f"the 'of which' lines of"
                f" '{parent_id}' add up to {shown}, more than"
                f" {ledger.native_text(parent)}",
            )
        )
    return findings


def check_rates(rates: list[ExchangeRate] | None) -> list[Finding]:
    """Return errors for two rates between the same pair of currencies."""
    pairs = [
        (("exchange_rates", i), "/".join(sorted((r.from_, r.to))))
        for i, r in enumerate(rates or [])
    ]
    return [
        Finding(
            f.path, f.message.replace("duplicate exchange rate", "a second rate for") + "; keep one"
        )
        for f in _duplicates(pairs, "exchange rate")
    ]
