"""The cache's counters add up, and a cached document is never made to wait for a render."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

import reportgen.service.briefs
from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings
from tests.service.conftest import FakeBuild

YAML = {"Content-Type": "application/yaml"}


def variant(seed: bytes, n: int) -> bytes:
    """Return the seed facts with a comment that makes their bytes (and hash) new."""
    return seed + f"\n# variant {n}\n".encode()


def test_healthz_counts_every_fresh_render_as_a_miss(client: TestClient, seed_bytes: bytes) -> None:
    for n in range(5):  # facts the service has never seen: their template is not known yet
        assert client.post("/v1/briefs", content=variant(seed_bytes, n), headers=YAML).is_success
    health = client.get("/healthz").json()
    cache = health["cache"]
    assert (cache["hits"], cache["misses"], cache["entries"]) == (0, 5, 5)
    assert health["worker"] == os.getpid()  # whose counters these are

    again = client.post("/v1/briefs", content=variant(seed_bytes, 0), headers=YAML)
    assert again.headers["X-Reportgen-Cache"] == "hit"
    with_template = variant(seed_bytes, 9)
    client.post("/v1/briefs?template=policy-brief", content=with_template, headers=YAML)
    cache = client.get("/healthz").json()["cache"]
    assert (cache["hits"], cache["misses"], cache["entries"]) == (1, 6, 6)


@pytest.mark.anyio
async def test_a_cached_document_is_a_hit_while_every_render_slot_is_taken(
    fake_build: FakeBuild,
    make_settings: Callable[..., ServiceSettings],
    seed_bytes: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Few remembered facts -> template entries, so the test needs few renders to pass them:
    # the seed's document must stay findable while it stays cached, however many others
    # were rendered since (it used to be forgotten after 4,096 of them, then 429).
    monkeypatch.setattr(reportgen.service.briefs, "OWN_TEMPLATES", 4)
    app = create_app(make_settings(render_processes=1, max_queue=0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as aclient:

        async def post(body: bytes) -> httpx.Response:
            return await aclient.post("/v1/briefs", content=body, headers=YAML)

        assert (await post(seed_bytes)).status_code == 200
        for n in range(12):
            assert (await post(variant(seed_bytes, n))).status_code == 200
        calls = fake_build.calls

        fake_build.gate = threading.Event()  # the next render holds the only slot
        busy = asyncio.create_task(post(variant(seed_bytes, 100)))
        while fake_build.calls == calls:
            await asyncio.sleep(0.01)
        refused = await post(variant(seed_bytes, 101))
        cached = await post(seed_bytes)
        fake_build.gate.set()
        assert (await busy).status_code == 200
    assert refused.status_code == 429  # a new document does wait (the line is full)...
    assert cached.status_code == 200  # ...a cached one never does
    assert cached.headers["X-Reportgen-Cache"] == "hit"
    assert fake_build.calls == calls + 1


@pytest.mark.anyio
async def test_a_render_that_could_not_finish_in_time_is_refused_at_once(
    fake_build: FakeBuild,
    make_settings: Callable[..., ServiceSettings],
    seed_bytes: bytes,
) -> None:
    # Renders take 0.6 s of a 1 s deadline: one waiting behind a running one would likely
    # end in 503 after the whole second; it is told 429 (with Retry-After) at once instead.
    fake_build.gate = threading.Event()
    app = create_app(make_settings(render_processes=1, max_queue=16, render_timeout=1.0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as aclient:
        renderer = app.state.briefs.renderer.inner
        renderer._mean_seconds = 0.6
        busy = asyncio.create_task(
            aclient.post("/v1/briefs", content=variant(seed_bytes, 1), headers=YAML)
        )
        while fake_build.calls == 0:
            await asyncio.sleep(0.01)
        refused = await aclient.post("/v1/briefs", content=variant(seed_bytes, 2), headers=YAML)
        fake_build.gate.set()
        await busy
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert fake_build.calls == 1


@pytest.mark.anyio
async def test_a_render_left_too_little_time_by_its_wait_is_not_started(
    fake_build: FakeBuild,
    make_settings: Callable[..., ServiceSettings],
    seed_bytes: bytes,
) -> None:
    # The first render holds the only slot for 0.85 s of a 1 s deadline; the second was let
    # into the line (renders looked quick), but once its turn comes its time is nearly gone.
    fake_build.gate = threading.Event()
    app = create_app(make_settings(render_processes=1, max_queue=16, render_timeout=1.0))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as aclient:
        renderer = app.state.briefs.renderer.inner
        renderer._mean_seconds = 0.05

        async def post(n: int) -> httpx.Response:
            return await aclient.post("/v1/briefs", content=variant(seed_bytes, n), headers=YAML)

        first = asyncio.create_task(post(1))
        while fake_build.calls == 0:
            await asyncio.sleep(0.01)
        second = asyncio.create_task(post(2))
        await asyncio.sleep(0.85)
        fake_build.gate.set()
        answers = [await first, await second]
    assert [a.status_code for a in answers] == [200, 429]
    assert fake_build.calls == 1  # the second render was never started
