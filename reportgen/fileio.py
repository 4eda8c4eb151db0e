"""Atomic file writes: a reader sees the old file or the new one, never half of either.

A write goes to a temporary file beside its target (`.NAME.RANDOM.tmp`), is flushed and
fsynced, then renamed over the target. A kill at any moment leaves the old file or the new
one, and at worst a stray temporary file, which `remove_stray_temp_files` clears at the
start of the next build.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def write_temp(path: Path, data: bytes) -> Path:
    """Write `data` to a new temporary file beside `path`, fsynced; return the temporary path.

    Nothing is left behind when the write fails (a full disk, a kill aside): the OSError
    propagates with the temporary file removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return Path(tmp_name)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder; return `path`.

    `os.replace` is atomic on POSIX within one file system; so a crash or a kill at any
    moment leaves either the old file or the new one in place.
    """
    path = Path(path)
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 `text` to `path` atomically; return `path`."""
    return write_atomic(path, text.encode("utf-8"))


def remove_stray_temp_files(folder: Path) -> list[Path]:
    """Remove the temporary files killed writes left in `folder`; return what was removed.

    Only files named as `write_temp` names them (`.NAME.RANDOM.tmp`) are touched. Call it
    while holding the folder's lock, so no live write of ours is in progress.
    """
    removed = []
    for path in Path(folder).glob(f".*{TEMP_SUFFIX}"):
        if path.is_file() and not path.is_symlink() and path.name.count(".") >= 3:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed
