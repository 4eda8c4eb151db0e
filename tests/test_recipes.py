"""The scheduling recipes in README.md and docs/schedule.md, run as written.

The crontab line goes through `sh -c` as cron runs it; the systemd unit's ExecStart lines run
in order with systemd's rule (stop at the first exit status that is neither 0 nor listed in
SuccessExitStatus). Only the machine's paths are swapped for temporary ones, and `reportgen`
is the tree under test.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.helpers import seed_data

DOCS = [ROOT / "README.md", ROOT / "docs" / "schedule.md"]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="cron and systemd are Unix")


def blocks(path: Path, lang: str) -> list[str]:
    """Return the fenced code blocks of one language in a Markdown file."""
    return re.findall(rf"```{lang}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def project(tmp_path: Path, broken: bool) -> dict[str, Path]:
    """Lay out /srv/briefs, /var/www/briefs, the log and /usr/local/bin/reportgen under tmp_path."""
    srv = tmp_path / "srv" / "briefs"
    (srv / "facts").mkdir(parents=True)
    data = seed_data()
    (srv / "facts" / "good.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    if broken:
        (srv / "facts" / "broken.yaml").write_text("meta:\n  title: [unclosed\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "reportgen"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m reportgen "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return {
        "/srv/briefs": srv,
        "/var/www/briefs": tmp_path / "www",
        "/var/log/reportgen.log": tmp_path / "reportgen.log",
        "/usr/local/bin/reportgen": shim,
    }


def localise(text: str, paths: dict[str, Path]) -> str:
    """Return the recipe with the machine's paths replaced; fail on any path not known."""
    absolute = set(re.findall(r"(?<![\w.])/[\w./-]+", text))
    assert absolute <= set(paths), absolute - set(paths)
    for real, local in paths.items():
        text = text.replace(real, str(local))
    return text


def environment(paths: dict[str, Path]) -> dict[str, str]:
    """Return cron's sparse environment, with the tree under test first on PATH."""
    env = {k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "HOME", "LANG")}
    env["PATH"] = f"{paths['/usr/local/bin/reportgen'].parent}:/usr/bin:/bin"
    return env


def published(paths: dict[str, Path]) -> list[str]:
    """Return the names of the PDFs published under the stable names."""
    www = paths["/var/www/briefs"]
    return sorted(p.name for p in www.glob("*.pdf") if p.name.count("-20") == 0)


@pytest.mark.slow
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_crontab_line_publishes_what_was_built_and_logs_both_steps(
    doc: Path, tmp_path: Path
) -> None:
    (line,) = [b.strip() for b in blocks(doc, "crontab")]
    fields = line.split(None, 5)
    assert len(fields) == 6 and "%" not in fields[5]  # cron would turn % into a newline
    paths = project(tmp_path, broken=True)
    command = localise(fields[5], paths)
    result = subprocess.run(
        ["sh", "-c", command], env=environment(paths), capture_output=True, text=True, timeout=300
    )
    log = paths["/var/log/reportgen.log"].read_text(encoding="utf-8")
    assert result.returncode == 0, log
    assert "broken.yaml" in log and "1 brief(s) failed; the others were built" in log
    assert "india-us-critical-minerals.pdf" in log  # the build's line for the good brief
    assert "1 new version" in log, log  # the publish step
    assert published(paths) == ["india-us-critical-minerals.pdf"]


def systemd_units(doc: Path) -> list[str]:
    """Return the [Service] units of a doc."""
    return [b for b in blocks(doc, "ini") if "[Service]" in b]


def run_unit(unit: str, paths: dict[str, Path]) -> list[subprocess.CompletedProcess]:
    """Run a oneshot unit's ExecStart lines as systemd does; return the processes run."""
    unit = localise(unit, paths)
    settings = [line.split("=", 1) for line in unit.splitlines() if "=" in line]
    workdir = next(v for k, v in settings if k == "WorkingDirectory")
    ok = {0} | {int(v) for k, vs in settings if k == "SuccessExitStatus" for v in vs.split()}
    ran = []
    for key, value in settings:
        if key != "ExecStart":
            continue
        done = subprocess.run(
            shlex.split(value),
            cwd=workdir,
            env=environment(paths),
            capture_output=True,
            text=True,
            timeout=300,
        )
        ran.append(done)
        if done.returncode not in ok:
            break
    return ran


@pytest.mark.slow
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_systemd_unit_publishes_what_was_built_when_one_brief_is_broken(
    doc: Path, tmp_path: Path
) -> None:
    (unit,) = systemd_units(doc)
    assert "Type=oneshot" in unit
    paths = project(tmp_path, broken=True)
    build, publish = run_unit(unit, paths)
    assert build.returncode == 4 and "broken.yaml" in build.stderr
    assert publish.returncode == 0, publish.stderr
    assert published(paths) == ["india-us-critical-minerals.pdf"]


@pytest.mark.slow
def test_a_bad_command_line_stops_the_unit_before_publishing(tmp_path: Path) -> None:
    (unit,) = systemd_units(DOCS[0])
    paths = project(tmp_path, broken=False)
    ran = run_unit(unit.replace("--keep-going", "--keep-going --format odt"), paths)
    assert len(ran) == 1 and ran[0].returncode == 2
    assert not paths["/var/www/briefs"].exists()
