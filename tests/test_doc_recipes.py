"""The recipes of docs/publish.md, docs/mail.md and docs/schedule.md, run as a user copies them.

A project folder is laid out as the docs assume it (facts/, recipients.csv as docs/mail.md
shows it, schedule.yaml as docs/schedule.md shows it); shell blocks run through `sh` with
`reportgen` being the tree under test, Python blocks run as written in that folder. Only the
machine's names are swapped: /var/www/briefs for a temporary folder, smtp.example.org for a
real SMTP server on 127.0.0.1 (tests/mail/smtpserver.py) that wants the docs' login.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED
from tests.helpers import reportgen_on_path
from tests.mail.smtpserver import smtp_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="the shell recipes are sh"),
]


def blocks(doc: str, lang: str) -> list[str]:
    """Return the fenced blocks of one language in docs/<doc>."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Return (a project folder as the docs assume it, an environment running the tree)."""
    folder = tmp_path / "project"
    (folder / "facts").mkdir(parents=True)
    shutil.copy(SEED, folder / "facts" / SEED.name)
    (recipients,) = blocks("mail.md", "csv")
    (folder / "recipients.csv").write_text(recipients, encoding="utf-8")
    schedule = next(b for b in blocks("schedule.md", "yaml") if "jobs:" in b)
    (folder / "schedule.yaml").write_text(schedule, encoding="utf-8")
    if "house.docx" in schedule:  # the house template the schedule names, as docs/theme.md makes it
        from reportgen.cli import main

        with pytest.raises(SystemExit) as done:
            main(["reference-docx", "-o", str(folder / "house.docx")])
        assert done.value.code == 0
    env = reportgen_on_path(tmp_path)
    env = {k: v for k, v in env.items() if not k.startswith("REPORTGEN_SMTP_")}
    return folder, env


def sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a shell block with `set -e` (a failing line fails the block)."""
    return subprocess.run(
        ["sh", "-ec", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def run_python(block: str, cwd: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Run a Python block as written in `cwd`; return its namespace."""
    monkeypatch.chdir(cwd)
    namespace: dict[str, object] = {}
    exec(compile(block, name, "exec"), namespace)
    return namespace


def test_publish_recipes(
    project: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, env = project
    (first, *_) = blocks("publish.md", "sh")
    www = folder / "www"
    done = sh(first.replace("/var/www/briefs", str(www)), folder, env)
    assert done.returncode == 0, done.stderr
    assert (www / "india-us-critical-minerals.pdf").is_file() and (www / "feed.xml").is_file()
    (python,) = blocks("publish.md", "python")
    namespace = run_python(python, folder, "docs/publish.md", monkeypatch)
    report = namespace["report"]
    # the seed is published in English and Hindi: one version of each
    assert [v.slug for v in report.new_versions] == [  # type: ignore[attr-defined]
        "india-us-critical-minerals",
        "india-us-critical-minerals.hi",
    ]
    assert (folder / "dist" / "index.html").is_file()


def test_mail_recipes_against_a_real_server(
    project: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, env = project
    test_publish_recipes(project, monkeypatch)  # mail sends what was published
    (script,) = blocks("mail.md", "sh")
    with smtp_server(credentials=("briefs", "...")) as (server, port):
        local = env | {"REPORTGEN_SMTP_PORT": str(port), "REPORTGEN_SMTP_STARTTLS": "false"}
        done = sh(script.replace("smtp.example.org", "127.0.0.1"), folder, local)
    assert done.returncode == 0, done.stderr
    # The analyst reads every language (English and Hindi), the minister's office Hindi.
    assert "Dry run: 3 messages would be sent, none was." in done.stdout
    # The send line mails all three; the --brief --docx line all three again, with the DOCX.
    assert len(server.arrived) == 6
    assert {m.message["From"] for m in server.arrived} == {"Briefs desk <briefs@example.org>"}
    assert any(name.endswith(".docx") for m in server.arrived[3:] for name in m.attachments())
    hindi = [m for m in server.arrived if m.message["Content-Language"] == "hi-IN"]
    assert {m.message["To"].split("<")[-1].rstrip(">") for m in hindi} == {
        "analyst@example.org",
        "minister.office@example.org",
    }
    (python,) = blocks("mail.md", "python")
    monkeypatch.setenv("REPORTGEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REPORTGEN_SMTP_FROM", "briefs@example.org")
    namespace = run_python(python, folder, "docs/mail.md", monkeypatch)
    assert len(namespace["report"].planned) == 3  # type: ignore[attr-defined]  # en, hi; hi


def test_schedule_recipes(
    project: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, env = project
    script = next(b for b in blocks("schedule.md", "sh") if "--run-now" in b)
    lines = [line for line in script.splitlines() if "--run-now" in line or "history" in line]
    with smtp_server() as (server, port):  # the documented schedule mails after publishing
        local = env | {
            "REPORTGEN_SMTP_HOST": "127.0.0.1",
            "REPORTGEN_SMTP_PORT": str(port),
            "REPORTGEN_SMTP_STARTTLS": "false",
            "REPORTGEN_SMTP_FROM": "briefs@example.org",
        }
        done = sh("\n".join(lines), folder, local)
        assert done.returncode == 0, done.stderr
        assert "minerals: ok" in done.stdout and "Traceback" not in done.stderr
        assert re.search(r"^start \(UTC\)\s+end\s+job", done.stdout, re.M)
        assert len(server.arrived) == 3  # the analyst in English and Hindi, the office in Hindi
        (python,) = blocks("schedule.md", "python")
        for name, value in local.items():
            monkeypatch.setenv(name, value)
        namespace = run_python(python, folder, "docs/schedule.md", monkeypatch)
    assert namespace["record"].status == "unchanged"  # type: ignore[attr-defined]
