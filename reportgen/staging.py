"""Writing a build's outputs: staged first, placed all together, or not at all.

A build renders every brief before it writes any: each brief's files are written to
temporary files beside their targets (`stage`), and only when every brief of the plan is
in (no slug collision, no write failure) are they renamed into place, the manifest last
(`commit`). So a brief's formats and its manifest entry change together; a failed write (a
full disk) rolls back the whole brief and names the output that could not be written; and
a plan that turns out wrong (two facts files with one slug) writes nothing at all.

A kill at any point leaves the old outputs or the new ones, plus stray temporary files that
the next build removes; a kill between the renames and the manifest leaves outputs whose
SHA-256 no longer matches the manifest, which the next build therefore rebuilds.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from reportgen.errors import OutputError
from reportgen.fileio import write_temp


def describe_os_error(exc: OSError) -> str:
    """Return an OSError in words, naming a full disk plainly."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "no space left on the device (or over quota)"
    return exc.strerror or str(exc)


class StagedOutputs:
    """Files written beside their targets, to be placed together or discarded."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._staged: dict[str, list[tuple[Path, Path]]] = {}

    def __len__(self) -> int:
        """Return how many groups (briefs) are staged."""
        return len(self._staged)

    def stage(self, key: str, files: dict[str, bytes]) -> None:
        """Write `files` ({name in the folder: bytes}) to temporary files as group `key`.

        Raise OutputError naming the file that could not be written; the group's other
        temporary files are removed first, so a group is staged whole or not at all.
        """
        staged: list[tuple[Path, Path]] = []
        for name, data in files.items():
            target = self.folder / name
            try:
                staged.append((write_temp(target, data), target))
            except OSError as exc:
                _remove([tmp for tmp, _ in staged])
                raise OutputError(
                    f"{target}: cannot be written: {describe_os_error(exc)}"
                ) from None
        self._staged[key] = staged

    def discard(self, key: str | None = None) -> None:
        """Remove the temporary files of group `key`, or of every group."""
        keys = list(self._staged) if key is None else [key]
        for name in keys:
            _remove([tmp for tmp, _ in self._staged.pop(name, [])])

    def commit(self, last: dict[str, bytes] | None = None) -> None:
        """Place every staged file, then `last` ({name: bytes}, the manifest) after them.

        `last` is staged before anything is placed: if it cannot be written, nothing is
        placed, everything is discarded and OutputError names it.
        """
        tail: list[tuple[Path, Path]] = []
        if last:
            try:
                self.stage("\0last", last)
            except OutputError:
                self.discard()
                raise
            tail = self._staged.pop("\0last")
        try:
            for group in self._staged.values():
                for tmp, target in group:
                    os.replace(tmp, target)
            for tmp, target in tail:
                os.replace(tmp, target)
        except OSError as exc:
            self.discard()
            _remove([tmp for tmp, _ in tail])
            why = describe_os_error(exc)
            raise OutputError(f"{self.folder}: outputs cannot be placed: {why}") from None
        self._staged.clear()


def _remove(paths: list[Path]) -> None:
    """Remove files that may already be gone."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
