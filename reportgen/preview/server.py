"""The preview's local web server (Starlette under uvicorn) and its file watcher."""

from __future__ import annotations

import contextlib
import socket
import threading
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path

from reportgen.errors import UsageError
from reportgen.preview.page import SCRIPT, render_page
from reportgen.preview.state import Preview

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}


def create_app(preview: Preview):  # type: ignore[no-untyped-def]
    """Return the Starlette application serving `preview`: /, /state, /preview.js, /pages."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    name = preview.facts.name

    async def index(request: Request) -> Response:
        return HTMLResponse(render_page(preview.snapshot, name), headers=HEADERS)

    async def state(request: Request) -> Response:
        snap = preview.snapshot
        body = {
            "version": snap.version,
            "problems": len(snap.problems),
            "pages": len(snap.pages),
            "seconds": round(snap.seconds, 3),  # how long the last build took
        }
        return JSONResponse(body, headers=HEADERS)

    async def script(request: Request) -> Response:
        return Response(SCRIPT, media_type="text/javascript", headers=HEADERS)

    async def page(request: Request) -> Response:
        pages = preview.snapshot.pages
        index = request.path_params["index"]
        if not 1 <= index <= len(pages):
            return Response("no such page", status_code=404, headers=HEADERS)
        return Response(pages[index - 1].png, media_type="image/png", headers=HEADERS)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/state", state),
            Route("/preview.js", script),
            Route("/pages/{version:int}/{index:int}.png", page),
        ]
    )


def listening_socket(host: str, port: int) -> socket.socket:
    """Return a socket bound to (host, port); UsageError naming the port when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port "
            "(0 picks a free one)"
        ) from None
    sock.listen(64)
    return sock


def watch(preview: Preview, stop: threading.Event, on_build: Callable[[], None]) -> None:
    """Rebuild `preview` whenever a watched file changes, until `stop` is set."""
    from watchfiles import watch as watch_files

    while not stop.is_set():
        watched = set(preview.snapshot.watched) or {preview.facts.resolve()}
        folders = sorted({p.parent for p in watched} | _extra_roots(preview))
        # Small debounce: an editor's save is one event burst; the preview must feel instant.
        for changes in watch_files(*folders, stop_event=stop, debounce=40, step=20):
            if any(Path(path).resolve() in watched for _, path in changes):
                preview.rebuild()
                on_build()
            if set(preview.snapshot.watched) - watched:
                break  # the template changed: watch its folders instead


def _extra_roots(preview: Preview) -> set[Path]:
    """Return the user's template folders that exist (a new template file may appear)."""
    return {Path(d).resolve() for d in preview.templates_dirs if Path(d).is_dir()}


def run_preview(
    facts: Path,
    template: str | None = None,
    templates_dirs: Sequence[Path] = (),
    host: str = "127.0.0.1",
    port: int = 8001,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
) -> None:
    """Build `facts`, serve its preview at http://host:port/ and rebuild on saves; block
    until Ctrl-C (SIGINT) or SIGTERM, then return."""
    import uvicorn
    import watchfiles  # noqa: F401  # here, not first in the watcher thread, where it would be lost

    if not Path(facts).is_file():
        raise UsageError(f"{facts}: no such facts file")
    preview = Preview(Path(facts), template, tuple(Path(d) for d in templates_dirs))
    sock = listening_socket(host, port)
    first = preview.rebuild()
    url = f"http://{host}:{sock.getsockname()[1]}/"
    state = f"{len(first.problems)} problem(s)" if first.problems else f"{len(first.pages)} pages"
    announce(f"Preview of {facts} at {url} ({state}); Ctrl-C stops it.")

    stop = threading.Event()

    def report() -> None:
        snap = preview.snapshot
        if snap.problems:
            announce(f"{facts}: {len(snap.problems)} problem(s); showing the last good pages")
        else:
            announce(f"{facts}: rebuilt in {snap.seconds:.1f} s, {len(snap.pages)} pages")

    watcher = threading.Thread(
        target=watch, args=(preview, stop, report), name="preview-watch", daemon=True
    )
    watcher.start()
    if open_browser:
        with contextlib.suppress(Exception):  # no browser (a server, SSH): the URL was printed
            webbrowser.open(url)
    config = uvicorn.Config(create_app(preview), log_level="warning", lifespan="off")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C is how a preview is meant to stop: not an abort
        pass
    finally:
        stop.set()
        watcher.join(timeout=5)
        sock.close()
