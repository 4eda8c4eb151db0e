"""Run the schedule's jobs: one run now, or every run at its cron time until stopped.

A run holds its output folder's lock for the whole build, publish and mail, so two runs of one
folder never overlap, whether they come from this scheduler, another one, or `reportgen build`
started by cron. Every run is recorded in the run log, however it ends.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from reportgen.errors import UserError
from reportgen.folderlock import OutputLocked, output_lock
from reportgen.schedule.config import Job, Schedule, load_schedule
from reportgen.schedule.runlog import (
    FAILED,
    OK,
    PARTIAL,
    SKIPPED,
    UNCHANGED,
    RunLog,
    RunRecord,
    now,
)

if TYPE_CHECKING:
    from apscheduler.schedulers.blocking import BlockingScheduler

    from reportgen.schedule.shared import RedisRunLog

log = logging.getLogger("reportgen.schedule")


def run_job_now(config_path: Path, job: str) -> RunRecord:
    """Run the job named `job` of the schedule in `config_path` once, now; return its record."""
    schedule = load_schedule(config_path)
    _configure_logging()
    return run_job(schedule, schedule.job(job), trigger="manual")


def history(config_path_or_log: Path, limit: int = 20, job: str | None = None) -> list[RunRecord]:
    """Return the last `limit` runs, newest first, from a schedule file's run log or a log file."""
    path = Path(config_path_or_log)
    if path.suffix.lower() in (".yaml", ".yml"):
        return open_runlog(load_schedule(path)).recent(limit, job=job)
    return RunLog(path).recent(limit, job=job)


def open_runlog(schedule: Schedule) -> RunLog | RedisRunLog:
    """Return the schedule's run log: in Redis when it names a broker, else its SQLite file.

    Raises BrokerUnavailable (exit 2) when the broker cannot be reached.
    """
    if schedule.broker:
        from reportgen.jobs.queue import redis_client
        from reportgen.schedule.shared import RedisRunLog

        return RedisRunLog(redis_client(schedule.broker))
    return RunLog(schedule.history)


def _claimed_elsewhere(schedule: Schedule, job: Job, runlog: object) -> str | None:
    """Return why this replica must not run `job` now (another one claimed it), else None."""
    from reportgen.schedule.shared import RedisRunLog, claim_run, fire_time

    if not isinstance(runlog, RedisRunLog):
        return None
    due = fire_time(job.trigger(), now(), schedule.misfire_grace_time)
    if due is None or claim_run(runlog.client, job.name, due, schedule.misfire_grace_time):
        return None
    return f"the run due at {due.isoformat()} is taken by another scheduler replica"


def run_job(schedule: Schedule, job: Job, trigger: str = "manual") -> RunRecord:
    """Run `job` once under its output folder's lock and record it; return the ended record.

    A run that finds the folder locked is recorded as skipped. Errors end up in the record,
    never in an exception (the scheduler must outlive a bad run); KeyboardInterrupt and
    SystemExit are recorded and then re-raised.
    """
    runlog = open_runlog(schedule)
    if trigger == "schedule":
        taken = _claimed_elsewhere(schedule, job, runlog)
        if taken is not None:  # that replica records the run; this one records nothing
            log.info("%s: %s", job.name, taken)
            return RunRecord(job=job.name, trigger=trigger, start=now()).finished(
                SKIPPED, message=taken
            )
    record = runlog.begin(job.name, trigger)
    log.info("%s: run started (%s)", job.name, trigger)
    try:
        with output_lock(job.out):
            # The run starts once it holds the folder: time spent waiting for the run log's
            # database or trying the lock is not part of it (and would make runs look overlapped).
            record = _run_locked(job, replace(record, start=now()))
    except OutputLocked as exc:
        record = record.finished(SKIPPED, message=str(exc))
    except UserError as exc:
        record = record.finished(FAILED, errors=(str(exc),), message="the run failed")
    except Exception as exc:  # a bug in reportgen: record it, keep the scheduler alive
        log.exception("%s: internal error", job.name)
        record = record.finished(
            FAILED, errors=(f"internal error: {exc!r}",), message="a bug in reportgen; see the log"
        )
    except BaseException:
        runlog.finish(record.finished(FAILED, message="interrupted"))
        raise
    runlog.finish(record)
    _log_end(record)
    return record


