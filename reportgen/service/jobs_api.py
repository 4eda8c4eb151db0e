"""Async jobs over HTTP: POST /v1/jobs, GET /v1/jobs/{id}, GET /v1/jobs/{id}/result.<format>.

A job is a reportgen.jobs RenderJob; its id is its content hash, so the same facts, template
and formats submitted twice are one job (the second POST answers with the first's status).
Without a broker the service runs jobs in its own render pool and keeps results in memory
(a MemoryStore: results are evicted least-recently-used beyond the cache size, and a POST of
the same content renders again); with `--broker` jobs go to the queue's workers and results
live in the shared RedisStore, so any replica answers for any job.

`callback_url` (query) asks for a signed POST of the final status document when the job
ends (reportgen.jobs.callbacks: header, signature, retries, and the address rules).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from reportgen.jobs.callbacks import CallbackSettings, check_callback_url, deliver
from reportgen.jobs.job import JobResult, RenderJob
from reportgen.jobs.run import run_job
from reportgen.jobs.status import status_document
from reportgen.jobs.store import MemoryStore, ResultStore
from reportgen.logs import log_context
from reportgen.writers import MEDIA_TYPES

log = logging.getLogger("reportgen.service")

JOB_ID = re.compile(r"[0-9a-f]{64}")
FORMAT_CHOICES = [*MEDIA_TYPES, "all"]


class JobBoard:
    """The service's async jobs: submit, run (pool or queue), report, call back."""

    def __init__(
        self,
        renderer: Any,
        templates_dirs: tuple[Path, ...],
        cache_bytes: int,
        metrics: Any,
        queue: Any = None,
    ) -> None:
        self.renderer = renderer
        self.templates_dirs = templates_dirs
        self.metrics = metrics
        self.queue = queue  # a QueueRenderer, or None to run jobs here
        self._local_store = MemoryStore(cache_bytes)
        self.callbacks = CallbackSettings.from_env()
        self._senders = ThreadPoolExecutor(4, thread_name_prefix="reportgen-callback")
        self._submitted: OrderedDict[str, float] = OrderedDict()  # id -> when (for job age)
        self._tasks: set[asyncio.Task[None]] = set()

    def store(self) -> ResultStore:
        """Return where results live: the queue's RedisStore, or this process's memory."""
        if self.queue is not None:
            return self.queue.executor().store  # BrokerUnavailable (503) when Redis is down
        return self._local_store

    def close(self) -> None:
        """Stop sending callbacks (pending deliveries are dropped)."""
        self._senders.shutdown(wait=False, cancel_futures=True)

    async def submit(self, job: RenderJob, callback_url: str | None) -> tuple[dict[str, Any], bool]:
        """Return (status document, whether this POST created the job); start it when new."""
        if callback_url:
            await asyncio.to_thread(check_callback_url, callback_url, self.callbacks.allow_private)
        job = await asyncio.to_thread(job.resolved)  # FactsError / TemplateError -> 422
        store = await asyncio.to_thread(self.store)
        state = await asyncio.to_thread(store.state, job.id)
        if callback_url:
            await asyncio.to_thread(store.add_callback, job.id, callback_url)
        created = state is None or (
            state in ("done", "failed") and store.get(job.id, job.formats) is None
        )
        if created:
            self._submitted[job.id] = time.monotonic()
            while len(self._submitted) > 65536:
                self._submitted.popitem(last=False)
            await asyncio.to_thread(store.set_state, job.id, "queued")
            if self.queue is not None:
                await asyncio.to_thread(self.queue.executor().send, job)
            else:
                task = asyncio.create_task(self._run_here(job))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        elif state in ("done", "failed"):
            self._send_callbacks(store, job.id)  # ended already: call the new URL now
        self.metrics.jobs.labels("new" if created else "existing").inc()
        return await self.status(job.id), created

    async def _run_here(self, job: RenderJob) -> None:
        """Run a job in the service's own pool, store its result, call back."""
        store = self._local_store
        store.set_state(job.id, "running")
        loop = asyncio.get_running_loop()
        with log_context(job_id=job.id):
            try:
                result = await loop.run_in_executor(self.renderer.executor, run_job, job)
            except Exception as exc:  # a dead pool worker: the job failed, not the service
                log.exception("job %s failed in the render pool", job.id)
                result = JobResult(
                    job.id,
                    "failed",
                    error="InternalError",
                    message=f"the render failed: {type(exc).__name__}",
                )
            store.put(result)
            log.info("job %s %s", job.id, result.state)
            self._send_callbacks(store, job.id)

    def _send_callbacks(self, store: ResultStore, job_id: str) -> None:
        """Post the job's status to each callback URL waiting for it, in the background."""
        urls = store.pop_callbacks(job_id)
        if not urls:
            return
        body = json.dumps(status_document(job_id, store), sort_keys=True).encode()
        for url in urls:
            self._senders.submit(deliver, url, body, self.callbacks, job_id)

    async def status(self, job_id: str) -> dict[str, Any]:
        """Return the status document of a job ("unknown" when never seen)."""
        store = await asyncio.to_thread(self.store)
        doc = await asyncio.to_thread(status_document, job_id, store)
        if doc["status"] in ("done", "failed"):
            submitted = self._submitted.pop(job_id, None)
            if submitted is not None:
                self.metrics.job_age.observe(time.monotonic() - submitted)
                self.metrics.jobs.labels(doc["status"]).inc()
        return doc


