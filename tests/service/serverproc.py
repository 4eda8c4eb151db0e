"""Starting and stopping a real service process for tests (and nothing else)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Return once GET /healthz answers 200; fail with the server's output if it died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.fail(f"server exited with {process.returncode}:\n{out}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("server did not come up")


def start_server(args: list[str], cwd: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """Start a server with `args` plus a free port; return (base URL, process) once it is up."""
    port = free_port()
    process = subprocess.Popen(
        [*args, "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base, process)
    return base, process


def stop(process: subprocess.Popen[bytes]) -> str:
    """Stop the server process we started; return what it printed."""
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate(timeout=5)
    return out.decode(errors="replace") if out else ""
