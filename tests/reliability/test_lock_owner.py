"""The folder lock records its owner, and a dead owner's lock is free at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from reportgen.folderlock import OutputLocked, describe_holder, output_lock

# Holds the lock, then forks a child the way third-party code might (fork, no exec): the
# child inherits the lock's descriptor but must not keep the lock once the holder is gone.
FORKING_HOLDER = """
import os, sys, time
from pathlib import Path
from reportgen.folderlock import output_lock
with output_lock(Path(sys.argv[1])):
    child = os.fork()
    if child == 0:
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_of_a_killed_holder_does_not_keep_the_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", FORKING_HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    child = int(holder.stdout.readline())
    try:
        with pytest.raises(OutputLocked), output_lock(tmp_path):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert psutil.pid_exists(child)  # the forked child still runs...
        with output_lock(tmp_path, wait=5):  # ...and the lock is free all the same
            note = json.loads((tmp_path / ".reportgen.lock").read_text())
            assert note["pid"] == os.getpid()
    finally:
        os.kill(child, signal.SIGKILL)


def test_the_lock_file_names_pid_and_start_time_of_its_holder(tmp_path: Path) -> None:
    with output_lock(tmp_path) as path:
        note = json.loads(path.read_text())
    assert note["pid"] == os.getpid()
    assert abs(note["started"] - psutil.Process().create_time()) < 1.0
    assert note["host"]


def test_a_dead_holder_is_named_as_dead(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(gone.stdout)
    note = {"pid": pid, "started": 1.0, "host": None, "since": "2026-01-01T00:00:00Z"}
    (tmp_path / ".reportgen.lock").write_text(json.dumps(note))
    assert "no longer running" in describe_holder(tmp_path / ".reportgen.lock")
    # A stale record alone never blocks: nobody holds the OS lock.
    with output_lock(tmp_path):
        assert "no longer running" not in describe_holder(tmp_path / ".reportgen.lock")
