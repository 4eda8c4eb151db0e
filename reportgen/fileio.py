"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder; return `path`.

    The temporary file is flushed and fsynced before `os.replace`, which is atomic on POSIX
    within one file system; so a crash or a kill at any moment leaves either the old file or
    the new one in place, and at worst a stray `.tmp` file that the next write ignores.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 `text` to `path` atomically; return `path`."""
    return write_atomic(path, text.encode("utf-8"))