def _run_locked(job: Job, record: RunRecord) -> RunRecord:
    """Return `record` ended after building, publishing and mailing `job` (the lock is held)."""
    from reportgen import build  # looked up at run time, so a test can stand in for it

    files = job.facts_files()
    if not files:
        return record.finished(
            FAILED, errors=(f"no facts files match {', '.join(job.facts)}",), message="no facts"
        )
    report = build.build_folder(
        files,
        job.out,
        job.formats,
        job.template,
        job.templates_dirs,
        jobs=job.workers,
        strict=job.strict,
        reference_docx=job.reference_docx,
    )
    for warning in report.warnings:  # a page budget broken; with strict: it failed instead
        log.warning("%s: %s", job.name, warning)
    built = sorted({r.slug for r in report.built})
    errors = [message for _path, message in report.failed]
    changed, published, mailed = built, 0, 0
    mail_from = job.out
    try:
        if job.then.publish is not None:
            changed, published = _publish(job)
            mail_from = job.then.publish.dist
        if job.then.mail is not None and changed:
            mailed, mail_errors = _mail(job, mail_from, changed)
            errors += mail_errors
    except UserError as exc:
        errors.append(str(exc))

    status = _status(len(built) + published + mailed, report.up_to_date, errors)
    return record.finished(
        status,
        built=len(built),
        skipped=report.up_to_date,
        failed=len(report.failed),
        published=published,
        mailed=mailed,
        errors=tuple(errors),
        message=_message(len(built), report.up_to_date, len(report.failed), published, mailed),
    )


def _publish(job: Job) -> tuple[list[str], int]:
    """Publish the job's output folder; return (slugs with a new version, their count)."""
    from reportgen.publish import publish

    step = job.then.publish
    assert step is not None
    report = publish(job.out, step.dist, base_url=step.base_url, title=step.title)
    slugs = [v.slug for v in report.new_versions]
    return slugs, len(slugs)


def _mail(job: Job, folder: Path, slugs: list[str]) -> tuple[int, list[str]]:
    """Mail the briefs `slugs` from `folder`; return (messages sent, one error per failure)."""
    from reportgen.mail import send_briefs

    step = job.then.mail
    assert step is not None
    report = send_briefs(step.recipients, folder, attach_docx=step.attach_docx, briefs=slugs)
    return len(report.sent), [f"mail to {d.email} ({d.slug}): {why}" for d, why in report.failed]


def _status(done: int, current: int, errors: list[str]) -> str:
    """Return a run's status from what it did and the errors it met."""
    if errors:
        return PARTIAL if done or current else FAILED
    return OK if done else UNCHANGED


def _message(built: int, current: int, failed: int, published: int, mailed: int) -> str:
    """Return the one-line account of a run."""
    if not (built or failed or published or mailed):
        return f"nothing changed: {plural(current, 'brief')} up to date"
    parts = [f"built {built}", f"{current} up to date"]
    if failed:
        parts.append(f"{failed} failed")
    if published:
        parts.append(f"published {plural(published, 'new version')}")
    if mailed:
        parts.append(f"mailed {plural(mailed, 'message')}")
    return ", ".join(parts)


def plural(count: int, noun: str) -> str:
    """Return `count noun` with an s when the count is not one: `1 brief`, `3 briefs`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _log_end(record: RunRecord) -> None:
    """Log a run's end: info when all went well, a warning per error otherwise."""
    level = logging.INFO if record.status in (OK, UNCHANGED, SKIPPED) else logging.WARNING
    log.log(level, "%s: %s: %s", record.job, record.status, record.message)
    for error in record.errors:
        log.warning("%s: %s", record.job, error)


# ---------------------------------------------------------------- the scheduler


