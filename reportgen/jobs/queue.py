"""The distributed queue: Dramatiq on Redis, its settings, its actors and its connection.

A client (a build, the service) resolves a job, looks for its id in the RedisStore, and
otherwise sends a message to the `reportgen` queue. A worker (`reportgen worker`) takes the
message, renders it with `run_job`, puts the result in the store, and pushes the id on the
client's notification list. Dramatiq's Redis broker acknowledges a message only when the
actor has returned; a worker that dies (even by SIGKILL) stops sending heartbeats, and after
`heartbeat_ms` its unacknowledged messages go back on the queue for another worker.
Exceptions that are not the user's (a lost connection, a bug) are retried with exponential
backoff; the last failure is stored as an "InternalError" result so no client waits forever.

Settings come from `REPORTGEN_QUEUE_*` variables so that a worker and its clients agree:
see `QueueSettings`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from reportgen.errors import BrokerUnavailable

log = logging.getLogger("reportgen.jobs")

QUEUE = "reportgen"
RENDER_ACTOR = "render_brief"
CALLBACK_ACTOR = "deliver_callback"


@dataclass(frozen=True)
class QueueSettings:
    """How the queue behaves; each field is also `REPORTGEN_QUEUE_<NAME>` (an integer)."""

    heartbeat_ms: int = 15_000
    """A worker silent this long is taken for dead and its jobs are given to another."""

    maintenance_chance: int = 10_000
    """Per million broker commands, how many also look for dead workers' jobs."""

    max_retries: int = 3
    """Retries of a job that failed for a reason other than its input."""

    min_backoff_ms: int = 1_000
    """Wait before the first retry; it doubles with each retry (with jitter)."""

    max_backoff_ms: int = 60_000
    """Longest wait between two retries."""

    time_limit_ms: int = 300_000
    """A render running longer than this is stopped and retried."""

    result_ttl: int = 7 * 86_400
    """Seconds a result stays in the store (it is also the queue's shared cache)."""

    reconnect_seconds: int = 60
    """How long a client waits for a lost broker to come back before it gives up."""

    @classmethod
    def from_env(cls) -> QueueSettings:
        """Return the settings, each overridden by its environment variable when set."""
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = os.environ.get(f"REPORTGEN_QUEUE_{f.name.upper()}")
            if raw:
                values[f.name] = int(raw)
        return cls(**values)


def redis_client(url: str) -> Any:
    """Return a redis.Redis for `url`, or raise BrokerUnavailable when it cannot be reached."""
    import redis  # missing: the CLI's install hint names the 'queue' extra's package

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
        client.ping()
    except ValueError as exc:
        raise BrokerUnavailable(f"bad broker URL {url!r}: {exc}") from None
    except redis.RedisError as exc:
        raise BrokerUnavailable(f"cannot reach the broker at {redact(url)}: {exc}") from None
    return client


def redact(url: str) -> str:
    """Return `url` with any password replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def make_broker(url: str, settings: QueueSettings | None = None) -> Any:
    """Return a Dramatiq RedisBroker for `url` with reportgen's actors declared on it."""
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker
    from dramatiq.middleware import (
        AgeLimit,
        CurrentMessage,
        Retries,
        ShutdownNotifications,
        TimeLimit,
    )

    settings = settings or QueueSettings.from_env()
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=settings.time_limit_ms),
        ShutdownNotifications(),
        Retries(
            max_retries=settings.max_retries,
            min_backoff=settings.min_backoff_ms,
            max_backoff=settings.max_backoff_ms,
        ),
        CurrentMessage(),
    ]
    broker = RedisBroker(
        url=url,
        namespace="reportgen-dramatiq",
        middleware=middleware,
        heartbeat_timeout=settings.heartbeat_ms,
        maintenance_chance=settings.maintenance_chance,
    )
    dramatiq.set_broker(broker)
    dramatiq.actor(_render_brief, broker=broker, actor_name=RENDER_ACTOR, queue_name=QUEUE)
    from reportgen.jobs.callbacks import CallbackSettings

    callbacks = CallbackSettings.from_env()
    dramatiq.actor(
        _deliver_callback,
        broker=broker,
        actor_name=CALLBACK_ACTOR,
        queue_name=QUEUE,
        max_retries=max(0, callbacks.attempts - 1),
        min_backoff=int(callbacks.backoff_seconds * 1000),
    )
    return broker


def heartbeats_key() -> str:
    """Return the Redis key where Dramatiq's workers record their heartbeats."""
    return "reportgen-dramatiq:__heartbeats__"


# ---------------------------------------------------------------- in a worker


@cache
def _worker_context() -> tuple[Any, Any, QueueSettings]:
    """Return this worker's (redis client, RedisStore, settings), made once per process."""
    from reportgen.jobs.store import RedisStore

    settings = QueueSettings.from_env()
    url = os.environ["REPORTGEN_BROKER"]
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    return client, RedisStore(client, ttl=settings.result_ttl), settings


def _retries_left() -> bool:
    """Return True when the message being processed will be retried if it fails now."""
    from dramatiq.middleware import CurrentMessage

    message = CurrentMessage.get_current_message()
    retries = message.options.get("retries", 0) if message is not None else 0
    return retries < _worker_context()[2].max_retries


def _render_brief(message: dict[str, Any]) -> None:
    """Render the job of a queue message into the store, then tell whoever waits for it."""
    from reportgen.logs import log_context

    with log_context(job_id=message["id"]):
        _render_message(message)


def _render_message(message: dict[str, Any]) -> None:
    """Do _render_brief's work (inside its log context)."""
    from reportgen.jobs.job import JobResult, RenderJob
    from reportgen.jobs.run import run_job

    client, store, settings = _worker_context()
    job = RenderJob.from_message(message["job"])
    job_id = message["id"]
    result = store.get(job_id, job.formats)
    if result is None:
        store.set_state(job_id, "running")
        try:
            result = run_job(job)
        except Exception as exc:
            if _retries_left():
                log.warning("job %s failed (%s); it will be retried", job_id, exc)
                raise
            log.exception("job %s failed for good", job_id)
            result = JobResult(
                job_id,
                "failed",
                error="InternalError",
                message=f"the render failed in a worker: {exc}",
            )
        store.put(result)
        log.info("job %s %s in %.3f s", job_id, result.state, result.seconds)
    else:
        log.info("job %s already in the store", job_id)
    notify = message.get("notify")
    if notify:
        with client.pipeline() as pipe:
            pipe.rpush(notify, job_id)
            pipe.expire(notify, settings.result_ttl)
            pipe.execute()
    urls = store.pop_callbacks(job_id)
    if urls:
        import dramatiq

        body = _callback_body(store, job_id)
        actor = dramatiq.get_broker().get_actor(CALLBACK_ACTOR)
        for url in urls:
            actor.send({"url": url, "job_id": job_id, "body": body})


def _callback_body(store: Any, job_id: str) -> str:
    """Return the JSON text a job's callback posts: its status document."""
    import json

    from reportgen.jobs.status import status_document

    return json.dumps(status_document(job_id, store), sort_keys=True)


def _deliver_callback(message: dict[str, Any]) -> None:
    """POST a signed job status to its callback URL; raise (so Dramatiq retries) on failure."""
    from reportgen.jobs.callbacks import CallbackRefused, CallbackSettings, deliver_once

    try:
        deliver_once(
            message["url"],
            message["body"].encode(),
            CallbackSettings.from_env(),
            message.get("job_id", ""),
        )
    except CallbackRefused as exc:  # its address changed to a forbidden one: never retried
        log.warning("job %s: callback refused: %s", message.get("job_id"), exc)
