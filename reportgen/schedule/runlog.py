"""The run log: one row per job run, in SQLite, kept across restarts.

A run is written twice: when it starts (status `running`, with the process id) and when it
ends. A run whose process died (SIGKILL, power loss) stays `running` in the file; readers show it
as `interrupted` once its process is gone, so the log never claims a dead run is still going.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

# Statuses a run ends with.
OK = "ok"  # something was built (or published) and nothing failed
UNCHANGED = "unchanged"  # every brief was up to date; nothing was written
PARTIAL = "partial"  # some briefs failed, the others were built
FAILED = "failed"  # nothing could be built, or a step after the build failed
SKIPPED = "skipped"  # another run held the output folder's lock
RUNNING = "running"
INTERRUPTED = "interrupted"  # the process died while the run was going

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    trigger TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT,
    status TEXT NOT NULL,
    built INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    published INTEGER NOT NULL DEFAULT 0,
    mailed INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL,
    host TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_job_start ON runs (job, start);
"""


@dataclass(frozen=True)
class RunRecord:
    """One run of a job: when, how it ended, and what it did."""

    job: str
    trigger: str  # "schedule" or "manual"
    start: datetime
    end: datetime | None = None
    status: str = RUNNING
    built: int = 0  # briefs built
    skipped: int = 0  # briefs up to date, not rebuilt
    failed: int = 0  # briefs that could not be built
    published: int = 0  # new brief versions published
    mailed: int = 0  # messages sent
    errors: tuple[str, ...] = field(default_factory=tuple)
    message: str = ""  # one line for people: what the run did
    id: int | None = None
    pid: int = field(default_factory=os.getpid)

    def __str__(self) -> str:
        """Return the run for people: `job: status: message`, then its errors indented."""
        lines = [f"{self.job}: {self.status}: {self.message}".rstrip(": ")]
        return "\n".join(lines + [f"  {error}" for error in self.errors])

    def finished(self, status: str, **changes: object) -> RunRecord:
        """Return a copy of this record ended now with `status` and the given fields."""
        return replace(self, end=now(), status=status, **changes)  # type: ignore[arg-type]


def host_name() -> str:
    """Return this machine's name, as the run log records it (os.uname is POSIX-only)."""
    return socket.gethostname()


def now() -> datetime:
    """Return the current time in UTC (stored to the microsecond, shown to the second)."""
    return datetime.now(UTC)


class RunLog:
    """The SQLite run log at `path`; safe to share between processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection in a transaction, committed on success, always closed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A generous timeout: another process may be writing its own row at the same moment.
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            conn.executescript(_SCHEMA)
            with conn:
                yield conn
        finally:
            conn.close()

    def begin(self, job: str, trigger: str) -> RunRecord:
        """Return a new `running` record for `job`, already stored (so a crash still shows)."""
        record = RunRecord(job=job, trigger=trigger, start=now())
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO runs (job, trigger, start, status, pid, host) VALUES (?,?,?,?,?,?)",
                (job, trigger, _iso(record.start), RUNNING, record.pid, host_name()),
            )
            return replace(record, id=cur.lastrowid)

    def finish(self, record: RunRecord) -> RunRecord:
        """Store the ended `record` (from `RunRecord.finished`) and return it."""
        with self._connect() as conn:
            conn.execute(
                "UPDATE runs SET start=?, end=?, status=?, built=?, skipped=?, failed=?,"
                " published=?, mailed=?, errors=?, message=? WHERE id=?",
                (
                    _iso(record.start),
                    _iso(record.end) if record.end else None,
                    record.status,
                    record.built,
                    record.skipped,
                    record.failed,
                    record.published,
                    record.mailed,
                    json.dumps(list(record.errors), ensure_ascii=False),
                    record.message,
                    record.id,
                ),
            )
        return record

    def recent(self, limit: int = 20, job: str | None = None) -> list[RunRecord]:
        """Return the last `limit` runs (of `job`, or of all jobs), newest first."""
        if not self.path.exists():
            return []
        sql = "SELECT * FROM runs"
        args: list[object] = []
        if job is not None:
            sql += " WHERE job = ?"
            args.append(job)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(max(0, int(limit)))
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute(sql, args).fetchall()
        host = host_name()
        return [_record(row, host) for row in rows]


def _iso(moment: datetime) -> str:
    """Return `moment` as ISO 8601 text (sortable, what the table stores)."""
    return moment.isoformat()


def _record(row: sqlite3.Row, host: str) -> RunRecord:
    """Return the RunRecord for a stored row, marking dead `running` rows `interrupted`."""
    status = row["status"]
    # Only a process on this machine can be checked; another host's run is shown as stored.
    if status == RUNNING and row["host"] == host and not _alive(row["pid"]):
        status = INTERRUPTED
    return RunRecord(
        id=row["id"],
        job=row["job"],
        trigger=row["trigger"],
        start=datetime.fromisoformat(row["start"]),
        end=datetime.fromisoformat(row["end"]) if row["end"] else None,
        status=status,
        built=row["built"],
        skipped=row["skipped"],
        failed=row["failed"],
        published=row["published"],
        mailed=row["mailed"],
        errors=tuple(json.loads(row["errors"] or "[]")),
        message=row["message"],
        pid=row["pid"],
    )


def _alive(pid: int) -> bool:
    """Return True when a process with `pid` exists on this machine.

    Through psutil: `os.kill(pid, 0)`, the POSIX idiom, would end the process on Windows.
    """
    from reportgen.lifeline import pid_alive

    return pid_alive(pid)


def _end(rec: RunRecord) -> str:
    """Return when a run ended: the time alone on its start's day, else date and time."""
    if rec.end is None:
        return "running"
    same_day = rec.end.date() == rec.start.date()
    return rec.end.strftime("%H:%M:%S" if same_day else "%Y-%m-%d %H:%M:%S")


def format_history(records: Sequence[RunRecord]) -> str:
    """Return `records` as a plain-text table, one run a line, errors indented beneath."""
    if not records:
        return "No runs recorded yet."
    header = (
        "start (UTC)",
        "end",
        "job",
        "trigger",
        "status",
        "built",
        "skipped",
        "failed",
        "duration",
    )
    rows = [header]
    notes: dict[int, list[str]] = {}
    for index, rec in enumerate(records, start=1):
        duration = f"{(rec.end - rec.start).total_seconds():.1f} s" if rec.end else "-"
        rows.append(
            (
                rec.start.strftime("%Y-%m-%d %H:%M:%S"),
                _end(rec),
                rec.job,
                rec.trigger,
                rec.status,
                str(rec.built),
                str(rec.skipped),
                str(rec.failed),
                duration,
            )
        )
        notes[index] = [*([rec.message] if rec.message else []), *rec.errors]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines: list[str] = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        lines[-1] = lines[-1].rstrip()
        lines.extend(f"    {note}" for note in notes.get(index, []))
    return "\n".join(lines)
