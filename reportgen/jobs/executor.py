"""Executors: where jobs run. One interface, an in-process backend and a queue backend.

    Executor.run(jobs)  ->  yields (index, JobResult) in the order the jobs were given

`LocalExecutor` runs jobs in this process or a pool of worker processes (the default: no
server needed). `QueueExecutor` sends them through Dramatiq on Redis to `reportgen worker`
processes on any number of machines, answering from the shared RedisStore when a job's id
is already there. Both give the same results for the same jobs; whoever calls `run` writes
the outputs (the build writes files and the manifest, the service answers requests).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import os
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any

from reportgen.errors import BrokerUnavailable, ReportgenError
from reportgen.jobs.job import JobResult, RenderJob
from reportgen.jobs.run import failed, run_job

log = logging.getLogger("reportgen.jobs")


class Executor(ABC):
    """Runs render jobs and hands back their results in submission order."""

    @abstractmethod
    def run(self, jobs: Iterable[RenderJob]) -> Iterator[tuple[int, JobResult]]:
        """Yield (index in `jobs`, result) for every job, in the order of `jobs`.

        A user's mistake in a job (bad facts, unknown template, past its deadline) is a
        failed result, never an exception; exceptions mean the executor itself failed
        (BrokerUnavailable when a queue's broker is gone for good).
        """

    def close(self) -> None:  # noqa: B027 (most executors hold nothing to release)
        """Release what the executor holds (pools, connections)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalExecutor(Executor):
    """Jobs in this process (one worker) or in a pool of `processes` worker processes.

    `timeout` seconds (None: no limit) is each render's deadline: a job past it ends as a
    failed result whose error is "RenderTimeout". Jobs are taken from the iterable as they
    come, so the caller may still be reading facts while the first ones render.
    """

    def __init__(self, processes: int | None = None, timeout: float | None = None) -> None:
        self.processes = processes
        self.timeout = timeout

    def run(self, jobs: Iterable[RenderJob]) -> Iterator[tuple[int, JobResult]]:
        stream = iter(jobs)
        head = list(itertools.islice(stream, 2))
        if (self.processes or os.cpu_count() or 1) <= 1 or len(head) <= 1:
            for index, job in enumerate(itertools.chain(head, stream)):
                yield index, run_job(job, self.timeout)
            return
        yield from self._pooled(itertools.chain(head, stream))

    def _pooled(self, jobs: Iterable[RenderJob]) -> Iterator[tuple[int, JobResult]]:
        """Yield the results of `jobs` rendered in a pool of worker processes, in order."""
        # Imported here: a one-brief build does not pay for multiprocessing's import.
        from concurrent.futures import Future, ProcessPoolExecutor

        from reportgen.lifeline import init_worker, spawn_context

        # Spawned workers inherit no descriptors (not the folder's lock) and die with this
        # process, so a killed build leaves no orphan rendering on or holding the folder.
        pool = ProcessPoolExecutor(
            max_workers=self.processes or os.cpu_count() or 1,
            mp_context=spawn_context(),
            initializer=init_worker,
            initargs=(os.getpid(),),
        )
        waiting: collections.deque[Future[JobResult]] = collections.deque()
        index = 0
        try:
            for job in jobs:
                waiting.append(pool.submit(run_job, job, self.timeout))
                while waiting and waiting[0].done():  # hand on what is ready, in order
                    yield index, waiting.popleft().result()
                    index += 1
            while waiting:
                yield index, waiting.popleft().result()
                index += 1
        except BaseException:
            # Ctrl-C or an error: do not wait for the queued briefs, stop the workers now.
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.kill()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class QueueExecutor(Executor):
    """Jobs sent through Dramatiq on Redis to `reportgen worker` processes.

    Connecting checks the broker at once (BrokerUnavailable when it cannot be reached).
    While waiting, a lost broker is waited for up to `reconnect_seconds`; when it comes
    back, every job without a stored result is sent again (ids are content hashes, so a
    job done twice gives the same bytes and is stored once). If it does not come back,
    BrokerUnavailable says how far the batch got.
    """

    def __init__(self, url: str, settings: Any = None) -> None:
        from reportgen.jobs.queue import QueueSettings, make_broker, redis_client
        from reportgen.jobs.store import RedisStore

        self.url = url
        self.settings = settings or QueueSettings.from_env()
        self.client = redis_client(url)
        self.store = RedisStore(self.client, ttl=self.settings.result_ttl)
        self.broker = make_broker(url, self.settings)
        self.actor = self.broker.get_actor("render_brief")
        self.sent = 0  # messages sent (for the benchmark's Redis arithmetic)

    def close(self) -> None:
        self.broker.close()
        self.client.close()

    def send(self, job: RenderJob, notify: str | None = None) -> str:
        """Send a resolved job to the workers; return its id. Marks it queued in the store.

        `notify` names a Redis list the worker pushes the id on when the job has ended.
        """
        message: dict[str, Any] = {"id": job.id, "job": job.to_message()}
        if notify:
            message["notify"] = notify
        self.store.set_state(job.id, "queued")
        self.actor.send(message)
        self.sent += 1
        return job.id

    def live_workers(self) -> int:
        """Return how many worker processes sent a heartbeat within the heartbeat timeout."""
        from reportgen.jobs.queue import heartbeats_key

        since_ms = time.time() * 1000 - self.settings.heartbeat_ms
        return int(self.client.zcount(heartbeats_key(), since_ms, "+inf"))

    def queue_depth(self) -> int:
        """Return how many messages wait in the queue (not yet taken by a worker)."""
        from reportgen.jobs.queue import QUEUE

        return int(self.client.llen(f"reportgen-dramatiq:{QUEUE}"))

    def run(self, jobs: Iterable[RenderJob]) -> Iterator[tuple[int, JobResult]]:
        import redis

        total = 0
        ready: dict[int, JobResult] = {}
        pending: dict[str, list[int]] = {}  # job id -> indexes waiting for it
        resolved: dict[int, RenderJob] = {}
        notify = f"reportgen:done:{uuid.uuid4().hex}"
        for index, job in enumerate(jobs):
            total = index + 1
            try:
                job = job.resolved()
            except ReportgenError as exc:
                ready[index] = failed("", exc)
                continue
            resolved[index] = job
            while True:  # a broker lost while sending: wait for it, then go on with this job
                try:
                    self._submit(index, job, ready, pending, notify)
                    break
                except (redis.ConnectionError, redis.TimeoutError):
                    self._reconnect(pending, resolved, notify, len(ready))
        next_index = 0
        last_seen = time.monotonic()
        warned = False
        while next_index < total:
            while next_index in ready:
                yield next_index, ready.pop(next_index)
                next_index += 1
            if next_index >= total:
                break
            try:
                got = self.client.blpop([notify], timeout=1)
                ids = [got[1].decode()] if got else []
                if not got and time.monotonic() - last_seen > 5:
                    ids = list(pending)  # a notification may be lost: look in the store
                    if not warned and self.live_workers() == 0:
                        log.warning(
                            "no worker is listening on %s: start one with "
                            "`reportgen worker --broker URL`",
                            self._safe_url(),
                        )
                        warned = True
                for job_id in ids:
                    if job_id not in pending:
                        continue
                    indexes = pending[job_id]
                    result = self.store.get(job_id, resolved[indexes[0]].formats)
                    if result is None:
                        continue
                    last_seen = time.monotonic()
                    for i in pending.pop(job_id):
                        ready[i] = result
            except (redis.ConnectionError, redis.TimeoutError):
                self._reconnect(pending, resolved, notify, total - len(pending))

    def _submit(
        self,
        index: int,
        job: RenderJob,
        ready: dict[int, JobResult],
        pending: dict[str, list[int]],
        notify: str,
    ) -> None:
        """Answer job `index` from the store, or wait on the same job already sent, or send it.

        Safe to call again after a lost broker: a job already pending is not added twice.
        """
        if job.id in pending:
            if index not in pending[job.id]:
                pending[job.id].append(index)
            return
        cached = self.store.get(job.id, job.formats)
        if cached is not None:
            ready[index] = cached
            return
        pending[job.id] = [index]
        self.send(job, notify)

    def _safe_url(self) -> str:
        from reportgen.jobs.queue import redact

        return redact(self.url)

    def _reconnect(
        self,
        pending: dict[str, list[int]],
        resolved: dict[int, RenderJob],
        notify: str,
        done: int,
    ) -> None:
        """Wait for the broker to come back, then send again every job not in the store."""
        import redis

        log.warning(
            "lost the broker at %s; waiting up to %d s for it to come back",
            self._safe_url(),
            self.settings.reconnect_seconds,
        )
        deadline = time.monotonic() + self.settings.reconnect_seconds
        while True:
            try:
                self.client.ping()
                again = 0
                for job_id, indexes in pending.items():
                    job = resolved[indexes[0]]
                    if self.store.get(job_id, job.formats) is None:
                        self.send(job, notify)
                        again += 1
                break
            except redis.RedisError:  # still down, or down again while sending
                if time.monotonic() > deadline:
                    raise BrokerUnavailable(
                        f"lost the broker at {self._safe_url()} for more than "
                        f"{self.settings.reconnect_seconds} s, with {done} of "
                        f"{done + len(pending)} briefs rendered; nothing was written. Run the "
                        "same command again when the broker is back."
                    ) from None
                time.sleep(0.5)
        log.warning("the broker is back; sent %d unfinished job(s) again", again)
