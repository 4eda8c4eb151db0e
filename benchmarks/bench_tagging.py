"""What tagging costs: warm PDF render time with the tagging layer on and off, interleaved.

    python benchmarks/bench_tagging.py              # 12 rounds per brief (about 3 minutes)
    python benchmarks/bench_tagging.py --rounds 30

"On" is the PDF reportgen writes (marked content with MCIDs, artifacts, /ActualText on
shaped runs, the structure tree with its ParentTree, link OBJRs). "Off" draws the same
document on a canvas without a Tagger: no marked content, no tree. Both keep the archival
parts (XMP, sRGB output intent, the facts file), which are PDF/A, not tagging; a third
line, "plain", leaves those out too. The visitor still makes its structure elements in
every mode (a few microseconds per block), so "off" slightly overstates what tagging costs
nothing; the overhead measured is an upper bound of the drawing-time part.

Rules (as benchmarks/bench.py): every render draws content no other render drew (a new
title and new budget amounts, so no chart drawing or other cache answers), the document is
made from the facts outside the timing, the three modes run interleaved with the order
rotating every round, and each line gives the median with its quartiles. Times are the
process's CPU time (`time.process_time`), which a machine shared with other work disturbs
far less than wall time, with the garbage collector run before and paused during each
render (as timeit does): otherwise a collection of what earlier renders left falls on
whichever render happens to trigger it, and the process's growing heap made later renders
several times slower than earlier ones. Writes benchmarks/results/<date-time>-tagging.md/.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reportgen.build import theme_for  # noqa: E402
from reportgen.facts import parse_facts  # noqa: E402
from reportgen.pdffacts import facts_attachment  # noqa: E402
from reportgen.templating import build_document  # noqa: E402
from reportgen.writers.pdf import render as pdf_render  # noqa: E402

_TITLE = re.compile(r"^  title: (.*)$", re.MULTILINE)
_AMOUNT = re.compile(r"^(\s+amount: )(\d+)$", re.MULTILINE)

# (label, facts file, template or None, language or None)
BRIEFS: tuple[tuple[str, Path, str | None, str | None], ...] = (
    ("seed, policy brief (4 pp.)", ROOT / "facts" / "india-us-critical-minerals.yaml", None, None),
    ("seed, fact sheet (1 p.)", ROOT / "facts" / "india-us-critical-minerals.yaml", "fact-sheet",
     None),
    ("green hydrogen (4 pp.)", ROOT / "tests" / "briefs" / "eu-india-green-hydrogen.yaml", None,
     None),
    ("power trade, Devanagari + Bengali (4 pp.)",
     ROOT / "tests" / "briefs" / "south-asia-power-trade.yaml", None, None),
    ("Tamil Nadu annex, 275 lines (16 pp.)",
     ROOT / "tests" / "briefs" / "tamil-nadu-water-annex.yaml", None, None),
)  # fmt: skip


def varied(text: str, n: int) -> bytes:
    """Return facts text with its title and every whole budget amount changed by `n`."""
    step = 1 + n % 97
    text = _TITLE.sub(lambda m: f"  title: {m.group(1)} (variant {n})", text, count=1)
    text = _AMOUNT.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + step}", text)
    return text.encode("utf-8")


def _without_tagger(original: Callable[..., Any], keep_finish: bool) -> Callable[..., Any]:
    """Return a canvas-maker factory like `original` whose canvases carry no Tagger."""

    def factory(tagger: Any, finish: Any = None) -> Callable[..., Any]:
        make = original(tagger, finish if keep_finish else None)

        def maker(*args: Any, **kw: Any) -> Any:
            canv = make(*args, **kw)
            canv._rg_tagger = None
            return canv

        return maker

    return factory


def render(doc: Any, theme: Any, attachments: tuple, mode: str) -> float:
    """Return the CPU seconds one PDF render of `doc` takes in `mode` (on, off, plain)."""
    original = pdf_render.tagged_canvas_maker
    if mode != "on":
        pdf_render.tagged_canvas_maker = _without_tagger(original, keep_finish=mode == "off")
    gc.collect()
    gc.disable()  # as timeit does: a collection of garbage left by earlier renders
    try:
        started = time.process_time()
        pdf_render.render_pdf_layout(doc, theme, attachments if mode != "plain" else ())
        return time.process_time() - started
    finally:
        gc.enable()
        pdf_render.tagged_canvas_maker = original


def quartiles(samples: list[float]) -> tuple[float, float, float]:
    """Return (25th percentile, median, 75th percentile)."""
    if len(samples) < 4:
        m = statistics.median(samples)
        return min(samples), m, max(samples)
    q1, q2, q3 = statistics.quantiles(samples, n=4)
    return q1, q2, q3


def main() -> None:
    """Run the interleaved measurement and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    modes = ["on", "off", "plain"]
    results: dict[str, dict[str, list[float]]] = {}
    load_before = os.getloadavg()
    for label, path, template, language in BRIEFS:
        text = path.read_text(encoding="utf-8")
        samples: dict[str, list[float]] = {m: [] for m in modes}
        for n in range(args.rounds + 1):  # round 0 warms the process up and is not kept
            order = modes[n % 3 :] + modes[: n % 3]
            for k, mode in enumerate(order):
                data = varied(text, 3 * n + k)  # content no other render drew
                facts = parse_facts(data, path.name)
                view = facts.for_language(language) if language else facts
                name = template or facts.meta.template
                doc = build_document(view, name, [])
                attachments = (facts_attachment(facts.meta.slug, data),)
                seconds = render(doc, theme_for(name), attachments, mode)
                if n:
                    samples[mode].append(seconds)
        results[label] = samples
        on, off = statistics.median(samples["on"]), statistics.median(samples["off"])
        print(f"{label}: on {on * 1000:.0f} ms, off {off * 1000:.0f} ms, {on / off - 1:+.1%}")
    load_after = os.getloadavg()
    write_report(results, args.rounds, load_before, load_after)


def write_report(
    results: dict[str, dict[str, list[float]]],
    rounds: int,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> None:
    """Write the Markdown table and the raw samples to benchmarks/results/."""
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    lines = [
        f"# Tagging cost, {stamp}",
        "",
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores;"
        f" load average {load_before[0]:.2f} before, {load_after[0]:.2f} after;"
        f" {rounds} rounds per brief, new content for every render, modes interleaved;"
        " CPU time of the render.",
        "",
        "| brief | tagging on / off (median of per-round ratios) | on: median (q1-q3) |"
        " off: median (q1-q3) | plain (no tags, no XMP/ICC/facts) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, samples in results.items():
        ratios = [a / b for a, b in zip(samples["on"], samples["off"], strict=True)]
        cells = []
        for mode in ("on", "off", "plain"):
            q1, q2, q3 = quartiles(samples[mode])
            cells.append(f"{q2 * 1000:.0f} ms ({q1 * 1000:.0f}-{q3 * 1000:.0f})")
        r1, r2, r3 = quartiles(ratios)
        lines.append(
            f"| {label} | {r2 - 1:+.1%} ({r1 - 1:+.1%} to {r3 - 1:+.1%}) | {' | '.join(cells)} |"
        )
    (out / f"{stamp}-tagging.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / f"{stamp}-tagging.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
