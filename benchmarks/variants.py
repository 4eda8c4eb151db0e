"""Facts that differ on every render: a new title and new budget amounts each time.

Both the benchmarks and the service load test use these, so that no cache (chart pictures,
the service's result store) can answer a measured render. Amounts change by editing the
`amount:` lines of the seed's text, which keeps the YAML as a user would write it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"


def _english_seed() -> str:
    """Return the seed's text in English alone (the seed is published in English and Hindi;
    a measured render is one document, and peers render the English one)."""
    from tests.helpers import seed_data as english_seed_data

    return yaml.safe_dump(english_seed_data(), allow_unicode=True, sort_keys=False)


_SEED_TEXT = _english_seed()
_TITLE = re.compile(r"^  title: (.*)$", re.MULTILINE)
_AMOUNT = re.compile(r"^(\s+amount: )(\d+)$", re.MULTILINE)


def fresh_seed(n: int) -> bytes:
    """Return the seed facts with title and every budget amount changed by `n`.

    Amounts grow by 1 + n % 997 units (an 'of which' line stays below its programme), so two
    calls with different n never give the same charts or the same content hash.
    """
    step = 1 + n % 997
    text = _TITLE.sub(lambda m: f"  title: {m.group(1)} (variant {n})", _SEED_TEXT, count=1)
    text = _AMOUNT.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + step}", text)
    return text.encode("utf-8")


def seed_data() -> dict[str, Any]:
    """Return the seed facts as YAML data."""
    return yaml.safe_load(_SEED_TEXT)


def batch_variant(n: int) -> dict[str, Any]:
    """Return seed facts varied by n: title, slug, every amount and the number of sections."""
    data = yaml.safe_load(fresh_seed(n))
    data["meta"]["slug"] = f"brief-{n:04d}"
    data["sections"] = data["sections"][: 3 + n % 4]
    return data


def large(rows: int, n: int = 0) -> dict[str, Any]:
    """Return a large brief: 50 sections and a budget annex of `rows` lines, varied by n."""
    data = yaml.safe_load(fresh_seed(n))
    data["meta"]["title"] = f"Large brief with {rows} budget lines (variant {n})"
    data["meta"]["slug"] = f"large-{rows}"
    base = data["sections"]
    data["sections"] = []
    for i in range(50):
        section = dict(base[i % len(base)])
        section["id"] = f"s{i}"
        section["heading"] = f"{section['heading']} ({i + 1})"
        data["sections"].append(section)
    lines = data["budget"]["programmes"][:3]  # the seed's text cites all three
    for i in range(rows - len(lines)):
        lines.append(
            {
                "id": f"line-{i}",
                "name": f"Programme line {i + 1}",
                "owner": "India" if i % 2 else "United States",
                "amount": 100 + (i * 37 + n) % 900,
                "currency": "INR" if i % 2 else "USD",
                "scale": "crore" if i % 2 else "million",
                "period": {"start": 2024, "years": 1 + i % 7},
                "source": "pib-ncmm" if i % 2 else "energy-act-2020",
            }
        )
    data["budget"]["programmes"] = lines
    return data


def dump(data: dict[str, Any]) -> bytes:
    """Return YAML data as the bytes of a facts file."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def write(path: Path, data: dict[str, Any]) -> Path:
    """Write YAML data to `path`; return it."""
    path.write_bytes(dump(data))
    return path
