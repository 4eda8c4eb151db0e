"""The upload page at `/`: a plain HTML form that works without JavaScript.

A person uploads or pastes a facts file (or picks a served brief), picks a template and a
format, and gets the document back as a download. When the facts are invalid the page comes
back with the list of problems, each next to its line number and the lines around it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from reportgen import __version__
from reportgen.errors import FactsError, Problem, RenderTimeout, UserError
from reportgen.service.briefs import check_format
from reportgen.service.rendering import QueueFull, RendererUnavailable
from reportgen.service.responses import document_response, status_of
from reportgen.service.uploads import Upload, upload_from_form_file

router = APIRouter(include_in_schema=False)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,  # every value from a request is text, never markup
    undefined=jinja2.StrictUndefined,
)

# The page loads nothing from elsewhere and runs no script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
CONTEXT_LINES = 2


@dataclass(frozen=True)
class SnippetLine:
    """One line of the uploaded text shown beside an error."""

    number: int
    text: str
    is_error: bool


@dataclass(frozen=True)
class ShownProblem:
    """A problem as the page lists it: the problem and the lines around it."""

    problem: Problem
    snippet: tuple[SnippetLine, ...]


def size_text(n: int) -> str:
    """Return a byte count as people read it: `1 MiB`, `512 KiB`, `900 bytes`."""
    mib, kib = 1024 * 1024, 1024
    if n >= mib and n % mib == 0:
        return f"{n // mib} MiB"
    if n >= kib:
        return f"{n / kib:.0f} KiB"
    return f"{n} bytes"


def snippet(lines: list[str], line: int | None) -> tuple[SnippetLine, ...]:
    """Return the lines around `line` (1-based) of the uploaded text; empty without a line."""
    if line is None or not 1 <= line <= len(lines):
        return ()
    first = max(1, line - CONTEXT_LINES)
    last = min(len(lines), line + CONTEXT_LINES)
    return tuple(SnippetLine(n, lines[n - 1], n == line) for n in range(first, last + 1))


def shown_problems(problems: list[Problem], text: str) -> list[ShownProblem]:
    """Return the problems, in line order, each with its snippet of `text`."""
    lines = text.splitlines()
    ordered = sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.path))
    return [ShownProblem(p, snippet(lines, p.line)) for p in ordered]


async def _choices(request: Request) -> dict[str, Any]:
    """Return the served briefs and the templates to offer in the form."""
    briefs = request.app.state.briefs
    entries = await request.app.state.catalog.entries()
    served = []
    seen: set[str] = set()
    for entry in entries:
        if entry.valid and entry.slug not in seen:
            seen.add(entry.slug)
            served.append(entry)
    from reportgen.templating import list_templates

    return {"served": served, "templates": list_templates(list(briefs.templates_dirs))}


async def render_page(
    request: Request,
    status: int = 200,
    message: str = "",
    problems: list[ShownProblem] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    """Return the page, with an error message and problem list when given."""
    settings = request.app.state.settings
    html = _env.get_template("page.html").render(
        version=__version__,
        message=message,
        problems=problems or [],
        form=form or {},
        max_body=size_text(settings.max_body),
        **await _choices(request),
    )
    headers = dict(SECURITY_HEADERS)
    if status == 429:
        headers["Retry-After"] = "5"
    # A lone surrogate from an upload cannot be UTF-8: show it as U+FFFD, never fail on it.
    body = html.encode("utf-8", errors="replace")
    return HTMLResponse(body, status_code=status, headers=headers)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    """Return the upload page."""
    return await render_page(request)


async def _facts_from_form(request: Request, form: Any) -> Upload:
    """Return the facts the form names: upload first, then pasted text, then a served brief."""
    for field, default in (("facts", "upload.yaml"), ("facts_text", "pasted.yaml")):
        upload = await upload_from_form_file(form.get(field), default)
        if upload is not None:
            return upload
    served = str(form.get("served") or "")
    if served:
        entry = await request.app.state.catalog.find(served)
        if entry is not None:
            with contextlib.suppress(OSError):  # removed since the folder was listed
                return Upload(entry.path.read_bytes(), entry.path.name)
        raise UserError(f"no served brief {served!r}")
    raise UserError("choose a facts file to upload, paste facts, or pick a served brief")


@router.post("/", response_class=HTMLResponse)
async def submit(request: Request) -> Response:
    """Return the brief as a download, or the page again with what went wrong."""
    form = await request.form(max_files=2, max_fields=10)
    kept = {
        "facts_text": str(form.get("facts_text") or "")
        if isinstance(form.get("facts_text"), str)
        else "",
        "served": str(form.get("served") or ""),
        "template": str(form.get("template") or ""),
        "format": str(form.get("format") or "pdf"),
    }
    briefs = request.app.state.briefs
    upload: Upload | None = None
    try:
        fmt = check_format(kept["format"])
        template = briefs.check_template(kept["template"] or None)
        upload = await _facts_from_form(request, form)
        doc, cached = await briefs.document(upload.data, upload.filename, fmt, template)
    except (UserError, RenderTimeout, QueueFull, RendererUnavailable) as exc:
        problems: list[ShownProblem] = []
        if isinstance(exc, FactsError) and upload is not None:
            text = upload.data.decode("utf-8", errors="replace")
            problems = shown_problems(list(exc.problems), text)
            count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
            message = f"The facts in {upload.filename} are not valid: {count}."
        else:
            message = str(exc)
        return await render_page(request, status_of(exc), message, problems, kept)
    return document_response(doc, None, cached)
