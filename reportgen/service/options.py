"""The options of the HTTP service, one definition for `reportgen serve` and the service module.

`python -m reportgen.service` and `reportgen serve` take exactly these options.

Each option is a `ServiceSettings` field (tests check that the two lists agree). An option left
out keeps the field's `REPORTGEN_<NAME>` variable or its default, so the same settings can come
from a command line, the environment, or both. This module imports only click: the CLI reads it
at start-up and must not pay for pydantic-settings or FastAPI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


@dataclass(frozen=True)
class ServeOption:
    """One command-line option of the service: its settings field, type, default and help."""

    field: str
    type: Any
    default: object
    help: str
    multiple: bool = False

    @property
    def flag(self) -> str:
        """Return the option as typed: `--render-timeout` for the field `render_timeout`."""
        return (
            "--templates" if self.field == "templates_dirs" else "--" + self.field.replace("_", "-")
        )


SERVE_OPTIONS: tuple[ServeOption, ...] = (
    ServeOption(
        "host", str, "127.0.0.1", "Address to listen on; loopback unless you mean to expose it."
    ),
    ServeOption("port", click.IntRange(0, 65535), 8000, "TCP port to listen on."),
    ServeOption("workers", click.IntRange(min=1), 1, "Uvicorn worker processes."),
    ServeOption(
        "facts_dir",
        click.Path(file_okay=False, path_type=Path),
        "./facts, else the bundled example",
        "The folder of facts served under /v1/briefs.",
    ),
    ServeOption(
        "templates_dirs",
        click.Path(exists=True, file_okay=False, path_type=Path),
        "none",
        "A folder of your own templates, searched before the bundled ones (repeatable).",
        multiple=True,
    ),
    ServeOption(
        "max_body", click.IntRange(min=1), 1048576, "Largest request body in bytes (413 past it)."
    ),
    ServeOption(
        "render_timeout",
        click.FloatRange(min=0, min_open=True),
        30.0,
        "Seconds a request may wait for its render, queueing included (503 past it).",
    ),
    ServeOption(
        "render_processes",
        click.IntRange(min=0),
        0,
        "Render processes per uvicorn worker; 0 means one per core.",
    ),
    ServeOption(
        "max_concurrent",
        click.IntRange(min=0),
        0,
        "Renders running at once per uvicorn worker; 0 means one per render process.",
    ),
    ServeOption("max_queue", click.IntRange(min=0), 16, "Renders allowed to wait (429 past it)."),
    ServeOption(
        "read_timeout",
        click.FloatRange(min=0, min_open=True),
        20.0,
        "Seconds a client has to send a whole request; past it the connection is closed.",
    ),
    ServeOption(
        "max_connections",
        click.IntRange(min=1),
        512,
        "Open connections per uvicorn worker; a request past it gets 503.",
    ),
    ServeOption(
        "keep_alive", click.IntRange(min=1), 5, "Seconds an idle kept-alive connection stays open."
    ),
    ServeOption(
        "cache_bytes",
        click.IntRange(min=0),
        67108864,
        "Size of the cache of rendered documents in bytes; 0 turns it off.",
    ),
    ServeOption(
        "log_level",
        click.Choice(["critical", "error", "warning", "info", "debug", "trace"]),
        "info",
        "Uvicorn's log level.",
    ),
    ServeOption(
        "log_format",
        click.Choice(["text", "json"]),
        "text",
        "Log lines as text, or as JSON objects with request and job ids.",
    ),
    ServeOption(
        "broker",
        str,
        "none: render here",
        "A Redis URL (redis://HOST:6379/0): render on `reportgen worker`s through it; "
        "async jobs' results are shared by every replica.",
    ),
)


def serve_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Return `func` with one click option per SERVE_OPTIONS entry (each defaults to None)."""
    for option in reversed(SERVE_OPTIONS):
        env = "REPORTGEN_" + option.field.upper()
        func = click.option(
            option.flag,
            option.field,
            type=option.type,
            multiple=option.multiple,
            default=None,
            help=f"{option.help} [default: {option.default}; env {env}]",
        )(func)
    return func


def given(values: dict[str, Any]) -> dict[str, Any]:
    """Return the options that were given (None and empty repeatable options left out)."""
    return {k: v for k, v in values.items() if v is not None and v != ()}
