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

__all__ = ["app_from_env", "check_port_free", "create_app", "run"]


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """Return the service's FastAPI application (see reportgen.service.app.create_app)."""
    from reportgen.service.app import create_app as _create_app

    return _create_app(settings)


# Set by `run` when uvicorn supervises worker processes: the supervisor's pid.
SUPERVISOR_ENV = "REPORTGEN_SUPERVISOR_PID"


def app_from_env() -> FastAPI:
    """Return the application configured by `REPORTGEN_*` variables (uvicorn's factory).

    In a worker process of `serve --workers N`, first tie the worker's life to the
    supervisor's: a supervisor killed hard must not leave workers serving on its port.
    """
    from reportgen.service.settings import ServiceSettings

    supervisor = os.environ.get(SUPERVISOR_ENV, "")
    if supervisor.isdigit() and int(supervisor) != os.getpid():
        from reportgen.lifeline import die_with_parent

        die_with_parent(int(supervisor))
    return create_app(ServiceSettings())


def check_port_free(host: str, port: int) -> None:
    """Raise UsageError when `host:port` cannot be listened on (in use, or not an address).

    Uvicorn would log the error and exit 1 or 3 (3 means "skipped" to reportgen's callers),
    so the CLI checks first and exits 2 with a message that says what to do.
    """
    import errno
    import socket

    from reportgen.errors import UsageError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        # The same option uvicorn sets, so a port in TIME_WAIT is not reported as taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {port} on {host} is already in use (another server, or an earlier"
                    f" `reportgen serve` still running); stop it or choose --port"
                ) from None
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(**settings: Any) -> None:
    """Serve the application with uvicorn until interrupted; return when it stops.

    Keyword arguments are ServiceSettings fields (host, port, workers, facts_dir,
    templates_dirs, max_body, render_timeout, ...); a field not given keeps its
    `REPORTGEN_*` variable or its default. Settings reach uvicorn's worker processes as
    `REPORTGEN_*` environment variables.
    """
    import uvicorn

    from reportgen.service.protocol import PROTOCOL
    from reportgen.service.settings import ServiceSettings

    if "templates_dirs" in settings:
        settings["templates_dirs"] = [Path(d) for d in settings["templates_dirs"]]
    config = ServiceSettings(**settings)
    check_port_free(config.host, config.port)
    os.environ.update(config.to_env())
    if config.workers > 1:
        os.environ[SUPERVISOR_ENV] = str(os.getpid())
    uvicorn.run(
        "reportgen.service:app_from_env",
        factory=True,
        host=config.host,
        port=config.port,
        workers=config.workers,
        log_level=config.log_level,
        **_log_config(config.log_format),
        # The service is meant to sit behind a proxy on loopback; no server header leak.
        server_header=False,
        # Slow clients: a whole request within read_timeout (uvicorn has no such limit),
        # at most max_connections open, idle ones closed after keep_alive seconds.
        http=PROTOCOL,
        limit_concurrency=config.max_connections,
        timeout_keep_alive=config.keep_alive,
    )


def _log_config(log_format: str) -> dict[str, Any]:
    """Return uvicorn.run's log_config argument for `log_format` (none: uvicorn's own)."""
    if log_format != "json":
        return {}
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
    }
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "reportgen.logs.JsonFormatter"}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"level": "INFO"},
            "uvicorn.access": {"level": "WARNING"},  # reportgen.access has the request id
        },
    }
    return {"log_config": config}
