"""The request-body limit, enforced before the application reads anything.

A declared Content-Length over the limit is refused at once, without reading the body; a
body without one (chunked transfer) is counted as it streams in and refused as soon as it
passes the limit, so a large upload never sits in memory whole.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """The request body is larger than the service accepts (HTTP 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def _header(scope: Scope, name: bytes) -> str | None:
    """Return the first value of header `name` (lowercase bytes) in `scope`, or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def too_large_response(limit: int, wants_html: bool) -> tuple[bytes, bytes]:
    """Return (body, content type) of the 413 answer: a page for browsers, else JSON."""
    message = f"The request body is larger than the limit of {limit} bytes."
    if wants_html:
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>File too large</title></head><body><main><h1>File too large</h1>"
            f'<p role="alert">{message}</p><p><a href="/">Back to the form</a></p>'
            "</main></body></html>"
        )
        return page.encode(), b"text/html; charset=utf-8"
    body = {"error": "body_too_large", "message": message, "problems": []}
    return json.dumps(body).encode(), b"application/json"


class BodyLimitMiddleware:
    """ASGI middleware answering 413 to bodies over `max_body` bytes."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a counting `receive`, or answer 413 straight away."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_body:
            await self._refuse(scope, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # An HTTPException, so FastAPI's body parsing lets it through untouched.
                    raise BodyTooLarge(self.max_body)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        """Send the 413 response and ask the client to close the connection."""
        wants_html = "text/html" in (_header(scope, b"accept") or "")
        body, content_type = too_large_response(self.max_body, wants_html)
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
