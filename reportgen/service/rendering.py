"""Rendering off the event loop: a pool of worker processes, a deadline and a bounded queue.

Rendering a brief is CPU-bound Python, so it runs in a `ProcessPoolExecutor` (spawn start
method: safe next to uvicorn's threads and event loop), warmed at startup so the first
request does not pay for importing reportlab and loading fonts. Each request has a deadline:
the worker arms a timer that raises RenderTimeout inside the render, and the service stops
waiting a moment later; a worker that ignores its timer is killed and the pool replaced.
At most `concurrency` renders run at once; at most `max_queue` more wait; the next is
refused with QueueFull (HTTP 429), and so is one that would, at the recent mean render
time, take more than half its deadline (better 429 at once than 503 after the deadline);
a request whose wait left it less than twice the mean render time is refused so too,
rather than started on a render that would be stopped.

Exceptions do not cross the process boundary (FactsError does not pickle back faithfully),
so a worker returns a `Failed` value and the service raises the matching error again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import errors
from reportgen.deadline import render_deadline, timeout_message
from reportgen.errors import Problem, RenderTimeout, UserError

if TYPE_CHECKING:
    from reportgen.jobs.job import JobResult

log = logging.getLogger("reportgen.service")

# How long the service waits past a deadline for the worker's own timer to fire.
GRACE_SECONDS = 2.0


class QueueFull(Exception):
    """More renders are waiting than the service allows; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many renders waiting; retry in {retry_after} s")


class RendererUnavailable(Exception):
    """The render pool broke (a worker died) and was replaced; the request may be retried."""


# ---------------------------------------------------------------- what crosses the boundary


@dataclass(frozen=True)
class RenderRequest:
    """One request's document: facts bytes, their name for messages, format, template, and
    the seconds left of the request's deadline. It becomes a reportgen.jobs RenderJob."""

    facts: bytes
    filename: str
    fmt: str
    template: str | None
    templates_dirs: tuple[Path, ...]
    seconds: float = 30.0
    language: str | None = None  # ?lang=: one of the brief's languages ("hi" or "hi-IN")
    accept_language: str | None = None  # the request's Accept-Language header


@dataclass(frozen=True)
class Rendered:
    """A rendered document and the identity of its brief."""

    slug: str
    title: str
    date: str
    template: str
    fmt: str
    body: bytes
    pages: int | None
    language: str = ""  # the language rendered (BCP 47)
    name: str = ""  # its file name without the format: "<slug>", "<slug>.hi"


@dataclass(frozen=True)
class Validated:
    """Valid facts: the brief's identity and any warnings."""

    slug: str
    title: str
    date: str
    template: str
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class Failed:
    """A user error raised in a worker: its class name, message and problems."""

    error: str
    message: str
    problems: tuple[Problem, ...] = ()


def raise_failure(failed: Failed) -> None:
    """Raise the reportgen error that `failed` describes (UserError when unknown)."""
    cls = getattr(errors, failed.error, None)
    if not (isinstance(cls, type) and issubclass(cls, errors.ReportgenError)):
        cls = UserError
    if issubclass(cls, errors.FactsError):
        raise errors.FactsError(failed.problems)
    raise cls(failed.message)


# ---------------------------------------------------------------- inside a worker


def _deadline(seconds: float) -> Any:
    """Return the render deadline context for `seconds` (see reportgen.deadline)."""
    return render_deadline(seconds)


def _failure(exc: errors.ReportgenError) -> Failed:
    """Return the picklable description of a reportgen error."""
    problems = exc.problems if isinstance(exc, errors.FactsError) else ()
    return Failed(type(exc).__name__, str(exc), tuple(problems))


def _parse(facts: bytes, filename: str) -> Any:
    """Return the Facts parsed from `facts`, errors naming `filename`."""
    from reportgen.facts import parse_facts

    return parse_facts(facts, filename)


def _warnings(facts: Any) -> tuple[Problem, ...]:
    """Return the warnings a Facts object carries (none when it keeps no such list)."""
    return tuple(getattr(facts, "warnings", ()) or ())


