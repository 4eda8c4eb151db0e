"""`reportgen worker`: Dramatiq worker processes that render the queue's jobs.

Each worker process runs one render at a time (one thread, prefetch 1: a job waiting in a
busy worker's hands would wait for nothing, and would be redelivered if that worker died).
Dramatiq's own process runner starts and stops them: SIGTERM or Ctrl-C lets running renders
finish and gives prefetched messages back to the queue.
"""

from __future__ import annotations

import os
from typing import Any


def setup_broker() -> Any:
    """Return the broker of this worker process (Dramatiq's CLI calls this in each one)."""
    from reportgen.jobs.queue import make_broker
    from reportgen.logs import configure_logging

    if os.environ.get("REPORTGEN_LOG_FORMAT"):
        configure_logging(os.environ["REPORTGEN_LOG_FORMAT"])
    broker = make_broker(os.environ["REPORTGEN_BROKER"])
    _warm_up()
    return broker


def _warm_up() -> None:
    """Render the bundled example once, so the first job does not pay for imports and fonts."""
    import logging

    from reportgen.jobs.job import RenderJob
    from reportgen.jobs.run import run_job
    from reportgen.paths import EXAMPLE_FACTS

    try:
        for path in sorted(EXAMPLE_FACTS.glob("*.yaml"))[:1]:
            run_job(RenderJob(path.read_bytes(), path.name))
    except Exception:  # warming is an optimisation: never a reason not to start
        logging.getLogger("reportgen.jobs").warning("worker warm-up failed", exc_info=True)


def run_workers(url: str, processes: int = 1, log_format: str | None = None) -> int:
    """Run `processes` worker processes on the queue at `url` until stopped; return the code.

    Raises BrokerUnavailable (exit 2) when the broker cannot be reached at start.
    """
    from reportgen.jobs.queue import redis_client

    redis_client(url).close()  # a clear error now, not a retry loop in every process
    os.environ["REPORTGEN_BROKER"] = url
    # Dramatiq reads its prefetch (lower-case name) when dramatiq.worker is first imported.
    os.environ["dramatiq_queue_prefetch"] = "1"  # noqa: SIM112
    from dramatiq.cli import main, make_argument_parser

    if log_format:
        os.environ["REPORTGEN_LOG_FORMAT"] = log_format
    args = make_argument_parser().parse_args(
        ["--processes", str(processes), "--threads", "1", "reportgen.jobs.worker:setup_broker"]
    )
    return int(main(args) or 0)
