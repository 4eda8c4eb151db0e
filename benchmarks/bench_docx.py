"""Warm DOCX renders: native charts, embedded fonts and docxtpl, interleaved, varied content.

    python benchmarks/bench_docx.py [--renders N]

Every render starts from facts bytes that differ (title and budget amounts, so the charts
differ too and no chart cache helps) and ends with the DOCX bytes; docxtpl fills the
reference template of benchmarks/peers from the same facts. The variants of one round run
back to back, in a rotating order, so machine load falls on all of them alike. Prints the
median and spread of milliseconds per render and the median file size, ratios first.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.variants import fresh_seed  # noqa: E402


def variants() -> dict[str, Callable[[bytes], bytes]]:
    """Return each way of writing the brief's DOCX from facts bytes, by name."""
    from benchmarks.peers.render import docxtpl_brief
    from reportgen.build import build_brief, theme_for

    house = theme_for("policy-brief")
    reference = ROOT / "tests" / "word" / "fixtures" / "house-reference.docx"
    word_house = theme_for("policy-brief", (), reference)
    pictures = dataclasses.replace(house, docx_charts="picture")
    named = dataclasses.replace(house, embed_fonts=False)

    def reportgen_docx(theme: object) -> Callable[[bytes], bytes]:
        return lambda facts: build_brief(facts, ("docx",), theme=theme).outputs["docx"]

    return {
        "reportgen: native chart, fonts embedded (default)": reportgen_docx(house),
        "reportgen: chart pictures (as before), fonts embedded": reportgen_docx(pictures),
        "reportgen: native chart, fonts named only": reportgen_docx(named),
        "reportgen: house template from Word (--reference-docx)": reportgen_docx(word_house),
        "docxtpl 0.20 (peer, benchmarks/peers)": docxtpl_brief,
    }


def main() -> None:
    """Run every variant on fresh briefs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=40, help="renders per variant")
    args = parser.parse_args()
    ways = variants()
    names = list(ways)
    # Facts of their own for every render: no variant reuses a chart another one drew.
    docs = [fresh_seed(n) for n in range(args.renders * len(names) + 1)]
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
    loads = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average at the end (1/5/15 min): {loads} on {os.cpu_count()} cores")
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
