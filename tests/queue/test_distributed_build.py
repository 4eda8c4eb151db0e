"""`reportgen build --broker` with real redis-server and real `reportgen worker` processes."""

from __future__ import annotations

import json
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


def test_100_briefs_through_two_workers_equal_the_local_build(
    redis_server: RedisServer, batch_100: tuple[Path, Path], tmp_path: Path
) -> None:
    facts, local = batch_100
    pool = workers(redis_server, 2, tmp_path)
    try:
        out = tmp_path / "queued"
        build = start_build(facts, out, redis_server.url)
        stdout, stderr = build.communicate(timeout=600)
    finally:
        for w in pool:
            w.stop()
    assert build.returncode == 0, stderr
    assert same_files(local, out) == []
    assert json.loads((out / "manifest.json").read_text()) == json.loads(
        (local / "manifest.json").read_text()
    )
    # The progress lines are the local build's: one per brief, in order, all "built".
    lines = [ln for ln in stderr.splitlines() if ln.startswith("[")]
    assert lines == [f"[{i}/100] built {facts / f'brief-{i - 1:04d}.yaml'}" for i in range(1, 101)]
    assert stdout.count("\n") == 200
    # Both workers rendered (the batch was shared), and each job exactly once.
    rendered = [(tmp_path / f"worker{i}.log").read_text().count(" done in ") for i in range(2)]
    assert all(n > 0 for n in rendered) and sum(rendered) == 100, rendered


def test_a_second_build_is_answered_from_the_shared_store(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    from reportgen.build import build_folder
    from tests.queue.test_jobs import WATER

    facts = write_batch(tmp_path / "facts", 3)
    (facts / "water.yaml").write_bytes(WATER)  # two languages: two briefs from one file
    local = tmp_path / "local"
    build_folder([facts], local, jobs=1)
    pool = workers(redis_server, 1, tmp_path)
    try:
        first = start_build(facts, tmp_path / "a", redis_server.url)
        assert first.wait(300) == 0
        pool[0].stop()  # no worker now: the second build can only be served from the store
        second = start_build(facts, tmp_path / "b", redis_server.url, "--force")
        assert second.wait(60) == 0, second.stderr.read() if second.stderr else ""
    finally:
        for w in pool:
            w.stop()
    assert (tmp_path / "a" / "water-for-cities.hi.pdf").is_file()
    assert same_files(local, tmp_path / "a") == []
    assert same_files(tmp_path / "a", tmp_path / "b") == []


def test_a_worker_killed_mid_job_loses_and_duplicates_nothing(
    redis_server: RedisServer, batch_100: tuple[Path, Path], tmp_path: Path
) -> None:
    facts, local = batch_100
    client = redis_server.client()
    survivor = workers(redis_server, 1, tmp_path)[0]
    before = heartbeat_ids(client)
    victim = Worker(redis_server.url, 1, log=tmp_path / "victim.log")
    victim_id = wait_for(lambda: heartbeat_ids(client) - before, 60, "victim heartbeat").pop()
    acks = f"reportgen-dramatiq:__acks__.{victim_id}.reportgen"
    out = tmp_path / "queued"
    build = start_build(facts, out, redis_server.url)
    try:
        # Kill the victim while it holds a job it has not acknowledged: in the middle of it.
        wait_for(
            lambda: done_count(redis_server) >= 10 and client.scard(acks) > 0, 120, "victim busy"
        )
        victim.kill()
        held = {m.decode() for m in client.smembers(acks)}
        assert held, "the victim held no job when it was killed"
        _stdout, stderr = build.communicate(timeout=600)
    finally:
        survivor.stop()
        victim.kill()
    assert build.returncode == 0, stderr
    assert same_files(local, out) == []
    assert json.loads((out / "manifest.json").read_text()) == json.loads(
        (local / "manifest.json").read_text()
    )
    assert not list(out.glob(".*.tmp"))
    assert client.scard(acks) == 0  # the killed worker's job was handed back, not left behind


def _kill_redis_midway(server: RedisServer, down_seconds: float) -> None:
    """Kill Redis once the batch is under way; start it again after `down_seconds` (if >= 0)."""
    wait_for(lambda: done_count(server) >= 10, 120, "the batch to get going")
    server.kill()
    if down_seconds >= 0:
        time.sleep(down_seconds)
        server.start()


def test_redis_restarted_mid_batch_the_batch_resumes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    from reportgen.build import build_folder

    facts = write_batch(tmp_path / "facts", 40)
    local = tmp_path / "local"
    build_folder([facts], local, jobs=2)
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
    assert same_files(local, out) == []
    assert json.loads((out / "manifest.json").read_text()) == json.loads(
        (local / "manifest.json").read_text()
    )


def test_redis_gone_for_good_fails_clearly_with_whole_files_only(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    facts = write_batch(tmp_path / "facts", 40)
    pool = workers(redis_server, 1, tmp_path)
    out = tmp_path / "queued"
    build = start_build(facts, out, redis_server.url, REPORTGEN_QUEUE_RECONNECT_SECONDS="3")
    try:
        _kill_redis_midway(redis_server, -1)
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
