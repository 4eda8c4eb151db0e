"""Async jobs over HTTP without a broker: /v1/jobs, signed callbacks, SSRF rules, /metrics."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from reportgen.jobs.callbacks import JOB_HEADER, SIGNATURE_HEADER, verify
from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings
from tests.queue.receiver import receiver
from tests.service.conftest import FakeBuild

YAML = {"Content-Type": "application/yaml"}
SECRET = "test-secret-Ω"


@pytest.fixture
def jobs_client(
    fake_build: FakeBuild,
    make_settings: Callable[..., ServiceSettings],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[TestClient]:
    """Return a client of an app with loopback callbacks allowed and quick retries."""
    monkeypatch.setenv("REPORTGEN_CALLBACK_SECRET", SECRET)
    monkeypatch.setenv("REPORTGEN_CALLBACK_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("REPORTGEN_CALLBACK_BACKOFF_SECONDS", "0.1")
    with TestClient(create_app(make_settings()), raise_server_exceptions=False) as client:
        yield client


def submit(client: TestClient, body: bytes, query: str = "") -> httpx.Response:
    return client.post(f"/v1/jobs{query}", content=body, headers=YAML)


def wait_done(client: TestClient, location: str, seconds: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        doc = client.get(location).json()
        if doc["status"] in ("done", "failed") or time.monotonic() > deadline:
            return doc
        time.sleep(0.02)


def metrics(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Return {(sample name, labels): value} parsed by prometheus-client's own parser."""
    text = client.get("/metrics").text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_a_job_is_accepted_polled_and_downloaded(
    jobs_client: TestClient, seed_bytes: bytes, fake_build: FakeBuild
) -> None:
    response = submit(jobs_client, seed_bytes, "?format=all")
    assert response.status_code == 202
    location = response.headers["location"]
    job_id = location.rsplit("/", 1)[1]
    assert response.json()["id"] == job_id and len(job_id) == 64
    doc = wait_done(jobs_client, location)
    assert doc["status"] == "done" and doc["brief"]["slug"] == "india-us-critical-minerals"
    for fmt in ("pdf", "docx"):
        got = jobs_client.get(doc["links"][fmt])
        expected = f"%PDF-fake india-us-critical-minerals {fmt} policy-brief".encode()
        assert got.status_code == 200 and got.content == expected
        assert got.headers["etag"] == f'"{job_id}.{fmt}"'
    # The same content again is the same job: no second render.
    again = submit(jobs_client, seed_bytes, "?format=all")
    assert again.status_code == 202 and again.headers["location"] == location
    assert again.headers["x-reportgen-job-created"] == "false"
    assert fake_build.calls == 1


def test_bad_facts_are_refused_at_once_with_their_problems(jobs_client: TestClient) -> None:
    response = submit(jobs_client, b"meta:\n  title: A brief\n  date: 2025-13-45\n")
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems and all(p["file"] for p in problems)
    assert any(p["path"] == "meta.date" for p in problems)


def test_unknown_jobs_are_404(jobs_client: TestClient) -> None:
    assert jobs_client.get("/v1/jobs/" + "a" * 64).status_code == 404
    assert jobs_client.get("/v1/jobs/../../etc").status_code == 404
    assert jobs_client.get("/v1/jobs/" + "a" * 64 + "/result.pdf").status_code == 404


def test_callback_is_signed_and_retried_after_a_500(
    jobs_client: TestClient, seed_bytes: bytes
) -> None:
    with receiver(500, 200) as hook:
        response = submit(jobs_client, seed_bytes, f"?callback_url={hook.url}")
        assert response.status_code == 202
        assert hook.event.wait(20), "the callback never arrived"
    assert len(hook.requests) == 2  # refused once with 500, then taken
    for headers, body in hook.requests:
        assert verify(SECRET, headers[SIGNATURE_HEADER.lower()], body)
        assert not verify("another secret", headers[SIGNATURE_HEADER.lower()], body)
        assert headers[JOB_HEADER.lower()] == response.json()["id"]
        doc = json.loads(body)
        assert doc["status"] == "done" and doc["id"] == response.json()["id"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.0.1/",
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
        "http://user:pw@8.8.8.8/",
        "http://localhost/hook",
    ],
)
def test_a_forbidden_callback_is_refused_with_422(
    fake_build: FakeBuild,
    make_settings: Callable[..., ServiceSettings],
    seed_bytes: bytes,
    url: str,
) -> None:
    with TestClient(create_app(make_settings()), raise_server_exceptions=False) as client:
        response = client.post(
            "/v1/jobs", params={"callback_url": url}, content=seed_bytes, headers=YAML
        )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "callback_refused"
    assert fake_build.calls == 0  # refused before anything was queued


def test_metrics_parse_and_count_what_happened(jobs_client: TestClient, seed_bytes: bytes) -> None:
    for _ in range(3):
        assert jobs_client.post("/v1/briefs", content=seed_bytes, headers=YAML).status_code == 200
    bad = jobs_client.post("/v1/briefs", content=b"meta: {title: x}\n", headers=YAML)
    assert bad.status_code == 422
    first = submit(jobs_client, seed_bytes, "?format=docx")
    submit(jobs_client, seed_bytes, "?format=docx")
    wait_done(jobs_client, first.headers["location"])
    values = metrics(jobs_client)
    ok = ("reportgen_renders_total", (("format", "pdf"), ("outcome", "ok")))
    invalid = ("reportgen_renders_total", (("format", "pdf"), ("outcome", "invalid")))
    assert values[ok] == 1 and values[invalid] == 1  # one render; two answered from the cache
    assert values[("reportgen_cache_hits_total", ())] == 2
    assert values[("reportgen_render_seconds_count", (("format", "pdf"),))] == 1
    assert values[("reportgen_jobs_total", (("outcome", "new"),))] == 1
    assert values[("reportgen_jobs_total", (("outcome", "existing"),))] == 1
    assert values[("reportgen_jobs_total", (("outcome", "done"),))] == 1
    assert values[("reportgen_job_age_seconds_count", ())] == 1
    assert values[("reportgen_queue_depth", ())] == 0


def test_a_job_that_fails_at_render_says_why(
    jobs_client: TestClient, seed_bytes: bytes, fake_build: FakeBuild
) -> None:
    from reportgen.errors import LayoutError

    fake_build.error = LayoutError("a table cell is taller than a page (budget.programmes[3])")
    response = submit(jobs_client, seed_bytes, "?format=pdf")
    assert response.status_code == 202
    doc = wait_done(jobs_client, response.headers["location"])
    assert doc["status"] == "failed" and doc["error"] == "LayoutError"
    assert "taller than a page" in doc["message"] and doc["problems"] == []
    assert "pdf" not in doc["links"]
    assert jobs_client.get(f"{response.headers['location']}/result.pdf").status_code == 404
