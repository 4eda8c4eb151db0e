"""Fixtures for the service tests: settings, an app with a stand-in renderer, facts folders."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"


@pytest.fixture
def seed_bytes() -> bytes:
    """Return the bytes of the seed facts file."""
    return SEED.read_bytes()


@pytest.fixture
def facts_dir(tmp_path: Path) -> Path:
    """Return a served facts folder holding a copy of the seed."""
    folder = tmp_path / "facts"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@dataclass
class FakeBuild:
    """A stand-in for reportgen.build.build_brief: fast, counted, and steerable.

    It takes the real Facts (so facts errors are the real ones) and returns bytes that name
    the facts' slug and the format, so tests can tell documents apart.
    """

    calls: int = 0
    delay: float = 0.0
    gate: threading.Event | None = None
    error: BaseException | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(
        self,
        facts: Any,
        formats: Any = ("pdf",),
        template: Any = None,
        templates_dirs: Any = (),
        **kwargs: Any,
    ) -> Any:
        from reportgen.build import BuiltBrief

        with self.lock:
            self.calls += 1
        if self.gate is not None:
            self.gate.wait(10)
        if self.delay:
            time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        name = template or facts.meta.template
        outputs = {f: f"%PDF-fake {facts.meta.slug} {f} {name}".encode() for f in formats}
        return BuiltBrief(
            slug=facts.meta.slug,
            title=facts.meta.title,
            date=facts.meta.date.isoformat(),
            template=name,
            content_hash="ignored",
            outputs=outputs,
            pages={"pdf": 4} if "pdf" in formats else {},
        )


@pytest.fixture
def fake_build(monkeypatch: pytest.MonkeyPatch) -> FakeBuild:
    """Replace build_brief (in this process) with a FakeBuild and return it."""
    fake = FakeBuild()
    monkeypatch.setattr("reportgen.build.build_brief", fake)
    return fake


@pytest.fixture
def make_settings(facts_dir: Path) -> Callable[..., ServiceSettings]:
    """Return a factory of settings for in-process tests (threads, the temporary folder)."""

    def make(**overrides: Any) -> ServiceSettings:
        values: dict[str, Any] = {
            "facts_dir": facts_dir,
            "render_mode": "thread",
            "render_processes": 2,
            "render_timeout": 10.0,
        }
        values.update(overrides)
        return ServiceSettings(**values)

    return make


@pytest.fixture
def client(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings]
) -> Iterator[TestClient]:
    """Return a test client of an app whose renders are the FakeBuild."""
    app = create_app(make_settings())
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio only (the service's loop under uvicorn)."""
    return "asyncio"
