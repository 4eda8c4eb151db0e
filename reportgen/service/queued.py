"""Rendering through the queue: `serve --broker URL` hands renders to `reportgen worker`s.

`QueueRenderer` has the Renderer's `run(func, job)` interface, so BriefService does not know
where its documents come from. A render becomes a reportgen.jobs RenderJob sent through
Dramatiq; the request waits (without holding a thread) on a notification list in Redis
until a worker has put the result in the shared RedisStore, up to the render timeout.
Validation only parses facts, so it runs here in a thread. The broker is reached lazily: a
service started while Redis is down answers 503 with Retry-After, and recovers by itself.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from typing import Any

from reportgen.errors import BrokerUnavailable, RenderTimeout
from reportgen.service.rendering import (
    Failed,
    Rendered,
    RendererUnavailable,
    RenderRequest,
    raise_failure,
    rendered,
    validate_in_worker,
)

log = logging.getLogger("reportgen.service")

RETRY_AFTER = 5  # seconds a client is asked to wait while the broker is unreachable


class QueueRenderer:
    """Runs the service's renders on queue workers; validation in a local thread."""

    mode = "queue"

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.running = 0
        self.waiting = 0
        self._executor: Any = None
        self._async_client: Any = None

    # -------------------------------------------------------------- connection

    def executor(self) -> Any:
        """Return the QueueExecutor, connecting first; BrokerUnavailable when Redis is down."""
        if self._executor is None:
            from reportgen.jobs.executor import QueueExecutor

            self._executor = QueueExecutor(self.url)
        return self._executor

    async def _aclient(self) -> Any:
        """Return the asyncio Redis client used to wait for notifications."""
        if self._async_client is None:
            import redis.asyncio

            self._async_client = redis.asyncio.Redis.from_url(self.url, socket_connect_timeout=5)
        return self._async_client

    async def start(self) -> None:
        """Try the broker once at startup; a failure is logged, not fatal."""
        try:
            await asyncio.to_thread(self.executor)
        except BrokerUnavailable as exc:
            log.warning("%s; renders answer 503 until it is back", exc)

    def close(self, seconds: float = 5.0) -> None:
        """Close the connections."""
        if self._executor is not None:
            self._executor.close()
            self._executor = None

    def reachable(self) -> dict[str, Any]:
        """Return whether the broker answers, and how many workers are alive."""
        from reportgen.jobs.queue import redact

        info: dict[str, Any] = {"url": redact(self.url), "reachable": False, "workers": 0}
        try:
            executor = self.executor()
            executor.client.ping()
            info["reachable"] = True
            info["workers"] = executor.live_workers()
            info["queued"] = executor.queue_depth()
        except Exception as exc:  # any failure to talk to Redis means "unreachable" here
            self._executor = None
            info["error"] = str(exc) if isinstance(exc, BrokerUnavailable) else type(exc).__name__
        return info

    # -------------------------------------------------------------- renders

    async def run(self, func: Any, job: RenderRequest) -> Any:
        """Return func(job)'s result: a render from the workers, or a local validation."""
        if func is validate_in_worker:
            result = await asyncio.to_thread(validate_in_worker, job)
            if isinstance(result, Failed):
                raise_failure(result)
            return result
        self.running += 1
        try:
            return await self._render(job)
        finally:
            self.running -= 1

    async def _render(self, job: RenderRequest) -> Rendered:
        """Send the render to the workers and wait for its result in the store."""
        import redis

        from reportgen.jobs.job import RenderJob
        from reportgen.jobs.run import failed

        queued = RenderJob(
            job.facts,
            job.filename,
            job.template,
            (job.fmt,),
            templates_dirs=tuple(map(str, job.templates_dirs)),
        )
        name = ""
        try:
            executor = await asyncio.to_thread(self.executor)
            try:
                if job.language or job.accept_language:
                    language, name = await asyncio.to_thread(_language_of, job)
                    queued = dataclasses.replace(queued, language=language)
                queued = await asyncio.to_thread(queued.resolved)
            except Exception as exc:
                from reportgen.errors import ReportgenError

                if not isinstance(exc, ReportgenError):
                    raise
                return _rendered(failed("", exc), job.fmt)
            result = await asyncio.to_thread(executor.store.get, queued.id, queued.formats)
            if result is None:
                notify = f"reportgen:done:{uuid.uuid4().hex}"
                await asyncio.to_thread(executor.send, queued, notify)
                result = await self._wait(executor, queued, notify)
        except (redis.RedisError, OSError) as exc:
            self._executor = None
            raise BrokerUnavailable(f"the job queue is unreachable: {exc}") from None
        answer = _rendered(result, job.fmt)
        return dataclasses.replace(answer, name=name or answer.name)

    async def _wait(self, executor: Any, job: Any, notify: str) -> Any:
        """Return the job's result once a worker stored it; RenderTimeout past the timeout."""
        client = await self._aclient()
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RenderTimeout(f"no worker finished the render within {self.timeout:g} s")
                await client.blpop([notify], timeout=min(left, 1.0))
                result = await asyncio.to_thread(executor.store.get, job.id, job.formats)
                if result is not None:
                    return result
        finally:
            await client.delete(notify)

    def stats(self) -> dict[str, Any]:
        """Return the renderer's kind and load (for /healthz)."""
        return {"mode": self.mode, "running": self.running, "waiting": self.waiting}


def _language_of(job: RenderRequest) -> tuple[str | None, str]:
    """Return (the language a queued job renders, None for the brief's first; its file name).

    Chosen here, where the request is, from ?lang= and Accept-Language against the brief's
    languages (UnknownLanguage when ?lang= names one it lacks).
    """
    from reportgen.build import output_stem
    from reportgen.facts import parse_facts
    from reportgen.i18n import negotiate

    facts = parse_facts(job.facts, job.filename)
    chosen = negotiate(facts.languages, job.language, job.accept_language)
    name = output_stem(facts.meta.slug, chosen, facts.languages)
    return (None if chosen == facts.languages[0] else chosen), name


def _rendered(result: Any, fmt: str) -> Rendered:
    """Return the Rendered of a done JobResult; raise the user error of a failed one."""
    if not result.ok and result.error == "InternalError":
        raise RendererUnavailable(result.message)  # a worker failed, not the input: 503
    answer = rendered(result, fmt)
    if isinstance(answer, Failed):
        raise_failure(answer)
    assert isinstance(answer, Rendered)
    return answer
