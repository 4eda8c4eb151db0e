"""`reportgen preview` in a real browser: a save shows on the page within two seconds, problems
show with the lines around them, and the last good pages stay while the facts are invalid."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reportgen.paths import BUNDLED_TEMPLATES
from reportgen.preview import Preview
from tests.browser import offline_chromium, wait_for
from tests.conftest import SEED
from tests.service.serverproc import free_port

SEED_TEXT = SEED.read_text(encoding="utf-8")


def test_a_preview_keeps_the_last_good_pages_while_the_facts_are_invalid(tmp_path: Path) -> None:
    facts = tmp_path / "brief.yaml"
    facts.write_text(SEED_TEXT, encoding="utf-8")
    preview = Preview(facts)
    good = preview.rebuild()
    assert good.problems == () and len(good.pages) >= 3
    assert "~70%" in " ".join(p.text for p in good.pages)
    facts.write_text(SEED_TEXT.replace("date: 2025-02-28", "date: 2025-13-45"), encoding="utf-8")
    bad = preview.rebuild()
    assert [p.path for p in bad.problems] == ["meta.date"]
    assert bad.pages == good.pages and bad.version == good.version + 1


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """Start `reportgen preview` on a copy of the seed and of its template; yield
    (URL, facts file, template folder)."""
    facts = tmp_path / "brief.yaml"
    facts.write_text(SEED_TEXT.replace("template: policy-brief", "template: mine"), "utf-8")
    template = tmp_path / "templates" / "mine"
    shutil.copytree(BUNDLED_TEMPLATES / "policy-brief", template)
    text = (template / "template.yaml").read_text(encoding="utf-8")
    (template / "template.yaml").write_text(text.replace("policy-brief", "mine"), "utf-8")
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "reportgen", "preview", "brief.yaml"),
            *("--templates", "templates", "--port", str(port), "--no-open"),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"preview exited: {process.stdout.read().decode() if process.stdout else ''}"
            )
        try:
            if httpx.get(url + "state", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    try:
        yield url, facts, template
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def page_text_has(driver: Any, needle: str) -> str:
    """Return a script that is truthy once some page picture's alt text holds `needle`."""
    return (
        "return [...document.querySelectorAll('main img')]"
        f".some(i => i.complete && i.naturalWidth > 0 && i.alt.includes({needle!r}))"
    )


@pytest.mark.slow
def test_an_edited_figure_shows_within_two_seconds(running: tuple[str, Path, Path]) -> None:
    url, facts, template = running
    with offline_chromium() as driver:
        driver.get(url)
        wait_for(driver, page_text_has(driver, "~70%"), 30)

        # Edit a figure, as an editor saves: the page shows it within 2 s on a quiet machine
        # (the build itself takes about 0.6 s there). The machine running the tests may be
        # loaded, which slows the build as much as anything: so what is asserted is the
        # preview's own share, the time from the save to the new page beyond the build
        # (watching, the page's poll, reloading its pictures), which on a loaded machine
        # slows down in proportion to the build.
        started = time.monotonic()
        facts.write_text(facts.read_text("utf-8").replace('"~70%"', '"~85%"'), "utf-8")
        wait_for(driver, page_text_has(driver, "~85%"), 30)
        elapsed = time.monotonic() - started
        build = httpx.get(url + "state", timeout=5).json()["seconds"]
        print(f"the edit showed after {elapsed:.2f} s, of which the build took {build:.2f} s")
        overhead = elapsed - build
        assert overhead < max(1.4, 1.5 * build), f"{elapsed:.2f} s to the page, build {build:.2f} s"
        if build < 0.8:  # a build as quick as on a quiet machine: the 2 s promise itself
            assert elapsed < 2.0, f"{elapsed:.2f} s to the page, build {build:.2f} s"

        # Invalid facts: the problem with its lines, and the last good pages still there.
        facts.write_text(facts.read_text("utf-8").replace("2025-02-28", "2025-13-45", 1), "utf-8")
        alert = wait_for(
            driver,
            "const p = document.querySelector('.problems'); return p && p.textContent",
            10,
        )
        assert "meta.date" in alert and "date: 2025-13-45" in alert
        assert "slug: india-us-critical-minerals" in alert  # a line around the problem
        assert driver.execute_script(page_text_has(driver, "~85%"))

        # Fixed again: the problems go.
        facts.write_text(facts.read_text("utf-8").replace("2025-13-45", "2025-02-28", 1), "utf-8")
        wait_for(driver, "return document.querySelector('.problems') === null", 10)

        # A change to the template rebuilds too.
        entry = template / "brief.md.j2"
        text = entry.read_text("utf-8")
        assert "Milestones, as dated" in text
        entry.write_text(
            text.replace("Milestones, as dated", "Dates that matter, as dated"), "utf-8"
        )
        wait_for(driver, page_text_has(driver, "Dates that matter"), 10)
