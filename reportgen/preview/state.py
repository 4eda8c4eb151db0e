"""What the preview shows: the last good pages, the problems of the last build, a version."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import FactsError, Problem, UserError
from reportgen.pagepictures import PagePicture, page_pictures

PAGE_WIDTH = 900  # pixels: sharp on a laptop screen, about 0.1 s a page


@dataclass(frozen=True)
class Snapshot:
    """One state of the preview, replaced whole after each build (readers never lock)."""

    version: int = 0
    title: str = ""
    pages: tuple[PagePicture, ...] = ()  # of the last good build
    problems: tuple[Problem, ...] = ()  # of the last build; empty when it succeeded
    facts_text: str = ""  # the text the problems' lines refer to
    built_at: float = 0.0
    seconds: float = 0.0
    watched: tuple[Path, ...] = ()


@dataclass
class Preview:
    """Builds one facts file into page pictures; `snapshot` is what the page shows."""

    facts: Path
    template: str | None = None
    templates_dirs: Sequence[Path] = ()
    snapshot: Snapshot = field(default_factory=Snapshot)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild(self) -> Snapshot:
        """Build the facts now; return (and keep) the new snapshot."""
        with self._lock:  # one build at a time; a save during a build starts the next
            self.snapshot = self._build(self.snapshot)
            return self.snapshot

    def _build(self, last: Snapshot) -> Snapshot:
        """Return the snapshot after one build: new pages, or the old ones and the problems."""
        from reportgen.build import build_brief

        started = time.perf_counter()
        try:
            text = self.facts.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            text = ""
            problem = Problem(str(self.facts), None, "", f"cannot read: {exc.strerror or exc}")
            return self._failed(last, [problem], text, started)
        try:
            brief = build_brief(self.facts, "pdf", self.template, self.templates_dirs)
        except FactsError as exc:
            return self._failed(last, list(exc.problems), text, started)
        except UserError as exc:
            return self._failed(last, [Problem(str(self.facts), None, "", str(exc))], text, started)
        except Exception:  # a bug in reportgen: show it, keep previewing
            message = "internal error in reportgen (a bug):\n" + traceback.format_exc(limit=-3)
            return self._failed(last, [Problem(str(self.facts), None, "", message)], text, started)
        pages = tuple(page_pictures(brief.outputs["pdf"], PAGE_WIDTH))
        return Snapshot(
            version=last.version + 1,
            title=brief.title,
            pages=pages,
            facts_text=text,
            built_at=time.time(),
            seconds=time.perf_counter() - started,
            watched=self._watched(brief.template),
        )

    def _failed(
        self, last: Snapshot, problems: list[Problem], text: str, started: float
    ) -> Snapshot:
        """Return the snapshot of a failed build: the last good pages, the new problems."""
        return Snapshot(
            version=last.version + 1,
            title=last.title,
            pages=last.pages,
            problems=tuple(problems),
            facts_text=text,
            built_at=time.time(),
            seconds=time.perf_counter() - started,
            watched=last.watched or (self.facts.resolve(),),
        )

    def _watched(self, template: str) -> tuple[Path, ...]:
        """Return the files whose change rebuilds: the facts and the template's files."""
        from reportgen.templating import template_files

        files = [self.facts, *template_files(template, list(self.templates_dirs))]
        return tuple(dict.fromkeys(p.resolve() for p in files))
