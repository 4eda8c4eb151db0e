"""`reportgen preview FACTS`: rebuild on every save and show the pages in a browser.

A watcher (watchfiles) sees saves of the facts file and of every file of its template (the
theme included); each change rebuilds the PDF in memory and renders its pages as pictures.
A small local web page shows them and reloads itself when a build finishes. When the facts
are invalid the page lists the problems with the lines around them, and the last good pages
stay below, so a half-typed edit never blanks the preview. Nothing is written to disk.
"""

from __future__ import annotations

from reportgen.preview.server import run_preview
from reportgen.preview.state import Preview

__all__ = ["Preview", "run_preview"]