def _formats(fmt: str) -> tuple[str, ...]:
    """Return the formats a ?format= value asks for; 400 for an unknown one."""
    from reportgen.service.briefs import check_format

    return tuple(MEDIA_TYPES) if fmt == "all" else (check_format(fmt),)


def _check_id(job_id: str) -> str:
    """Return `job_id` when it has the shape of one; 404 otherwise."""
    if JOB_ID.fullmatch(job_id) is None:
        raise StarletteHTTPException(404, f"no job {job_id!r}")
    return job_id


def add_job_routes(app: FastAPI, board: JobBoard, briefs: Any, facts_body: dict) -> None:
    """Add the /v1/jobs endpoints to `app`."""
    from reportgen.service.schemas import error_responses
    from reportgen.service.uploads import read_upload

    router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

    @router.post(
        "",
        status_code=202,
        openapi_extra={"requestBody": facts_body},
        responses=error_responses(400, 404, 413, 415, 422, 503),
    )
    async def submit(
        request: Request,
        format: Annotated[
            str, Query(description="Output format", json_schema_extra={"enum": FORMAT_CHOICES})
        ] = "pdf",
        template: Annotated[
            str | None, Query(description="Template name (default: the facts' own)")
        ] = None,
        callback_url: Annotated[
            str | None, Query(description="URL to POST the signed final status to")
        ] = None,
        language: Annotated[
            str | None,
            Query(description="One of the brief's meta.languages (default: its first)"),
        ] = None,
    ) -> Response:
        """Queue a render of the facts in the body; 202 with the job's Location.

        The same facts, template and format submitted again are the same job.
        """
        formats = _formats(format)
        name = briefs.check_template(template)
        upload = await read_upload(request)
        job = RenderJob(
            upload.data,
            upload.filename,
            name,
            formats,
            language or None,
            templates_dirs=tuple(map(str, board.templates_dirs)),
        )
        doc, created = await board.submit(job, callback_url)
        headers = {
            "Location": doc["links"]["self"],
            "X-Reportgen-Job-Created": str(created).lower(),
        }
        return Response(json.dumps(doc), 202, headers=headers, media_type="application/json")

    @router.get("/{job_id}", responses=error_responses(404, 503))
    async def status(job_id: str) -> dict[str, Any]:
        """Return a job's status: queued, running, done (with links) or failed (with problems)."""
        doc = await board.status(_check_id(job_id))
        if doc["status"] == "unknown":
            raise StarletteHTTPException(404, f"no job {job_id!r}")
        return doc

    @router.get(
        "/{job_id}/result.{fmt}",
        response_class=Response,
        responses={
            200: {"content": {m: {} for m in MEDIA_TYPES.values()}},
            **error_responses(404, 503),
        },
    )
    async def result(job_id: str, fmt: str) -> Response:
        """Return one document of a finished job (404 until it is done)."""
        from reportgen.service.briefs import make_etag

        _check_id(job_id)
        if fmt not in MEDIA_TYPES:
            raise StarletteHTTPException(404, f"no format {fmt!r}")
        store = await asyncio.to_thread(board.store)
        found = await asyncio.to_thread(store.get, job_id, [fmt])
        if found is None or not found.ok or found.brief is None:
            raise StarletteHTTPException(404, f"job {job_id} has no {fmt} result (yet)")
        headers = {
            "ETag": make_etag(job_id, fmt),
            "Content-Disposition": f'attachment; filename="{found.brief.slug}.{fmt}"',
            "X-Content-Type-Options": "nosniff",
        }
        if fmt in found.pages:
            headers["X-Reportgen-Pages"] = str(found.pages[fmt])
        return Response(found.outputs[fmt], media_type=MEDIA_TYPES[fmt], headers=headers)

    app.include_router(router)
