"""No orphans: killing a build, a scheduled run or a server leaves nothing running or locked.

Each test kills the parent with SIGKILL (no handler runs), then checks that every process it
started is gone within 10 s and that a new build (or server) succeeds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from reportgen.errors import UsageError
from reportgen.folderlock import output_lock
from reportgen.service import check_port_free
from tests.helpers import run_cli, write_variant
from tests.service.serverproc import free_port, wait_until_up

pytestmark = pytest.mark.slow

GONE_WITHIN = 10.0


def descendants_when(process: subprocess.Popen, count: int, seconds: float = 120) -> list[int]:
    """Return the pids of `process`'s descendants once there are at least `count` of them."""
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the process ended early with {process.returncode}")
        children = parent.children(recursive=True)
        if len(children) >= count:
            return [c.pid for c in children]
        time.sleep(0.05)
    pytest.fail(f"fewer than {count} child processes appeared")


def descendants(process: subprocess.Popen) -> list[int]:
    """Return the pids of every process `process` has started (and they started), now."""
    return [child.pid for child in psutil.Process(process.pid).children(recursive=True)]


def alive(pids: list[int]) -> list[int]:
    """Return the pids of `pids` still running (zombies count as gone)."""
    living = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                living.append(pid)
        except psutil.NoSuchProcess:
            pass
    return living


def wait_all_gone(pids: list[int], seconds: float = GONE_WITHIN) -> list[int]:
    """Return the pids still alive after waiting up to `seconds` for all to end."""
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(pids)


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL `process` and reap it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def reap(pids: list[int]) -> None:
    """Kill whatever of `pids` survived (a failing test must not leave them running)."""
    for pid in alive(pids):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_killing_a_parallel_build_leaves_no_worker_and_no_lock(tmp_path: Path) -> None:
    for n in range(8):
        write_variant(tmp_path / "facts", n)
    build = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", "facts", "--format", "pdf", "-j", "2", "-q"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    descendants_when(build, 2)
    time.sleep(1.0)  # the workers are rendering now
    workers = descendants(build)  # all of them, the resource tracker included
    kill_hard(build)
    try:
        with output_lock(tmp_path / "output", wait=GONE_WITHIN):
            pass  # free within 10 s of the kill: a new build can start
        assert wait_all_gone(workers) == [], "build workers outlived their parent"
        again = run_cli("build", "facts", "--format", "pdf", "-q", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert len(list((tmp_path / "output").glob("*.pdf"))) == 8
    finally:
        reap(workers)


SCHEDULE = """
jobs:
  - name: briefs
    cron: "0 6 * * *"
    facts: facts/*.yaml
    formats: [pdf]
    workers: 2
    out: output
"""


def test_killing_a_scheduled_run_leaves_no_worker_and_no_lock(tmp_path: Path) -> None:
    for n in range(8):
        write_variant(tmp_path / "facts", n)
    (tmp_path / "schedule.yaml").write_text(SCHEDULE, encoding="utf-8")
    run = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "schedule", "schedule.yaml", "--run-now", "briefs"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    descendants_when(run, 2)
    time.sleep(1.0)
    workers = descendants(run)
    kill_hard(run)
    try:
        with output_lock(tmp_path / "output", wait=GONE_WITHIN):
            pass  # free within 10 s of the kill: the next run is not skipped
        assert wait_all_gone(workers) == [], "scheduled build workers outlived the scheduler"
        again = run_cli("schedule", "schedule.yaml", "--run-now", "briefs", cwd=tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "skipped" not in again.stdout
    finally:
        reap(workers)


def serve(port: int, *extra: str) -> subprocess.Popen[bytes]:
    """Start `reportgen serve` on `port` with one render process per worker."""
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "REPORTGEN_RENDER_PROCESSES": "1", "PYTHONUNBUFFERED": "1"},
    )


def port_free_within(port: int, seconds: float) -> bool:
    """Return True once `port` can be listened on again, trying for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            check_port_free("127.0.0.1", port)
            return True
        except UsageError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)


def test_killing_a_multi_worker_server_frees_its_port(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port, "--workers", "2")
    wait_until_up(base, server)
    # Two uvicorn workers, each with a render process.
    children = descendants_when(server, 4)
    kill_hard(server)
    restarted = None
    try:
        assert port_free_within(port, GONE_WITHIN), "the port is still taken 10 s after the kill"
        assert wait_all_gone(children) == [], "server workers outlived the supervisor"
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{base}/healthz", timeout=2)
        restarted = serve(port)
        wait_until_up(base, restarted, seconds=60)
    finally:
        reap(children)
        if restarted is not None:
            restarted.terminate()
            restarted.communicate(timeout=20)


def test_a_port_in_use_is_a_usage_error_not_skipped() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run_cli("serve", "--port", str(port), timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr
