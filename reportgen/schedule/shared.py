"""Scheduler replicas: a run log shared in Redis, and each cron run fired once.

With `broker:` in the schedule file, every `reportgen schedule` process started with that
file (on one machine or several) keeps its run log in Redis instead of SQLite, so
`reportgen history` shows the same runs from anywhere; and before a scheduled run starts, its
scheduler claims the run's cron time with `SET key NX EX` (an atomic "set if absent" that
expires): the first replica to claim it runs it, the others skip it without recording
anything. The claim expires after the misfire grace time (plus an hour), so keys never pile up.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from reportgen.schedule.runlog import INTERRUPTED, RUNNING, RunRecord, _alive, host_name, now

PREFIX = "reportgen:schedule"


class RedisRunLog:
    """The run log in Redis (the SQLite RunLog's interface), shared by scheduler replicas."""

    def __init__(self, client: Any, prefix: str = PREFIX) -> None:
        self.client = client
        self.prefix = prefix

    def _run_key(self, run_id: int) -> str:
        return f"{self.prefix}:run:{run_id}"

    def _index(self, job: str | None) -> str:
        return f"{self.prefix}:runs" if job is None else f"{self.prefix}:runs:{job}"

    def begin(self, job: str, trigger: str) -> RunRecord:
        """Return a new `running` record for `job`, already stored (so a crash still shows)."""
        record = RunRecord(job=job, trigger=trigger, start=now())
        run_id = int(self.client.incr(f"{self.prefix}:next-id"))
        record = replace(record, id=run_id)
        with self.client.pipeline() as pipe:
            pipe.set(self._run_key(run_id), _dump(record))
            pipe.zadd(self._index(None), {str(run_id): run_id})
            pipe.zadd(self._index(job), {str(run_id): run_id})
            pipe.execute()
        return record

    def finish(self, record: RunRecord) -> RunRecord:
        """Store the ended `record` and return it."""
        assert record.id is not None
        self.client.set(self._run_key(record.id), _dump(record))
        return record

    def recent(self, limit: int = 20, job: str | None = None) -> list[RunRecord]:
        """Return the last `limit` runs (of `job`, or of all jobs), newest first."""
        ids = self.client.zrevrange(self._index(job), 0, max(0, int(limit)) - 1)
        if not ids:
            return []
        rows = self.client.mget([self._run_key(int(i)) for i in ids])
        return [_load(row) for row in rows if row is not None]


def _dump(record: RunRecord) -> str:
    """Return a record as JSON text, with the host that ran it."""
    data = {
        "id": record.id,
        "job": record.job,
        "trigger": record.trigger,
        "start": record.start.isoformat(),
        "end": record.end.isoformat() if record.end else None,
        "status": record.status,
        "built": record.built,
        "skipped": record.skipped,
        "failed": record.failed,
        "published": record.published,
        "mailed": record.mailed,
        "errors": list(record.errors),
        "message": record.message,
        "pid": record.pid,
        "host": host_name(),
    }
    return json.dumps(data, ensure_ascii=False)


def _load(raw: bytes | str) -> RunRecord:
    """Return the record stored as JSON; a dead `running` run of this host is `interrupted`."""
    data = json.loads(raw)
    status = data["status"]
    if status == RUNNING and data.get("host") == host_name() and not _alive(data["pid"]):
        status = INTERRUPTED
    return RunRecord(
        id=data["id"],
        job=data["job"],
        trigger=data["trigger"],
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]) if data["end"] else None,
        status=status,
        built=data["built"],
        skipped=data["skipped"],
        failed=data["failed"],
        published=data["published"],
        mailed=data["mailed"],
        errors=tuple(data["errors"]),
        message=data["message"],
        pid=data["pid"],
    )


def fire_time(trigger: Any, at: datetime, grace_seconds: int) -> datetime | None:
    """Return the latest cron time of `trigger` at or before `at` (within the grace time)."""
    moment = trigger.get_next_fire_time(None, at - timedelta(seconds=grace_seconds))
    latest = None
    while moment is not None and moment <= at:
        latest = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))
    return latest


def claim_run(client: Any, job: str, due: datetime, grace_seconds: int) -> bool:
    """Return True when this replica is the first to claim `job`'s run due at `due`."""
    key = f"{PREFIX}:fired:{job}:{due.isoformat()}"
    owner = f"{host_name()}:{os.getpid()}"
    return bool(client.set(key, owner, nx=True, ex=grace_seconds + 3600))
