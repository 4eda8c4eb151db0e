"""The command line explains itself: help for every option, examples, exit statuses, and a
one-line install hint (exit 2) instead of a traceback when a library is missing."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

from reportgen.cli import EXIT_CODES, cli
from tests.conftest import ROOT


def commands() -> list[tuple[str, click.Command]]:
    """Return every subcommand of `reportgen` with its name."""
    assert isinstance(cli, click.Group)
    return sorted(cli.commands.items())


@pytest.mark.parametrize("name", [name for name, _ in commands()])
def test_every_option_of_every_command_has_help(name: str) -> None:
    command = cli.commands[name]
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"reportgen {name} {param.opts[0]} has no help"


@pytest.mark.parametrize("name", [name for name, _ in commands()])
def test_every_command_shows_an_example_of_itself_and_the_exit_codes(name: str) -> None:
    epilog = cli.commands[name].epilog or ""
    assert f"reportgen {name}" in epilog.split("Exit status")[0]
    assert EXIT_CODES in epilog


def test_help_output_lists_examples_and_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--keep-going" in result.stdout and "Examples:" in result.stdout
    assert "4  build --keep-going" in result.stdout


def test_service_and_schedule_are_in_the_plain_install() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {
        dep.split(">")[0].split("=")[0].split("<")[0].lower() for dep in project["dependencies"]
    }
    assert {"fastapi", "uvicorn", "apscheduler", "pydantic-settings", "watchfiles"} <= names


def test_cli_start_does_not_import_the_service_or_scheduler() -> None:
    code = (
        "import sys, reportgen.cli; "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'apscheduler', 'pydantic_settings') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _without(module: str, tmp_path: Path) -> dict[str, str]:
    """Return an environment in which importing `module` fails as if it were not installed."""
    shadow = tmp_path / "shadow" / module
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        f"raise ModuleNotFoundError(\"No module named '{module}'\", name={module!r})\n",
        encoding="utf-8",
    )
    path = os.pathsep.join([str(shadow.parent), os.environ.get("PYTHONPATH", str(ROOT))])
    return {**os.environ, "PYTHONPATH": path}


@pytest.mark.parametrize(
    ("module", "args", "install"),
    [
        ("uvicorn", ["serve", "--port", "0"], "uvicorn"),
        ("apscheduler", ["history", "schedule.yaml"], "APScheduler"),
        ("watchfiles", ["preview", "schedule.yaml", "--no-open", "--port", "0"], "watchfiles"),
    ],
)
def test_a_missing_library_is_one_line_saying_what_to_install(
    module: str, args: list[str], install: str, tmp_path: Path
) -> None:
    (tmp_path / "schedule.yaml").write_text("jobs: {}\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        cwd=tmp_path,
        env=_without(module, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "bug" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and f"pip install {install}" in lines[0], result.stderr
