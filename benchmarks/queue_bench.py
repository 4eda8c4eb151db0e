"""Measure the job queue's cost: builds through Redis against the plain local build.

    python benchmarks/queue_bench.py                  # 300 briefs, both formats, 2 rounds
    python benchmarks/queue_bench.py --briefs 1000    # the issue's size (about an hour on 2 cores)
    python benchmarks/queue_bench.py --briefs 1000 --rounds 1 \
        --configs "local -j 2,queue 1 worker,queue 2 workers"   # what BENCHMARKS.md reports

Each round runs, interleaved, the same batch size four ways: `build -j 1`, `build -j 2`, and
`build --broker` with 1 and with 2 `reportgen worker` processes (started and warmed before
the clock starts, as long-running workers are). Every run renders content of its own (titles
and amounts vary by round and configuration), so no run is answered from a cache. For the
queue runs it also reads Redis' own counters (INFO commandstats and stats) before and after:
commands and network bytes per brief; and the build client's CPU time. Writes a Markdown
report and the raw numbers to benchmarks/results/queue-<date>.md/.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
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
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.variants import fresh_seed  # noqa: E402
from tests.queue.redisproc import RedisServer, Worker, heartbeat_ids, wait_for  # noqa: E402

SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"
CONFIGS = ("local -j 1", "local -j 2", "queue 1 worker", "queue 2 workers")
# The workers run with the production defaults, not the tests' quick heartbeats and frequent
# maintenance (which would add Redis commands a deployment does not make).
DEFAULTS = {
    "REPORTGEN_QUEUE_HEARTBEAT_MS": "15000",
    "REPORTGEN_QUEUE_MAINTENANCE_CHANCE": "10000",
    "REPORTGEN_QUEUE_MIN_BACKOFF_MS": "1000",
    "REPORTGEN_QUEUE_RECONNECT_SECONDS": "60",
}


@functools.cache
def _seed_text() -> str:
    """Return the seed facts' text in English, one document per job (made once: the batch
    is a thousand variants of it)."""
    return fresh_seed(0).decode("utf-8")


def variant(n: int, salt: int) -> dict:
    """Return seed facts varied by n and salt: title, slug, amounts, number of sections."""
    data = yaml.load(_seed_text(), Loader=yaml.CSafeLoader)
    data["meta"]["title"] = f"Critical minerals brief no. {n} (run {salt})"
    data["meta"]["slug"] = f"brief-{n:04d}"
    data["sections"] = data["sections"][: 3 + n % 4]
    for line in data["budget"]["programmes"]:
        if line.get("parent") is None:
            line["amount"] = line["amount"] + n + salt * 1000
    return data


def write_batch(folder: Path, count: int, salt: int) -> Path:
    """Write `count` facts files varied by `salt` into a fresh `folder`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n in range(count):
        data = variant(n, salt)
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
        (folder / f"brief-{n:04d}.yaml").write_text(text, encoding="utf-8")
    return folder


def redis_counters(client) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Return (commands processed, network bytes in, network bytes out) of the server."""
    stats = client.info("stats")
    return (
        int(stats["total_commands_processed"]),
        int(stats["total_net_input_bytes"]),
        int(stats["total_net_output_bytes"]),
    )


def command_mix(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Return calls per command (INFO commandstats)."""
    return {
        k.removeprefix("cmdstat_"): int(v["calls"]) for k, v in client.info("commandstats").items()
    }


