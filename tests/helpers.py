"""Helpers for tests that build briefs: seed variants and running the real command line."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT, SEED


def seed_data(bilingual: bool = False) -> dict[str, Any]:
    """Return the seed facts as plain YAML data (a fresh copy each call).

    The seed is published in English and Hindi; by default its English alone (one language,
    plain strings), which is what most tests vary. `bilingual=True` keeps both.
    """
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    if bilingual:
        return data
    data["meta"].pop("languages", None)
    return english_only(data)


def english_only(node: Any) -> Any:
    """Return YAML data with every `{en: ..., hi: ...}` text replaced by its English."""
    if isinstance(node, dict):
        if set(node) == {"en", "hi"}:
            return node["en"]
        return {key: english_only(value) for key, value in node.items()}
    if isinstance(node, list):
        return [english_only(item) for item in node]
    return node


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


def reportgen_on_path(tmp_path: Path) -> dict[str, str]:
    """Return an environment whose `reportgen` command is the tree under test.

    A shim in `tmp_path/bin` runs `python -m reportgen`, so shell recipes run as a user
    types them, against this checkout rather than whatever is installed.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "reportgen"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m reportgen "$@"\n')
    shim.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }
