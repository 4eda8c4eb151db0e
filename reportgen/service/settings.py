"""The service's settings: one typed object, read from arguments or `REPORTGEN_*` variables.

Uvicorn starts each worker process by importing the app factory, so the settings travel to
the workers as environment variables (`ServiceSettings.to_env`) and each worker reads them
back with `ServiceSettings()`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class ServiceSettings(BaseSettings):
    """Everything the HTTP service can be told; each field is also `REPORTGEN_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="REPORTGEN_", extra="ignore")

    host: str = "127.0.0.1"
    """Address to listen on; loopback by default, so nothing is exposed by accident."""

    port: int = Field(default=8000, ge=0, le=65535)
    """TCP port to listen on."""

    workers: int = Field(default=1, ge=1)
    """Uvicorn worker processes (each with its own render pool and cache)."""

    facts_dir: Path | None = None
    """The folder served under /v1/briefs; None means ./facts, or the bundled example."""

    templates_dirs: list[Path] = Field(default_factory=list)
    """Extra template folders, searched before the bundled templates."""

    max_body: int = Field(default=1 * MIB, ge=1)
    """Largest request body accepted, in bytes; larger ones get 413."""

    render_timeout: float = Field(default=30.0, gt=0)
    """Seconds a request may wait for its render (queueing included); past it, 503."""

    render_processes: int = Field(default=0, ge=0)
    """Render processes per uvicorn worker; 0 means one per core.

    Each uvicorn worker gets a pool as large as the machine: keep-alive connections stick to
    one worker, so pools split between workers would leave cores idle while another
    worker's line grows (measured: 7 against 12 renders/s with 2 workers on 2 cores)."""

    render_mode: Literal["process", "thread"] = "process"
    """Where renders run: worker processes (the service) or threads (tests, embedding)."""

    max_concurrent: int = Field(default=0, ge=0)
    """Renders running at once per uvicorn worker; 0 means one per render process."""

    max_queue: int = Field(default=16, ge=0)
    """Renders allowed to wait for a free slot; one more gets 429 with Retry-After."""

    read_timeout: float = Field(default=20.0, gt=0)
    """Seconds a client has to send one whole request (headers and body); past it the
    connection is closed (uvicorn has no such limit of its own: reportgen.service.protocol)."""

    max_connections: int = Field(default=512, ge=1)
    """Open connections per uvicorn worker (its `limit_concurrency`); a request that arrives
    while more are open is answered 503 by uvicorn."""

    keep_alive: int = Field(default=5, ge=1)
    """Seconds an idle kept-alive connection stays open (uvicorn's `timeout_keep_alive`)."""

    cache_bytes: int = Field(default=64 * MIB, ge=0)
    """Size of the in-memory LRU cache of rendered documents, in bytes (0 turns it off)."""

    log_level: str = "info"
    """Uvicorn's log level."""

    log_format: Literal["text", "json"] = "text"
    """Log lines as text, or as one JSON object each with the request or job id."""

    broker: str | None = None
    """A Redis URL (redis://HOST:6379/0): render on `reportgen worker`s through that queue,
    keep async jobs' results in it (shared by every replica); None renders in this process."""

    def resolved_facts_dir(self) -> Path:
        """Return the served facts folder: the setting, ./facts, or the bundled examples."""
        if self.facts_dir is not None:
            return Path(self.facts_dir)
        if Path("facts").is_dir():
            return Path("facts")
        from reportgen.paths import EXAMPLE_FACTS

        return EXAMPLE_FACTS

    def processes(self) -> int:
        """Return how many render processes (or threads) this uvicorn worker runs."""
        if self.render_processes:
            return self.render_processes
        return max(1, os.cpu_count() or 1)

    def concurrency(self) -> int:
        """Return how many renders may run at once in this uvicorn worker."""
        return self.max_concurrent or self.processes()

    def to_env(self) -> dict[str, str]:
        """Return the settings as `REPORTGEN_*` variables that `ServiceSettings()` reads back."""
        env: dict[str, str] = {}
        for name, value in self.model_dump(mode="json").items():
            if value is None:
                continue
            text = json.dumps(value) if isinstance(value, list) else str(value)
            env[f"REPORTGEN_{name.upper()}"] = text
        return env
