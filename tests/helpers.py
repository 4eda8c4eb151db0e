"""Helpers for tests that build briefs: seed variants and running the real command line."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import SEED


def seed_data() -> dict[str, Any]:
    """Return the seed facts as plain YAML data (a fresh copy each call)."""
    return copy.deepcopy(yaml.safe_load(SEED.read_text(encoding="utf-8")))


def write_variant(folder: Path, n: int, **meta: Any) -> Path:
    """Write seed facts with title and slug made unique by `n`; return the file's path."""
    data = seed_data()
    data["meta"]["title"] = f"{data['meta']['title']} ({n})"
    data["meta"]["slug"] = f"brief-{n:04d}"
    data["meta"].update(meta)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"brief-{n:04d}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run `python -m reportgen ARGS` as a user would; return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
