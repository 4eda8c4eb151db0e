"""The inter-process lock on an output (or dist) folder.

Two runs that write one folder must never interleave: a scheduled job, a second scheduler, a
`reportgen build` started from cron or a systemd timer, a publish. Each holds
`<folder>/.reportgen.lock` through `filelock` (flock on POSIX, LockFileEx on Windows), which
the operating system releases when the holder dies, even by SIGKILL: a lock whose owner is
dead is simply free, and the next run takes it over at once.

What used to defeat that was inheritance: a build's pool workers, forked from the holder,
kept the lock's descriptor and so the lock, long after the holder was killed. Now workers
are spawned (they inherit no descriptors) and die with their parent (`reportgen.lifeline`),
and filelock closes its descriptors in any child forked by other code.

The holder writes who it is into the lock file: pid, the process's start time (which tells
a reused pid apart) and host. A refused run names the holder; if that holder is dead and
the lock still held, the message says so (some process it started still holds the lock).

The lock is re-entrant within one thread: code that already holds a folder's lock may call
`output_lock` on it again (the scheduler holds it around build and publish, and either may
take it itself). Other threads and other processes are refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from reportgen.errors import UsageError, UserError
from reportgen.lifeline import pid_alive, process_start_time

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

    lock = _acquire(folder, wait)
    with _HELD_GUARD:
        _HELD[folder] = (me, 1)
    try:
        yield lock_path(folder)
    finally:
        with _HELD_GUARD:
            _HELD.pop(folder, None)
        lock.release()


def _release_depth(folder: Path) -> None:
    """Drop one level of a re-entered lock."""
    with _HELD_GUARD:
        owner, depth = _HELD[folder]
        _HELD[folder] = (owner, depth - 1)


def _acquire(folder: Path, wait: float | None) -> FileLock:
    """Return the folder's FileLock, acquired; raise OutputLocked when another run holds it."""
    path = lock_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(
            path,
            timeout=wait or 0,
            blocking=wait is not None,
            thread_local=False,
            fallback_to_soft=False,
            on_acquired=_write_holder,
        )
        lock.acquire()
    except Timeout:
        raise OutputLocked(folder, describe_holder(path)) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot create the lock file ({exc.strerror})") from None
    return lock


def _write_holder(fd: int) -> None:
    """Record who holds the lock (pid, start time, host) in the lock file, through its fd."""
    note = {
        "pid": os.getpid(),
        "started": process_start_time(),
        "host": socket.gethostname(),
        "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    data = (json.dumps(note) + "\n").encode("ascii")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)


def read_holder(path: Path) -> dict[str, object]:
    """Return the holder record of a lock file ({} when absent or unreadable)."""
    try:
        data = json.loads(Path(path).read_text(encoding="ascii")[:1000])
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_holder(path: Path) -> str:
    """Return who holds the lock at `path`, in words, for the refusal message."""
    note = read_holder(path)
    pid = note.get("pid")
    if not isinstance(pid, int):
        return ""
    text = f"pid {pid} since {note.get('since', '?')}"
    started = note.get("started")
    same_host = note.get("host") in (None, socket.gethostname())
    if same_host and not pid_alive(pid, started if isinstance(started, float) else None):
        text += (
            ", which is no longer running; a process it started still holds the lock"
            " (stop it, and the next run takes the lock over)"
        )
    return text
