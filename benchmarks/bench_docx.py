"""DOCX writer: what embedded fonts and native charts cost, interleaved, varied content.

    python benchmarks/bench_docx.py [--renders N]

Every render writes a different brief (its title and budget amounts vary, so its charts
differ too and no chart cache helps). The variants of one round run back to back, in a
rotating order, so machine load falls on all of them alike. Prints median and spread of
milliseconds per render and the median file size, ratios against the first variant first.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"
sys.path.insert(0, str(ROOT))


def documents(count: int) -> list[object]:
    """Return `count` seed briefs as document models, each with its own title and amounts."""
    from reportgen.facts import parse_facts
    from reportgen.templating import build_document

    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    out = []
    for n in range(count):
        data = copy.deepcopy(seed)
        data["meta"]["title"] = f"Critical minerals brief no. {n}"
        for line in data["budget"]["programmes"]:
            line["amount"] = line["amount"] + 7 * n + (0 if line.get("parent") else 40)
        facts = parse_facts(yaml.safe_dump(data, allow_unicode=True).encode())
        out.append(build_document(facts, None))
    return out


def variants() -> dict[str, Callable[[object], bytes]]:
    """Return the DOCX writer set up each way being compared, by name."""
    from reportgen.theme import default_theme
    from reportgen.writers.docx import write_docx

    house = default_theme()
    named = dataclasses.replace(house, embed_fonts=False)
    found: dict[str, Callable[[object], bytes]] = {
        "fonts embedded (default)": lambda doc: write_docx(doc, house),  # type: ignore[arg-type]
        "fonts named only (fonts.embed: false)": lambda doc: write_docx(doc, named),  # type: ignore
    }
    return found


def main() -> None:
    """Run every variant on fresh briefs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=40, help="renders per variant")
    args = parser.parse_args()
    ways = variants()
    names = list(ways)
    # A brief of its own for every render: no variant reuses a chart another one drew.
    docs = documents(args.renders * len(names) + 1)
    for name in names:  # warm: imports, styles, fonts read once per process
        ways[name](docs[-1])
    times: dict[str, list[float]] = {name: [] for name in names}
    sizes: dict[str, list[int]] = {name: [] for name in names}
    for i in range(args.renders):
        order = names[i % len(names) :] + names[: i % len(names)]
        for j, name in enumerate(order):
            doc = docs[i * len(names) + j]
            start = time.perf_counter()
            data = ways[name](doc)
            times[name].append((time.perf_counter() - start) * 1000)
            sizes[name].append(len(data))
    base = statistics.median(times[names[0]])
    print(f"{args.renders} renders each, interleaved; ratio to '{names[0]}'")
    print("| variant | ratio | median ms | p10-p90 ms | median size |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        values = sorted(times[name])
        med = statistics.median(values)
        p10, p90 = values[len(values) // 10], values[(len(values) * 9) // 10 - 1]
        size = statistics.median(sizes[name]) / 1024
        print(f"| {name} | {med / base:.2f} | {med:.1f} | {p10:.1f}-{p90:.1f} | {size:,.0f} KB |")


if __name__ == "__main__":
    main()
