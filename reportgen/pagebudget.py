"""Page budgets: a template's `pages: {min, max}` is checked on every build.

A brief that takes more (or fewer) pages than its template promises gets a warning naming
the brief, the pages it took and what took the room (the largest parts, by level-1
heading); with `--strict` (or `strict: true` in a schedule job) the warning is an error and
the brief is not written.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.errors import UserError

_NAMED_PARTS = 3  # how many of the largest parts a warning names


class PageBudgetError(UserError):
    """A brief broke its template's page budget under --strict."""


def budget_message(
    slug: str,
    template: str,
    pages: int,
    budget: tuple[int, int] | None,
    room: Sequence[tuple[str, float]] = (),
) -> str | None:
    """Return the warning for a brief of `pages` pages against `budget`, or None if it holds."""
    if budget is None:
        return None
    low, high = budget
    if low <= pages <= high:
        return None
    allowed = f"{low}" if low == high else f"{low}–{high}"
    plural = "page" if high == 1 else "pages"
    if pages > high:
        parts = ", ".join(f"{name} {share:.1f} pages" for name, share in room[:_NAMED_PARTS])
        took = f"; what took the room: {parts}" if parts else ""
        return (
            f"{slug}: {pages} pages, over the {template} template's budget of {allowed} "
            f"{plural}{took}"
        )
    return f"{slug}: {pages} pages, under the {template} template's budget of {allowed} {plural}"
