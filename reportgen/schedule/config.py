"""The schedule file (`schedule.yaml`): which briefs are rebuilt when, and what follows a build.

Relative paths in the file are taken from the folder the file is in, so a schedule works the
same whichever folder the scheduler is started from. See docs/schedule.md for the full schema.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportgen.errors import UserError
from reportgen.facts.problems import Locator
from reportgen.facts.yamlread import ReadError, parse_text

KNOWN_FORMATS = ("pdf", "docx")


class ScheduleConfigError(UserError):
    """The schedule file is missing, is not YAML, or does not match the schema."""


class _Strict(BaseModel):
    """A model that refuses unknown keys (a typo must not silently disable a step)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PublishStep(_Strict):
    """Publish the job's output folder after each run."""

    dist: Path
    """The folder a web server serves (index.html, feed.xml, SHA256SUMS and the briefs)."""
    base_url: str | None = None
    """The public URL of `dist`, for absolute links and the feed's ids (optional)."""
    title: str | None = None
    """The title of the index page and the feed (default: "Policy briefs")."""


class MailStep(_Strict):
    """Mail the briefs that changed in this run (after publishing, when there is a publish step)."""

    recipients: Path
    """A CSV file with columns email, name and optionally briefs (slugs, space-separated)."""
    attach_docx: bool = False
    """Attach the DOCX besides the PDF."""


class ThenSteps(_Strict):
    """What follows a build that changed something."""

    publish: PublishStep | None = None
    mail: MailStep | None = None


class Job(_Strict):
    """One scheduled job: a set of facts files built into one output folder."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    """A short name, used by `--run-now` and in the run log."""
    cron: str
    """A crontab expression (minute hour day month weekday), or six fields with seconds first."""
    timezone: str = "UTC"
    """The IANA time zone the cron expression is read in, e.g. Asia/Kolkata."""
    facts: list[str]
    """Glob patterns of facts files (a single string is accepted)."""
    template: str | None = None
    """The template to use instead of the one each facts file names."""
    templates_dirs: list[Path] = Field(default_factory=list)
    """Extra folders to look for templates in."""
    formats: list[str] = Field(default_factory=lambda: list(KNOWN_FORMATS))
    out: Path
    """The output folder (outputs, manifest.json, the lock file)."""
    workers: int | None = Field(default=None, ge=1)
    """Worker processes for the build (default: the number of cores)."""
    strict: bool = False
    """A brief outside its template's page budget fails instead of being built with a warning."""
    reference_docx: Path | None = None
    """A Word file (.docx) whose styles, header, footer, page and margins every brief takes."""
    then: ThenSteps = Field(default_factory=ThenSteps)

    @field_validator("facts", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        """Accept a single glob as a one-item list."""
        return [value] if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Refuse a time zone the system's tz database does not know."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as UTC)"
            ) from None
        return value

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: list[str]) -> list[str]:
        """Refuse formats reportgen cannot write."""
        unknown = [f for f in value if f not in KNOWN_FORMATS]
        if unknown or not value:
            raise ValueError(f"formats must be among {', '.join(KNOWN_FORMATS)}")
        return value

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        """Refuse a cron expression APScheduler cannot read."""
        try:
            cron_trigger(value, "UTC")
        except ValueError as exc:
            raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
        return value

    def trigger(self) -> CronTrigger:
        """Return the APScheduler trigger for this job's cron expression and time zone."""
        return cron_trigger(self.cron, self.timezone)

    def facts_files(self) -> list[Path]:
        """Return the facts files the globs match now, sorted, without duplicates."""
        found: set[Path] = set()
        for pattern in self.facts:
            found.update(Path(p) for p in glob.glob(pattern, recursive=True))
        return sorted(p for p in found if p.is_file())


