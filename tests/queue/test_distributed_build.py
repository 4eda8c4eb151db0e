"""`reportgen build --broker` with real redis-server and real `reportgen worker` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.queue.conftest import same_files, write_batch
from tests.queue.redisproc import RedisServer, Worker, env, heartbeat_ids, wait_for

pytestmark = pytest.mark.slow


def start_build(facts: Path, out: Path, url: str, *extra: str, **env_extra: str):  # type: ignore[no-untyped-def]
    """Start `reportgen build --broker URL` as a user would; return the process."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportgen",
            "build",
            str(facts),
            "--out",
            str(out),
            "--broker",
            url,
            *extra,
        ],
        env=env(**env_extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def workers(server: RedisServer, count: int, tmp: Path) -> list[Worker]:
    """Start `count` single-process workers and wait until each sends heartbeats."""
    client = server.client()
    started = []
    for i in range(count):
        started.append(Worker(server.url, 1, log=tmp / f"worker{i}.log"))
        wait_for(lambda i=i: len(heartbeat_ids(client)) > i, 60, f"worker {i} heartbeat")
    return started


def done_count(server: RedisServer) -> int:
    """Return how many results the workers have stored (outputs are placed only at the end)."""
    return len(list(server.client().scan_iter("reportgen:result:*", count=1000)))


def worker_done(log: Path) -> int:
    """Return how many jobs a worker has rendered to the end, from its log."""
    return log.read_text(errors="replace").count(" done in ") if log.exists() else 0


def test_100_briefs_through_two_workers_one_killed_mid_job_equal_the_local_build(
    redis_server: RedisServer, batch_100: tuple[Path, Path], tmp_path: Path
) -> None:
    """100 briefs through 2 worker processes give the local build's bytes and manifest, even
    when one worker is killed (-9) in the middle of a job: its job is redelivered to the
    other worker, and nothing is lost, rendered twice to the end, duplicated or truncated."""
    facts, local = batch_100
    client = redis_server.client()
    survivor = workers(redis_server, 1, tmp_path)[0]
    before = heartbeat_ids(client)
    victim_log = tmp_path / "victim.log"
    victim = Worker(redis_server.url, 1, log=victim_log)
    victim_id = wait_for(lambda: heartbeat_ids(client) - before, 60, "victim heartbeat").pop()
    acks = f"reportgen-dramatiq:__acks__.{victim_id}.reportgen"
    out = tmp_path / "queued"
    build = start_build(facts, out, redis_server.url)
    try:
        # Kill the victim while it holds a job it has not acknowledged: in the middle of it,
        # once the batch is shared (each worker has finished some jobs of it). The victim is
        # frozen (SIGSTOP) before its unacknowledged set is read, so it cannot finish and
        # acknowledge between the look and the kill; caught between two jobs, it goes on.
        while True:
            wait_for(
                lambda: (
                    done_count(redis_server) >= 10
                    and worker_done(victim_log) >= 2
                    and worker_done(tmp_path / "worker0.log") >= 2
                    and client.scard(acks) > 0
                ),
                300,
                "victim busy",
            )
            os.killpg(victim.process.pid, signal.SIGSTOP)
            held = {m.decode() for m in client.smembers(acks)}
            if held:
                break
            os.killpg(victim.process.pid, signal.SIGCONT)
        victim.kill()
        stdout, stderr = build.communicate(timeout=600)
    finally:
        survivor.stop()
        victim.kill()
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, stderr
    assert same_files(local, out) == []
    assert json.loads((out / "manifest.json").read_text()) == json.loads(
        (local / "manifest.json").read_text()
    )
    assert not list(out.glob(".*.tmp"))
    # The progress lines are the local build's: one per brief, in order, all "built".
    lines = [ln for ln in stderr.splitlines() if ln.startswith("[")]
    assert lines == [f"[{i}/100] built {facts / f'brief-{i - 1:04d}.yaml'}" for i in range(1, 101)]
    assert stdout.count("\n") == 200
    # Each job was rendered to the end exactly once (the killed one by the survivor, after the
    # victim's heartbeat stopped), and the killed worker's job was handed back, not left.
    rendered = [worker_done(tmp_path / "worker0.log"), worker_done(victim_log)]
    assert sum(rendered) == 100, rendered
    assert client.scard(acks) == 0


def test_a_second_build_is_answered_from_the_shared_store(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """Bad facts fail as in a local build (same lines, exit 2); a second build with no worker
    left is answered from the results in Redis, with the same bytes."""
    from tests.queue.test_jobs import WATER

    facts = write_batch(tmp_path / "facts", 3)
    (facts / "water.yaml").write_bytes(WATER)  # two languages: two briefs from one file
    (facts / "zz-bad.yaml").write_text("meta:\n  title: 5\n", encoding="utf-8")
    command = ["build", str(facts), "-j", "1", "--out", str(tmp_path / "l")]
    local = subprocess.run(
        [sys.executable, "-m", "reportgen", *command],
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert local.returncode == 2, local.stderr
    pool = workers(redis_server, 1, tmp_path)
    try:
        first = start_build(facts, tmp_path / "a", redis_server.url)
        stdout, stderr = first.communicate(timeout=300)
        pool[0].stop()  # no worker now: the second build can only be served from the store
        second = start_build(facts, tmp_path / "b", redis_server.url, "--force")
        _, stderr_b = second.communicate(timeout=120)
    finally:
        for w in pool:
            w.stop()
    # The same exit status, progress, problems and file lines as the local build.
    assert first.returncode == 2 and second.returncode == 2, stderr + stderr_b
    # (A worker slowed past its heartbeat on a loaded machine makes the client log that no
    # worker is listening: a warning, not a difference in what the build did.)
    quiet = [ln for ln in stderr.splitlines() if "no worker is listening" not in ln]
    assert quiet == local.stderr.splitlines() == stderr_b.splitlines()
    assert "zz-bad.yaml:1: meta.date: missing required field 'date'" in stderr
    assert stdout.replace(str(tmp_path / "a"), "OUT") == local.stdout.replace(
        str(tmp_path / "l"), "OUT"
    )
    assert (tmp_path / "a" / "water-for-cities.hi.pdf").is_file()
    assert same_files(tmp_path / "l", tmp_path / "a") == []
    assert same_files(tmp_path / "a", tmp_path / "b") == []


def _kill_redis_midway(server: RedisServer, down_seconds: float, done: int = 5) -> None:
    """Kill Redis once `done` briefs are rendered; start it again after `down_seconds` (if >= 0)."""
    wait_for(lambda: done_count(server) >= done, 300, "the batch to get going")
    server.kill()
    if down_seconds >= 0:
        time.sleep(down_seconds)
        server.start()


def manifest_of(folder: Path, count: int) -> list[dict]:
    """Return the manifest entries of briefs 0 to count-1, without the facts file's path."""
    slugs = {f"brief-{n:04d}" for n in range(count)}
    entries = json.loads((folder / "manifest.json").read_text())["outputs"]
    return [{**e, "facts": Path(e["facts"]).name} for e in entries if e["slug"] in slugs]


def test_redis_restarted_mid_batch_the_batch_resumes(
    redis_server: RedisServer, batch_100: tuple[Path, Path], tmp_path: Path
) -> None:
    # The first 20 briefs of the 100 (the same facts, so the local build's bytes are theirs).
    facts = write_batch(tmp_path / "facts", 20)
    local = batch_100[1]
    pool = workers(redis_server, 2, tmp_path)
    out = tmp_path / "queued"
    build = start_build(facts, out, redis_server.url)
    try:
        _kill_redis_midway(redis_server, 1.0)
        _stdout, stderr = build.communicate(timeout=600)
    finally:
        for w in pool:
            w.stop()
    assert build.returncode == 0, stderr
    assert "lost the broker" in stderr and "the broker is back" in stderr
    names = sorted(p.name for p in out.iterdir() if p.name.startswith("brief-"))
    assert len(names) == 40 and not list(out.glob(".*.tmp"))
    assert all((out / n).read_bytes() == (local / n).read_bytes() for n in names)
    assert manifest_of(out, 20) == manifest_of(local, 20)


def test_redis_gone_for_good_fails_clearly_with_whole_files_only(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    facts = write_batch(tmp_path / "facts", 20)
    pool = workers(redis_server, 1, tmp_path)
    out = tmp_path / "queued"
    build = start_build(facts, out, redis_server.url, REPORTGEN_QUEUE_RECONNECT_SECONDS="3")
    try:
        _kill_redis_midway(redis_server, -1, done=3)
        _stdout, stderr = build.communicate(timeout=120)
    finally:
        for w in pool:
            w.kill()
    assert build.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert "lost the broker" in stderr and "nothing was written" in stderr
    assert "Run the same command again" in stderr
    # Nothing half-written: the build places its outputs all together or not at all.
    leftovers = [p.name for p in out.iterdir()] if out.exists() else []
    assert not [n for n in leftovers if n.endswith(".tmp") or n.startswith("brief-")]
    assert "manifest.json" not in leftovers


def test_broker_unreachable_at_start_exits_2_without_traceback(tmp_path: Path) -> None:
    from tests.queue.redisproc import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"
    facts = write_batch(tmp_path / "facts", 1)
    for args in (
        ["build", str(facts), "--out", str(tmp_path / "o"), "--broker", url],
        ["worker", "--broker", url],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "reportgen", *args],
            env=env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert "cannot reach the broker" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
