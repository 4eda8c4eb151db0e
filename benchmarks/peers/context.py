"""The brief's content for the peers: what a user of docxtpl, Typst or reportlab would write.

`brief_context(data)` returns plain strings and numbers from the facts (as loaded by
`yaml.safe_load`): placeholders resolved, amounts formatted (Indian grouping for rupees),
conversions, per-year figures, shares and the total computed. It is timed with each peer.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

SCALES = {"lakh": 10**5, "crore": 10**7, "million": 10**6, "billion": 10**9}
SYMBOLS = {"USD": "$", "INR": "₹", "EUR": "€", "GBP": "£"}
PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)(?:\.([a-z]{3}))?\}")


def indian(value: int) -> str:
    """Return an integer grouped the Indian way: 16300 -> 16,300; 1630000 -> 16,30,000."""
    text = str(abs(value))
    head, tail = text[:-3], text[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ("-" if value < 0 else "") + ",".join([*groups, tail]) if groups else str(value)


def money(amount: Decimal, currency: str, scale: str | None) -> str:
    """Return "₹16,300 crore" or "$675 million" for an amount typed in a scale."""
    whole = int(amount)
    digits = indian(whole) if currency == "INR" else f"{whole:,}"
    text = f"{SYMBOLS.get(currency, currency + ' ')}{digits}"
    return f"{text} {scale}" if scale else text


def derived(full: Decimal, currency: str) -> str:
    """Return a derived amount in its own scale with three significant digits."""
    for scale in ("crore",) if currency == "INR" else ("billion", "million"):
        scaled = full / SCALES[scale]
        if scaled >= 1:
            digits = max(0, 2 - len(str(int(scaled))) + 1)
            if currency == "INR":
                return f"₹{indian(round(scaled))} crore"
            return f"{SYMBOLS.get(currency, '')}{scaled:,.{digits}f} {scale}"
    return f"{SYMBOLS.get(currency, '')}{int(full):,}"


class Ledger:
    """Budget lines by id, with conversions at the facts' one exchange rate."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.lines = {line["id"]: line for line in data["budget"]["programmes"]}
        self.reporting = data["budget"].get("reporting_currency", "USD")
        self.rates = {
            (r["from"], r["to"]): Decimal(str(r["rate"])) for r in data.get("exchange_rates", [])
        }

    def full(self, line: dict[str, Any]) -> Decimal:
        """Return a line's amount in whole currency units."""
        return Decimal(str(line["amount"])) * SCALES.get(line.get("scale") or "", 1)

    def convert(self, value: Decimal, source: str, target: str) -> Decimal:
        """Return `value` converted from `source` to `target` currency."""
        if source == target:
            return value
        if (source, target) in self.rates:
            return value * self.rates[source, target]
        return value / self.rates[target, source]

    def native(self, line: dict[str, Any]) -> str:
        """Return the amount as typed."""
        return money(Decimal(str(line["amount"])), line["currency"], line.get("scale"))

    def reporting_value(self, line: dict[str, Any]) -> Decimal:
        """Return the line's value in the reporting currency."""
        return self.convert(self.full(line), line["currency"], self.reporting)

    def placeholder(self, match: re.Match[str]) -> str:
        """Return the text of one `{id}` or `{id.usd}` placeholder."""
        line = self.lines[match.group(1)]
        if match.group(2):
            return derived(self.reporting_value(line), match.group(2).upper())
        return self.native(line)

    def text(self, value: str) -> str:
        """Return `value` with its placeholders resolved."""
        return PLACEHOLDER.sub(self.placeholder, value) if "{" in value else value


def brief_context(data: dict[str, Any]) -> dict[str, Any]:
    """Return the brief as plain strings and numbers, ready for a template."""
    ledger = Ledger(data)
    numbers = {s["id"]: i + 1 for i, s in enumerate(data.get("sources", []))}

    def cite(ids: Any) -> str:
        ids = [ids] if isinstance(ids, str) else ids or []
        return " ".join(f"[{numbers[i]}]" for i in ids if i in numbers)

    def point(p: Any) -> str:
        if isinstance(p, str):
            return ledger.text(p)
        return f"{ledger.text(p['text'])} {cite(p.get('sources'))}".strip()

    meta = data["meta"]
    highlights = []
    for h in data.get("highlights", []):
        value = ledger.native(ledger.lines[h["budget"]]) if "budget" in h else h["value"]
        context = f"{ledger.text(h.get('context', ''))} {cite(h.get('sources'))}".strip()
        highlights.append({"value": value, "label": h["label"], "context": context})
    sections = [
        {
            "heading": s["heading"],
            "summary": f"{ledger.text(s.get('summary', ''))} {cite(s.get('sources'))}".strip(),
            "paragraphs": [
                f"{ledger.text(p)} {cite(s.get('sources'))}" for p in s.get("paragraphs", [])
            ],
            "points": [point(p) for p in s.get("points", [])],
        }
        for s in data["sections"]
    ]
    rows, bars, total = [], [], Decimal(0)
    for line in data["budget"]["programmes"]:
        value = ledger.reporting_value(line)
        period = line.get("period")
        parent = ledger.lines.get(line.get("parent") or "")
        share = ""
        if parent:
            share_value = ledger.convert(ledger.full(line), line["currency"], parent["currency"])
            share = f"{share_value / ledger.full(parent) * 100:.1f}%"
        else:
            total += value
        per_year = ""
        if period:
            per_year = derived(ledger.full(line) / period["years"], line["currency"])
        rows.append(
            {
                "name": ("of which: " if parent else "") + line["name"],
                "cite": cite(line.get("source")),
                "owner": line.get("owner", ""),
                "native": ledger.native(line),
                "reporting": derived(value, ledger.reporting),
                "period": f"{period['start']}, {period['years']} years" if period else "",
                "per_year": per_year,
                "share": share,
            }
        )
        bars.append({"name": line["name"], "value": float(value / 10**6), "child": bool(parent)})
    notes = [
        f"Converted at {r['rate']} {r['to']} per {r['from']}, published {r['date']}."
        for r in data.get("exchange_rates", [])
    ]
    return {
        "title": meta["title"],
        "subtitle": meta.get("subtitle", ""),
        "date": str(meta["date"]),
        "byline": " · ".join([*meta.get("authors", []), meta.get("audience", "")]),
        "organisation": meta.get("organisation", ""),
        "key_messages": [ledger.text(k) for k in data["key_messages"]],
        "highlights": highlights,
        "summaries": [s["summary"] for s in sections if s["summary"]],
        "sections": sections,
        "budget_rows": rows,
        "budget_total": derived(total, ledger.reporting),
        "rate_notes": notes,
        "bars": bars,
        "bar_max": max((b["value"] for b in bars), default=1.0) or 1.0,
        "timeline": [
            {"date": str(e["date"]), "event": f"{ledger.text(e['event'])} {cite(e.get('sources'))}"}
            for e in data.get("timeline", [])
        ],
        "sources": [
            f"{s['publisher']}, {s['title']}, {s.get('date', '')}. {s.get('url', '')}".strip()
            for s in data.get("sources", [])
        ],
    }
