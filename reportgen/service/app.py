"""The FastAPI application: briefs on demand, validation, templates, the served folder.

`create_app(settings)` builds one application; uvicorn runs it in each worker process. The
application keeps nothing that several replicas would need to share: the document cache is
only a cache, and everything else is read from the facts and template folders.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from reportgen import __version__
from reportgen.service import page
from reportgen.service.apidocs import install_api_docs
from reportgen.service.briefs import BriefService, check_format, etag_matches
from reportgen.service.cache import DocumentCache
from reportgen.service.catalog import Catalog
from reportgen.service.jobs_api import JobBoard, add_job_routes
from reportgen.service.limits import BodyLimitMiddleware
from reportgen.service.metrics import MeteredRenderer, ServiceMetrics
from reportgen.service.queued import QueueRenderer
from reportgen.service.rendering import Renderer, RenderRequest, Validated, validate_in_worker
from reportgen.service.responses import (
    SafeJSONResponse,
    document_response,
    install_error_handlers,
    not_modified,
)
from reportgen.service.schemas import (
    BriefLinks,
    BriefList,
    BriefSummary,
    Health,
    InvalidFile,
    ProblemOut,
    TemplateList,
    TemplateOut,
    ValidationResult,
    error_responses,
)
from reportgen.service.settings import ServiceSettings
from reportgen.service.thumbnails import Thumbnails
from reportgen.service.uploads import read_upload
from reportgen.writers import MEDIA_TYPES

log = logging.getLogger("reportgen.service")

STATIC_DIR = Path(__file__).resolve().parent / "static"

FACTS_BODY: dict[str, Any] = {
    "required": True,
    "description": "A facts file: YAML, JSON, or a multipart upload in the field `facts`.",
    "content": {
        "application/yaml": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"facts": {"type": "string", "format": "binary"}},
                "required": ["facts"],
            }
        },
    },
}
DOCUMENT_CONTENT = {
    media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES.values()
}
DOCUMENT_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Content hash and format"},
    "Content-Disposition": {"schema": {"type": "string"}, "description": "slug.pdf or .docx"},
}
# What both document endpoints answer when all goes well (their error answers differ).
DOCUMENT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": DOCUMENT_CONTENT, "description": "The brief", "headers": DOCUMENT_HEADERS},
    304: {"description": "Not modified (If-None-Match)"},
}


# ---------------------------------------------------------------- the application


LANG_HELP = (
    "One of the brief's meta.languages ('hi' or 'hi-IN'); default: the best match of the"
    " Accept-Language header, else the brief's first language. 404 when the brief is not"
    " published in it."
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """Return the service's FastAPI application configured by `settings`."""
    settings = settings or ServiceSettings()
    queue = QueueRenderer(settings.broker, settings.render_timeout) if settings.broker else None
    inner = queue or Renderer(
        settings.render_mode,
        settings.processes(),
        settings.concurrency(),
        settings.max_queue,
        settings.render_timeout,
    )
    cache = DocumentCache(settings.cache_bytes)
    metrics = ServiceMetrics(lambda: _live_metrics(inner, cache, queue))
    renderer = MeteredRenderer(inner, metrics)
    briefs = BriefService(renderer, cache, settings.templates_dirs)
    board = JobBoard(inner, briefs.templates_dirs, settings.cache_bytes, metrics, queue)
    catalog = Catalog(settings.resolved_facts_dir())
    if not catalog.folder.is_dir():
        log.warning("facts folder %s does not exist: /v1/briefs lists nothing", catalog.folder)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await renderer.start()
        log.info("render pool ready: %s", renderer.stats())
        try:
            yield
        finally:
            board.close()
            renderer.close()

    app = FastAPI(
        title="reportgen",
        version=__version__,
        summary="Policy briefs on demand: facts in, PDF or Word out.",
        lifespan=lifespan,
        # No redirects: a path such as `/v1/briefs/%2e%2e%2f` must be a plain 404.
        redirect_slashes=False,
        default_response_class=SafeJSONResponse,
        docs_url=None,  # served from the package by install_api_docs: works offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.briefs = briefs
    app.state.catalog = catalog
    app.state.jobs = board
    app.state.metrics = metrics
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_body)
    install_error_handlers(app)
    install_api_docs(app)  # before /static, so /static/apidocs is matched first
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(page.router)
    _add_api_routes(app, settings, briefs, catalog)
    add_job_routes(app, board, briefs, FACTS_BODY)
    _add_operations_routes(app, metrics)
    _add_request_ids(app)
    return app


REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _add_request_ids(app: FastAPI) -> None:
    """Give each request an id (the client's X-Request-ID when sane), logged and echoed."""
    from reportgen.logs import log_context

    access = logging.getLogger("reportgen.access")

    @app.middleware("http")
    async def request_id(request: Request, call_next: Any) -> Response:
        given = request.headers.get("x-request-id", "")
        rid = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        started = time.perf_counter()
        with log_context(request_id=rid):
            response = await call_next(request)
            # One access line per request, with its id (uvicorn's own access log has none;
            # the JSON log configuration turns that one off).
            access.info(
                "%s %s %d %.1f ms",
                request.method,
                request.url.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
        response.headers["X-Request-ID"] = rid
        return response


def _live_metrics(renderer: Any, cache: DocumentCache, queue: QueueRenderer | None) -> dict:
    """Return the values /metrics reads when scraped: cache, queue depth, broker."""
    values: dict[str, Any] = {
        "reportgen_cache_hits_total": cache.hits,
        "reportgen_cache_misses_total": cache.misses,
        "queue_depth": getattr(renderer, "waiting", 0),
    }
    if queue is not None:
        info = queue.reachable()
        values["broker_up"] = 1 if info["reachable"] else 0
        values["queue_depth"] = info.get("queued", 0)
    return values


def _add_operations_routes(app: FastAPI, metrics: ServiceMetrics) -> None:
    """Add /metrics (Prometheus text format)."""

    @app.get("/metrics", tags=["service"], response_class=Response)
    async def prometheus_metrics() -> Response:
        """Return the service's metrics in Prometheus' text format."""
        import asyncio

        body, content_type = await asyncio.to_thread(metrics.exposition)
        return Response(body, media_type=content_type)


def _add_api_routes(
    app: FastAPI, settings: ServiceSettings, briefs: BriefService, catalog: Catalog
) -> None:
    """Add the /v1 endpoints and /healthz to `app`."""
    thumbnails = Thumbnails()

    @app.get(
        "/healthz",
        response_model=Health,
        tags=["service"],
        responses={503: {"model": Health, "description": "The broker is unreachable"}},
    )
    async def healthz() -> Any:
        """Return the service's status, version, render pool load, cache and broker.

        503 (with Retry-After) when the service renders through a broker it cannot reach.
        """
        import asyncio

        broker = None
        reachable = getattr(briefs.renderer, "reachable", None)
        if reachable is not None:
            broker = await asyncio.to_thread(reachable)
        health = Health(
            status="ok" if broker is None or broker["reachable"] else "broker unreachable",
            version=__version__,
            worker=os.getpid(),
            renderer=briefs.renderer.stats(),
            cache=briefs.cache.stats(),
            broker=broker,
        )
        if health.status == "ok":
            return health
        return SafeJSONResponse(health.model_dump(), 503, headers={"Retry-After": "5"})

    @app.get("/v1/templates", response_model=TemplateList, tags=["briefs"])
    async def templates() -> TemplateList:
        """Return every template the service can render with."""
        from reportgen.templating import list_templates

        found = list_templates(list(briefs.templates_dirs))
        return TemplateList(
            templates=[TemplateOut(name=t.name, description=t.description or "") for t in found]
        )

    @app.get("/v1/briefs", response_model=BriefList, tags=["briefs"])
    async def list_briefs() -> BriefList:
        """Return the briefs of the served facts folder, with links to each format."""
        result = BriefList(briefs=[])
        seen: set[str] = set()
        for entry in await catalog.entries():
            if not entry.valid:
                problems = [ProblemOut.of(p) for p in entry.problems]
                result.invalid.append(InvalidFile(file=entry.path.name, problems=problems))
            elif entry.slug not in seen:
                seen.add(entry.slug)
                links = BriefLinks(
                    pdf=f"/v1/briefs/{entry.slug}.pdf",
                    docx=f"/v1/briefs/{entry.slug}.docx",
                    thumbnail=f"/v1/briefs/{entry.slug}.png",
                )
                result.briefs.append(
                    BriefSummary(
                        slug=entry.slug,
                        title=entry.title,
                        date=entry.date,
                        template=entry.template,
                        links=links,
                    )
                )
        return result

    @app.get(
        "/v1/briefs/{filename}",
        tags=["briefs"],
        response_class=Response,
        responses={
            **DOCUMENT_RESPONSES,
            **error_responses(404, 422, 429, 503),
        },
    )
    async def served_brief(
        filename: str,
        lang: Annotated[str | None, Query(description=LANG_HELP, max_length=35)] = None,
        if_none_match: Annotated[str | None, Header()] = None,
        accept_language: Annotated[str | None, Header(max_length=500)] = None,
    ) -> Response:
        """Return one format of a served brief (`<slug>.pdf` or `<slug>.docx`), or a
        picture of its first page (`<slug>.png`, as the upload page lists it).

        Built on first request and cached; rebuilt when its facts or template change.
        """
        slug, _, fmt = filename.rpartition(".")
        picture = fmt == "png"
        fmt = "pdf" if picture else fmt
        entry = await catalog.find(slug) if fmt in MEDIA_TYPES else None
        try:
            data = entry.path.read_bytes() if entry is not None else None
        except OSError:  # removed since the folder was listed
            data = None
        if entry is None or data is None:
            raise StarletteHTTPException(404, f"no brief {filename!r}")
        language = (lang, accept_language) if lang or accept_language else None
        key = briefs.known_key(data, fmt, entry.template, language)
        if key is not None and etag_matches(if_none_match, briefs.etag_for_key(key)):
            return not_modified(briefs.etag_for_key(key))
        doc, cached = await briefs.document(
            data, entry.path.name, fmt, entry.template, key, language
        )
        if picture:
            png, etag = await thumbnails.of(doc)
            if etag_matches(if_none_match, etag):
                return not_modified(etag)
            headers = {
                "ETag": etag,
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
            }
            return Response(png, media_type="image/png", headers=headers)
        return document_response(doc, if_none_match, cached)

    @app.post(
        "/v1/briefs",
        tags=["briefs"],
        response_class=Response,
        openapi_extra={"requestBody": FACTS_BODY},
        responses={
            **DOCUMENT_RESPONSES,
            **error_responses(400, 404, 413, 415, 422, 429, 503),
        },
    )
    async def build(
        request: Request,
        format: Annotated[
            str, Query(description="Output format", json_schema_extra={"enum": list(MEDIA_TYPES)})
        ] = "pdf",
        template: Annotated[
            str | None, Query(description="Template name (default: the facts' own)")
        ] = None,
        lang: Annotated[str | None, Query(description=LANG_HELP, max_length=35)] = None,
        if_none_match: Annotated[str | None, Header()] = None,
        accept_language: Annotated[str | None, Header(max_length=500)] = None,
    ) -> Response:
        """Return the brief rendered from the facts in the body, as PDF or DOCX.

        Identical requests are answered from a cache; `If-None-Match` with the ETag of an
        earlier answer gives 304 without rendering.
        """
        fmt = check_format(format)
        name = briefs.check_template(template)
        upload = await read_upload(request)
        language = (lang, accept_language) if lang or accept_language else None
        key = briefs.known_key(upload.data, fmt, name, language)
        if key is not None and etag_matches(if_none_match, briefs.etag_for_key(key)):
            return not_modified(briefs.etag_for_key(key))
        doc, cached = await briefs.document(upload.data, upload.filename, fmt, name, key, language)
        return document_response(doc, if_none_match, cached)

    @app.post(
        "/v1/validate",
        tags=["briefs"],
        response_model=ValidationResult,
        openapi_extra={"requestBody": FACTS_BODY},
        responses=error_responses(400, 413, 415, 422, 429, 503),
    )
    async def validate(request: Request) -> ValidationResult:
        """Return the identity of valid facts, or 422 with every problem (as the CLI lists them)."""
        upload = await read_upload(request)
        job = RenderRequest(upload.data, upload.filename, "pdf", None, briefs.templates_dirs)
        result: Validated = await briefs.renderer.run(validate_in_worker, job)
        return ValidationResult(
            slug=result.slug,
            title=result.title,
            date=result.date,
            template=result.template,
            warnings=[ProblemOut.of(p) for p in result.warnings],
        )