def tree_cpu(pids: list[int]) -> float:
    """Return the CPU seconds (user + system) used so far by processes `pids` and children."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                times = proc.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def redis_cpu(client) -> float:  # type: ignore[no-untyped-def]
    """Return the CPU seconds the Redis server has used so far."""
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def run_build(facts: Path, out: Path, extra: list[str]) -> tuple[float, float]:
    """Run one build; return (wall seconds, the build process's CPU seconds)."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(facts), "--out", str(out), "-q", *extra],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(args: argparse.Namespace, tmp: Path) -> dict:
    """Return the raw results: per configuration, each round's wall and CPU seconds."""
    server = RedisServer(tmp / "redis").start()
    client = server.client()
    results: dict = {c: {"wall": [], "client_cpu": [], "worker_cpu": []} for c in CONFIGS}
    unknown = set(args.configs.split(",")) - set(CONFIGS)
    if unknown:
        raise SystemExit(f"unknown configuration(s): {', '.join(sorted(unknown))}")
    results["redis"] = []
    results["load"] = []  # (round, configuration, 1-minute load average at its start)
    try:
        for rnd in range(args.rounds):
            for index, config in enumerate(args.configs.split(",")):
                facts = write_batch(tmp / "facts", args.briefs, rnd * 10 + index)
                out = tmp / "out"
                results["load"].append([rnd + 1, config, os.getloadavg()[0]])
                if config.startswith("local"):
                    wall, cpu = run_build(facts, out, ["-j", config[-1]])
                else:
                    count = 1 if "1 worker" in config else 2
                    workers = [Worker(server.url, 1, **DEFAULTS) for _ in range(count)]
                    try:
                        wait_for(lambda k=count: len(heartbeat_ids(client)) >= k, 120, "workers")
                        time.sleep(3)  # the warm-up render of each worker is done
                        pids = [w.process.pid for w in workers]
                        c0, mix0 = redis_counters(client), command_mix(client)
                        w0, r0 = tree_cpu(pids), redis_cpu(client)
                        wall, cpu = run_build(facts, out, ["--broker", server.url])
                        w1, r1 = tree_cpu(pids), redis_cpu(client)
                        c1, mix1 = redis_counters(client), command_mix(client)
                        results[config]["worker_cpu"].append(w1 - w0)
                    finally:
                        for w in workers:
                            w.stop()
                    client.delete("reportgen-dramatiq:__heartbeats__")
                    results["redis"].append(
                        {
                            "config": config,
                            "commands": c1[0] - c0[0],
                            "bytes_in": c1[1] - c0[1],
                            "bytes_out": c1[2] - c0[2],
                            "redis_cpu": r1 - r0,
                            "mix": {
                                k: mix1[k] - mix0.get(k, 0)
                                for k in mix1
                                if mix1[k] != mix0.get(k, 0)
                            },
                        }
                    )
                results[config]["wall"].append(wall)
                results[config]["client_cpu"].append(cpu)
                print(
                    f"round {rnd + 1} {config:<16} {wall:7.1f} s  client CPU {cpu:6.1f} s",
                    flush=True,
                )
        results["redis_benchmark"] = redis_benchmark(server.port)
        results["memory_per_result"] = memory_per_result(client)
    finally:
        server.kill()
    return results


def memory_per_result(client) -> float:  # type: ignore[no-untyped-def]
    """Return Redis' own MEMORY USAGE of one stored result (both formats), in bytes."""
    keys = list(client.scan_iter("reportgen:result:*", count=1000))[:50]
    sizes = [client.memory_usage(k) or 0 for k in keys]
    return statistics.mean(sizes) if sizes else 0.0


def redis_benchmark(port: int) -> dict[str, float]:
    """Return requests/s of this machine's Redis for the commands the queue uses most."""
    exe = shutil.which("redis-benchmark")
    if exe is None:
        return {}
    done = subprocess.run(
        [
            exe,
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-q",
            "-n",
            "100000",
            "-c",
            "20",
            "-t",
            "set,get,lpush,lpop,hset,sadd",
            "--csv",
        ],
        capture_output=True,
        text=True,
    )
    rates = {}
    for line in done.stdout.splitlines()[1:]:
        parts = [p.strip('"') for p in line.split(",")]
        if len(parts) >= 2:
            rates[parts[0]] = float(parts[1])
    return rates


def machine() -> str:
    """Return a one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def report(results: dict, args: argparse.Namespace) -> str:
    """Return the Markdown report of the results (of the configurations that were run)."""
    n = args.briefs
    configs = [c for c in CONFIGS if results.get(c, {}).get("wall")]
    med = {c: statistics.median(results[c]["wall"]) for c in configs}
    cpu = {c: statistics.median(results[c]["client_cpu"]) for c in configs}
    local = "local -j 1" if "local -j 1" in med else "local -j 2"
    lines = [
        f"# Queue benchmark, {dt.date.today().isoformat()}",
        "",
        f"Machine: {machine()}. {n} briefs, both formats, {args.rounds} interleaved round(s); "
        "medians. Every run renders content of its own.",
        "",
        "| configuration | wall s | ms per brief | vs local -j 2 | client CPU s | worker CPU s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in configs:
        ratio = f"{med[c] / med['local -j 2']:.3f}" if "local -j 2" in med else "-"
        wcpu = results[c]["worker_cpu"]
        worker = f"{statistics.median(wcpu):.1f}" if wcpu else "-"
        lines.append(
            f"| {c} | {med[c]:.1f} | {med[c] / n * 1000:.0f} | {ratio} | {cpu[c]:.1f} | {worker} |"
        )
    # A local build's CPU (its own and its pool's) is the render's: the baseline per brief.
    local_cpu = cpu[local] / n
    redis_cpu_per = statistics.median(r["redis_cpu"] for r in results["redis"]) / n
    lines += ["", f"Render CPU per brief ({local}, pool included): {local_cpu * 1000:.0f} ms."]
    if "local -j 2" in med and "queue 2 workers" in med:
        over2 = (med["queue 2 workers"] - med["local -j 2"]) / n
        lines.append(
            f"Wall time, 2 workers through Redis against `-j 2`: {over2 * 1000:+.1f} ms per "
            f"brief ({over2 / (med['local -j 2'] / n):+.1%} of the -j 2 time per brief)."
        )
    for c in ("queue 1 worker", "queue 2 workers"):
        if c not in med:
            continue
        total = (cpu[c] + statistics.median(results[c]["worker_cpu"])) / n + redis_cpu_per
        lines.append(
            f"CPU per brief through the queue, {c}: {total * 1000:.0f} ms (client, workers and "
            f"Redis), {(total - local_cpu) * 1000:+.1f} ms against the local build "
            f"({(total - local_cpu) / local_cpu:+.1%})."
        )
    lines.append(f"Redis CPU per brief: {redis_cpu_per * 1000:.2f} ms.")
    queue_runs = list(results["redis"])
    if queue_runs:
        cmds = statistics.median(r["commands"] for r in queue_runs) / n
        bin_ = statistics.median(r["bytes_in"] for r in queue_runs) / n
        bout = statistics.median(r["bytes_out"] for r in queue_runs) / n
        mix: dict[str, int] = {}
        for r in queue_runs:
            for k, v in r["mix"].items():
                mix[k] = mix.get(k, 0) + v
        top = sorted(mix.items(), key=lambda kv: -kv[1])[:10]
        per = ", ".join(f"{k} {v / (n * len(queue_runs)):.1f}" for k, v in top)
        lines += [
            "",
            f"Redis per brief: {cmds:.1f} commands, {bin_ / 1024:.1f} KiB in, "
            f"{bout / 1024:.1f} KiB out (idle polling of the workers included). "
            f"Commands per brief: {per}.",
            "One stored result (PDF + DOCX + meta) takes "
            f"{results['memory_per_result'] / 1024:.0f} KiB of Redis memory.",
        ]
    if results.get("load"):
        loads = ", ".join(f"{c} (round {r}) {v:.1f}" for r, c, v in results["load"])
        lines += ["", f"1-minute load average at the start of each run: {loads}."]
    if results.get("redis_benchmark"):
        rates = ", ".join(f"{k} {v:,.0f}/s" for k, v in results["redis_benchmark"].items())
        lines += ["", f"redis-benchmark on this machine (20 clients, loopback): {rates}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--configs",
        default=",".join(CONFIGS),
        help=f"comma-separated, of: {', '.join(CONFIGS)}",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(args, Path(tmp))
    text = report(results, args)
    print(text)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / f"queue-{stamp}.md").write_text(text, encoding="utf-8")
    (out / f"queue-{stamp}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
