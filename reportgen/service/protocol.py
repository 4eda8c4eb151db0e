"""Uvicorn's HTTP/1.1 protocol with a deadline for receiving each request whole.

Uvicorn has no read timeout: `timeout_keep_alive` covers only the idle time between two
requests and is cancelled by any byte received, so a client that sends its headers (or its
body) one byte at a time holds a connection for as long as it likes (Slowloris; uvicorn
issue #157 lists `--timeout-request-start` as never done). ASGI middleware cannot help:
it runs only once the headers are in.

`RequestDeadlineProtocol` arms a timer when a connection opens and again when a response
ends (the next request on a kept-alive connection); the timer is disarmed as soon as a
request has arrived whole, so rendering and sending a response are never cut short. When
it fires, the connection is closed (the half-sent request never reaches the application,
or the application sees the client disconnect). Uvicorn's `limit_concurrency` bounds the
connections themselves (see `reportgen.service.run`).

The deadline is the service's `read_timeout` setting, read from `REPORTGEN_READ_TIMEOUT`
(uvicorn imports this class by name in each worker process).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("reportgen.service")

PROTOCOL = "reportgen.service.protocol:RequestDeadlineProtocol"
DEFAULT_READ_TIMEOUT = 20.0


@functools.cache
def read_timeout() -> float:
    """Return the seconds a client has to send one whole request (REPORTGEN_READ_TIMEOUT)."""
    try:
        seconds = float(os.environ.get("REPORTGEN_READ_TIMEOUT", DEFAULT_READ_TIMEOUT))
    except ValueError:
        return DEFAULT_READ_TIMEOUT
    return seconds if seconds > 0 else DEFAULT_READ_TIMEOUT


class RequestDeadlineProtocol(H11Protocol):
    """H11Protocol that closes a connection whose request does not arrive whole in time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_since: object = None  # the cycle that was current when the timer was armed

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Accept the connection and start the clock for its first request."""
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        """Take the bytes in; stop the clock once a new request has arrived whole."""
        super().data_received(data)
        self._disarm_if_received()

    def on_response_complete(self) -> None:
        """End the response; start the clock for the next request on this connection."""
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()
            self._disarm_if_received()  # a pipelined request may already be in

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the timer of a connection that is gone."""
        self._cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        """Start (or restart) the clock for the next request."""
        self._cancel()
        self._waiting_since = self.cycle
        self._deadline = self.loop.call_later(read_timeout(), self._expired)

    def _cancel(self) -> None:
        """Stop the clock, if it runs."""
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _disarm_if_received(self) -> None:
        """Stop the clock when a request newer than the armed one has all of its body."""
        cycle = self.cycle
        waiting = self._deadline is not None and cycle is not self._waiting_since
        if waiting and cycle is not None and not cycle.more_body:
            self._cancel()

    def _expired(self) -> None:
        """Close the connection: its request did not arrive whole within the deadline."""
        self._deadline = None
        if self.transport.is_closing():
            return
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        log.warning(
            "closed the connection of %s: no whole request within %g s", client, read_timeout()
        )
        self.transport.close()
