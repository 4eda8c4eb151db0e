"""Running jobs: build, publish and mail under the folder lock, every run in the run log."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import reportgen.build
from reportgen.schedule import history, run_job_now
from reportgen.schedule.config import load_schedule
from reportgen.schedule.runlog import FAILED, OK, PARTIAL, SKIPPED, UNCHANGED
from reportgen.schedule.runner import build_scheduler, run_job
from tests.helpers import write_variant
from tests.mail.smtpserver import smtp_server
from tests.publish.outputs import sha256sum_check
from tests.schedule.test_lock import hold_in_subprocess

SCHEDULE = """
jobs:
  - name: briefs
    cron: "0 6 * * *"
    facts: facts/*.yaml
    formats: [pdf]
    workers: 1
    out: output
    then:
      publish: {dist: dist, title: Test briefs}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a folder with two facts files and a schedule publishing them."""
    for n in range(2):
        write_variant(tmp_path / "facts", n)
    (tmp_path / "schedule.yaml").write_text(SCHEDULE, encoding="utf-8")
    return tmp_path


def stamps(folder: Path) -> dict[str, int]:
    """Return {name: mtime_ns} of a folder's files, the lock file left out."""
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != ".reportgen.lock"}


def test_run_now_builds_publishes_and_records_the_run(project: Path) -> None:
    record = run_job_now(project / "schedule.yaml", "briefs")

    assert record.status == OK, record
    assert (record.built, record.skipped, record.failed, record.published) == (2, 0, 0, 2)
    dist = project / "dist"
    for n in range(2):
        built = (project / "output" / f"brief-{n:04d}.pdf").read_bytes()
        assert (dist / f"brief-{n:04d}.pdf").read_bytes() == built
    sha256sum_check(dist)
    runs = history(project / "schedule.yaml")
    assert [(r.id, r.status, r.trigger) for r in runs] == [(record.id, OK, "manual")]


def test_a_run_with_nothing_changed_only_logs(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run_job_now(project / "schedule.yaml", "briefs")
    dist_before = stamps(project / "dist")
    outputs_before = {
        p.name: p.read_bytes() for p in (project / "output").iterdir() if p.suffix == ".pdf"
    }

    with caplog.at_level(logging.INFO, logger="reportgen"):
        record = run_job_now(project / "schedule.yaml", "briefs")

    assert record.status == UNCHANGED
    assert (record.built, record.skipped, record.published) == (0, 2, 0)
    assert record.message == "nothing changed: 2 briefs up to date"
    assert stamps(project / "dist") == dist_before
    assert {
        p.name: p.read_bytes() for p in (project / "output").iterdir() if p.suffix == ".pdf"
    } == outputs_before
    assert "briefs: unchanged: nothing changed: 2 briefs up to date" in caplog.text
    assert [r.status for r in history(project / "schedule.yaml")] == [UNCHANGED, OK]


def test_a_changed_facts_file_is_rebuilt_and_republished_the_other_is_not(project: Path) -> None:
    run_job_now(project / "schedule.yaml", "briefs")
    dist = project / "dist"
    untouched = {n: dist.joinpath(n).stat().st_mtime_ns for n in ("brief-0000.pdf",)}
    write_variant(project / "facts", 1, subtitle="A revised subtitle")

    record = run_job_now(project / "schedule.yaml", "briefs")

    assert record.status == OK
    assert (record.built, record.skipped, record.published) == (1, 1, 1)
    assert (dist / "brief-0001.pdf").read_bytes() == (
        project / "output" / "brief-0001.pdf"
    ).read_bytes()
    assert {n: dist.joinpath(n).stat().st_mtime_ns for n in untouched} == untouched
    assert len(list(dist.glob("brief-0001-*.pdf"))) == 2  # the first dated copy is kept
    feed = ET.parse(dist / "feed.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 3
    sha256sum_check(dist)


def test_invalid_facts_do_not_stop_the_others_and_are_recorded(project: Path) -> None:
    (project / "facts" / "broken.yaml").write_text("meta:\n  title: [unclosed\n", encoding="utf-8")

    record = run_job_now(project / "schedule.yaml", "briefs")

    assert record.status == PARTIAL
    assert (record.built, record.failed, record.published) == (2, 1, 2)
    assert any("broken.yaml" in error for error in record.errors), record.errors
    stored = history(project / "schedule.yaml")[0]
    assert stored.errors == record.errors and stored.status == PARTIAL
    assert (project / "dist" / "brief-0000.pdf").is_file()


def test_a_job_whose_globs_match_nothing_fails_clearly(project: Path) -> None:
    (project / "schedule.yaml").write_text(SCHEDULE.replace("facts/*.yaml", "nope/*.yaml"))
    record = run_job_now(project / "schedule.yaml", "briefs")
    assert record.status == FAILED
    assert record.errors == (f"no facts files match {project / 'nope/*.yaml'}",)


def test_a_run_finding_the_folder_locked_is_skipped_and_recorded(project: Path) -> None:
    holder = hold_in_subprocess(project / "output")  # e.g. `reportgen build` from cron
    try:
        record = run_job_now(project / "schedule.yaml", "briefs")
    finally:
        holder.kill()
        holder.wait()
    assert record.status == SKIPPED
    assert "being built or published by another run" in record.message
    assert not (project / "output" / "manifest.json").exists()
    assert history(project / "schedule.yaml")[0].status == SKIPPED


def test_two_runs_of_one_job_never_overlap(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = load_schedule(project / "schedule.yaml")
    job = schedule.job("briefs")
    inside, release = threading.Event(), threading.Event()
    real_build = reportgen.build.build_folder

    def slow_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        inside.set()
        assert release.wait(60)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(reportgen.build, "build_folder", slow_build)
    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(run_job(schedule, job).status))
    first.start()
    assert inside.wait(60)
    second = run_job(schedule, job, trigger="schedule")  # while the first is building
    release.set()
    first.join()
    assert second.status == SKIPPED
    assert results == [OK]


def test_the_mail_step_sends_only_briefs_with_a_new_version(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "people.csv").write_text("email,name\nasha@example.org,Asha\n", encoding="utf-8")
    (project / "schedule.yaml").write_text(
        SCHEDULE + "      mail: {recipients: people.csv}\n", encoding="utf-8"
    )
    with smtp_server() as (server, port):
        monkeypatch.setenv("REPORTGEN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("REPORTGEN_SMTP_PORT", str(port))
        monkeypatch.setenv("REPORTGEN_SMTP_STARTTLS", "false")
        monkeypatch.setenv("REPORTGEN_SMTP_FROM", "briefs@example.org")
        first = run_job_now(project / "schedule.yaml", "briefs")
        second = run_job_now(project / "schedule.yaml", "briefs")
        write_variant(project / "facts", 0, subtitle="Revised")
        third = run_job_now(project / "schedule.yaml", "briefs")

    assert (first.mailed, second.mailed, third.mailed) == (2, 0, 1)
    assert second.status == UNCHANGED
    last = server.arrived[-1]
    ((name, data),) = last.attachments().items()
    assert name.startswith("brief-0000-") and name.endswith(".pdf")
    published = (project / "dist" / "brief-0000.pdf").read_bytes()
    assert hashlib.sha256(data).digest() == hashlib.sha256(published).digest()


def test_scheduled_jobs_run_one_at_a_time_and_catch_up_once_after_sleep(project: Path) -> None:
    text = SCHEDULE.replace("jobs:", "misfire_grace_time: 900\njobs:")
    (project / "schedule.yaml").write_text(text, encoding="utf-8")
    scheduler = build_scheduler(load_schedule(project / "schedule.yaml"))
    job = scheduler.get_job("briefs")
    assert job is not None
    assert job.max_instances == 1  # never twice at once in this process
    assert job.coalesce is True  # runs missed while asleep collapse into one...
    assert job.misfire_grace_time == 900  # ...run on waking if within the grace time
    assert str(job.trigger) == str(load_schedule(project / "schedule.yaml").job("briefs").trigger())


def test_a_run_missed_while_no_scheduler_ran_is_due_at_start(project: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from reportgen.schedule.runner import missed_run

    job = load_schedule(project / "schedule.yaml").job("briefs")  # daily at 06:00 UTC
    now = datetime(2026, 3, 2, 6, 20, tzinfo=UTC)
    yesterday = datetime(2026, 3, 1, 6, 0, 1, tzinfo=UTC)
    assert missed_run(job, yesterday, 3600, now) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert missed_run(job, yesterday, 600, now) is None  # past the grace time: not run
    assert missed_run(job, now - timedelta(minutes=5), 3600, now) is None  # ran since
    assert missed_run(job, None, 3600, now) is None  # never ran: wait for its time

    # The scheduler built after such a gap has the job due at once.
    run_job_now(project / "schedule.yaml", "briefs")  # the last run is now, so nothing missed
    schedule = load_schedule(project / "schedule.yaml")
    later = datetime.now(UTC) + timedelta(days=1)
    scheduler = build_scheduler(schedule, now=later.replace(hour=6, minute=30))
    job_now = scheduler.get_job("briefs")
    assert job_now is not None and job_now.next_run_time == later.replace(hour=6, minute=30)
