"""Measure reportgen against its peers in one run, interleaved, with content that always changes.

    pip install -e '.[bench]'                   # docxtpl, typst, reportlab (peers)
    python benchmarks/bench.py                  # everything (about 15 minutes on 2 cores)
    python benchmarks/bench.py --quick          # fewer rounds, a 200-brief batch
    python benchmarks/bench.py --only warm,cold # some parts: warm cold large linear batch

Rules (BENCHMARKS.md explains them):

- every reportgen render gets a new title and new budget amounts (benchmarks/variants.py),
  so no cache answers; a separate line, labelled "cached", shows the same content again;
- reportgen and each peer run interleaved (A, B, C, A, B, C ...; the order rotates every
  round), so a change in the machine's load falls on all of them alike;
- each line gives the median and the spread (25th-75th percentile, and min-max); ratios
  (reportgen / peer, measured in the same run) come first, absolute numbers second;
- the load average is recorded before and after each part.

Writes the Markdown report and the raw samples to benchmarks/results/<date-time>.md/.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import variants  # noqa: E402

PEERS = ROOT / "benchmarks" / "peers" / "render.py"
TIME = shutil.which("time") or "/usr/bin/time"
LINEAR_SIZES = (500, 1000, 2000, 4000)


# ---------------------------------------------------------------- statistics


def stats(samples: list[float]) -> dict[str, float]:
    """Return median, quartiles, min and max of samples."""
    ordered = sorted(samples)
    if len(ordered) >= 4:
        q1, _, q3 = statistics.quantiles(ordered, n=4)
    else:
        q1, q3 = ordered[0], ordered[-1]
    return {
        "median": statistics.median(ordered),
        "q1": q1,
        "q3": q3,
        "min": ordered[0],
        "max": ordered[-1],
        "n": len(ordered),
    }


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages as text."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def interleave(contenders: dict[str, Callable[[int], object]], rounds: int) -> dict[str, list]:
    """Return each contender's samples (wall ms): A, B, C, then B, C, A ... after a warm-up.

    Each call gets a new number n, from which a contender makes its fresh content. The CPU
    time of each call (all threads of this process) goes to the key "<name> [cpu]".
    """
    names = list(contenders)
    counter = 1_000
    for name in names:  # warm-up: imports, fonts, compiled templates
        contenders[name](counter)
        counter += 1
    samples: dict[str, list[float]] = {name: [] for name in names}
    samples.update({f"{name} [cpu]": [] for name in names})
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            counter += 1
            cpu, start = time.process_time(), time.perf_counter()
            contenders[name](counter)
            samples[name].append((time.perf_counter() - start) * 1000)
            samples[f"{name} [cpu]"].append((time.process_time() - cpu) * 1000)
    return samples


def run_process(command: list[str], cwd: Path | None = None) -> tuple[float, float, float]:
    """Return (wall s, CPU s, peak RSS MiB) of one run of `command` as a whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [TIME, "-f", "%M", *command], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed: {result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, cpu, peak_kb / 1024


def interleave_processes(
    commands: dict[str, Callable[[int], list[str]]], rounds: int
) -> dict[str, dict[str, list[float]]]:
    """Return wall s, CPU s and peak MiB per command, run interleaved like `interleave`."""
    names = list(commands)
    out: dict[str, dict[str, list[float]]] = {
        name: {"s": [], "cpu": [], "mib": []} for name in names
    }
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            wall, cpu, mib = run_process(commands[name](r))
            out[name]["s"].append(wall)
            out[name]["cpu"].append(cpu)
            out[name]["mib"].append(mib)
    return out


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


def cli(*args: str) -> list[str]:
    """Return the command that runs reportgen with `args`."""
    return [sys.executable, "-m", "reportgen", *args]


def peer(name: str, facts: Path, out: Path, *extra: str) -> list[str]:
    """Return the command that renders one brief with a peer as a whole process."""
    return [sys.executable, str(PEERS), name, str(facts), str(out), *extra]


# ---------------------------------------------------------------- the parts


def part_warm(rounds: int) -> dict[str, Any]:
    """Warm, in one process: reportgen PDF vs Typst and reportlab; DOCX vs docxtpl."""
    from benchmarks.peers.render import ReportlabBrief, TypstBrief, docxtpl_brief, typst_once
    from reportgen.build import build_brief

    seed = variants.SEED.read_bytes()
    typst, reportlab = TypstBrief(), ReportlabBrief()
    fresh = variants.fresh_seed
    pdf = interleave(
        {
            "reportgen PDF": lambda n: build_brief(fresh(n), formats=("pdf",)),
            "Typst (warm compiler), fresh compile": lambda n: typst(fresh(n)),
            "Typst (one-shot typst.compile)": lambda n: typst_once(fresh(n)),
            "plain reportlab": lambda n: reportlab(fresh(n)),
            "reportgen PDF, cached (same content every time)": lambda n: build_brief(
                seed, formats=("pdf",)
            ),
        },
        rounds,
    )
    docx = interleave(
        {
            "reportgen DOCX": lambda n: build_brief(fresh(n), formats=("docx",)),
            "docxtpl": lambda n: docxtpl_brief(fresh(n)),
            "reportgen DOCX, cached (same content: chart pictures reused)": lambda n: build_brief(
                seed, formats=("docx",)
            ),
        },
        rounds,
    )
    both = interleave(
        {"reportgen both formats": lambda n: build_brief(fresh(n), formats=("pdf", "docx"))},
        max(3, rounds // 2),
    )
    return {"pdf": pdf, "docx": docx, "both": both}


def part_cold(tmp: Path, rounds: int) -> dict[str, Any]:
    """Cold, both formats, one process each: reportgen vs docxtpl+Typst vs docxtpl+LibreOffice."""
    folder = tmp / "cold"
    folder.mkdir()

    def facts(r: int) -> Path:
        return variants.write(folder / f"cold-{r}.yaml", variants.batch_variant(5000 + r))

    profile = tmp / "lo-profile"
    commands: dict[str, Callable[[int], list[str]]] = {
        "reportgen build, both formats": lambda r: cli(
            "build",
            str(facts(r)),
            "--format",
            "all",
            "--out",
            str(folder / "out"),
            "--force",
            "-q",
            "-j",
            "1",
        ),
        "docxtpl + Typst, one process": lambda r: peer(
            "docxtpl+typst", facts(r), folder / f"peer-{r}"
        ),
    }
    if shutil.which("soffice"):
        commands["docxtpl + LibreOffice (docx to pdf)"] = lambda r: peer(
            "docxtpl+libreoffice", facts(r), folder / f"lo-{r}", str(profile)
        )
        # LibreOffice's first start builds its profile; keep that out of the samples
        run_process(peer("docxtpl+libreoffice", facts(99), folder / "lo-warm", str(profile)))
    return interleave_processes(commands, rounds)


def part_large(tmp: Path, rounds: int, rows: int = 2000) -> dict[str, Any]:
    """2,000 budget lines and 50 sections, per format, as whole processes, with peak RSS."""
    folder = tmp / "large"
    folder.mkdir()

    def facts(r: int) -> Path:
        return variants.write(folder / f"large-{r}.yaml", variants.large(rows, r))

    def build(fmt: str) -> Callable[[int], list[str]]:
        return lambda r: cli(
            "build",
            str(facts(r)),
            "--format",
            fmt,
            "--out",
            str(folder / "out"),
            "--force",
            "-q",
            "-j",
            "1",
        )

    return interleave_processes(
        {
            "reportgen PDF": build("pdf"),
            "Typst": lambda r: peer("typst", facts(r), folder / f"t-{r}.pdf"),
            "plain reportlab (LongTable)": lambda r: peer(
                "reportlab", facts(r), folder / f"r-{r}.pdf"
            ),
            "reportgen DOCX": build("docx"),
            "docxtpl": lambda r: peer("docxtpl", facts(r), folder / f"d-{r}.docx"),
        },
        rounds,
    )


def part_linear(tmp: Path, rounds: int) -> dict[str, Any]:
    """reportgen at 500 / 1,000 / 2,000 / 4,000 lines per format (whole processes)."""
    folder = tmp / "linear"
    folder.mkdir()
    commands: dict[str, Callable[[int], list[str]]] = {}
    for fmt in ("pdf", "docx"):
        for rows in LINEAR_SIZES:

            def command(r: int, rows: int = rows, fmt: str = fmt) -> list[str]:
                path = variants.write(folder / f"l-{rows}-{r}.yaml", variants.large(rows, r))
                out = str(folder / "out")
                return cli("build", str(path), "--format", fmt, "--out", out, "--force", "-q")

            commands[f"{fmt} {rows}"] = command
    return interleave_processes(commands, rounds)


def part_batch(tmp: Path, count: int) -> dict[str, Any]:
    """`count` different briefs, both formats, `-j 2` (and the no-change rebuild)."""
    facts = tmp / "batch-facts"
    facts.mkdir()
    for n in range(count):
        variants.write(facts / f"brief-{n:04d}.yaml", variants.batch_variant(n))
    out = tmp / "batch-out"
    results = {}
    load = load_average()
    results["-j 2"] = run_process(cli("build", str(facts), "--out", str(out), "-q", "-j", "2"))
    results["no-change rebuild, -j 2"] = run_process(
        cli("build", str(facts), "--out", str(out), "-q", "-j", "2")
    )
    return {"count": count, "load_before": load, "runs": results}


# ---------------------------------------------------------------- report


def fmt_ms(s: dict[str, float]) -> str:
    """Return 'median (q1-q3; min-max)' in ms."""
    return f"{s['median']:.1f} ({s['q1']:.1f}–{s['q3']:.1f}; {s['min']:.1f}–{s['max']:.1f})"


def fmt_s(s: dict[str, float]) -> str:
    """Return 'median (min-max)' in s."""
    return f"{s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f})"


def ratio_lines(samples: dict[str, list[float]], ours: str, peers: list[str]) -> list[str]:
    """Return table lines 'ours / peer: wall ratio | CPU ratio' from medians of the same run."""

    def median(name: str) -> float:
        return statistics.median(samples[name])

    return [
        f"| {ours} / {name} | **{median(ours) / median(name):.2f}** "
        f"| {median(ours + ' [cpu]') / median(name + ' [cpu]'):.2f} |"
        for name in peers
        if name in samples
    ]


def report_warm(warm: dict[str, Any]) -> list[str]:
    """Return the Markdown of the warm part."""
    lines = [
        "## Warm, in one process, fresh content every render",
        "",
        "| ratio | wall time | CPU time |",
        "|---|---:|---:|",
    ]
    pdf, docx = warm["pdf"], warm["docx"]
    lines += ratio_lines(
        pdf,
        "reportgen PDF",
        [
            "Typst (warm compiler), fresh compile",
            "Typst (one-shot typst.compile)",
            "plain reportlab",
        ],
    )
    lines += ratio_lines(docx, "reportgen DOCX", ["docxtpl"])
    lines += [
        "",
        "| render | wall ms median (25–75%; min–max) | CPU ms median |",
        "|---|---:|---:|",
    ]
    for group in (pdf, docx, warm["both"]):
        lines += [
            f"| {name} | {fmt_ms(stats(s))} | {statistics.median(group[name + ' [cpu]']):.1f} |"
            for name, s in group.items()
            if not name.endswith("[cpu]")
        ]
    return [*lines, ""]


def report_processes(title: str, data: dict[str, Any], pairs: list[tuple[str, str]]) -> list[str]:
    """Return the Markdown of a whole-process part: ratios, then seconds, CPU and MiB.

    Wall time is what a user waits; CPU time (user + system of the process and its children)
    moves much less with the load of a shared machine, so both ratios are given.
    """
    lines = [
        f"## {title}",
        "",
        "| ratio | wall time | CPU time | peak RSS |",
        "|---|---:|---:|---:|",
    ]

    def median(name: str, key: str) -> float:
        return statistics.median(data[name][key])

    for mine, other in pairs:
        if mine in data and other in data:
            lines.append(
                f"| {mine} / {other} | **{median(mine, 's') / median(other, 's'):.2f}** "
                f"| {median(mine, 'cpu') / median(other, 'cpu'):.2f} "
                f"| {max(data[mine]['mib']) / max(data[other]['mib']):.2f} |"
            )
    lines += [
        "",
        "| what | wall s median (min–max) | CPU s median | peak MiB |",
        "|---|---:|---:|---:|",
    ]
    for name, d in data.items():
        lines.append(
            f"| {name} | {fmt_s(stats(d['s']))} | {statistics.median(d['cpu']):.2f} "
            f"| {max(d['mib']):.0f} |"
        )
    return [*lines, ""]


def report_linear(data: dict[str, Any]) -> list[str]:
    """Return the Markdown of the linearity part: cost per extra line between sizes.

    The verdict uses CPU time: on a shared machine wall time moves with other people's
    work far more than with the lines (a run at load 12 read 0.45 then 26.6 ms per line).
    """
    lines = [
        "## Linearity: 50 sections and 500 / 1,000 / 2,000 / 4,000 budget lines",
        "",
        "| format | lines | wall s median | CPU s median | peak MiB "
        "| CPU ms per extra line since previous size |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for fmt in ("pdf", "docx"):
        previous = None
        costs = []
        for rows in LINEAR_SIZES:
            d = data[f"{fmt} {rows}"]
            wall, cpu = statistics.median(d["s"]), statistics.median(d["cpu"])
            cost = ""
            if previous is not None:
                per_line = (cpu - previous[1]) / (rows - previous[0]) * 1000
                costs.append(per_line)
                cost = f"{per_line:.2f}"
            lines.append(
                f"| {fmt} | {rows} | {wall:.2f} | {cpu:.2f} | {max(d['mib']):.0f} | {cost} |"
            )
            previous = (rows, cpu)
        spread = max(costs) / min(costs) - 1 if min(costs) > 0 else float("inf")
        verdicts.append(
            f"{fmt.upper()}: CPU cost per extra line {min(costs):.2f}–{max(costs):.2f} ms, "
            f"largest over smallest {spread * 100:.0f}% (flat means within 20%)"
        )
    return [*lines, "", *(f"- {v}" for v in verdicts), ""]


def report_batch(data: dict[str, Any]) -> list[str]:
    """Return the Markdown of the batch part."""
    count = data["count"]
    lines = [
        f"## Batch: {count} different briefs, both formats (load before: {data['load_before']})",
        "",
        "| run | wall s | briefs/s | CPU ms per brief | peak MiB (largest process) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (wall, cpu, mib) in data["runs"].items():
        lines.append(
            f"| {name} | {wall:.1f} | {count / wall:.1f} | {cpu / count * 1000:.0f} | {mib:.0f} |"
        )
    return [*lines, ""]


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    """Return the Markdown report of one run."""
    lines = [
        f"# reportgen benchmark, {results['started']}",
        "",
        f"Machine: {machine()}",
        f"Command: `python {' '.join(sys.argv)}`",
        "",
        "Load average (1 / 5 / 15 min) at the start of each part:",
        "",
        *(f"- {part}: {load}" for part, load in results["load"].items()),
        "",
    ]
    if "warm" in results:
        lines += report_warm(results["warm"])
    if "cold" in results:
        lines += report_processes(
            "Cold, both formats, one process (new facts each round)",
            results["cold"],
            [
                ("reportgen build, both formats", "docxtpl + Typst, one process"),
                ("reportgen build, both formats", "docxtpl + LibreOffice (docx to pdf)"),
            ],
        )
    if "large" in results:
        lines += report_processes(
            "Large: 2,000 budget lines and 50 sections, one process per format",
            results["large"],
            [
                ("reportgen PDF", "Typst"),
                ("reportgen PDF", "plain reportlab (LongTable)"),
                ("reportgen DOCX", "docxtpl"),
            ],
        )
    if "linear" in results:
        lines += report_linear(results["linear"])
    if "batch" in results:
        lines += report_batch(results["batch"])
    return "\n".join(lines) + "\n"


PARTS = ("warm", "cold", "large", "linear", "batch")


def main() -> None:
    """Run the chosen parts and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, a 200-brief batch")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    parser.add_argument("--rounds", type=int, help="rounds of the warm part (default 30)")
    args = parser.parse_args()
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}; use {', '.join(PARTS)}")
    warm_rounds = args.rounds or (10 if args.quick else 30)
    process_rounds = 2 if args.quick else 5
    results: dict[str, Any] = {"started": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "load": {}}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for part in parts:
            results["load"][part] = load_average()
            print(f"[{part}] load {results['load'][part]}", file=sys.stderr, flush=True)
            if part == "warm":
                results["warm"] = part_warm(warm_rounds)
            elif part == "cold":
                results["cold"] = part_cold(tmp, process_rounds + 2)
            elif part == "large":
                results["large"] = part_large(tmp, max(1, process_rounds - 2))
            elif part == "linear":
                results["linear"] = part_linear(tmp, max(1, process_rounds - 2))
            elif part == "batch":
                results["batch"] = part_batch(tmp, 200 if args.quick else 1000)
        results["load"]["end"] = load_average()
    results["machine"] = machine()
    text = report(results, args)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    (out / f"{stamp}.md").write_text(text, encoding="utf-8")
    (out / f"{stamp}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(text)


if __name__ == "__main__":
    main()
