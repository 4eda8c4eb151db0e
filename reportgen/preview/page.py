"""The preview page: status, problems with the lines around them, then the pages as pictures.

Plain HTML made with every text escaped; a small script asks `/state` four times a second
and reloads the page when a new build has finished.
"""

from __future__ import annotations

import time
from html import escape

from reportgen.preview.state import Snapshot

CONTEXT_LINES = 2

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #e8eaed; color: #1f2328; }
header { position: sticky; top: 0; background: #fff; padding: .6em 1.2em;
         border-bottom: 1px solid #ccc; z-index: 1; }
header h1 { font-size: 1.1em; margin: 0; }
.status { margin: .2em 0 0; color: #555; }
.status.bad { color: #a40000; font-weight: 600; }
.problems { background: #fff4f4; border-bottom: 1px solid #e3b4b4; padding: .5em 1.2em; }
.problem { margin: .6em 0; }
.problem pre { background: #fff; border: 1px solid #e3b4b4; padding: .4em .6em; margin: .3em 0;
               overflow-x: auto; }
.problem .here { background: #ffd7d7; display: block; }
main { display: flex; flex-direction: column; align-items: center; gap: 1.2em; padding: 1.2em; }
main img { max-width: 100%; height: auto; background: #fff; box-shadow: 0 1px 4px #0004; }
"""

SCRIPT = """
(function () {
  const shown = Number(document.body.dataset.version);
  async function poll() {
    try {
      const answer = await fetch('/state', {cache: 'no-store'});
      const state = await answer.json();
      if (state.version !== shown) { location.reload(); return; }
    } catch (e) { /* the preview stopped or is restarting: keep asking */ }
    setTimeout(poll, 250);
  }
  setTimeout(poll, 250);
})();
"""


def render_page(snap: Snapshot, facts_name: str) -> str:
    """Return the HTML of the preview page for one snapshot."""
    title = snap.title or facts_name
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} - reportgen preview</title>",
        f"<style>{STYLE}</style>",
        '<script src="/preview.js" defer></script>',
        f'</head><body data-version="{snap.version}">',
        f"<header><h1>{escape(title)}</h1>{_status(snap, facts_name)}</header>",
    ]
    if snap.problems:
        parts.append(_problems(snap))
    parts.append("<main>")
    count = len(snap.pages)
    for index, page in enumerate(snap.pages, start=1):
        alt = f"Page {index} of {count}: {page.text}"
        parts.append(
            f'<img src="/pages/{snap.version}/{index}.png" width="{page.width}" '
            f'height="{page.height}" alt="{escape(alt)}">'
        )
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _status(snap: Snapshot, facts_name: str) -> str:
    """Return the status line: when the last build finished, or how many problems it had."""
    when = time.strftime("%H:%M:%S", time.localtime(snap.built_at)) if snap.built_at else ""
    if snap.problems:
        n = len(snap.problems)
        keep = "; the pages below are from the last good build" if snap.pages else ""
        text = f"{facts_name}: {n} problem{'s' if n != 1 else ''} at {when}{keep}"
        return f'<p class="status bad" role="alert">{escape(text)}</p>'
    pages = f"{len(snap.pages)} page{'s' if len(snap.pages) != 1 else ''}"
    text = f"{facts_name}: built at {when} in {snap.seconds:.1f} s, {pages}. Save to rebuild."
    return f'<p class="status">{escape(text)}</p>'


def _problems(snap: Snapshot) -> str:
    """Return the problems, in line order, each with the lines of the facts around it."""
    lines = snap.facts_text.splitlines()
    ordered = sorted(snap.problems, key=lambda p: (p.line is None, p.line or 0, p.path))
    items = []
    for problem in ordered:
        items.append(f'<div class="problem"><div>{escape(str(problem))}</div>')
        if problem.line is not None and 1 <= problem.line <= len(lines):
            first = max(1, problem.line - CONTEXT_LINES)
            last = min(len(lines), problem.line + CONTEXT_LINES)
            shown = []
            for number in range(first, last + 1):
                text = escape(f"{number:>4}  {lines[number - 1]}")
                shown.append(
                    f'<span class="here">{text}</span>' if number == problem.line else text
                )
            items.append("<pre>" + "\n".join(shown) + "</pre>")
        items.append("</div>")
    return '<section class="problems">' + "".join(items) + "</section>"
