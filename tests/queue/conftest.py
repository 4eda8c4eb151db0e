"""Fixtures for the queue tests: a real Redis, facts to build, and a local build to compare."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.helpers import seed_data
from tests.queue.redisproc import RedisServer

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """Return a fresh redis-server on a free loopback port, killed after the test."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.kill()


def variant(n: int) -> dict:
    """Return seed facts varied by n: title, slug, amounts and the number of sections."""
    data = seed_data()
    data["meta"]["title"] = f"Critical minerals brief no. {n}"
    data["meta"]["slug"] = f"brief-{n:04d}"
    data["sections"] = data["sections"][: 2 + n % 4]
    for line in data["budget"]["programmes"]:
        if line.get("parent") is None:
            line["amount"] = line["amount"] + n
    return data


def write_batch(folder: Path, count: int) -> Path:
    """Write `count` varied facts files into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = yaml.safe_dump(variant(n), allow_unicode=True, sort_keys=False)
        (folder / f"brief-{n:04d}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def batch_100(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (facts folder of 100 briefs, its local build's output folder), built once."""
    from reportgen.build import build_folder

    root = tmp_path_factory.mktemp("batch100")
    facts = write_batch(root / "facts", 100)
    out = root / "local"
    report = build_folder([facts], out, ("pdf", "docx"), jobs=2)
    assert report.exit_code == 0 and len(report.built) == 200
    return facts, out


def same_files(a: Path, b: Path) -> list[str]:
    """Return the names whose bytes differ between folders a and b (or exist in one only).

    Hidden files (the output folder's lock) are not outputs and are not compared.
    """
    names = {p.name for p in [*a.iterdir(), *b.iterdir()] if not p.name.startswith(".")}
    return sorted(
        n
        for n in names
        if not (a / n).is_file()
        or not (b / n).is_file()
        or (a / n).read_bytes() != (b / n).read_bytes()
    )