class Schedule(_Strict):
    """The whole schedule file."""

    history: Path = Path("history.sqlite")
    """The run log (SQLite), kept across restarts."""
    misfire_grace_time: int = Field(default=3600, ge=1)
    """Seconds after its time within which a missed run (machine asleep) still runs, once."""
    broker: str | None = None
    """A Redis URL shared by several scheduler replicas: the run log lives there (instead of
    `history`) and each cron run is claimed by one replica only (reportgen.schedule.shared)."""
    jobs: list[Job]

    @field_validator("jobs")
    @classmethod
    def _unique_names(cls, value: list[Job]) -> list[Job]:
        """Refuse two jobs with one name (`--run-now` could not tell them apart)."""
        names = [job.name for job in value]
        doubles = sorted({n for n in names if names.count(n) > 1})
        if doubles:
            raise ValueError(f"job names must be unique; repeated: {', '.join(doubles)}")
        return value

    def job(self, name: str) -> Job:
        """Return the job called `name`; raise ScheduleConfigError naming the known ones."""
        for job in self.jobs:
            if job.name == name:
                return job
        known = ", ".join(j.name for j in self.jobs) or "none"
        raise ScheduleConfigError(f"no job named {name!r} in the schedule (jobs: {known})")


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """Return a CronTrigger for a 5-field crontab line or a 6-field one with seconds first.

    Weekdays are read as crontab reads them (0 or 7 is Sunday, 1 is Monday), not as
    APScheduler 3 does (0 is Monday), so a line copied from a crontab means the same here.
    """
    fields = expression.split()
    zone = ZoneInfo(timezone)
    if len(fields) in (5, 6):
        second, minute, hour, day, month, weekday = (["0"] if len(fields) == 5 else []) + fields
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_weekdays(weekday),
            timezone=zone,
        )
    raise ValueError(f"expected 5 fields (or 6 with seconds first), got {len(fields)}")


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def crontab_weekdays(field: str) -> str:
    """Return a crontab weekday field with its numbers as day names, which APScheduler reads.

    `1-5` becomes `mon-fri`; a range from Sunday (`0-2`) is split (`sun,mon-tue`) because
    APScheduler's weeks start on Monday. Names, `*` and steps pass through.
    """
    parts = []
    for part in field.split(","):
        body, _, step = part.partition("/")
        ends = body.split("-")
        if all(e.isdigit() for e in ends) and body:
            days = [int(e) for e in ends]
            if any(d > 7 for d in days):
                raise ValueError(f"weekday {part!r} is out of range 0-7")
            if len(days) == 2 and days[0] == 0 and days[1] > 0 and not step:
                parts += ["sun", f"mon-{_WEEKDAYS[days[1]]}" if days[1] > 1 else "mon"]
                continue
            body = "-".join(_WEEKDAYS[d] for d in days)
        parts.append(f"{body}/{step}" if step else body)
    return ",".join(parts)


def load_schedule(path: Path) -> Schedule:
    """Return the schedule in `path`, with relative paths made absolute from its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScheduleConfigError(f"{path}: schedule file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleConfigError(f"{path}: cannot read the schedule: {exc}") from None
    if not text.strip():
        raise ScheduleConfigError(f"{path}: the schedule is empty; expected a 'jobs' list")
    try:  # the facts files' reader: safe, bounded, and it knows each value's line
        parsed = parse_text(text)
    except ReadError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise ScheduleConfigError(f"{where}: cannot read the schedule: {exc.message}") from None
    if not isinstance(parsed.data, dict):
        raise ScheduleConfigError(f"{path}: expected a mapping with a 'jobs' list")
    try:
        schedule = Schedule.model_validate(parsed.data)
    except ValidationError as exc:
        raise ScheduleConfigError(_describe(Locator(str(path), parsed.lines), exc)) from None
    return _anchor(schedule, path.resolve().parent)


def _describe(locator: Locator, exc: ValidationError) -> str:
    """Return every validation error as a `file:line: a.b[0].c: message` line."""
    lines = []
    for err in exc.errors():
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
        message = re.sub(r"^Value error, ", "", err["msg"])
        line = locator.line(tuple(err["loc"]))
        place = f"{locator.file}:{line}" if line else locator.file
        lines.append(f"{place}: {where.lstrip('.') or '(top)'}: {message}")
    return "\n".join(lines)


def _anchor(schedule: Schedule, base: Path) -> Schedule:
    """Return `schedule` with every relative path and glob taken from the folder `base`."""

    def at(p: Path) -> Path:
        return p if p.is_absolute() else base / p

    jobs = []
    for job in schedule.jobs:
        then = job.then
        publish = then.publish and then.publish.model_copy(update={"dist": at(then.publish.dist)})
        mail = then.mail and then.mail.model_copy(update={"recipients": at(then.mail.recipients)})
        jobs.append(
            job.model_copy(
                update={
                    "facts": [p if Path(p).is_absolute() else str(base / p) for p in job.facts],
                    "templates_dirs": [at(d) for d in job.templates_dirs],
                    "reference_docx": job.reference_docx and at(job.reference_docx),
                    "out": at(job.out),
                    "then": ThenSteps(publish=publish, mail=mail),
                }
            )
        )
    return schedule.model_copy(update={"history": at(schedule.history), "jobs": jobs})
