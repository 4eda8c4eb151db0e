"""Content hashes for cache look-ups, and the list of template names, for the service.

The content hash itself is computed in one place, reportgen.jobs.job (the job's id): its
dependency hash is kept per template with the stat stamps of every file it covers, so a
request pays a few stat calls, and an edited template misses the cache at once. This class
only binds that to the service's template folders and keeps the list of template names.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

Stamp = tuple[str, int, int]


def _stamps(paths: Sequence[Path]) -> tuple[Stamp, ...]:
    """Return (path, mtime_ns, size) of each path; a missing one stamps as (-1, -1)."""
    result: list[Stamp] = []
    for path in paths:
        try:
            stat = path.stat()
            result.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            result.append((str(path), -1, -1))
    return tuple(result)


class Fingerprints:
    """Content hashes of (facts bytes, template) for one set of template folders."""

    def __init__(self, templates_dirs: Sequence[Path] = ()) -> None:
        self.templates_dirs = tuple(Path(d) for d in templates_dirs)
        self._names: tuple[tuple[Stamp, ...], list[str]] | None = None

    def dependencies_hash(self, template: str) -> str:
        """Return reportgen.jobs.job.dependencies_hash(template, dirs)."""
        from reportgen.jobs.job import dependencies_hash

        return dependencies_hash(template, self.templates_dirs)

    def content_hash(self, facts: bytes, template: str) -> str:
        """Return the id of the job rendering `facts` with `template` (reportgen.jobs.job)."""
        from reportgen.jobs.job import job_id, sha256_bytes

        return job_id(self.dependencies_hash(template), sha256_bytes(facts))

    def _root_stamps(self) -> tuple[Stamp, ...]:
        """Return the stamps of the template roots and of each folder directly in them."""
        from reportgen.templating.env import search_path

        paths: list[Path] = []
        for root in map(Path, search_path(list(self.templates_dirs))):
            paths.append(root)
            if root.is_dir():
                paths.extend(sorted(p for p in root.iterdir() if p.is_dir()))
        return _stamps(paths)

    def template_names(self) -> list[str]:
        """Return the names of every template, listed again only when a folder changed."""
        from reportgen.templating import list_templates

        stamps = self._root_stamps()
        if self._names is None or self._names[0] != stamps:
            names = [t.name for t in list_templates(list(self.templates_dirs))]
            self._names = (stamps, names)
        return self._names[1]
