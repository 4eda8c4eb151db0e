"""The top-level Python API: what the README shows, and types a checker can see."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reportgen
from reportgen.errors import UsageError
from tests.conftest import ROOT, SEED


def test_build_brief_takes_one_format_as_a_string() -> None:
    brief = reportgen.build_brief(SEED, formats="pdf")
    assert list(brief.outputs) == ["pdf"] and brief.outputs["pdf"].startswith(b"%PDF")
    with pytest.raises(UsageError, match="unknown format 'odt'"):
        reportgen.build_brief(SEED, formats="odt")


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["brief"].outputs["pdf"].startswith(b"%PDF")  # type: ignore[attr-defined]


@pytest.mark.slow
def test_type_checkers_see_the_real_signatures(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    if shutil.which("mypy") is None:
        pytest.skip("mypy is not installed")
    script = tmp_path / "use.py"
    script.write_text(
        "import reportgen\n"
        "brief = reportgen.build_brief(reportgen.load_facts('x.yaml'), formats='pdf')\n"
        "reveal_type(brief)\n"
        "reportgen.build_brief(42)\n",
        encoding="utf-8",
    )
    # An editable install (pip install -e, the README's test command) puts the package behind
    # setuptools' import hook, which mypy does not follow; point mypy at this tree instead, as a
    # regular install would through its site-packages copy (py.typed ships in the wheel).
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert 'Revealed type is "reportgen.build.BuiltBrief"' in result.stdout, result.stdout
    assert 'incompatible type "int"' in result.stdout, result.stdout  # not Any
