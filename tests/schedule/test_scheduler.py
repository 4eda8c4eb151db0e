"""The scheduler process: cron runs every second, SIGTERM ends it cleanly, SIGKILL harms nothing."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.publish import publish
from reportgen.schedule import history, run_job_now
from reportgen.schedule.runlog import INTERRUPTED, OK, RUNNING, SKIPPED, UNCHANGED, RunRecord
from tests.helpers import write_variant
from tests.publish.outputs import sha256sum_check

pytestmark = pytest.mark.slow

SCHEDULER = """
import sys
from pathlib import Path
from reportgen.schedule import run_scheduler
sys.exit(run_scheduler(Path(sys.argv[1])))
"""

EVERY_SECOND = """
jobs:
  - name: briefs
    cron: "* * * * * *"   # six fields, seconds first: every second
    facts: facts/*.yaml
    formats: {formats}
    workers: {workers}
    out: output
    then:
      publish: {{dist: dist}}
"""


def make_project(folder: Path, briefs: int, formats: str = "[pdf]", workers: int = 1) -> Path:
    """Write `briefs` facts files and an every-second schedule; return the schedule's path."""
    for n in range(briefs):
        write_variant(folder / "facts", n)
    path = folder / "schedule.yaml"
    path.write_text(EVERY_SECOND.format(formats=formats, workers=workers), encoding="utf-8")
    return path


def start(config: Path, new_group: bool = False) -> subprocess.Popen[bytes]:
    """Start a scheduler process on `config`, its log in scheduler.log beside it."""
    log = (config.parent / "scheduler.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-c", SCHEDULER, str(config)], stderr=log, start_new_session=new_group
    )


def wait_for(what: Callable[[], bool], bound: float = 120.0) -> None:
    """Poll `what` until it is true; fail (not flakily: the bound is generous) past `bound`."""
    deadline = time.monotonic() + bound
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {bound} s")
        time.sleep(0.05)


def finished(config: Path) -> list[RunRecord]:
    return [r for r in history(config, limit=1000) if r.status != RUNNING]


def test_jobs_run_on_time_never_overlap_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    config = make_project(tmp_path, 2)
    proc = start(config)
    try:
        wait_for(lambda: len(finished(config)) >= 3)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0

    runs = list(reversed(history(config, limit=1000)))  # oldest first
    assert runs[0].status == OK and runs[0].built == 2
    assert all(r.status == UNCHANGED for r in runs[1:]), [str(r) for r in runs]
    assert all(r.trigger == "schedule" for r in runs)
    for earlier, later in itertools.pairwise(runs):
        assert earlier.end is not None and later.start >= earlier.end
    sha256sum_check(tmp_path / "dist")
    assert "scheduler stopped" in (tmp_path / "scheduler.log").read_text()


def test_sigterm_waits_for_the_running_job_to_finish(tmp_path: Path) -> None:
    config = make_project(tmp_path, 4, formats="[pdf, docx]")
    proc = start(config)
    try:
        wait_for(lambda: any(r.status == RUNNING for r in history(config)))
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    runs = history(config, limit=1000)
    assert runs and all(r.status in (OK, UNCHANGED) for r in runs), [str(r) for r in runs]
    assert runs[-1].status == OK and runs[-1].built == 4  # the run under way was finished
    for n in range(4):
        for fmt in ("pdf", "docx"):
            built = (tmp_path / "output" / f"brief-{n:04d}.{fmt}").read_bytes()
            assert (tmp_path / "dist" / f"brief-{n:04d}.{fmt}").read_bytes() == built
    sha256sum_check(tmp_path / "dist")


def test_sigterm_to_the_whole_group_spares_the_build_workers(tmp_path: Path) -> None:
    # systemd's default stop (and Ctrl-C in a terminal) signals every process of the group,
    # the build's worker processes too: the run under way must still finish.
    config = make_project(tmp_path, 6, formats="[pdf, docx]", workers=2)
    proc = start(config, new_group=True)
    try:
        # The first brief written means the worker processes are up and busy.
        wait_for(lambda: any((tmp_path / "output").glob("brief-*.pdf")))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    first = history(config, limit=1000)[-1]
    assert (first.status, first.built, first.failed) == (OK, 6, 0), str(first)
    sha256sum_check(tmp_path / "dist")


def test_two_schedulers_on_one_folder_never_run_a_job_at_once(tmp_path: Path) -> None:
    config = make_project(tmp_path, 3)
    procs = [start(config), start(config)]
    pids = {proc.pid for proc in procs}
    try:
        wait_for(lambda: len(finished(config)) >= 8 and {r.pid for r in finished(config)} == pids)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            assert proc.wait(timeout=120) == 0
    runs = finished(config)
    worked = sorted((r for r in runs if r.status != SKIPPED), key=lambda r: r.start)
    # Runs that did work never overlap in time, whichever scheduler ran them (the lock).
    for earlier, later in itertools.pairwise(worked):
        assert earlier.end is not None and later.start >= earlier.end, (earlier, later)
    assert all(r.status in (OK, UNCHANGED, SKIPPED) for r in runs), [str(r) for r in runs]
    assert sum(r.published for r in worked) >= 3
    sha256sum_check(tmp_path / "dist")


def test_a_killed_scheduler_leaves_the_dist_folder_whole(tmp_path: Path) -> None:
    config = make_project(tmp_path, 3, formats="[pdf, docx]")
    rng = random.Random(6)
    for round_ in range(5):
        for n in range(3):
            write_variant(tmp_path / "facts", n, subtitle=f"Round {round_}")
        proc = start(config)
        try:
            wait_for(lambda: any(r.status == RUNNING for r in history(config)))
            time.sleep(rng.uniform(0.0, 1.0))
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        if (tmp_path / "dist" / "SHA256SUMS").exists():
            sha256sum_check(tmp_path / "dist")

    statuses = [r.status for r in history(config, limit=1000)]
    assert INTERRUPTED in statuses  # the log tells which runs were cut short
    # The next run completes what the killed ones left.
    record = run_job_now(config, "briefs")
    assert record.status in (OK, UNCHANGED)
    publish(tmp_path / "output", tmp_path / "dist")
    sha256sum_check(tmp_path / "dist")
    manifest = json.loads((tmp_path / "output" / "manifest.json").read_text())
    for entry in manifest["outputs"]:
        facts = Path(entry["facts"]).read_bytes()
        assert entry["facts_hash"] == hashlib.sha256(facts).hexdigest()  # the last round's facts
        built = (tmp_path / "output" / entry["path"]).read_bytes()
        assert (tmp_path / "dist" / entry["path"]).read_bytes() == built


SIGNAL_AT_START = """
import signal, sys
from pathlib import Path
from apscheduler.schedulers.blocking import BlockingScheduler
from reportgen.schedule import runner

moment = sys.argv[2]
original_start, original_info = BlockingScheduler.start, runner.log.info

def start(self, *args, **kwargs):  # the signal lands as the loop is about to run
    if moment == "start":
        signal.raise_signal(signal.SIGTERM)
    return original_start(self, *args, **kwargs)

def info(message, *args):  # the signal lands after the last line, before the loop
    original_info(message, *args)
    if moment == "log" and message.startswith("scheduler started"):
        signal.raise_signal(signal.SIGTERM)

BlockingScheduler.start, runner.log.info = start, info
sys.exit(runner.run_scheduler(Path(sys.argv[1])))
"""


@pytest.mark.parametrize("moment", ["log", "start"])
def test_a_signal_as_the_scheduler_starts_still_stops_it(tmp_path: Path, moment: str) -> None:
    # systemd may stop a unit the moment it started; the scheduler used to wait forever.
    config = make_project(tmp_path, 1)
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_AT_START, str(config), moment],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "SIGTERM received" in done.stderr and "scheduler stopped" in done.stderr
    assert "scheduler started with 1 job (pid" in done.stderr
