"""The schedule file: the example validates, paths are anchored, mistakes are clear errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportgen.schedule.config import ScheduleConfigError, crontab_weekdays, load_schedule

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
jobs:
  - name: minerals
    cron: "30 6 * * 1-5"
    timezone: Asia/Kolkata
    facts: facts/*.yaml
    out: output
    then:
      publish: {dist: dist}
      mail: {recipients: people.csv}
"""


def test_the_example_schedule_is_valid() -> None:
    schedule = load_schedule(ROOT / "examples" / "schedule.yaml")
    names = [job.name for job in schedule.jobs]
    assert names == ["minerals", "fact-sheets"]
    minerals = schedule.job("minerals")
    assert minerals.out == ROOT / "examples" / ".." / "output"
    assert [p.name for p in minerals.facts_files()] == ["india-us-critical-minerals.yaml"]


def test_relative_paths_are_taken_from_the_schedule_folder(tmp_path: Path) -> None:
    schedule = load_schedule(write(tmp_path, MINIMAL))
    job = schedule.job("minerals")
    assert job.out == tmp_path / "output"
    assert job.facts == [str(tmp_path / "facts/*.yaml")]
    assert job.then.publish is not None and job.then.publish.dist == tmp_path / "dist"
    assert job.then.mail is not None and job.then.mail.recipients == tmp_path / "people.csv"
    assert schedule.history == tmp_path / "history.sqlite"
    assert job.formats == ["pdf", "docx"]


def test_the_cron_expression_is_read_in_the_job_time_zone(tmp_path: Path) -> None:
    job = load_schedule(write(tmp_path, MINIMAL)).job("minerals")
    # Friday 28 Feb 2025, 02:00 UTC = 07:30 in Kolkata: the next run is Monday 06:30 IST.
    after = datetime(2025, 2, 28, 2, 0, tzinfo=UTC)
    fire = job.trigger().get_next_fire_time(None, after)
    assert fire is not None
    assert fire.astimezone(UTC) == datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def test_six_fields_put_seconds_first(tmp_path: Path) -> None:
    text = MINIMAL.replace('"30 6 * * 1-5"', '"*/5 * * * * *"')
    job = load_schedule(write(tmp_path, text)).job("minerals")
    after = datetime(2025, 1, 1, 0, 0, 1, tzinfo=UTC)
    fire = job.trigger().get_next_fire_time(None, after)
    assert fire is not None and fire.astimezone(UTC) == datetime(2025, 1, 1, 0, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"30 6 * * 1-5"', '"99 6 * * *"', r"jobs\[0\]\.cron: invalid cron expression"),
        ('"30 6 * * 1-5"', '"30 6 * *"', "expected 5 fields"),
        ("Asia/Kolkata", "Mars/Olympus", r"jobs\[0\]\.timezone: unknown time zone 'Mars/Olympus'"),
        (
            "    out: output",
            "    out: output\n    formats: [html]",
            "formats must be among pdf, docx",
        ),
        ("    out: output", "    out: output\n    outt: typo", r"jobs\[0\]\.outt: Extra inputs"),
        ("name: minerals", "name: ../evil", r"jobs\[0\]\.name: String should match"),
        ("    out: output\n", "", r"jobs\[0\]\.out: Field required"),
    ],
)
def test_mistakes_are_reported_with_their_place(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(ScheduleConfigError, match=message) as caught:
        load_schedule(path)
    assert str(path) in str(caught.value)


def test_job_names_must_be_unique(tmp_path: Path) -> None:
    job = MINIMAL.split("jobs:\n", 1)[1]
    with pytest.raises(ScheduleConfigError, match="repeated: minerals"):
        load_schedule(write(tmp_path, "jobs:\n" + job + job))


def test_an_unknown_job_names_the_known_ones(tmp_path: Path) -> None:
    schedule = load_schedule(write(tmp_path, MINIMAL))
    with pytest.raises(ScheduleConfigError, match=r"no job named 'x'.*\(jobs: minerals\)"):
        schedule.job("x")


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScheduleConfigError, match="schedule file not found"):
        load_schedule(tmp_path / "nope.yaml")
    with pytest.raises(ScheduleConfigError, match="cannot read the schedule"):
        load_schedule(write(tmp_path, "jobs: [unclosed"))
    with pytest.raises(ScheduleConfigError, match="!!python/object"):
        load_schedule(write(tmp_path, "jobs: !!python/object:os.system {}\n"))
    with pytest.raises(ScheduleConfigError, match="the schedule is empty"):
        load_schedule(write(tmp_path, "\n"))
    with pytest.raises(ScheduleConfigError, match="no content"):
        load_schedule(write(tmp_path, "# nothing yet\n"))


def test_a_yaml_mistake_names_its_line_without_parser_internals(tmp_path: Path) -> None:
    with pytest.raises(ScheduleConfigError) as caught:
        load_schedule(write(tmp_path, "jobs:\n  - name: x\n```\n"))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'schedule.yaml'}:3: cannot read the schedule: ")
    assert "<unicode string>" not in message


def test_each_invalid_field_is_named_with_its_line(tmp_path: Path) -> None:
    text = MINIMAL.replace('"30 6 * * 1-5"', '"99 6 * * *"')
    line = text.splitlines().index('    cron: "99 6 * * *"') + 1
    with pytest.raises(ScheduleConfigError) as caught:
        load_schedule(write(tmp_path, text))
    assert f"schedule.yaml:{line}: jobs[0].cron: invalid cron expression" in str(caught.value)


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("1-5", "mon-fri"),
        ("0", "sun"),
        ("7", "sun"),
        ("0-2", "sun,mon-tue"),
        ("1,3,5", "mon,wed,fri"),
        ("*", "*"),
        ("*/2", "*/2"),
        ("mon-fri", "mon-fri"),
    ],
)
def test_crontab_weekdays_mean_what_they_mean_in_crontab(field: str, names: str) -> None:
    assert crontab_weekdays(field) == names


def test_weekday_one_is_monday_as_in_crontab(tmp_path: Path) -> None:
    text = MINIMAL.replace('"30 6 * * 1-5"', '"0 9 * * 1"').replace("Asia/Kolkata", "UTC")
    job = load_schedule(write(tmp_path, text)).job("minerals")
    fire = job.trigger().get_next_fire_time(None, datetime(2025, 3, 1, tzinfo=UTC))  # a Saturday
    assert fire is not None and fire.astimezone(UTC) == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_a_starting_scheduler_says_when_each_job_runs_next(tmp_path: Path) -> None:
    from reportgen.schedule.runner import describe_job

    job = load_schedule(write(tmp_path, MINIMAL)).job("minerals")
    line = describe_job(job, datetime(2025, 2, 28, 2, 0, tzinfo=UTC))  # a Friday, after 06:30 IST
    assert line.startswith(
        "minerals: 30 6 * * 1-5 (Asia/Kolkata), next run Mon 2025-03-03 06:30 IST"
    )
    assert line.endswith(f"out {tmp_path / 'output'}")
