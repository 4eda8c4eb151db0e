"""Log output for every entry point: plain text, or one JSON object per line.

`--log-format json` (or `REPORTGEN_LOG_FORMAT=json`) makes each record a JSON object with
time, level, logger and message, plus the `request_id` or `job_id` in effect when it was
logged (set with `log_context`), so a log collector can follow one request or job across
the service and the workers.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "reportgen_log_context", default=None
)


@contextlib.contextmanager
def log_context(**values: str) -> Iterator[None]:
    """Within the block, add `values` (request_id=..., job_id=...) to every log record."""
    token = _context.set({**(_context.get() or {}), **values})
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON (with the current log context)."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON object on one line."""
        data: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        data.update(_context.get() or {})
        for key in ("request_id", "job_id"):
            value = getattr(record, key, None)
            if value:
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def formatter(fmt: str | None = None) -> logging.Formatter:
    """Return the formatter for `fmt` ("text" or "json"; default REPORTGEN_LOG_FORMAT)."""
    fmt = (fmt or os.environ.get("REPORTGEN_LOG_FORMAT") or "text").lower()
    if fmt == "json":
        return JsonFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure_logging(fmt: str | None = None, level: str | int = "INFO") -> None:
    """Send reportgen's logs to stderr in `fmt`, replacing the root logger's formatters."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(formatter(fmt))
    root.setLevel(level if isinstance(level, int) else level.upper())
