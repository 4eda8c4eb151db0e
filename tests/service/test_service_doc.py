"""docs/service.md, run as written: its shell commands against a real server, its Python."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.serverproc import start_server, stop

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"


def shell_commands(block: str) -> list[str]:
    """Return the commands of a sh block, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*|\|\n\s*", lambda m: "| " if m.group(0)[0] == "|" else "", block)
    return [line.split("  #")[0].strip() for line in joined.splitlines() if line.strip()]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_examples_work_against_a_real_server(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    shutil.copy(SEED, tmp_path / "facts" / SEED.name)
    base, process = start_server([sys.executable, "-m", "reportgen.service"], tmp_path)
    try:
        block = next(b for b in re.findall(r"```sh\n(.*?)```", DOC, re.S) if "curl" in b)
        commands = shell_commands(block)
        assert len(commands) == 3, commands
        outputs = []
        for command in commands:
            done = subprocess.run(
                ["sh", "-c", command.replace("http://127.0.0.1:8000", base)],
                cwd=tmp_path,
                capture_output=True,
                timeout=120,
            )
            assert done.returncode == 0, (command, done.stderr)
            outputs.append(done.stdout)
    finally:
        stop(process)
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "india-us-critical-minerals.docx").read_bytes().startswith(b"PK")
    answer = json.loads(outputs[2])
    assert answer["error"] == "facts_invalid"
    assert any(p["path"] == "meta.date" and p["line"] == 3 for p in answer["problems"])


def test_the_python_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", DOC, re.S) if "create_app" in b]
    (tmp_path / "facts").mkdir()
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(block, "docs/service.md", "exec"), namespace)
    from fastapi import FastAPI

    app = namespace["app"]
    assert isinstance(app, FastAPI)
    assert app.state.settings.render_timeout == 60
