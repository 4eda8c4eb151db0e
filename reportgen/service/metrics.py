"""Prometheus metrics of the service, served at /metrics (prometheus-client).

    reportgen_renders_total{format,outcome}     renders: ok, invalid, timeout, unavailable, error
    reportgen_render_seconds{format}            how long a render took (pool or queue)
    reportgen_cache_hits_total / _misses_total  the document cache (read when scraped)
    reportgen_queue_depth                       renders waiting: the pool's line or the queue
    reportgen_jobs_total{outcome}               /v1/jobs: new, existing (submitted); done, failed
    reportgen_job_age_seconds                   from a job's submission to its end, as seen here
    reportgen_broker_up                         1 when the broker answers (queue mode only)

Each application has its own registry, so several apps in one process (tests) do not clash.
With several uvicorn workers, each answers for itself (scrape each, or run one worker per
container as docs/deploy.md does).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from reportgen.errors import BrokerUnavailable, RenderTimeout, UserError

RENDER_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
AGE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)


class _Live(Collector):
    """Values read when scraped: cache counters, queue depth, broker reachability."""

    def __init__(self, read: Callable[[], dict[str, Any]]) -> None:
        self.read = read

    def collect(self) -> Iterator[Metric]:
        values = self.read()
        for name, doc in (
            ("reportgen_cache_hits_total", "Document cache hits"),
            ("reportgen_cache_misses_total", "Document cache misses"),
        ):
            metric = GaugeMetricFamily(name, doc)  # a reading of a counter kept elsewhere
            metric.add_metric([], values.get(name, 0))
            yield metric
        depth = GaugeMetricFamily("reportgen_queue_depth", "Renders waiting to start")
        depth.add_metric([], values.get("queue_depth", 0))
        yield depth
        if "broker_up" in values:
            up = GaugeMetricFamily("reportgen_broker_up", "1 when the broker answers")
            up.add_metric([], values["broker_up"])
            yield up


class ServiceMetrics:
    """The service's counters and histograms in their own registry."""

    def __init__(self, read_live: Callable[[], dict[str, Any]]) -> None:
        self.registry = CollectorRegistry()
        self.renders = Counter(
            "reportgen_renders",
            "Renders by format and outcome",
            ["format", "outcome"],
            registry=self.registry,
        )
        self.render_seconds = Histogram(
            "reportgen_render_seconds",
            "Render time in seconds",
            ["format"],
            buckets=RENDER_BUCKETS,
            registry=self.registry,
        )
        self.jobs = Counter(
            "reportgen_jobs",
            "Async jobs submitted and ended",
            ["outcome"],
            registry=self.registry,
        )
        self.job_age = Histogram(
            "reportgen_job_age_seconds",
            "Seconds from a job's submission to its end",
            buckets=AGE_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_Live(read_live))

    def exposition(self) -> tuple[bytes, str]:
        """Return the metrics in Prometheus' text format and its content type."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MeteredRenderer:
    """A renderer (pool or queue) whose renders are counted and timed."""

    def __init__(self, inner: Any, metrics: ServiceMetrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def run(self, func: Any, job: Any) -> Any:
        """Return inner.run(func, job), counting renders (not validations) by outcome."""
        from reportgen.service.rendering import render_in_worker

        if func is not render_in_worker:
            return await self.inner.run(func, job)
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await self.inner.run(func, job)
            outcome = "ok"
            return result
        except BrokerUnavailable:
            outcome = "unavailable"
            raise
        except UserError:
            outcome = "invalid"
            raise
        except RenderTimeout:
            outcome = "timeout"
            raise
        finally:
            self.metrics.renders.labels(job.fmt, outcome).inc()
            if outcome == "ok":
                self.metrics.render_seconds.labels(job.fmt).observe(time.perf_counter() - started)
