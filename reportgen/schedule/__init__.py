"""Scheduled builds: the schedule file, the runner, the folder lock and the run log.

Entry points for the CLI: `run_scheduler`, `run_job_now`, `history`, `format_history`;
`output_lock` for `reportgen build`. See docs/schedule.md.

The names are loaded on first use, so `output_lock` (`reportgen.folderlock`, which publish
and build use too) does not pull in APScheduler and the runner.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "OutputLocked": "reportgen.folderlock",
    "output_lock": "reportgen.folderlock",
    "RunRecord": "reportgen.schedule.runlog",
    "format_history": "reportgen.schedule.runlog",
    "history": "reportgen.schedule.runner",
    "run_job_now": "reportgen.schedule.runner",
    "run_scheduler": "reportgen.schedule.runner",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Return the exported `name`, importing its module on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'reportgen.schedule' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
