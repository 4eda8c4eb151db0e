"""/docs (Swagger UI) and /redoc work with no network but loopback: assets from the package."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings
from tests.browser import offline_chromium, resources, wait_for
from tests.service.serverproc import start_server, stop

SEED = Path(__file__).resolve().parents[2] / "facts" / "india-us-critical-minerals.yaml"


def test_doc_pages_name_only_local_assets() -> None:
    client = TestClient(create_app(ServiceSettings(render_mode="thread")))
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "/static/apidocs/" in html and "http" not in html.replace("http-equiv", ""), page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = client.get(f"/static/apidocs/{asset}")
        assert response.status_code == 200 and len(response.content) > 100_000, asset


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(SEED, folder / SEED.name)
    base, process = start_server(
        [sys.executable, "-m", "reportgen.service", "--facts-dir", str(folder)], folder
    )
    yield base
    stop(process)


@pytest.mark.slow
def test_swagger_ui_renders_the_api_offline(server: str) -> None:
    with offline_chromium() as driver:
        driver.get(f"{server}/docs")
        title = wait_for(
            driver,
            "const t = document.querySelector('.swagger-ui .info .title');"
            "return t && t.textContent",
        )
        assert title.startswith("reportgen")
        operations = wait_for(
            driver, "return document.querySelectorAll('.opblock-summary-path').length"
        )
        assert operations >= 5
        assert all(url.startswith(server) for url in resources(driver)), resources(driver)


@pytest.mark.slow
def test_redoc_renders_the_api_offline(server: str) -> None:
    with offline_chromium() as driver:
        # Record what the page's Content-Security-Policy stops before it leaves the browser.
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {
                "source": "window.__blocked = [];"
                "document.addEventListener('securitypolicyviolation',"
                " e => window.__blocked.push(e.blockedURI));"
            },
        )
        driver.get(f"{server}/redoc")
        heading = wait_for(
            driver, "const h = document.querySelector('h1'); return h && h.textContent", 40
        )
        assert heading.startswith("reportgen")
        assert wait_for(driver, "return document.querySelectorAll('[data-section-id]').length")
        blocked = set(driver.execute_script("return window.__blocked"))
        # ReDoc's menu names a logo on its vendor's CDN: the policy stops that request.
        elsewhere = {url for url in resources(driver) if not url.startswith(server)}
        assert elsewhere <= blocked, (elsewhere, blocked)
