"""What Celery on Redis does with a job whose worker is killed: the evidence for Dramatiq.

    python -m venv /tmp/celeryenv && /tmp/celeryenv/bin/pip install celery redis
    /tmp/celeryenv/bin/python benchmarks/celery_kill.py

Celery is configured as the issue asks (`acks_late`, prefetch 1, `reject_on_worker_lost`) on a
real redis-server. Two experiments, each with 4-second jobs standing in for renders:

1. kill -9: two workers, six jobs; the worker running a job is killed (its whole process
   group, as a machine pulled from the wall). Is the job redelivered to the other worker, and
   when? With Celery's default visibility timeout (one hour) and with 10 s.
2. visibility timeout shorter than a job: 15-second jobs, `visibility_timeout` 5 s, no kill:
   does a job run twice while its worker is alive and well?

tests/queue/test_distributed_build.py runs experiment 1 against Dramatiq (the job is
redelivered within seconds and nothing runs twice). Celery is not a dependency of reportgen:
this script runs in its own virtual environment and is not part of the test suite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.queue.redisproc import RedisServer  # noqa: E402

APP = """
import os, time
import redis
from celery import Celery

URL = os.environ["BROKER"]
app = Celery("exp", broker=URL)
app.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_reject_on_worker_lost=True,
    broker_transport_options={{"visibility_timeout": {visibility}}},
    worker_hijack_root_logger=False,
)
db = redis.Redis.from_url(URL)


@app.task(name="render")
def render(n):
    db.rpush("started", f"{{n}}:{{os.getpid()}}:{{time.time():.1f}}")
    time.sleep({seconds})
    db.rpush("finished", f"{{n}}:{{os.getpid()}}:{{time.time():.1f}}")
"""


def start_worker(folder: Path, url: str, name: str) -> subprocess.Popen[bytes]:
    """Start one Celery worker (one prefork child) in its own process group."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "exp",
            "worker",
            "-c",
            "1",
            "-n",
            name,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=folder,
        env={**os.environ, "BROKER": url, "PYTHONPATH": str(folder)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def entries(client, key: str) -> list[tuple[int, int, float]]:  # type: ignore[no-untyped-def]
    """Return (job, pid, time) of each entry of a list the jobs write."""
    out = []
    for raw in client.lrange(key, 0, -1):
        n, pid, at = raw.decode().split(":")
        out.append((int(n), int(pid), float(at)))
    return out


def experiment(visibility: int, kill: bool, watch: float, seconds: int = 4) -> str:
    """Run one experiment; return what happened, in a few lines."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "exp.py").write_text(
            textwrap.dedent(APP.format(visibility=visibility, seconds=seconds))
        )
        server = RedisServer(folder / "redis").start()
        client = server.client()
        workers = [start_worker(folder, server.url, f"w{i}@%h") for i in range(2)]
        try:
            sys.path.insert(0, str(folder))
            os.environ["BROKER"] = server.url
            import importlib

            exp = importlib.import_module("exp")
            exp = importlib.reload(exp)
            time.sleep(8)  # both workers up
            for n in range(6):
                exp.render.delay(n)
            start = time.time()
            killed_job = None
            if kill:
                while not client.llen("started"):
                    time.sleep(0.1)
                job, pid, _ = entries(client, "started")[0]
                victim = next(w for w in workers if pid in _family(w.pid))
                os.killpg(victim.pid, signal.SIGKILL)
                killed_job = job
            time.sleep(watch)
            started, finished = entries(client, "started"), entries(client, "finished")
        finally:
            for w in workers:
                if w.poll() is None:
                    os.killpg(w.pid, signal.SIGKILL)
            server.kill()
            sys.path.remove(str(folder))
            sys.modules.pop("exp", None)
    runs = {n: sum(1 for s in started if s[0] == n) for n in range(6)}
    done = sorted({f[0] for f in finished})
    lines = [
        f"visibility_timeout {visibility} s, kill -9: {kill}, watched {watch:.0f} s "
        f"after sending 6 jobs of {seconds} s",
        f"  jobs finished: {done}; starts per job: {runs}",
    ]
    if killed_job is not None:
        again = [s for s in started if s[0] == killed_job][1:]
        when = f"{again[0][2] - start:.0f} s after sending" if again else "never"
        lines.append(f"  the killed worker's job {killed_job} started again: {when}")
    return "\n".join(lines)


def _family(pid: int) -> set[int]:
    """Return `pid` and its children's pids (Celery's prefork child runs the job)."""
    out = {pid}
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        out |= {int(p) for p in children.read_text().split()}
    return out


def main() -> None:
    import celery

    print(f"Celery {celery.__version__}, acks_late, prefetch 1, reject_on_worker_lost")
    print(experiment(3600, kill=True, watch=60))
    print(experiment(10, kill=True, watch=60))
    print(experiment(5, kill=False, watch=70, seconds=15))


if __name__ == "__main__":
    main()
