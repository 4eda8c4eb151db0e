"""Measure reportgen's speed and memory, with pandoc and LibreOffice in the same run.

    python benchmarks/bench.py                 # everything (about 10 minutes on 2 cores)
    python benchmarks/bench.py --quick         # fewer repeats, a 200-brief batch

Prints a Markdown report (medians over repeated runs, the machine named) and writes it, with
the raw numbers, to benchmarks/results/<date>.md and .json. Timings are wall-clock medians;
memory is the peak resident set of the measured process (GNU time's %M).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"
TIME = shutil.which("time") or "/usr/bin/time"


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Return the median wall time of `fn` in milliseconds, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def timed_process(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Return (seconds, peak RSS in MB) of one run of `command` as a whole process."""
    start = time.perf_counter()
    result = subprocess.run(
        [TIME, "-f", "%M", *command], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed: {result.stderr[-2000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb // 1024


def median_process(command: list[str], repeats: int, cwd: Path | None = None) -> tuple[float, int]:
    """Return the median seconds and the largest peak RSS (MB) over repeated runs."""
    runs = [timed_process(command, cwd) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def machine() -> str:
    """Return a one-line description of this machine."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({model}), {mem_gb:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


# ---------------------------------------------------------------- generated facts


def seed_data() -> dict:
    """Return the seed facts as YAML data."""
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def variant(n: int) -> dict:
    """Return seed facts varied by n: title, slug, amounts and number of sections."""
    data = seed_data()
    data["meta"]["title"] = f"Critical minerals brief no. {n}"
    data["meta"]["slug"] = f"brief-{n:04d}"
    data["sections"] = data["sections"][: 3 + n % 4]
    for line in data["budget"]["programmes"]:
        if line.get("parent") is None:
            line["amount"] = line["amount"] + n
    return data


def large(rows: int) -> dict:
    """Return a large brief: 50 sections and a budget annex of `rows` lines."""
    data = seed_data()
    data["meta"]["title"] = f"Large brief with {rows} budget lines"
    data["meta"]["slug"] = f"large-{rows}"
    base = data["sections"]
    data["sections"] = []
    for i in range(50):
        section = dict(base[i % len(base)])
        section["id"] = f"s{i}"
        section["heading"] = f"{section['heading']} ({i + 1})"
        data["sections"].append(section)
    lines = data["budget"]["programmes"][:3]  # the seed text cites all three
    for i in range(rows - len(lines)):
        lines.append(
            {
                "id": f"line-{i}",
                "name": f"Programme line {i + 1}",
                "owner": "India" if i % 2 else "United States",
                "amount": 100 + (i * 37) % 900,
                "currency": "INR" if i % 2 else "USD",
                "scale": "crore" if i % 2 else "million",
                "period": {"start": 2024, "years": 1 + i % 7},
                "source": "pib-ncmm" if i % 2 else "energy-act-2020",
            }
        )
    data["budget"]["programmes"] = lines
    return data


def write_yaml(path: Path, data: dict) -> Path:
    """Write YAML data to `path`; return it."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- measurements


def warm_numbers(repeats: int) -> dict[str, float]:
    """Return warm, in-process milliseconds for each stage on the seed brief."""
    from reportgen.build import build_brief, theme_for
    from reportgen.facts import load_facts
    from reportgen.templating import build_document
    from reportgen.writers import get_writer
    from reportgen.writers.docx.figures import _PNG_CACHE

    facts = load_facts(SEED)
    doc = build_document(facts, None)
    theme = theme_for(facts.meta.template)
    pdf, docx = get_writer("pdf"), get_writer("docx")
    return {
        "facts load + validate": median_ms(lambda: load_facts(SEED), repeats),
        "template + reader": median_ms(lambda: build_document(facts, None), repeats),
        "PDF writer": median_ms(lambda: pdf(doc, theme), repeats),
        "DOCX writer (chart pictures cached, as in a rebuild)": median_ms(
            lambda: docx(doc, theme), repeats
        ),
        "DOCX writer (chart pictures drawn afresh)": median_ms(
            lambda: (_PNG_CACHE.clear(), docx(doc, theme)), repeats
        ),
        "whole brief, both formats": median_ms(lambda: build_brief(SEED), repeats),
    }


def cli(*args: str) -> list[str]:
    """Return the command that runs reportgen with `args`."""
    return [sys.executable, "-m", "reportgen", *args]


def cold_numbers(tmp: Path, repeats: int) -> dict[str, tuple[float, int]]:
    """Return whole-process seconds and peak MB for one brief, per format and both."""
    out = tmp / "cold"
    return {
        fmt: median_process(
            cli("build", str(SEED), "--format", fmt, "--out", str(out), "--force", "-q", "-j", "1"),
            repeats,
        )
        for fmt in ("pdf", "docx", "all")
    }


def batch_numbers(tmp: Path, count: int) -> dict[str, tuple[float, int]]:
    """Return seconds and peak MB for building `count` briefs at -j 1 and -j 2, and a rebuild."""
    facts = tmp / "batch-facts"
    facts.mkdir()
    for n in range(count):
        write_yaml(facts / f"brief-{n:04d}.yaml", variant(n))
    results = {}
    for jobs in ("1", "2"):
        out = tmp / f"batch-out-{jobs}"
        results[f"-j {jobs}"] = timed_process(
            cli("build", str(facts), "--out", str(out), "-q", "-j", jobs)
        )
    results["no-change rebuild (-j 2)"] = timed_process(
        cli("build", str(facts), "--out", str(tmp / "batch-out-2"), "-q", "-j", "2")
    )
    return results


def large_numbers(tmp: Path, sizes: list[int]) -> dict[str, tuple[float, int]]:
    """Return seconds and peak MB per format for the large brief at each size."""
    results = {}
    for rows in sizes:
        path = write_yaml(tmp / f"large-{rows}.yaml", large(rows))
        for fmt in ("pdf", "docx"):
            results[f"{rows} rows, {fmt}"] = timed_process(
                cli(
                    "build",
                    str(path),
                    "--format",
                    fmt,
                    "--out",
                    str(tmp / "large"),
                    "--force",
                    "-q",
                    "-j",
                    "1",
                )
            )
    return results


def alternatives(tmp: Path, repeats: int) -> dict[str, tuple[float, int] | None]:
    """Return pandoc (Markdown to DOCX) and LibreOffice (DOCX to PDF) on the same brief."""
    from reportgen.build import build_brief
    from reportgen.facts import load_facts
    from reportgen.templating import render_markdown

    facts = load_facts(SEED)
    markdown = tmp / "brief.md"
    markdown.write_text(render_markdown(facts, facts.meta.template), encoding="utf-8")
    docx = tmp / "brief.docx"
    docx.write_bytes(build_brief(SEED, formats=("docx",)).outputs["docx"])
    results: dict[str, tuple[float, int] | None] = {}
    pandoc = shutil.which("pandoc")
    results["pandoc, Markdown to DOCX"] = (
        median_process(
            [pandoc, "-f", "markdown", "-t", "docx", "-o", str(tmp / "p.docx"), str(markdown)],
            repeats,
        )
        if pandoc
        else None
    )
    soffice = shutil.which("soffice")
    profile = (tmp / "lo-profile").as_uri()
    results["LibreOffice, DOCX to PDF"] = (
        median_process(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp / "lo"),
                str(docx),
            ],
            max(3, repeats // 2),
        )
        if soffice
        else None
    )
    return results


# ---------------------------------------------------------------- report


def report(results: dict, args: argparse.Namespace) -> str:
    """Return the Markdown report of one run."""
    lines = [
        f"# reportgen benchmark, {dt.date.today().isoformat()}",
        "",
        f"Machine: {machine()}",
        f"Command: `python benchmarks/bench.py{' --quick' if args.quick else ''}`",
        "",
        "## Warm, in one process (median ms)",
        "",
        "| stage | ms |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:.1f} |" for k, v in results["warm"].items()]
    lines += [
        "",
        "## Cold, whole process, seed brief (median s, peak MB)",
        "",
        "| what | s | peak MB |",
        "|---|---|---|",
    ]
    lines += [
        f"| reportgen build --format {k} | {s:.2f} | {m} |" for k, (s, m) in results["cold"].items()
    ]
    both = results["cold"]["all"][0]
    for name, value in results["alternatives"].items():
        if value is None:
            lines.append(f"| {name} | not installed | |")
        else:
            lines.append(f"| {name} | {value[0]:.2f} | {value[1]} |")
            lines.append(f"| ratio: {name} / reportgen both formats | {value[0] / both:.2f}x | |")
    lines += [
        "",
        f"## Batch of {args.batch} briefs, both formats (s, peak MB)",
        "",
        "| run | s | briefs/s | peak MB |",
        "|---|---|---|---|",
    ]
    for k, (s, m) in results["batch"].items():
        lines.append(f"| {k} | {s:.1f} | {args.batch / s:.1f} | {m} |")
    lines += [
        "",
        "## Large brief: 50 sections and a budget annex (s, peak MB)",
        "",
        "| size | s | peak MB |",
        "|---|---|---|",
    ]
    lines += [f"| {k} | {s:.2f} | {m} |" for k, (s, m) in results["large"].items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmarks and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller batch")
    parser.add_argument("--warm-only", action="store_true", help="only the warm, in-process runs")
    args = parser.parse_args()
    args.batch = 200 if args.quick else 1000
    repeats = 5 if args.quick else 20
    if args.warm_only:
        for stage, ms in warm_numbers(repeats).items():
            print(f"| {stage} | {ms:.1f} |")
        return
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        results = {
            "machine": machine(),
            "warm": warm_numbers(repeats),
            "cold": cold_numbers(tmp, 3 if args.quick else 7),
            "alternatives": alternatives(tmp, 3 if args.quick else 7),
            "batch": batch_numbers(tmp, args.batch),
            "large": large_numbers(tmp, [200, 500, 1000, 2000]),
        }
    text = report(results, args)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    (out / f"{stamp}.md").write_text(text, encoding="utf-8")
    (out / f"{stamp}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(text)


if __name__ == "__main__":
    main()
