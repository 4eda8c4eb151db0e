"""The one-line message for a library reportgen needs that is not installed.

Every library below is a dependency of the plain install, but a command imports its own only
when it runs (a build never loads FastAPI), so an install made without dependencies, or a
library removed since, shows up late, as a `ModuleNotFoundError`. That is the user's setup,
not a bug: the CLI turns it into this message and exit 2 instead of a traceback.
"""

from __future__ import annotations

# Import name -> (distribution to install, what needs it).
PARTS: dict[str, tuple[str, str]] = {
    "fastapi": ("fastapi", "the HTTP service (reportgen serve)"),
    "fastapi_offline": ("fastapi-offline", "the service's offline API docs"),
    "uvicorn": ("uvicorn", "the HTTP service (reportgen serve)"),
    "starlette": ("starlette", "the HTTP service (reportgen serve)"),
    "multipart": ("python-multipart", "uploads to the HTTP service"),
    "python_multipart": ("python-multipart", "uploads to the HTTP service"),
    "pydantic_settings": ("pydantic-settings", "the HTTP service's settings"),
    "httpx": ("httpx", "the HTTP service"),
    "apscheduler": ("APScheduler", "scheduled builds (reportgen schedule)"),
    "watchfiles": ("watchfiles", "reportgen preview"),
    "pypdfium2": ("pypdfium2", "page pictures (charts in DOCX, thumbnails, preview)"),
    "anyascii": ("anyascii", "slugs of non-Latin titles"),
    "docx": ("python-docx", "DOCX output"),
    "pptx": ("python-pptx", "native charts in DOCX output"),
    "xlsxwriter": ("XlsxWriter", "native charts in DOCX output"),
    "reportlab": ("reportlab", "PDF output"),
    "uharfbuzz": ("uharfbuzz", "text shaping in PDF output"),
    "fontTools": ("fonttools", "script detection and the font fallback chain"),
    "babel": ("Babel", "number and date formats"),
    "yaml": ("PyYAML", "reading facts files"),
    "jinja2": ("Jinja2", "templates"),
    "markdown_it": ("markdown-it-py", "reading templates' Markdown"),
    "mdit_py_plugins": ("mdit-py-plugins", "reading templates' Markdown"),
    "PIL": ("pillow", "pictures"),
    "lxml": ("lxml", "DOCX output"),
    "filelock": ("filelock", "the output folder's lock (build, publish, schedule)"),
    "psutil": ("psutil", "telling a dead lock holder or parent process from a live one"),
    "prometheus_client": ("prometheus-client", "the HTTP service's /metrics"),
    # The queue is an extra (`pip install 'reportgen[queue]'`): one machine needs no server.
    "dramatiq": ("dramatiq[redis]", "the job queue (--broker, reportgen worker)"),
    "redis": ("redis", "the job queue (--broker, reportgen worker)"),
}


def missing_part_message(exc: ModuleNotFoundError) -> str | None:
    """Return "X needs Y: install it with ..." for a known library, else None (a bug)."""
    top = (exc.name or "").split(".")[0]
    if top not in PARTS:
        return None
    dist, purpose = PARTS[top]
    return (
        f"{purpose} needs the Python package {dist!r}, which is not installed: "
        f"run `python -m pip install {dist}` (or reinstall reportgen with its dependencies)"
    )
