"""A real redis-server on a free loopback port, and real `reportgen worker` processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Short heartbeats and frequent maintenance, so a killed worker's job is handed on within
# seconds instead of the production default's quarter of a minute.
QUEUE_ENV = {
    "REPORTGEN_QUEUE_HEARTBEAT_MS": "5000",
    "REPORTGEN_QUEUE_MAINTENANCE_CHANCE": "200000",
    "REPORTGEN_QUEUE_MIN_BACKOFF_MS": "200",
    "REPORTGEN_QUEUE_RECONNECT_SECONDS": "30",
}


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process on 127.0.0.1, without persistence, in its own folder."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start the server and wait until it answers PING."""
        exe = shutil.which("redis-server")
        if exe is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        args = [
            exe,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.folder),
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                client.close()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL): everything it held is lost."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def client(self):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis(port=self.port)


def env(**extra: str) -> dict[str, str]:
    """Return the environment for reportgen subprocesses: this tree first, queue timings."""
    result = dict(os.environ)
    result["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    result.update(QUEUE_ENV)
    result.update(extra)
    return result


class Worker:
    """A `reportgen worker` command in its own process group (a machine of its own)."""

    def __init__(self, url: str, processes: int = 1, log: Path | None = None, **extra: str):
        self.log = log
        out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reportgen",
                "worker",
                "--broker",
                url,
                "--processes",
                str(processes),
            ],
            env=env(**extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the worker and its children: a machine pulled from the wall."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """Stop the worker as an operator would (SIGTERM), killing it if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the runner passes it on to its children
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def heartbeat_ids(client) -> set[str]:  # type: ignore[no-untyped-def]
    """Return the Dramatiq broker ids that have sent a heartbeat."""
    from reportgen.jobs.queue import heartbeats_key

    return {m.decode() for m in client.zrange(heartbeats_key(), 0, -1)}


def wait_for(predicate, seconds: float, what: str, step: float = 0.05):  # type: ignore[no-untyped-def]
    """Return predicate()'s first true value, polling; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(step)
