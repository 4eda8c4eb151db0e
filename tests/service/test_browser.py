"""The upload page in a real browser: headless Chromium driven by Selenium.

Skips when Chromium, chromedriver or Selenium are absent (CI installs the Debian packages
chromium and chromium-driver).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.serverproc import start_server, stop

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
BAD_FACTS = "meta:\n  title: Bad brief\n  slug: Not A Slug\n  date: 2025-13-45\nsections: 7\n"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return the base URL of a running service."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(SEED, folder / SEED.name)
    base, process = start_server(
        [sys.executable, "-m", "reportgen.service", "--facts-dir", str(folder)], folder
    )
    yield base
    stop(process)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """Return (a headless Chromium WebDriver, its download folder)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("chromium and chromedriver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1200,1600",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager go online
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver, downloads
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for_download(folder: Path, suffix: str, seconds: float = 60) -> Path:
    """Return the finished download ending in `suffix`; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    pytest.fail(f"no {suffix} download in {seconds} s: {list(folder.iterdir())}")


def test_every_control_has_a_label(server: str, browser: tuple[Any, Path]) -> None:
    from selenium.webdriver.common.by import By

    driver, _ = browser
    driver.get(f"{server}/")
    controls = driver.find_elements(By.CSS_SELECTOR, "input, select, textarea")
    assert controls
    for control in controls:
        control_id = control.get_attribute("id")
        assert driver.find_elements(By.CSS_SELECTOR, f"label[for='{control_id}']"), control_id
    assert driver.find_elements(By.TAG_NAME, "fieldset")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"


def test_upload_seed_and_download_the_pdf(server: str, browser: tuple[Any, Path]) -> None:
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    driver, downloads = browser
    driver.get(f"{server}/")
    driver.find_element(By.ID, "facts").send_keys(str(SEED))
    driver.find_element(By.ID, "format-pdf").click()
    driver.find_element(By.ID, "build").click()
    pdf = wait_for_download(downloads, ".pdf")
    assert pdf.name == "india-us-critical-minerals.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Critical Minerals" in text


def test_pick_a_served_brief_as_docx(server: str, browser: tuple[Any, Path]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver, downloads = browser
    driver.get(f"{server}/")
    Select(driver.find_element(By.ID, "served")).select_by_value("india-us-critical-minerals")
    driver.find_element(By.ID, "format-docx").click()
    driver.find_element(By.ID, "build").click()
    docx_file = wait_for_download(downloads, ".docx")
    assert docx_file.read_bytes()[:2] == b"PK"


def test_bad_facts_show_errors_next_to_line_numbers(
    server: str, browser: tuple[Any, Path], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver, downloads = browser
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_FACTS, encoding="utf-8")
    driver.get(f"{server}/")
    driver.find_element(By.ID, "facts").send_keys(str(bad))
    driver.find_element(By.ID, "build").click()
    # The answer is a new page: wait for it rather than read the old one.
    WebDriverWait(driver, 30).until(lambda d: d.title.startswith("Error:"))
    errors = driver.find_element(By.ID, "errors")
    assert errors.get_attribute("role") == "alert"
    items = errors.find_elements(By.CSS_SELECTOR, ".problems li")
    assert items
    assert any("Line " in item.text for item in items)
    flagged = errors.find_elements(By.CSS_SELECTOR, ".snippet .error-line")
    assert flagged
    assert any("Not A Slug" in line.text or "2025-13-45" in line.text for line in flagged)
    driver.save_screenshot(str(tmp_path / "errors.png"))
    assert list(downloads.iterdir()) == []
