"""The run log: kept across restarts, newest first, dead runs shown as interrupted."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reportgen.schedule.runlog import (
    INTERRUPTED,
    OK,
    PARTIAL,
    RUNNING,
    UNCHANGED,
    RunLog,
    RunRecord,
    format_history,
)


def test_runs_survive_a_new_log_object_and_come_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "state" / "history.sqlite"
    log = RunLog(path)
    first = log.begin("minerals", "schedule")
    log.finish(first.finished(OK, built=2, skipped=3, message="built 2, 3 up to date"))
    second = log.begin("minerals", "manual")
    log.finish(second.finished(PARTIAL, built=1, failed=1, errors=("bad.yaml:3: meta: no title",)))

    records = RunLog(path).recent()  # as after a restart
    assert [r.id for r in records] == [second.id, first.id]
    assert records[0].status == PARTIAL and records[0].errors == ("bad.yaml:3: meta: no title",)
    assert (records[1].built, records[1].skipped, records[1].trigger) == (2, 3, "schedule")
    assert records[1].end is not None and records[1].end >= records[1].start
    assert len(RunLog(path).recent(limit=1)) == 1
    assert [r.job for r in RunLog(path).recent(job="other")] == []


def test_a_missing_log_has_no_runs(tmp_path: Path) -> None:
    assert RunLog(tmp_path / "none.sqlite").recent() == []
    assert format_history([]) == "No runs recorded yet."


def test_a_run_whose_process_died_shows_as_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    code = (
        "import sys; from reportgen.schedule.runlog import RunLog;"
        " RunLog(sys.argv[1]).begin('minerals', 'schedule')"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    mine = RunLog(path).begin("minerals", "manual")  # this process is alive
    records = RunLog(path).recent()
    assert [r.status for r in records] == [RUNNING, INTERRUPTED]
    assert records[0].id == mine.id


def test_the_history_table_shows_counts_and_errors(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "h.sqlite")
    rec = log.begin("minerals", "schedule")
    rec = log.finish(
        replace(rec.finished(PARTIAL, built=1, skipped=4, failed=1), errors=("x.yaml: bad",))
    )
    table = format_history([rec]).splitlines()
    assert table[0].split() == [
        "start",
        "(UTC)",
        "end",
        "job",
        "trigger",
        "status",
        "built",
        "skipped",
        "failed",
        "duration",
    ]
    cells = table[1].split()
    assert cells[3:9] == ["minerals", "schedule", "partial", "1", "4", "1"]
    assert rec.end is not None and cells[2] == rec.end.strftime("%H:%M:%S")
    assert table[2].strip() == "x.yaml: bad"


def test_the_history_table_shows_a_run_still_going_and_one_past_midnight(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    log = RunLog(tmp_path / "h.sqlite")
    running = log.begin("minerals", "schedule")
    start = datetime(2026, 3, 1, 23, 59, 30, tzinfo=UTC)
    late = replace(
        running.finished(OK, built=1), start=start, end=datetime(2026, 3, 2, 0, 0, 5, tzinfo=UTC)
    )
    rows = format_history([running, late]).splitlines()
    assert rows[1].split()[2] == "running"
    assert rows[2].split()[2:4] == ["2026-03-02", "00:00:05"]


def test_the_run_log_uses_no_posix_only_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows has no os.uname, and there os.kill(pid, 0) would end the process it asks about.
    monkeypatch.delattr(os, "uname", raising=False)

    def no_kill(pid: int, sig: int) -> None:
        raise AssertionError(f"os.kill({pid}, {sig}) called")

    monkeypatch.setattr(os, "kill", no_kill)
    path = tmp_path / "history.sqlite"
    code = (
        "import sys; from reportgen.schedule.runlog import RunLog;"
        " RunLog(sys.argv[1]).begin('minerals', 'schedule')"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    log = RunLog(path)
    mine = log.begin("minerals", "manual")
    assert [r.status for r in log.recent()] == [RUNNING, INTERRUPTED]
    log.finish(mine.finished(OK, built=1))
    assert "minerals" in format_history(log.recent())


def test_the_history_shown_in_docs_is_what_history_prints() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "schedule.md").read_text("utf-8")
    shown = doc.split("`reportgen history` reads the run log", 1)[1].split("```\n", 2)[1]
    partial = RunRecord("minerals", "schedule", datetime(2026, 3, 2, 6, 30, tzinfo=UTC), id=2)
    partial = partial.finished(
        PARTIAL,
        built=1,
        skipped=1,
        failed=1,
        message="built 1, 1 up to date, 1 failed, published 1 new version",
        errors=("facts/broken.yaml:3: meta.title: missing required field 'title'",),
    )
    unchanged = RunRecord("minerals", "schedule", datetime(2026, 3, 1, 6, 30, tzinfo=UTC), id=1)
    unchanged = unchanged.finished(
        UNCHANGED, skipped=3, message="nothing changed: 3 briefs up to date"
    )
    records = [
        replace(partial, end=partial.start + timedelta(seconds=4.2)),
        replace(unchanged, end=unchanged.start + timedelta(seconds=0.3)),
    ]
    assert format_history(records) + "\n" == shown
