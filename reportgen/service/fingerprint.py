"""Content hashes for cache look-ups, cheap enough to compute on every request.

reportgen.build.content_hash re-reads and re-parses a template's files each time (about
10 ms), too slow to answer cache hits by the hundred. Here the dependencies' hash is kept per
template together with the `stat` stamps of every file it covers, of their folders and of
the template roots; while no stamp changes (an edit, an added or removed file, a new
template folder), the kept hash is reused. Stamps are looked at again at most every
`recheck_seconds` (1 s by default), so an edit is seen within that time. The result equals
`content_hash` exactly (tests/service/test_fingerprint.py checks it).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Known:
    """A template's dependency hash and the paths and stamps it was computed from."""

    deps_hash: str
    paths: tuple[Path, ...]
    stamps: tuple[Stamp, ...]


class Fingerprints:
    """Content hashes of (facts bytes, template) for one set of template folders."""

    def __init__(self, templates_dirs: Sequence[Path] = (), recheck_seconds: float = 1.0) -> None:
        self.templates_dirs = tuple(Path(d) for d in templates_dirs)
        self.recheck_seconds = recheck_seconds
        self._checked: dict[str, float] = {}
        self._known: dict[str, _Known] = {}
        self._names: tuple[tuple[Stamp, ...], list[str]] | None = None

    def _watched(self, template: str) -> tuple[Path, ...]:
        """Return every file and folder whose change could change the template's hash."""
        from reportgen.templating import template_files
        from reportgen.templating.env import search_path

        files = template_files(template, list(self.templates_dirs))
        folders = {p.parent for p in files}
        roots = [Path(r) for r in search_path(list(self.templates_dirs))]
        return (*files, *sorted(folders), *roots)

    def dependencies_hash(self, template: str) -> str:
        """Return reportgen.build.dependencies_hash(template, dirs), recomputed on change."""
        from reportgen.build import dependencies_hash

        known = self._known.get(template)
        now = time.monotonic()
        if known is not None:
            if now - self._checked.get(template, 0.0) < self.recheck_seconds:
                return known.deps_hash
            if _stamps(known.paths) == known.stamps:
                self._checked[template] = now
                return known.deps_hash
        paths = self._watched(template)
        stamps = _stamps(paths)
        deps = dependencies_hash(template, self.templates_dirs)
        self._known[template] = _Known(deps, paths, stamps)
        self._checked[template] = now
        return deps

    def content_hash(self, facts: bytes, template: str) -> str:
        """Return reportgen.build.content_hash(facts, template, dirs)."""
        digest = hashlib.sha256(self.dependencies_hash(template).encode())
        digest.update(hashlib.sha256(facts).hexdigest().encode())
        return digest.hexdigest()

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
