"""Soak of the HTTP service: 32 clients for 10 minutes, fresh, cached, invalid and oversized.

    python benchmarks/soak_service.py                          # 32 clients, 600 s
    python benchmarks/soak_service.py --duration 60 --json x.json   # a quick look

Starts `python -m reportgen.service --workers 2` on a free loopback port (nothing else is
contacted) and runs closed-loop clients (each sends its next request when the last is
answered). Each request is drawn at random (seeded) from a mix:

- fresh: the seed facts with a new title and new amounts (benchmarks/variants.py): rendered;
- cached: one of a few fixed facts files, rendered before the load starts (in every
  worker) and then answered from the cache;
- invalid: one of several broken facts files (YAML and JSON; bad dates, currencies, a base-60
  amount, deep nesting, a 5,000-digit number, a YAML syntax error): 422;
- oversized: a body declared larger than `max_body`: 413 from the headers alone.

Allowed answers: 200 for fresh and cached, 422 for invalid, 413 for oversized, and 429 for
anything that needs a render slot while the line is full (fresh, invalid; never cached).
Anything else, and every transport failure, is an error. Every `--sample` seconds the
resident memory (RSS and PSS, summed over the server and all its children) is recorded with
the requests so far and the cache's size (of the worker that answered /healthz). The server's
cache is 4 MiB per worker by default (`--cache-bytes`), so that it fills within the run on a
shared 2-core machine and the memory after it fills can be seen. The curve, the answers per
kind and the verdict (errors, memory after the cache filled) are printed as Markdown and,
with --json, written as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load_service import free_port, machine, wait_until_up  # noqa: E402
from benchmarks.variants import SEED, fresh_seed  # noqa: E402

KINDS = ("fresh", "cached", "invalid", "oversized")
ALLOWED = {
    "fresh": {200, 429},
    "cached": {200},
    "invalid": {422, 429},
    "oversized": {413},
}


# ---------------------------------------------------------------- request bodies


def cached_bodies() -> list[bytes]:
    """Return the few fixed facts files that cached requests repeat."""
    return [fresh_seed(10**9 + i) for i in range(8)]


def invalid_bodies() -> list[tuple[str, bytes]]:
    """Return (content type, body) of facts that are refused with 422."""
    seed = SEED.read_text(encoding="utf-8")
    yaml_type, json_type = "application/yaml", "application/json"
    changed = [
        seed.replace("date: ", "date: 2025-13-45 #", 1),
        seed.replace("currency: INR", "currency: XYZ", 1),
        seed.replace("amount: 16300", "amount: 1:30", 1),
        seed.replace("amount: 16300", "amount: " + ":".join(["59"] * 3000), 1),
        seed + "\nmeta: [unclosed\n",
        "meta:\n  title: [" + "[" * 500 + "\n",
    ]
    bodies = [(yaml_type, text.encode()) for text in changed]
    bodies += [
        (json_type, b'{"meta": ' + b"9" * 5000 + b"}"),
        (json_type, b'{"a": ' * 2000),
        (json_type, b'{"meta": {"title": "x\\ud83d"}}'),
    ]
    return bodies


# ---------------------------------------------------------------- one client


async def request(
    host: str, port: int, conn: list[Any], content_type: str, body: bytes, declared: int = 0
) -> str:
    """Return the status of one POST /v1/briefs?format=pdf on the kept-alive `conn`, with
    "hit" or "miss" after it for a document (X-Reportgen-Cache).

    `declared` > 0 sends only the headers with that Content-Length (an oversized body the
    server must refuse from its headers alone) and closes the connection after the answer.
    """
    if not conn:
        conn.extend(await asyncio.open_connection(host, port))
    reader, writer = conn
    length = declared or len(body)
    head = (
        f"POST /v1/briefs?format=pdf HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    writer.write(head if declared else head + body)
    await writer.drain()
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    data = await reader.readexactly(int(headers.get("content-length", "0")))
    if status >= 500:  # which one: the error code of a JSON answer, else its text
        try:
            return f"{status} {json.loads(data)['error']}"
        except (ValueError, KeyError, TypeError):
            return f"{status} {data[:40].decode('latin-1')!r}"
    if declared or headers.get("connection", "").lower() == "close":
        await close(conn)
    cache = headers.get("x-reportgen-cache")
    return f"{status} {cache}" if cache else str(status)


async def close(conn: list[Any]) -> None:
    """Close a client connection (the next request opens a new one)."""
    if conn:
        writer = conn[1]
        conn.clear()
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def client(
    base: str,
    n: int,
    stop_at: float,
    weights: list[float],
    counts: dict,
    max_body: int,
    answered: Any,
) -> None:
    """Send requests of the mix until `stop_at`, counting answers per kind and status."""
    host, port = base.removeprefix("http://").split(":")
    rng = random.Random(n)
    cached, invalid = cached_bodies(), invalid_bodies()
    conn: list[Any] = []
    i = 0
    while time.monotonic() < stop_at:
        kind = rng.choices(KINDS, weights)[0]
        i += 1
        declared = 0
        content_type = "application/yaml"
        if kind == "fresh":
            body = fresh_seed(n * 10**6 + i)
        elif kind == "cached":
            body = rng.choice(cached)
        elif kind == "invalid":
            content_type, body = rng.choice(invalid)
        else:
            body, declared = b"", max_body + 1 + rng.randrange(max_body)
        try:
            status = await asyncio.wait_for(
                request(host, int(port), conn, content_type, body, declared), 120
            )
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            status = type(exc).__name__
            await close(conn)
        key = f"{kind} {status}"
        counts[key] = counts.get(key, 0) + 1
        with answered.get_lock():
            answered.value += 1
    await close(conn)


def client_process(base: str, first: int, clients: int, seconds: float, weights: list[float],
                   max_body: int, queue: Any, answered: Any) -> None:  # fmt: skip
    """Run `clients` clients in this process and put their counts on `queue`."""

    async def run() -> dict:
        counts: dict[str, int] = {}
        stop_at = time.monotonic() + seconds
        await asyncio.gather(
            *(
                client(base, first + k, stop_at, weights, counts, max_body, answered)
                for k in range(clients)
            )
        )
        return counts

    queue.put(asyncio.run(run()))


# ---------------------------------------------------------------- the server and its memory


def start_server(args: argparse.Namespace, folder: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """Start the service; return (base URL, process) once /healthz answers."""
    port = free_port()
    command = [
        sys.executable, "-m", "reportgen.service", "--port", str(port),
        "--workers", str(args.workers), "--facts-dir", str(folder),
        "--max-body", str(args.max_body), "--cache-bytes", str(args.cache_bytes),
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=folder)
    return wait_until_up(process, port), process


def warm_cache(base: str, workers: int) -> None:
    """Render the cached requests' facts in every uvicorn worker before the load starts.

    Workers take new connections at random and each keeps its own cache; /healthz names the
    worker behind a connection, so one kept-alive connection per worker is found and each
    facts file is sent on each of them (a second time to check that it is now a hit).
    """
    clients: dict[int, httpx.Client] = {}
    for _ in range(200):
        if len(clients) == workers:
            break
        client = httpx.Client(base_url=base, timeout=120)
        pid = client.get("/healthz").json()["worker"]
        if pid in clients:
            client.close()
        else:
            clients[pid] = client
    if len(clients) < workers:
        raise SystemExit(f"reached {len(clients)} of {workers} workers")

    def warm(pid: int, client: httpx.Client) -> None:
        # One thread per worker keeps each connection busy: an idle one is closed after the
        # server's keep-alive time, and httpx would reconnect to either worker.
        for body in cached_bodies():
            for expected in ("miss", "hit"):
                answer = client.post(
                    "/v1/briefs?format=pdf",
                    content=body,
                    headers={"Content-Type": "application/yaml"},
                )
                answer.raise_for_status()
                if expected == "hit" and answer.headers["X-Reportgen-Cache"] != "hit":
                    failures.append(f"worker {pid}: a warmed facts file was not a cache hit")
        if client.get("/healthz").json()["worker"] != pid:
            failures.append(f"worker {pid}: the connection moved to another worker")
        client.close()

    failures: list[str] = []
    threads = [threading.Thread(target=warm, args=item) for item in clients.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit("; ".join(failures))


def tree_memory(pid: int) -> tuple[float, float, int, float]:
    """Return (RSS MiB, PSS MiB, processes, CPU seconds) summed over `pid` and its children."""
    import psutil

    root = psutil.Process(pid)
    rss = pss = cpu = 0.0
    count = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
            times = proc.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += info.pss
        cpu += times.user + times.system
        count += 1
    return rss / 2**20, pss / 2**20, count, cpu


def uvicorn_workers(pid: int) -> set[int]:
    """Return the pids of the server's uvicorn workers (its children that serve HTTP).

    A pid that changes between samples is a worker uvicorn's supervisor replaced (it kills
    one that misses its health check): its cache and the requests it held are lost.
    """
    import psutil

    found = set()
    for child in psutil.Process(pid).children():
        try:
            if "multiprocessing.resource_tracker" not in " ".join(child.cmdline()):
                found.add(child.pid)
        except psutil.Error:
            continue
    return found


def machine_load() -> str:
    """Return the load averages and the number of other busy processes, for the record."""
    import psutil

    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}; {psutil.cpu_count()} cores"


# ---------------------------------------------------------------- report


def verdict(
    counts: dict[str, int], curve: list[dict[str, float]], cache_mib: float
) -> dict[str, Any]:
    """Return errors (answers outside ALLOWED), and memory after the cache filled."""
    errors = {}
    for key, count in counts.items():
        kind, status = key.split(" ")[:2]
        if not (status.isdigit() and int(status) in ALLOWED[kind]):
            errors[key] = count
    # "Full" from the first sample at which the (sampled worker's) cache held 90% of its bound.
    full_at = next(
        (i for i, point in enumerate(curve) if point["cache_mib"] >= 0.9 * cache_mib), None
    )
    pids = {tuple(point.get("uvicorn_workers", ())) for point in curve}
    if full_at is None:
        return {"errors": errors, "cache_full_at_s": None, "worker_pid_sets": len(pids)}
    after = curve[full_at:]
    half = len(after) // 2 or 1
    first, last = after[:half], after[half:] or after[-1:]
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    return {
        "errors": errors,
        "cache_full_at_s": curve[full_at]["t"] if curve else None,
        "rss_after_full_min_mib": min(s["rss_mib"] for s in after),
        "rss_after_full_max_mib": max(s["rss_mib"] for s in after),
        "rss_first_half_mean_mib": round(mean([s["rss_mib"] for s in first]), 1),
        "rss_second_half_mean_mib": round(mean([s["rss_mib"] for s in last]), 1),
        "worker_pid_sets": len(pids),  # 1: no uvicorn worker was replaced during the run
    }


def markdown(result: dict[str, Any]) -> str:
    """Return the soak as Markdown: setup, answers per kind, verdict and the memory curve."""
    lines = [
        f"Machine: {result['machine']}; at start: {result['load_before']}; "
        f"at end: {result['load_after']}",
        f"Command: `{result['command']}`",
        "",
        "| kind | answers |",
        "| --- | --- |",
    ]
    for kind in KINDS:
        answers = {k.split(" ", 1)[1]: v for k, v in result["counts"].items() if k.startswith(kind)}
        text = ", ".join(f"{s}: {n:,}" for s, n in sorted(answers.items()))
        lines.append(f"| {kind} | {text} |")
    v = result["verdict"]
    memory = (
        "The cache never filled."
        if v["cache_full_at_s"] is None
        else (
            f"Cache full at {v['cache_full_at_s']} s; RSS after that "
            f"{v['rss_after_full_min_mib']:.0f}-{v['rss_after_full_max_mib']:.0f} MiB "
            f"(mean {v['rss_first_half_mean_mib']} MiB in the first half, "
            f"{v['rss_second_half_mean_mib']} MiB in the second)."
        )
    )
    lines += [
        "",
        f"Errors (answers other than the allowed ones): {v['errors'] or 0}. {memory} "
        f"Uvicorn workers replaced during the run: {v['worker_pid_sets'] - 1}.",
        "",
        "| t (s) | requests | RSS MiB | PSS MiB | processes | cache MiB (one worker) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    step = max(1, len(result["curve"]) // 20)
    for s in result["curve"][::step] + result["curve"][-1:]:
        lines.append(
            f"| {s['t']:.0f} | {s['requests']:,} | {s['rss_mib']:.0f} | {s['pss_mib']:.0f} | "
            f"{s['processes']} | {s['cache_mib']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def sample(base: str, pid: int, started: float, counter: Any) -> dict[str, float]:
    """Return one point of the curve: time, requests so far, memory, cache size."""
    rss, pss, count, cpu = tree_memory(pid)
    try:
        health = httpx.get(f"{base}/healthz", timeout=10).json()
        cache, worker = health["cache"]["bytes"] / 2**20, health["worker"]
    except (httpx.HTTPError, ValueError, KeyError):
        cache, worker = float("nan"), 0
    return {
        "t": round(time.monotonic() - started, 1),
        "requests": counter(),
        "rss_mib": round(rss, 1),
        "pss_mib": round(pss, 1),
        "processes": count,
        "cpu_s": round(cpu, 1),
        "cache_mib": round(cache, 1),
        "worker": worker,
        "uvicorn_workers": sorted(uvicorn_workers(pid)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--max-body", type=int, default=1024 * 1024)
    parser.add_argument(
        "--cache-bytes",
        type=int,
        default=4 * 2**20,
        help="the server's cache per worker (4 MiB: full within minutes on 2 shared cores)",
    )
    parser.add_argument("--mix", type=float, nargs=4, default=[4, 4, 1, 1],
                        metavar=("FRESH", "CACHED", "INVALID", "OVERSIZED"))  # fmt: skip
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base, process = start_server(args, folder)
        warm_cache(base, args.workers)
        load_before = machine_load()
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        answered = context.Value("q", 0)
        shares = [args.clients // args.client_procs + (i < args.clients % args.client_procs)
                  for i in range(args.client_procs)]  # fmt: skip
        procs = []
        first = 0
        for share in shares:
            procs.append(context.Process(
                target=client_process,
                args=(base, first, share, args.duration, args.mix, args.max_body, queue, answered),
            ))  # fmt: skip
            first += share
        curve: list[dict[str, float]] = []
        stop = threading.Event()
        try:
            started = time.monotonic()
            for proc in procs:
                proc.start()
            while not stop.wait(args.sample):
                curve.append(sample(base, process.pid, started, lambda: answered.value))
                print(json.dumps(curve[-1]), flush=True)
                if time.monotonic() - started > args.duration:
                    break
            results = [queue.get(timeout=300) for _ in procs]
            for proc in procs:
                proc.join(30)
            load_after = machine_load()
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    counts: dict[str, int] = {}
    for part in results:
        for key, count in part.items():
            counts[key] = counts.get(key, 0) + count
    result = {
        "machine": machine(),
        "load_before": load_before,
        "load_after": load_after,
        "command": "python benchmarks/soak_service.py " + " ".join(sys.argv[1:]),
        "duration_s": args.duration,
        "clients": args.clients,
        "workers": args.workers,
        "mix": dict(zip(KINDS, args.mix, strict=True)),
        "cache_bytes": args.cache_bytes,
        "counts": counts,
        "curve": curve,
    }
    result["verdict"] = verdict(counts, curve, args.cache_bytes / 2**20)
    print()
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(1 if result["verdict"]["errors"] else 0)


if __name__ == "__main__":
    main()
