"""The folder lock moved to `reportgen.folderlock` (build and publish use it too)."""

from reportgen.folderlock import LOCK_NAME, OutputLocked, lock_path, output_lock

__all__ = ["LOCK_NAME", "OutputLocked", "lock_path", "output_lock"]
