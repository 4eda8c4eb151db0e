# ruff: noqa: SIM905  (word lists are easier to read as one string per script)
"""A seeded generator of facts files: random lengths of every part, 0-1,000 budget lines,
mixed scripts (Latin and the Indic scripts reportgen ships fonts for) in every text field.

`facts_yaml(seed, lines)` returns the YAML text of one brief; the same seed gives the same
brief. Words come from small per-script vocabularies, so texts read like text (words and
spaces), not noise; the character checks live in tests/briefcheck.py.
"""

from __future__ import annotations

import random
from typing import Any

import yaml

WORDS: dict[str, list[str]] = {
    "Latn": (
        "budget mission grid water power district programme transfer capital grant loan "
        "tariff export import reserve corridor station survey minerals mission phase "
        "allocation finance ministry council market supply demand storage rural urban"
    ).split(),
    "Deva": "नेपाल विद्युत प्राधिकरण राष्ट्रीय खनिज मिशन बजट जल योजना वित्त मंत्रालय".split(),
    "Beng": "বাংলাদেশ বিদ্যুৎ উন্নয়ন বোর্ড বাজেট পানি প্রকল্প অর্থ মন্ত্রণালয়".split(),
    "Guru": "ਪੰਜਾਬ ਬਿਜਲੀ ਪਾਣੀ ਯੋਜਨਾ ਬਜਟ".split(),
    "Gujr": "ગુજરાત વીજળી પાણી યોજના બજેટ".split(),
    "Orya": "ଓଡ଼ିଶା ବିଦ୍ୟୁତ ଜଳ ଯୋଜନା".split(),
    "Taml": "தமிழ்நாடு மின்சாரம் குடிநீர் திட்டம் நிதி".split(),
    "Telu": "తెలంగాణ విద్యుత్ నీటి పథకం".split(),
    "Knda": "ಕರ್ನಾಟಕ ವಿದ್ಯುತ್ ನೀರು ಯೋಜನೆ".split(),
    "Mlym": "കേരളം വൈദ്യുതി ജലം പദ്ധതി".split(),
}
CURRENCIES = ("INR", "USD", "EUR", "NPR", "BDT")
RATES = (  # one unit of `from` in `to`; NPR and BDT reach USD through INR or directly
    ("USD", "INR", "86.83"),
    ("EUR", "USD", "1.08"),
    ("INR", "NPR", "1.6"),
    ("USD", "BDT", "119.5"),
)
SCALES = {"INR": "crore", "NPR": "crore", "BDT": "crore", "USD": "million", "EUR": "million"}


class _Brief:
    """One generated brief's random source and its helpers."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.latin_only = self.rnd.random() < 0.3  # some briefs are Latin throughout

    def words(self, low: int, high: int) -> str:
        """Return `low`-`high` words, mostly Latin, with runs of other scripts mixed in."""
        out = []
        for _ in range(self.rnd.randint(low, high)):
            script = "Latn"
            if not self.latin_only and self.rnd.random() < 0.25:
                script = self.rnd.choice(list(WORDS))
            out.append(self.rnd.choice(WORDS[script]))
        text = " ".join(out)
        return text[:1].upper() + text[1:]

    def sentence(self, low: int, high: int) -> str:
        """Return a sentence of `low`-`high` words ending in a full stop."""
        return self.words(low, high) + "."


def _amount(value: float, places: int) -> float | int:
    """Return `value` rounded to `places` decimals (an int for none, as a person types it)."""
    return round(value) if places == 0 else round(value, places)


def facts_data(seed: int, lines: int) -> dict[str, Any]:
    """Return the facts of one generated brief with `lines` budget lines."""
    b = _Brief(seed)
    rnd = b.rnd
    sources = [
        {"id": f"s{i}", "title": b.words(2, 12), "publisher": b.words(1, 6), "date": 2024}
        for i in range(rnd.randint(1, 14))
    ]
    cite = lambda: [rnd.choice(sources)["id"]]  # noqa: E731
    sections = []
    for i in range(rnd.randint(1, 6)):
        section: dict[str, Any] = {"id": f"sec{i}", "heading": b.words(2, 9)}
        section["summary"] = b.sentence(6, 30)
        section["paragraphs"] = [b.sentence(5, 120) for _ in range(rnd.randint(0, 4))]
        section["points"] = [b.sentence(3, 30) for _ in range(rnd.randint(0, 6))]
        section["sources"] = cite()
        sections.append(section)
    programmes: list[dict[str, Any]] = []
    tops: list[str] = []
    left: dict[str, float] = {}  # what each programme has not yet given to its parts
    for i in range(lines):
        currency = rnd.choice(CURRENCIES)
        line: dict[str, Any] = {
            "id": f"l{i}",
            "name": b.words(1, 8),
            "owner": rnd.choice(["India", "Nepal", "Bangladesh", "World Bank", b.words(1, 3)]),
            "amount": _amount(rnd.uniform(1, 9000), rnd.choice([0, 2])),
            "currency": currency,
            "scale": SCALES[currency],
            "source": rnd.choice(sources)["id"],
        }
        if tops and rnd.random() < 0.4:
            chosen = rnd.choice(tops)
            parent = next(p for p in programmes if p["id"] == chosen)
            line.update(parent=parent["id"], currency=parent["currency"], scale=parent["scale"])
            line["amount"] = _amount(left[chosen] * rnd.uniform(0.01, 0.2), 2)
            left[chosen] -= line["amount"]  # parts never add up to more than their whole
        else:
            tops.append(line["id"])
            left[line["id"]] = line["amount"]
            if rnd.random() < 0.6:
                line["period"] = {"start": 2024, "years": rnd.randint(1, 7), "fiscal": True}
        programmes.append(line)
    return {
        "meta": {
            "title": b.words(2, 14),
            "subtitle": b.words(0, 16) or None,
            "date": "2025-01-31",
            "language": rnd.choice(["en-IN", "en-GB", "en-US", "en-NP"]),
            "organisation": b.words(1, 5),
            "template": "policy-brief",
        },
        "key_messages": [b.sentence(4, 40) for _ in range(rnd.randint(3, 6))],
        "highlights": [
            {"value": f"{rnd.randint(1, 99)}%", "label": b.words(2, 8), "sources": cite()}
            for _ in range(rnd.randint(0, 4))
        ],
        "sections": sections,
        "budget": {"reporting_currency": "USD", "programmes": programmes},
        "exchange_rates": [
            {"from": f, "to": t, "rate": r, "date": "2025-01-30", "source": sources[0]["id"]}
            for f, t, r in RATES
        ],
        "timeline": [
            {"date": 2000 + rnd.randint(0, 25), "event": b.sentence(3, 20), "sources": cite()}
            for _ in range(rnd.randint(0, 8))
        ],
        "sources": sources,
    }


def facts_yaml(seed: int, lines: int) -> str:
    """Return the YAML text of `facts_data(seed, lines)`, empty optional fields dropped."""
    data = facts_data(seed, lines)
    for section in data["sections"]:
        for key in ("paragraphs", "points"):
            if not section[key]:
                del section[key]
    if data["meta"]["subtitle"] is None:
        del data["meta"]["subtitle"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