def render_in_worker(request: RenderRequest) -> Rendered | Failed:
    """Return the rendered document for `request`, or the user error that stopped it.

    The language is negotiated here (?lang= and Accept-Language against the brief's
    languages); the render is reportgen.jobs.run_job, as in a build and in a queue worker.
    """
    from reportgen.i18n import negotiate
    from reportgen.jobs.job import RenderJob
    from reportgen.jobs.run import run_job

    try:
        with _deadline(request.seconds):
            facts = _parse(request.facts, request.filename)
            chosen = negotiate(facts.languages, request.language, request.accept_language)
    except errors.ReportgenError as exc:
        return _failure(exc)
    job = RenderJob(
        request.facts,
        request.filename,
        request.template,
        (request.fmt,),
        None if chosen == facts.languages[0] else chosen,
        templates_dirs=tuple(map(str, request.templates_dirs)),
    )
    return rendered(run_job(job, request.seconds, facts), request.fmt)


def rendered(result: JobResult, fmt: str) -> Rendered | Failed:
    """Return the Rendered document of a done job result, or the Failed of a failed one."""
    if not result.ok or result.brief is None:
        return Failed(result.error, result.message, tuple(result.problems))
    brief = result.brief
    return Rendered(
        slug=brief.slug,
        title=brief.title,
        date=brief.date,
        template=brief.template,
        fmt=fmt,
        body=result.outputs[fmt],
        pages=result.pages.get(fmt),
        language=brief.language,
        name=brief.stem or brief.slug,
    )


def validate_in_worker(job: RenderRequest) -> Validated | Failed:
    """Return the identity and warnings of valid facts, or their problems."""
    try:
        with _deadline(job.seconds):
            facts = _parse(job.facts, job.filename)
            from reportgen.templating import template_problems

            unknown = template_problems(facts, job.templates_dirs)
            if unknown:  # caught here, not first at render time
                raise errors.FactsError(unknown)
    except errors.ReportgenError as exc:
        return _failure(exc)
    meta = facts.meta
    return Validated(meta.slug, meta.title, meta.date.isoformat(), meta.template, _warnings(facts))


def warm_worker(parent_pid: int | None = None) -> None:
    """Tie this worker's life to the service's, import the pipeline and render the example once.

    The render makes requests start warm: fonts, templates and writers are loaded.
    """
    from reportgen.gcpolicy import collect_less_often
    from reportgen.lifeline import die_with_parent
    from reportgen.paths import EXAMPLE_FACTS

    die_with_parent(parent_pid)
    collect_less_often()
    try:
        for path in sorted(EXAMPLE_FACTS.glob("*.yaml"))[:1]:
            render_in_worker(RenderRequest(path.read_bytes(), path.name, "pdf", None, ()))
    except Exception:  # warming is an optimisation: a failure here must not stop the pool
        log.warning("render worker warm-up failed", exc_info=True)


def _noop() -> int:
    """Return 0; submitted once per worker at startup so the pool spawns all of them."""
    return 0


# ---------------------------------------------------------------- in the service