def run_scheduler(config_path: Path) -> int:
    """Run every job of the schedule at its cron times until SIGTERM or SIGINT; return 0.

    On a signal the scheduler stops taking new runs and waits for the running ones to end,
    so it never leaves a partial output (outputs are written atomically in any case).
    """
    schedule = load_schedule(config_path)
    _configure_logging()
    scheduler = build_scheduler(schedule)
    stopper = _Stopper(scheduler)
    previous = {
        sig: signal.signal(sig, stopper.on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        for job in schedule.jobs:
            log.info("%s", describe_job(job))
        count = len(schedule.jobs)
        log.info("scheduler started with %d job%s (pid %d)", count, "s"[: count != 1], os.getpid())
        if not stopper.requested.is_set():  # a signal may come before the loop starts
            scheduler.start()
    finally:
        stopper.started_or_not.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stopper.join()
    log.info("scheduler stopped")
    return 0


def describe_job(job: Job, now: datetime | None = None) -> str:
    """Return the line a starting scheduler logs for `job`: its cron, next run and folder."""
    nxt = job.trigger().get_next_fire_time(None, now or datetime.now(UTC))
    when = nxt.strftime("%a %Y-%m-%d %H:%M %Z") if nxt is not None else "never"
    return f"{job.name}: {job.cron} ({job.timezone}), next run {when}, out {job.out}"


def build_scheduler(schedule: Schedule, now: datetime | None = None) -> BlockingScheduler:
    """Return a BlockingScheduler (not started) with one cron job per job of `schedule`.

    A job whose last cron time (within the grace time before `now`) passed while no scheduler
    was running, as the run log shows, is due at once: a reboot does not lose that run.
    """
    from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
    from apscheduler.schedulers.blocking import BlockingScheduler

    now = now or datetime.now(UTC)
    runlog = open_runlog(schedule)
    scheduler = BlockingScheduler(timezone="UTC")
    for job in schedule.jobs:
        last = runlog.recent(1, job=job.name)
        missed = missed_run(job, last[0].start if last else None, schedule.misfire_grace_time, now)
        if missed is not None:
            log.info("%s: the run due at %s was missed; running it now", job.name, missed)
        scheduler.add_job(
            run_job,
            trigger=job.trigger(),
            args=(schedule, job, "schedule"),
            id=job.name,
            name=job.name,
            max_instances=1,  # in this process; the folder lock covers other processes
            coalesce=True,  # runs missed while asleep collapse into one
            misfire_grace_time=schedule.misfire_grace_time,
            **({"next_run_time": now} if missed is not None else {}),
        )

    def on_event(event: JobEvent) -> None:
        if event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("%s: still running, this run skipped", event.job_id)
        else:
            log.warning("%s: run missed (past the grace time)", event.job_id)

    scheduler.add_listener(on_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
    return scheduler


def missed_run(
    job: Job, last_start: datetime | None, grace_seconds: int, now: datetime
) -> datetime | None:
    """Return the first cron time of `job` that no run covered, or None when none was missed.

    Only cron times after the last run's start (`last_start`) and within the grace time before
    `now` count. A job that never ran has missed nothing: it first runs at its next cron time.
    """
    if last_start is None:
        return None
    since = max(last_start + timedelta(microseconds=1), now - timedelta(seconds=grace_seconds))
    due = job.trigger().get_next_fire_time(None, since)
    return due if due is not None and due <= now else None


class _Stopper:
    """Shut the scheduler down from a signal, in a thread, waiting for running jobs.

    The shutdown waits for running jobs, so it cannot run inside the signal handler (which
    interrupts the main thread's loop); a thread does it, and `start()` returns once done.
    """

    def __init__(self, scheduler: object) -> None:
        self.scheduler = scheduler
        self.pid = os.getpid()
        self.thread: threading.Thread | None = None
        self.requested = threading.Event()  # a signal came: do not start, or stop
        self.started_or_not = threading.Event()  # start() returned, or was never called

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        """Begin a clean shutdown on the first signal; ignore repeats while it waits."""
        if os.getpid() != self.pid:
            # A forked build worker inherited this handler. Ctrl-C (or systemd's SIGTERM to
            # the whole control group) reaches it too; it keeps working so the run it belongs
            # to can finish, and exits when the scheduler shuts its pool down.
            return
        if self.thread is not None:
            log.info("already stopping; waiting for the running jobs")
            return
        log.info("%s received: finishing running jobs, then stopping", signal.Signals(signum).name)
        self.requested.set()
        self.thread = threading.Thread(target=self._shut_down, name="reportgen-scheduler-stop")
        self.thread.start()

    def _shut_down(self) -> None:
        """Shut the scheduler down, waiting for running jobs; if the signal came just before
        its loop started, wait for the loop (or for the main thread to give up starting)."""
        from apscheduler.schedulers import SchedulerNotRunningError

        while True:
            try:
                self.scheduler.shutdown(wait=True)  # type: ignore[attr-defined]
                return
            except SchedulerNotRunningError:
                if self.started_or_not.wait(0.05):
                    return

    def join(self) -> None:
        """Wait for the shutdown thread, if a signal started one."""
        if self.thread is not None:
            self.thread.join()


def _configure_logging() -> None:
    """Send log lines to stderr with a timestamp, unless the program configured logging."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        # Our own lines say when a run starts and ends; APScheduler's repeat them.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
