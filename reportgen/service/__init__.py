"""The HTTP service: briefs on demand over FastAPI, run by uvicorn.

`run(...)` is what `reportgen serve` calls; `create_app(settings)` builds the application
for tests and for embedding in another ASGI server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from reportgen.service.settings import ServiceSettings

__all__ = ["app_from_env", "create_app", "run"]


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """Return the service's FastAPI application (see reportgen.service.app.create_app)."""
    from reportgen.service.app import create_app as _create_app

    return _create_app(settings)


def app_from_env() -> FastAPI:
    """Return the application configured by `REPORTGEN_*` variables (uvicorn's factory)."""
    from reportgen.service.settings import ServiceSettings

    return create_app(ServiceSettings())


def run(**settings: Any) -> None:
    """Serve the application with uvicorn until interrupted; return when it stops.

    Keyword arguments are ServiceSettings fields (host, port, workers, facts_dir,
    templates_dirs, max_body, render_timeout, ...); a field not given keeps its
    `REPORTGEN_*` variable or its default. Settings reach uvicorn's worker processes as
    `REPORTGEN_*` environment variables.
    """
    import uvicorn

    from reportgen.service.settings import ServiceSettings

    if "templates_dirs" in settings:
        settings["templates_dirs"] = [Path(d) for d in settings["templates_dirs"]]
    config = ServiceSettings(**settings)
    os.environ.update(config.to_env())
    uvicorn.run(
        "reportgen.service:app_from_env",
        factory=True,
        host=config.host,
        port=config.port,
        workers=config.workers,
        log_level=config.log_level,
        # The service is meant to sit behind a proxy on loopback; no server header leak.
        server_header=False,
    )
