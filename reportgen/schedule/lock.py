"""The inter-process lock on an output (or dist) folder.

Two builds of the same folder must never interleave: a scheduled job, a second scheduler, a
`reportgen build` started from cron or a systemd timer. Each takes `fcntl.flock` on
`<folder>/.reportgen.lock`. The kernel drops the lock when the holder dies (even by SIGKILL),
so a crash never leaves a stale lock behind, and the lock file itself is never deleted (deleting
it would let two processes lock two different files under the same name).

The lock is re-entrant within one thread: code that already holds a folder's lock may call
`output_lock` on it again (the scheduler holds it around build and publish, and either may take
it itself). Other threads and other processes are refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import UsageError, UserError

LOCK_NAME = ".reportgen.lock"

# Locks this process holds: folder -> (owning thread id, depth). Guarded by _HELD_GUARD.
_HELD: dict[Path, tuple[int, int]] = {}
_HELD_GUARD = threading.Lock()


class OutputLocked(UserError):
    """Another run holds the folder's lock; the caller skips (`exit_code` 3 tells it apart)."""

    exit_code = 3

    def __init__(self, folder: Path, holder: str = "") -> None:
        self.folder = folder
        self.holder = holder
        who = f" (held by {holder})" if holder else ""
        super().__init__(f"{folder} is being built or published by another run{who}; skipped")


def lock_path(folder: Path) -> Path:
    """Return the lock file's path for `folder`."""
    return Path(folder) / LOCK_NAME


@contextlib.contextmanager
def output_lock(folder: Path, *, wait: float | None = None) -> Iterator[Path]:
    """Hold the lock on `folder` for the `with` block; yield the lock file's path.

    Non-blocking by default: raise `OutputLocked` at once when another process or thread holds
    it. With `wait` (seconds), retry until then before raising. The folder is created if needed.
    """
    folder = Path(folder).resolve()
    me = threading.get_ident()
    with _HELD_GUARD:
        owner = _HELD.get(folder)
        if owner is not None and owner[0] == me:
            _HELD[folder] = (me, owner[1] + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield lock_path(folder)
        finally:
            _release_depth(folder)
        return

    fd = _acquire(folder, wait)
    with _HELD_GUARD:
        _HELD[folder] = (me, 1)
    try:
        yield lock_path(folder)
    finally:
        with _HELD_GUARD:
            _HELD.pop(folder, None)
        # Closing the descriptor releases the flock.
        os.close(fd)


def _release_depth(folder: Path) -> None:
    """Drop one level of a re-entered lock."""
    with _HELD_GUARD:
        owner, depth = _HELD[folder]
        _HELD[folder] = (owner, depth - 1)


def _acquire(folder: Path, wait: float | None) -> int:
    """Return an open descriptor on the folder's lock file, flocked exclusively."""
    path = lock_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise UsageError(f"{path}: cannot create the lock file ({exc.strerror})") from None
    deadline = None if wait is None else time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if deadline is not None and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            holder = _read_holder(fd)
            os.close(fd)
            raise OutputLocked(folder, holder) from None
        except BaseException:
            os.close(fd)
            raise
        break
    _write_holder(fd)
    return fd


def _write_holder(fd: int) -> None:
    """Record who holds the lock (pid and start time), for the message a refused run prints."""
    note = f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n"
    os.ftruncate(fd, 0)
    os.pwrite(fd, note.encode("ascii"), 0)


def _read_holder(fd: int) -> str:
    """Return the holder note written by the process that has the lock, or ''."""
    try:
        return os.pread(fd, 200, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
