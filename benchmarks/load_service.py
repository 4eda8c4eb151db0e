"""Load run of the HTTP service: fresh renders and cache hits at 8 and 32 clients.

    python benchmarks/load_service.py                      # 2 workers, 8 and 32 clients, 30 s
    python benchmarks/load_service.py --duration 5 --clients 8     # a quick look

Starts `python -m reportgen.service` on a free loopback port (nothing else is contacted),
then for each mode and client count runs closed-loop clients (each sends its next request
when the last is answered) for `--duration` seconds:

- fresh: every request carries the seed facts with a new title and new budget amounts
  (benchmarks/variants.py), so its content hash, its charts and its figures are new and the
  service renders all of it (POST /v1/briefs?format=pdf);
- cache: every request is the same seed facts, answered from the cache after the first.

Prints a Markdown table: requests per second, p50 and p99 latency, errors (anything but 200,
and transport failures), and the peak memory of the server's processes (the sum of their
proportional set sizes, sampled every 0.25 s), and the server's CPU time per answered request
(user + system seconds of all its processes over the phase, divided by the requests): on a
shared, noisy machine that figure moves much less than requests/s, and cores / CPU-per-request
is the throughput the server would reach with the cores to itself. The whole run is bounded
in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.variants import fresh_seed  # noqa: E402

SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"
YAML = {"Content-Type": "application/yaml"}


@dataclass
class Result:
    """One load phase: what was asked and what came back."""

    mode: str
    clients: int
    seconds: float
    ok: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    peak_mib: float
    cpu_ms_per_request: float
    error_kinds: dict[str, int]


# ---------------------------------------------------------------- the server


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(args: argparse.Namespace, folder: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """Start the service; return (base URL, process) once /healthz answers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "reportgen.service",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--facts-dir",
        str(folder),
        "--max-queue",
        str(args.max_queue),
        "--log-level",
        "warning",
    ]
    if args.render_processes:
        command += ["--render-processes", str(args.render_processes)]
    process = subprocess.Popen(command, cwd=folder)
    return wait_until_up(process, port), process


def wait_until_up(process: subprocess.Popen[bytes], port: int) -> str:
    """Return the server's base URL once its /healthz answers; exit if it dies or is slow."""
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return base
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    process.kill()
    raise SystemExit("the server did not come up in 120 s")


class MemorySampler:
    """Samples the summed PSS of a process and its children until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        """Return the summed proportional set size of the process tree, in bytes."""
        import psutil

        total = 0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                total += proc.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return total

    def cpu_seconds(self) -> float:
        """Return the user+system CPU seconds used so far by the process tree's live members."""
        import psutil

        total = 0.0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.25)

    def __enter__(self) -> MemorySampler:
        self.peak = 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


# ---------------------------------------------------------------- the clients


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client: far cheaper per request than httpx, so the load
    generator leaves the cores to the server it measures. Knows only Content-Length bodies,
    which is all the service sends."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, target: str, body: bytes) -> tuple[int, bytes]:
        """Return (status, body) of one POST, reconnecting when the server closed."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Content-Type: application/yaml\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, data

    async def close(self) -> None:
        """Close the connection (the next post opens a new one)."""
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _client_loop(
    connection: RawConnection,
    target: str,
    body_for: Callable[[int], bytes],
    stop_at: float,
    latencies: list[float],
    kinds: dict[str, int],
) -> None:
    """Send requests one after another until `stop_at`; record latencies and errors."""
    n = 0
    while time.monotonic() < stop_at:
        body = body_for(n)
        n += 1
        started = time.perf_counter()
        try:
            code, _ = await asyncio.wait_for(connection.post(target, body), 60)
            status = str(code)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            status = type(exc).__name__
            await connection.close()
        elapsed = time.perf_counter() - started
        if status == "200":
            latencies.append(elapsed)
        else:
            kinds[status] = kinds.get(status, 0) + 1
    await connection.close()


async def _run_clients(base: str, mode: str, clients: int, seconds: float, tag: str) -> dict:
    """Return latencies and error kinds of `clients` concurrent closed-loop clients."""
    seed = SEED.read_bytes()
    host, port = base.removeprefix("http://").split(":")
    target = "/v1/briefs?format=pdf"
    latencies: list[float] = []
    kinds: dict[str, int] = {}
    stop_at = time.monotonic() + seconds

    # a different number per client process, client and request: new title, new amounts
    base_n = zlib.crc32(tag.encode()) * 10**6

    def fresh(i: int) -> Callable[[int], bytes]:
        return lambda n: fresh_seed(base_n + i * 10**4 + n)

    loops = [
        _client_loop(
            RawConnection(host, int(port)),
            target,
            fresh(i) if mode == "fresh" else (lambda n: seed),
            stop_at,
            latencies,
            kinds,
        )
        for i in range(clients)
    ]
    await asyncio.gather(*loops)
    return {"latencies": latencies, "kinds": kinds}


def _client_process(
    base: str, mode: str, clients: int, seconds: float, tag: str, queue: object
) -> None:
    """Run clients in a separate process and put their results on `queue`."""
    result = asyncio.run(_run_clients(base, mode, clients, seconds, tag))
    queue.put(result)  # type: ignore[attr-defined]


def run_phase(base: str, pid: int, mode: str, clients: int, seconds: float, procs: int) -> Result:
    """Run one load phase with `clients` spread over `procs` client processes."""
    if mode == "cache":  # fill the cache once, outside the measurement
        httpx.post(
            f"{base}/v1/briefs?format=pdf", content=SEED.read_bytes(), headers=YAML, timeout=60
        )
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    tag = f"{mode}-{clients}-{time.time_ns()}"
    workers = [
        context.Process(
            target=_client_process, args=(base, mode, share, seconds, f"{tag}-{i}", queue)
        )
        for i, share in enumerate(shares)
        if share
    ]
    with MemorySampler(pid) as memory:
        cpu_before = memory.cpu_seconds()
        started = time.monotonic()
        for worker in workers:
            worker.start()
        results = [queue.get(timeout=seconds + 120) for _ in workers]
        for worker in workers:
            worker.join(10)
        elapsed = time.monotonic() - started
        cpu_used = memory.cpu_seconds() - cpu_before
    latencies = sorted(x for r in results for x in r["latencies"])
    kinds: dict[str, int] = {}
    for r in results:
        for kind, count in r["kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + count

    def pct(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return Result(
        mode=mode,
        clients=clients,
        seconds=round(elapsed, 1),
        ok=len(latencies),
        errors=sum(kinds.values()),
        rps=round(len(latencies) / seconds, 1),
        p50_ms=round(statistics.median(latencies) * 1000, 1) if latencies else float("nan"),
        p99_ms=round(pct(0.99), 1),
        peak_mib=round(memory.peak / 2**20, 1),
        cpu_ms_per_request=round(cpu_used * 1000 / max(1, len(latencies)), 2),
        error_kinds=kinds,
    )


# ---------------------------------------------------------------- report


def machine() -> str:
    """Return the machine's cores and CPU model, as `nproc` and lscpu say."""
    model = platform.processor() or "unknown"
    lscpu = shutil.which("lscpu")
    if lscpu:
        for line in subprocess.run([lscpu], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                model = line.split(":", 1)[1].strip()
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}"


def markdown(results: list[Result], args: argparse.Namespace) -> str:
    """Return the results as a Markdown table with the command and machine."""
    lines = [
        f"Machine: {machine()}",
        "",
        f"Command: `python benchmarks/load_service.py {' '.join(sys.argv[1:])}`".replace(
            " `", " `"
        ),
        f"Server: {args.workers} uvicorn worker(s), max queue {args.max_queue} per worker.",
        "",
        "| mode | clients | requests/s | p50 ms | p99 ms | errors | peak memory MiB "
        "| server CPU ms/request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        errors = f"{r.errors} {r.error_kinds}" if r.errors else "0"
        lines.append(
            f"| {r.mode} | {r.clients} | {r.rps} | {r.p50_ms} | {r.p99_ms} | {errors} | "
            f"{r.peak_mib} | {r.cpu_ms_per_request} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--render-processes", type=int, default=0, help="per worker (0: auto)")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument(
        "--modes", nargs="+", default=["fresh", "cache"], choices=["fresh", "cache"]
    )
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    parser.add_argument("--client-procs", type=int, default=1, help="load-generating processes")
    parser.add_argument("--max-queue", type=int, default=64, help="server's waiting line")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    if args.duration > 300:
        raise SystemExit("--duration is capped at 300 s per phase")

    # A SIGTERM (a time limit around this script) still runs the `finally` that stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(SEED, folder / SEED.name)
        base, process = start_server(args, folder)
        results: list[Result] = []
        try:
            for mode in args.modes:
                for clients in args.clients:
                    result = run_phase(
                        base, process.pid, mode, clients, args.duration, args.client_procs
                    )
                    print(
                        f"{mode:5} {clients:3} clients: {result.rps} req/s, "
                        f"p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
                        f"errors {result.errors}, peak {result.peak_mib} MiB",
                        flush=True,
                    )
                    results.append(result)
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    print()
    print(markdown(results, args))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")


if __name__ == "__main__":
    main()
