"""`serve --broker`: the service renders on real workers through a real Redis."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from reportgen.build import build_brief
from reportgen.jobs.callbacks import SIGNATURE_HEADER, verify
from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings
from tests.conftest import SEED
from tests.queue.receiver import receiver
from tests.queue.redisproc import RedisServer, Worker, free_port, heartbeat_ids, wait_for

pytestmark = pytest.mark.slow

YAML = {"Content-Type": "application/yaml"}
SECRET = "s3cret"


def settings(url: str, tmp: Path) -> ServiceSettings:
    return ServiceSettings(broker=url, facts_dir=tmp, render_timeout=60.0)


@pytest.fixture
def queued(
    redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """Return a client of a service rendering through Redis on one real worker."""
    hooks = {
        "REPORTGEN_CALLBACK_SECRET": SECRET,
        "REPORTGEN_CALLBACK_ALLOW_PRIVATE": "1",
        "REPORTGEN_CALLBACK_BACKOFF_SECONDS": "0.2",
    }
    worker_log = tmp_path / "worker.log"
    for name, value in hooks.items():  # the service checks the URL; the worker calls it
        monkeypatch.setenv(name, value)
    worker = Worker(redis_server.url, 1, log=worker_log, REPORTGEN_LOG_FORMAT="json", **hooks)
    try:
        wait_for(lambda: heartbeat_ids(redis_server.client()), 60, "the worker")
        app = create_app(settings(redis_server.url, tmp_path))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client
    finally:
        worker.stop()
    # The worker logged JSON lines naming the job each one is about.
    lines = [json.loads(x) for x in worker_log.read_text().splitlines() if x.startswith("{")]
    assert any(x.get("job_id") and " done in " in x["message"] for x in lines), lines[-5:]


def test_briefs_are_rendered_by_the_workers(queued: TestClient) -> None:
    response = queued.post("/v1/briefs?format=pdf", content=SEED.read_bytes(), headers=YAML)
    assert response.status_code == 200, response.text
    assert response.content == build_brief(SEED, ("pdf",)).outputs["pdf"]
    hindi = queued.post("/v1/briefs?format=pdf&lang=hi", content=SEED.read_bytes(), headers=YAML)
    assert hindi.status_code == 200 and hindi.headers["content-language"] == "hi-IN"
    assert 'filename="india-us-critical-minerals.hi.pdf"' in hindi.headers["content-disposition"]
    assert hindi.content == build_brief(SEED, ("pdf",), language="hi-IN").outputs["pdf"]
    missing = queued.post("/v1/briefs?lang=ta", content=SEED.read_bytes(), headers=YAML)
    assert missing.status_code == 404 and missing.json()["error"] == "unknown_language"
    bad = queued.post("/v1/briefs", content=b"meta: {title: 5}\n", headers=YAML)
    assert bad.status_code == 422 and bad.json()["problems"]
    health = queued.get("/healthz").json()
    assert health["broker"]["reachable"] is True and health["broker"]["workers"] >= 1
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(queued.get("/metrics").text)
        for s in family.samples
    }
    assert samples[("reportgen_renders_total", (("format", "pdf"), ("outcome", "ok")))] == 2
    assert samples[("reportgen_broker_up", ())] == 1


def test_async_job_through_the_queue_with_a_signed_retried_callback(
    queued: TestClient, redis_server: RedisServer
) -> None:
    with receiver(500, 200) as hook:
        response = queued.post(
            "/v1/jobs",
            params={"format": "all", "callback_url": hook.url},
            content=SEED.read_bytes(),
            headers=YAML,
        )
        assert response.status_code == 202, response.text
        location = response.headers["location"]
        assert hook.event.wait(60), "the callback never arrived"
    doc = queued.get(location).json()
    assert doc["status"] == "done"
    expected = build_brief(SEED, ("pdf", "docx")).outputs
    for fmt in ("pdf", "docx"):
        assert queued.get(doc["links"][fmt]).content == expected[fmt]
    assert [json.loads(body)["status"] for _, body in hook.requests] == ["done", "done"]
    assert all(verify(SECRET, h[SIGNATURE_HEADER.lower()], b) for h, b in hook.requests)
    # Another replica (a second app on the same Redis) answers for the same job.
    other = create_app(settings(redis_server.url, Path(".")))
    with TestClient(other) as replica:
        assert replica.get(location).json()["status"] == "done"
        again = replica.post("/v1/jobs?format=all", content=SEED.read_bytes(), headers=YAML)
        assert again.headers["x-reportgen-job-created"] == "false"


def test_broker_unreachable_gives_503_with_retry_after(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with TestClient(create_app(settings(url, tmp_path)), raise_server_exceptions=False) as client:
        started = time.monotonic()
        for path in ("/v1/briefs", "/v1/jobs"):
            response = client.post(path, content=SEED.read_bytes(), headers=YAML)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "5"
            assert response.json()["error"] == "broker_unavailable"
            assert "Traceback" not in response.text
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["broker"]["reachable"] is False
        assert time.monotonic() - started < 30