class Renderer:
    """Runs render and validate jobs in a pool with a deadline and a bounded waiting line."""

    def __init__(
        self, mode: str, processes: int, concurrency: int, max_queue: int, timeout: float
    ) -> None:
        self.mode = mode
        self.processes = processes
        self.concurrency = concurrency
        self.max_queue = max_queue
        self.timeout = timeout
        self._executor: Executor | None = None
        self._slots = asyncio.Semaphore(concurrency)
        self.running = 0
        self.waiting = 0
        self._mean_seconds = 0.5  # running estimate of one render, for Retry-After

    def _new_executor(self) -> Executor:
        """Return a fresh pool of the configured kind."""
        if self.mode == "thread":
            return ThreadPoolExecutor(self.processes, thread_name_prefix="reportgen-render")
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=warm_worker,
            initargs=(os.getpid(),),
        )

    @property
    def executor(self) -> Executor:
        """Return the pool, creating it on first use (a test client may skip the lifespan)."""
        if self._executor is None:
            self._executor = self._new_executor()
        return self._executor

    async def start(self) -> None:
        """Start every worker and wait until each has warmed up."""
        loop = asyncio.get_running_loop()
        executor = self.executor
        await asyncio.gather(
            *(loop.run_in_executor(executor, _noop) for _ in range(self.processes))
        )

    def close(self, seconds: float = 5.0) -> None:
        """Stop the pool: cancel queued renders, give running ones `seconds`, then kill them."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + seconds
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        # The workers are gone; now the pool's thread and queues can be released for good.
        executor.shutdown(wait=True)

    def _replace_pool(self) -> None:
        """Kill the pool's processes (one is stuck or dead) and start a new pool lazily."""
        old, self._executor = self._executor, None
        if isinstance(old, ProcessPoolExecutor):
            # Private attribute, but the only way before Python 3.14's terminate_workers().
            for process in list(getattr(old, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    process.kill()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    def retry_after(self) -> int:
        """Return whole seconds a refused client should wait before trying again."""
        backlog = (self.waiting + self.running) / max(1, self.concurrency)
        return max(1, math.ceil(backlog * self._mean_seconds))

    def expected_seconds(self) -> float:
        """Return how long a request arriving now would take, waiting and render, at the
        recent mean render time (every slot busy, `waiting` requests ahead of it)."""
        return (self.waiting / max(1, self.concurrency) + 2) * self._mean_seconds

    async def _take_slot(self) -> bool:
        """Take a render slot: at once when one is free, else by waiting in a bounded line.

        Return True when it had to wait.
        """
        if not self._slots.locked():
            await self._slots.acquire()  # does not yield: no other request can slip in
            return False
        if self.waiting >= self.max_queue or self.expected_seconds() > self.timeout / 2:
            # Refused now rather than answered 503 once the deadline has passed in the line;
            # half the deadline leaves room for renders slower than the mean (a busy machine).
            raise QueueFull(self.retry_after())
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout)
        except TimeoutError:
            raise RenderTimeout(f"no render slot free within {self.timeout:g} s") from None
        finally:
            self.waiting -= 1
        return True

    async def run(self, func: Callable[[RenderRequest], Any], job: RenderRequest) -> Any:
        """Return func(job) computed in the pool; raise QueueFull, RenderTimeout or a UserError.

        The deadline covers waiting for a slot and the render itself.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        waited = await self._take_slot()
        if waited and deadline - loop.time() < 2 * self._mean_seconds:
            # It waited so long that a render of the usual length would overrun: do not
            # start one only to stop it; the client is told to come back (429, Retry-After).
            self._slots.release()
            raise QueueFull(self.retry_after())
        self.running += 1
        started = time.perf_counter()
        try:
            remaining = max(0.01, deadline - loop.time())
            job = dataclasses.replace(job, seconds=remaining)
            future = loop.run_in_executor(self.executor, func, job)
            try:
                result = await asyncio.wait_for(future, remaining + GRACE_SECONDS)
            except TimeoutError:
                if self.mode == "process":
                    log.warning("a render worker ignored its deadline; replacing the pool")
                    self._replace_pool()
                raise RenderTimeout(timeout_message(self.timeout)) from None
            except BrokenProcessPool:
                log.error("the render pool broke (a worker died); replacing it")
                self._replace_pool()
                raise RendererUnavailable("the renderer restarted; try again") from None
        finally:
            self.running -= 1
            self._slots.release()
        elapsed = time.perf_counter() - started
        self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * elapsed
        if isinstance(result, Failed):
            if result.error == RenderTimeout.__name__:
                # The worker's timer ran on what was left of the request's time; the client
                # is told the service's limit.
                raise RenderTimeout(timeout_message(self.timeout))
            raise_failure(result)
        return result

    def stats(self) -> dict[str, Any]:
        """Return the pool's shape and load (for /healthz)."""
        return {
            "mode": self.mode,
            "processes": self.processes,
            "concurrency": self.concurrency,
            "running": self.running,
            "waiting": self.waiting,
            "max_queue": self.max_queue,
        }
