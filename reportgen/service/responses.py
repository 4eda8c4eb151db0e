"""Responses: reportgen errors mapped to HTTP statuses and JSON, and documents as downloads.

Every error answer has one JSON shape (schemas.ErrorBody); a bug is logged and answered with
a bare 500, never a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from reportgen.errors import (
    BrokerUnavailable,
    FactsError,
    LayoutError,
    Problem,
    RenderTimeout,
    TemplateError,
    UnknownLanguage,
    UsageError,
    UserError,
)
from reportgen.jobs.callbacks import CallbackRefused
from reportgen.service.briefs import UnknownTemplate, etag_matches
from reportgen.service.cache import CachedDocument
from reportgen.service.limits import BodyTooLarge, too_large_response
from reportgen.service.rendering import QueueFull, RendererUnavailable
from reportgen.service.schemas import ErrorBody, ProblemOut
from reportgen.service.uploads import UnsupportedMediaType
from reportgen.writers import MEDIA_TYPES

log = logging.getLogger("reportgen.service")


# ---------------------------------------------------------------- errors to HTTP


class SafeJSONResponse(JSONResponse):
    """JSON that survives text it cannot encode as UTF-8 (lone surrogates from a request)."""

    def render(self, content: Any) -> bytes:
        """Return UTF-8 JSON, or ASCII JSON with \\u escapes when the text has surrogates."""
        try:
            return super().render(content)
        except UnicodeEncodeError:
            text = json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
            return text.encode("ascii")


def status_of(exc: Exception) -> int:
    """Return the HTTP status for a reportgen error raised while serving a request."""
    if isinstance(exc, UnknownTemplate | UnknownLanguage):
        return 404
    if isinstance(exc, (FactsError, TemplateError, LayoutError)):
        return 422
    if isinstance(exc, UnsupportedMediaType):
        return 415
    if isinstance(exc, CallbackRefused):
        return 422
    if isinstance(exc, RenderTimeout | RendererUnavailable | BrokerUnavailable):
        return 503
    if isinstance(exc, QueueFull):
        return 429
    return 400  # UsageError and any other UserError


def error_code(exc: Exception) -> str:
    """Return the short machine-readable code of an error response."""
    codes = {
        FactsError: "facts_invalid",
        UnknownTemplate: "unknown_template",
        UnknownLanguage: "unknown_language",
        UnsupportedMediaType: "unsupported_media_type",
        TemplateError: "template_error",
        LayoutError: "layout_error",
        UsageError: "bad_request",
        RenderTimeout: "render_timeout",
        RendererUnavailable: "renderer_unavailable",
        QueueFull: "too_many_requests",
        BrokerUnavailable: "broker_unavailable",
        CallbackRefused: "callback_refused",
    }
    for cls, code in codes.items():
        if isinstance(exc, cls):
            return code
    return "bad_request"


def problems_of(exc: Exception) -> list[Problem]:
    """Return the problems an error carries (FactsError's list; none for the others)."""
    return list(exc.problems) if isinstance(exc, FactsError) else []


def error_response(exc: Exception) -> JSONResponse:
    """Return the JSON response for a reportgen error (never a traceback)."""
    body = ErrorBody(
        error=error_code(exc),
        message=str(exc),
        problems=[ProblemOut.of(p) for p in problems_of(exc)],
    )
    headers = {}
    if isinstance(exc, QueueFull):
        headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, RenderTimeout | RendererUnavailable | BrokerUnavailable):
        headers["Retry-After"] = "5"
    return SafeJSONResponse(body.model_dump(), status_code=status_of(exc), headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map user errors, HTTP errors and bugs to JSON responses without internals."""

    async def on_user_error(request: Request, exc: Exception) -> Response:
        return error_response(exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc, BodyTooLarge):
            wants_html = "text/html" in request.headers.get("accept", "")
            page, content_type = too_large_response(request.app.state.settings.max_body, wants_html)
            return Response(page, 413, media_type=content_type.decode())
        body = ErrorBody(error=f"http_{exc.status_code}", message=str(exc.detail))
        return SafeJSONResponse(body.model_dump(), exc.status_code, headers=exc.headers)

    async def on_invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            ProblemOut(
                file="<request>",
                line=None,
                path=".".join(str(part) for part in err.get("loc", ())),
                message=str(err.get("msg", "invalid")),
            )
            for err in exc.errors()
        ]
        body = ErrorBody(error="bad_request", message="invalid request", problems=problems)
        return SafeJSONResponse(body.model_dump(), 422)

    async def on_disconnect(request: Request, exc: Exception) -> Response:
        # The client went away (or was cut off by the read deadline) before its body was
        # in: nobody will read the answer, and it is not a bug.
        log.info("client left before sending its whole request: %s", request.url.path)
        body = ErrorBody(error="client_disconnected", message="the request was not received whole")
        return SafeJSONResponse(body.model_dump(), 400)

    async def on_bug(request: Request, exc: Exception) -> Response:
        log.error("unhandled error serving %s %s", request.method, request.url.path, exc_info=exc)
        body = ErrorBody(error="internal_error", message="internal error; it has been logged")
        return SafeJSONResponse(body.model_dump(), 500)

    for cls in (UserError, RenderTimeout, QueueFull, RendererUnavailable):
        app.add_exception_handler(cls, on_user_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(ClientDisconnect, on_disconnect)
    app.add_exception_handler(Exception, on_bug)


# ---------------------------------------------------------------- responses


def document_response(
    doc: CachedDocument, if_none_match: str | None, cached: bool, download: bool = True
) -> Response:
    """Return the document (or 304 when the client already has this ETag)."""
    headers = {
        "ETag": doc.etag,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "X-Reportgen-Cache": "hit" if cached else "miss",
        "Vary": "Accept-Language",  # a brief in several languages answers in the one asked for
    }
    if doc.language:
        headers["Content-Language"] = doc.language
    if etag_matches(if_none_match, doc.etag):
        return Response(status_code=304, headers=headers)
    disposition = "attachment" if download else "inline"
    headers["Content-Disposition"] = f'{disposition}; filename="{doc.name or doc.slug}.{doc.fmt}"'
    if doc.pages is not None:
        headers["X-Reportgen-Pages"] = str(doc.pages)
    return Response(doc.body, media_type=MEDIA_TYPES[doc.fmt], headers=headers)


def not_modified(etag: str) -> Response:
    """Return a 304 for `etag` without rendering anything."""
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
