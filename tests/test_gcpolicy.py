"""reportgen's own processes collect cycles less often than CPython's default (issue 15)."""

from __future__ import annotations

import subprocess
import sys

from reportgen.gcpolicy import THRESHOLDS
from tests.conftest import ROOT


def _thresholds_after(code: str) -> tuple[int, ...]:
    """Return gc.get_threshold() printed by a fresh interpreter after running `code`."""
    script = f"import gc\n{code}\nprint(tuple(gc.get_threshold()))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    last = result.stdout.strip().splitlines()[-1]
    return tuple(int(x) for x in last.strip("()").split(","))


def test_the_cli_and_its_workers_collect_less_often() -> None:
    cli = (
        "from reportgen.cli import main\n"
        "try:\n    main(['validate', 'facts/india-us-critical-minerals.yaml'])\n"
        "except SystemExit:\n    pass"
    )
    assert _thresholds_after(cli) == THRESHOLDS
    worker = "import os\nfrom reportgen.lifeline import init_worker\ninit_worker(os.getppid())"
    assert _thresholds_after(worker) == THRESHOLDS


def test_importing_reportgen_as_a_library_keeps_the_default() -> None:
    default = _thresholds_after("")
    assert default != THRESHOLDS
    assert _thresholds_after("import reportgen.build, reportgen.cli") == default
