"""The README's promises: its test command is CI's, and a plain install works anywhere."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.helpers import reportgen_on_path
from tests.service.serverproc import free_port

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quickstart_commands() -> list[str]:
    """Return the commands of the README's Quickstart section (the ```sh blocks)."""
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quickstart_is_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert "reportgen build" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quickstart_commands()[1] in ci


def test_readme_image_exists() -> None:
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / image).is_file(), image


@pytest.mark.slow
def test_plain_install_builds_the_bundled_brief_from_any_folder(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    wheel = next(wheel_dir.glob("reportgen-*.whl"))
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [str(env_dir / "bin" / "reportgen"), "build", "-j", "1"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (work / "output" / "india-us-critical-minerals.pdf").is_file()
    assert (work / "output" / "india-us-critical-minerals.hi.pdf").is_file()  # and in Hindi
    located = subprocess.run(
        [str(python), "-c", "import reportgen; print(reportgen.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(env_dir) in located


def using_it_commands() -> list[str]:
    """Return the command lines of the README's "Using it" block, comments dropped."""
    section = README.split("## Using it", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


# Commands that run until stopped: what they print once they serve, and where they answer.
LONG_RUNNING = {"preview": "Preview of", "serve": "Uvicorn running on", "schedule": "started"}


def clone_like(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Return a folder holding what a clone's commands use, and an environment whose
    `reportgen` is the tree under test (and whose browser opens nothing)."""
    work = tmp_path / "clone"
    for folder in ("facts", "examples"):
        shutil.copytree(ROOT / folder, work / folder)
    env = {
        **reportgen_on_path(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "BROWSER": "true",  # webbrowser runs `true URL`
    }
    return work, env


def run_until_ready(command: str, cwd: Path, env: dict[str, str], ready: str) -> str:
    """Start a long-running command, wait for `ready` in its output, answer its URL if it
    prints one, stop it as Ctrl-C does; return its output (fail if it did not stop cleanly)."""
    process = subprocess.Popen(
        ["sh", "-c", f"exec {command}"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if ready in line:
                url = re.search(r"http://127\.0\.0\.1:\d+/?", line)
                if url:
                    assert httpx.get(url.group(0), timeout=30).status_code == 200
                break
        process.send_signal(signal.SIGINT)
        # A scheduler finishes a run under way first (one is due at start near 06:30 IST).
        out, _ = process.communicate(timeout=300)
    finally:
        if process.poll() is None:  # a failed check must not leave a server or scheduler behind
            process.kill()
            process.wait()
    text = "".join(lines) + out
    assert any(ready in line for line in lines), text
    assert process.returncode == 0 and "Traceback" not in text, text
    return text


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="runs the commands through sh")
def test_every_command_of_using_it_runs_as_written_in_a_clone(tmp_path: Path) -> None:
    work, env = clone_like(tmp_path)
    commands = using_it_commands()
    assert len(commands) >= 10
    for command in commands:
        name = command.split()[1]
        if name in LONG_RUNNING:
            if "--port" in command:  # another test may hold 8000: the same command elsewhere
                command = re.sub(r"--port \d+", f"--port {free_port()}", command)
            elif name == "preview":
                command += f" --port {free_port()}"
            run_until_ready(command, work, env, LONG_RUNNING[name])
            continue
        done = subprocess.run(
            ["sh", "-c", command], cwd=work, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr, (command, done.stderr)
    assert (work / "briefs" / "facts" / "my-first-brief.yaml").is_file()
    assert (work / "output" / "india-us-critical-minerals.pdf").is_file()
    assert (work / "fact-sheets" / "india-us-critical-minerals.pdf").is_file()
    assert json.loads((work / "facts.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert (work / "public" / "index.html").is_file()


def test_the_python_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", README, re.S)
    work, _ = clone_like(tmp_path)
    monkeypatch.chdir(work)
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    brief = namespace["brief"]
    assert brief.outputs["pdf"].startswith(b"%PDF")  # type: ignore[attr-defined]
    assert brief.outputs["docx"].startswith(b"PK")  # type: ignore[attr-defined]
