"""The served facts folder: which briefs it holds, found again cheaply on every request.

Each request lists the folder (one `scandir` and a `stat` per file); a file is parsed only
when its size or modification time changed, so an edited facts file is picked up at once.
Slugs are looked up only among the briefs found here, after a strict pattern check, so a
path such as `..` or `a/b` can never name a file.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import FactsError, Problem, UserError

SLUG_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")
FACTS_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Entry:
    """One facts file of the folder: its brief's identity, or the problems that stop it."""

    path: Path
    stamp: tuple[int, int]
    slug: str = ""
    title: str = ""
    date: str = ""
    template: str = ""
    problems: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        """Return True when the facts parsed and the brief can be served."""
        return bool(self.slug) and not self.problems


def is_slug(text: str) -> bool:
    """Return True when `text` has the shape of a slug (lowercase letters, digits, hyphens)."""
    return SLUG_PATTERN.fullmatch(text) is not None


def _read_entry(path: Path, stamp: tuple[int, int]) -> Entry:
    """Return the catalog entry of one facts file (parsing it)."""
    from reportgen.facts import parse_facts

    try:
        facts = parse_facts(path.read_bytes(), path.name)
    except FactsError as exc:
        return Entry(path, stamp, problems=exc.problems)
    except (UserError, OSError) as exc:
        return Entry(path, stamp, problems=(Problem(path.name, None, "", str(exc)),))
    meta = facts.meta
    # The slug is filled from the title when the facts leave it out.
    return Entry(path, stamp, meta.slug or "", meta.title, meta.date.isoformat(), meta.template)


class Catalog:
    """The briefs of one folder, re-read when files change."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._entries: dict[Path, Entry] = {}
        self._lock = asyncio.Lock()

    def _scan(self) -> dict[Path, tuple[int, int]]:
        """Return each facts file of the folder with its (mtime_ns, size)."""
        found: dict[Path, tuple[int, int]] = {}
        try:
            children = sorted(self.folder.iterdir())
        except OSError:
            return found
        for path in children:
            if path.suffix.lower() in FACTS_SUFFIXES and path.is_file():
                stat = path.stat()
                found[path] = (stat.st_mtime_ns, stat.st_size)
        return found

    async def entries(self) -> list[Entry]:
        """Return every facts file's entry, in file-name order, parsing changed files."""
        async with self._lock:
            stamps = self._scan()
            stale = [
                p
                for p, s in stamps.items()
                if self._entries.get(p, None) is None or self._entries[p].stamp != s
            ]
            for path in stale:
                # Parsing is CPU work; a thread keeps the event loop answering meanwhile.
                self._entries[path] = await asyncio.to_thread(_read_entry, path, stamps[path])
            self._entries = {p: self._entries[p] for p in stamps}
            return list(self._entries.values())

    async def find(self, slug: str) -> Entry | None:
        """Return the valid entry whose slug is `slug` (the first by file name), or None."""
        if not is_slug(slug):
            return None
        for entry in await self.entries():
            if entry.valid and entry.slug == slug:
                return entry
        return None
