"""Child processes that die with their parent: no orphan outlives a killed build or server.

A process pool's workers, a scheduler's build pool and uvicorn's worker processes are all
children of one parent. If that parent is killed (SIGKILL, the OOM killer, a crash), nothing
tells the children: they go on rendering, serving on the shared socket, or holding whatever
they inherited. `die_with_parent` ties a child's life to its parent's:

- on Linux, `prctl(PR_SET_PDEATHSIG)` asks the kernel to signal the child the moment the
  parent goes (reliable, even when the parent is killed with SIGKILL);
- elsewhere (macOS, Windows, BSD), a daemon thread watches the parent's pid and start time
  twice a second and ends the child when the parent is gone.

Call it first thing in the child (a pool `initializer`, an app factory). Children should be
started with the `spawn` method so they inherit no file descriptors (no locks, no sockets
they do not own) from the parent.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

WATCH_SECONDS = 0.5  # how often the watchdog looks at the parent where prctl is missing
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent_pid: int | None = None, signum: int | None = None) -> str:
    """Arrange for this process to end when `parent_pid` (default: its parent) ends.

    Return how: "prctl" (Linux kernel signal) or "watchdog" (a polling thread). When the
    parent is already gone, end at once. `signum` is the signal the kernel sends on Linux
    (default SIGKILL: the parent is gone, nothing is left to finish cleanly for).
    """
    parent = os.getppid() if parent_pid is None else parent_pid
    how = "prctl" if _pdeathsig(signum or getattr(signal, "SIGKILL", signal.SIGTERM)) else ""
    if not how:
        _start_watchdog(parent, _start_time(parent))
        how = "watchdog"
    # The parent may have died before the signal was asked for: then no signal will come.
    if not _parent_alive(parent):
        os._exit(1)
    return how


def _pdeathsig(signum: int) -> bool:
    """Return True when the kernel will send `signum` to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _parent_alive(parent: int) -> bool:
    """Return True while `parent` is still this process's parent (or, on Windows, alive)."""
    if os.name == "nt":
        return pid_alive(parent)
    return os.getppid() == parent


def _start_watchdog(parent: int, started: float | None) -> None:
    """Start a daemon thread that ends this process once `parent` is gone."""

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if not _parent_alive(parent) or not pid_alive(parent, started):
                os._exit(1)

    threading.Thread(target=watch, name="reportgen-parent-watchdog", daemon=True).start()


def _start_time(pid: int) -> float | None:
    """Return the start time of process `pid` (seconds since the epoch), or None if unknown."""
    try:
        import psutil

        return float(psutil.Process(pid).create_time())
    except Exception:  # psutil missing, process gone, access denied: start time unknown
        return None


def process_start_time(pid: int | None = None) -> float | None:
    """Return the start time of `pid` (default: this process), or None when unknown."""
    return _start_time(os.getpid() if pid is None else pid)


def pid_alive(pid: int, started: float | None = None) -> bool:
    """Return True when process `pid` runs and, if `started` is given, is the one started then.

    The start time tells a reused pid from the original process.
    """
    if pid <= 0:
        return False
    try:
        import psutil
    except ImportError:
        return _pid_exists_posix(pid)
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        if started is not None and abs(process.create_time() - started) > 1.0:
            return False
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # access denied: it exists
        return True
    return True


def _pid_exists_posix(pid: int) -> bool:
    """Return True when a signal could be sent to `pid` (it exists).

    On Windows `os.kill(pid, 0)` would terminate the process: there, without psutil, a pid
    is taken to be alive.
    """
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def spawn_context():  # type: ignore[no-untyped-def]
    """Return the multiprocessing context for worker pools: spawn (no inherited descriptors)."""
    import multiprocessing

    return multiprocessing.get_context("spawn")


def init_worker(parent_pid: int) -> None:
    """Pool initializer: die with `parent_pid`; leave SIGINT and SIGTERM to the parent.

    Ctrl-C in a terminal and systemd's stop signal the whole process group. The parent
    decides: a scheduler finishes the run under way (so its workers must keep working), a
    build stops its workers itself; and a parent that dies takes its workers with it.
    The worker also collects cycles less often (reportgen.gcpolicy), as renders want.
    """
    from reportgen.gcpolicy import collect_less_often

    die_with_parent(parent_pid)
    collect_less_often()
    for name in ("SIGINT", "SIGTERM"):
        with contextlib.suppress(ValueError, OSError, AttributeError):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
