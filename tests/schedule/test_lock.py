"""The folder lock: one holder at a time across processes and threads, freed when one dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reportgen.errors import UserError
from reportgen.folderlock import OutputLocked, output_lock

HOLDER = """
import sys, time
from pathlib import Path
from reportgen.folderlock import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def hold_in_subprocess(folder: Path) -> subprocess.Popen[str]:
    """Start a process that holds the folder's lock; return it once it holds it."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def test_a_second_process_is_refused_and_told_who_holds_it(tmp_path: Path) -> None:
    child = hold_in_subprocess(tmp_path)
    try:
        with pytest.raises(OutputLocked) as caught, output_lock(tmp_path):
            pytest.fail("the lock was granted twice")
        assert f"pid {child.pid}" in str(caught.value)
        assert isinstance(caught.value, UserError)
    finally:
        child.kill()
        child.wait()


def test_the_lock_is_freed_when_its_holder_is_killed(tmp_path: Path) -> None:
    child = hold_in_subprocess(tmp_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with output_lock(tmp_path) as lock_file:
        assert lock_file == tmp_path.resolve() / ".reportgen.lock"


def test_the_same_thread_may_take_it_again_another_thread_may_not(tmp_path: Path) -> None:
    refused: list[BaseException] = []

    def other() -> None:
        try:
            with output_lock(tmp_path):
                pass
        except OutputLocked as exc:
            refused.append(exc)

    with output_lock(tmp_path), output_lock(tmp_path / "."):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert len(refused) == 1
    # Released fully after the nested blocks: another thread gets it now.
    refused.clear()
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert refused == []


def test_waiting_gives_up_after_the_time_asked(tmp_path: Path) -> None:
    child = hold_in_subprocess(tmp_path)
    try:
        with pytest.raises(OutputLocked), output_lock(tmp_path, wait=0.2):
            pass
    finally:
        child.kill()
        child.wait()


def test_a_folder_where_no_lock_can_be_made_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with (
        pytest.raises(UserError, match="cannot create the lock file"),
        output_lock(blocker / "out"),
    ):
        pass
