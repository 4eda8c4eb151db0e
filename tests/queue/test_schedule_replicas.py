"""Scheduler replicas sharing Redis: each cron run fires once, and the history is shared."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.schedule import history
from reportgen.schedule.runlog import RUNNING
from tests.helpers import write_variant
from tests.queue.redisproc import RedisServer, env, wait_for

pytestmark = pytest.mark.slow

SCHEDULE = """
broker: {url}
jobs:
  - name: briefs
    cron: "*/2 * * * * *"   # every two seconds
    facts: facts/*.yaml
    formats: [pdf]
    workers: 1
    out: output
"""


def replica(folder: Path, url: str) -> tuple[Path, subprocess.Popen[bytes]]:
    """Lay out one replica's project (its own machine: own folders) and start its scheduler."""
    write_variant(folder / "facts", 1)
    config = folder / "schedule.yaml"
    config.write_text(SCHEDULE.format(url=url), encoding="utf-8")
    log = (folder / "scheduler.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "schedule", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env(),
    )
    return config, process


def test_two_replicas_fire_each_run_once_and_share_the_history(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    client = redis_server.client()
    a_config, a = replica(tmp_path / "a", redis_server.url)
    b_config, b = replica(tmp_path / "b", redis_server.url)
    try:
        # Both are up and contending once each has given way to the other at least once.
        taken = "taken by another scheduler replica"
        wait_for(
            lambda: all(taken in (tmp_path / p / "scheduler.log").read_text() for p in "ab"),
            120,
            "each replica to see a run claimed by the other",
            step=0.2,
        )
        time.sleep(3)
    finally:
        for process in (a, b):
            process.send_signal(signal.SIGTERM)
        for process in (a, b):
            process.wait(60)
    claims = [k.decode() for k in client.scan_iter("reportgen:schedule:fired:briefs:*")]
    runs = [r for r in history(a_config, limit=1000) if r.status != RUNNING]
    assert len(claims) >= 3
    # Every claimed cron time was run by exactly one replica, and every run was claimed.
    assert len(runs) == len(claims), (len(runs), sorted(claims))
    # One history, whichever replica's schedule file asks.
    assert [r.id for r in history(b_config, limit=1000)] == [
        r.id for r in history(a_config, limit=1000)
    ]
    assert {r.status for r in runs} <= {"ok", "unchanged"}
    # Both replicas did some of the runs.
    built_a = (tmp_path / "a" / "output" / "brief-0001.pdf").exists()
    built_b = (tmp_path / "b" / "output" / "brief-0001.pdf").exists()
    assert built_a and built_b


def test_a_scheduler_with_an_unreachable_broker_exits_2(tmp_path: Path) -> None:
    from tests.queue.redisproc import free_port

    _config, process = replica(tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    assert process.wait(60) == 2
    output = (tmp_path / "scheduler.log").read_text()
    assert "cannot reach the broker" in output and "Traceback" not in output
