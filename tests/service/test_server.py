"""A real server: `python -m reportgen.service` (and `reportgen serve`) on a loopback port.

These speak HTTP over sockets to the uvicorn process, with real renders in its worker pool.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import io
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.serverproc import start_server, stop

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"
SLUG = "india-us-critical-minerals"
YAML = {"Content-Type": "application/yaml"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return the base URL of a running service serving a folder with the seed."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(SEED, folder / SEED.name)
    module = [sys.executable, "-m", "reportgen.service", "--facts-dir", str(folder)]
    base, process = start_server(module, folder)
    yield base
    stop(process)


def raw_request(base: str, data: bytes) -> bytes:
    """Return the first response bytes the server sends back to a raw HTTP request."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        # The server may answer and close before taking everything.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        return sock.recv(65536)


def test_post_seed_returns_a_real_pdf(server: str) -> None:
    from pypdf import PdfReader

    response = httpx.post(
        f"{server}/v1/briefs?format=pdf", content=SEED.read_bytes(), headers=YAML, timeout=60
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{SLUG}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Critical Minerals" in text
    assert int(response.headers["x-reportgen-pages"]) >= 1


def test_repeated_post_is_a_cache_hit_with_the_same_etag(server: str) -> None:
    body = SEED.read_bytes() + b"\n# cache test\n"
    first = httpx.post(f"{server}/v1/briefs", content=body, headers=YAML, timeout=60)
    second = httpx.post(f"{server}/v1/briefs", content=body, headers=YAML, timeout=60)
    assert first.status_code == second.status_code == 200
    assert first.headers["x-reportgen-cache"] == "miss"
    assert second.headers["x-reportgen-cache"] == "hit"
    assert second.headers["etag"] == first.headers["etag"]
    assert second.content == first.content


def test_served_docx_opens_in_python_docx(server: str) -> None:
    import docx

    listing = httpx.get(f"{server}/v1/briefs", timeout=30).json()
    link = listing["briefs"][0]["links"]["docx"]
    response = httpx.get(f"{server}{link}", timeout=60)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert any("Critical Minerals" in p.text for p in document.paragraphs)
    again = httpx.get(f"{server}{link}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/v1/briefs/..",
        "/v1/briefs/../../etc/passwd",
        "/v1/briefs/%2e%2e%2f",
        "/v1/briefs/%2e%2e%2f.pdf",
        "/v1/briefs/a/b.pdf",
        f"/v1/briefs/..%2f{SLUG}.pdf",
    ],
)
def test_traversal_paths_are_404(server: str, path: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    connection.request("GET", path)  # http.client sends the path exactly as written
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 404
    assert b"root:" not in body


def test_declared_oversize_body_is_refused_before_it_is_sent(server: str) -> None:
    head = (
        "POST /v1/briefs HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\n"
        f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
    ).encode()
    answer = raw_request(server, head + b"meta:\n")
    assert answer.startswith(b"HTTP/1.1 413")


def test_chunked_oversize_body_is_refused_while_streaming(server: str) -> None:
    head = (
        b"POST /v1/briefs HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"#" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20))  # 1.25 MiB
    answer = raw_request(server, head + body + b"0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413")


def test_concurrent_fresh_renders_all_succeed(server: str) -> None:
    seed = SEED.read_bytes()

    def one(i: int) -> int:
        body = seed + f"\n# client {i}\n".encode()
        return httpx.post(
            f"{server}/v1/briefs", content=body, headers=YAML, timeout=120
        ).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(one, range(8)))
    assert statuses == [200] * 8
    assert httpx.get(f"{server}/healthz").json()["status"] == "ok"


def test_invalid_facts_422_and_server_stays_up(server: str) -> None:
    response = httpx.post(f"{server}/v1/briefs", content=b"meta: [1, 2\n", headers=YAML)
    assert response.status_code == 422
    assert response.json()["problems"]
    assert httpx.get(f"{server}/healthz").status_code == 200


def _with_annex(lines: int) -> bytes:
    """Return the seed facts with `lines` more budget lines: seconds of rendering."""
    rows = "".join(
        f"    - {{id: annex-{i}, name: Annex line {i}, owner: India, amount: {100 + i},"
        " currency: INR, scale: crore, source: pib-ncmm}\n"
        for i in range(lines)
    )
    text = SEED.read_text(encoding="utf-8")
    return text.replace("\nexchange_rates:", rows + "\nexchange_rates:", 1).encode()


def test_deadline_stops_a_render_in_its_worker(tmp_path: Path) -> None:
    module = [
        sys.executable,
        "-m",
        "reportgen.service",
        "--facts-dir",
        str(tmp_path),
        "--render-timeout",
        "0.05",
        "--render-processes",
        "1",
    ]
    base, process = start_server(module, tmp_path)
    try:
        for i in range(2):
            # A brief with a long budget annex: seconds of work, far past the 50 ms deadline
            # (the seed alone now renders in a warm worker in about that time).
            body = _with_annex(600) + f"\n# {i}\n".encode()
            response = httpx.post(f"{base}/v1/briefs", content=body, headers=YAML, timeout=30)
            assert response.status_code == 503
            assert response.json()["error"] == "render_timeout"
            # reportlab's own words (handle_pageBegin args=()) never reach the client
            message = response.json()["message"]
            assert message == "the render took longer than its time limit of 0.05 s", message
        health = httpx.get(f"{base}/healthz").json()
        assert health["renderer"]["running"] == 0
    finally:
        stop(process)


def test_reportgen_serve_command(tmp_path: Path) -> None:
    exe = shutil.which("reportgen")
    if exe is None:
        pytest.skip("the reportgen command is not installed")
    shutil.copy(SEED, tmp_path / SEED.name)
    base, process = start_server([exe, "serve", "--facts-dir", str(tmp_path)], tmp_path)
    try:
        listing = httpx.get(f"{base}/v1/briefs", timeout=30).json()
        assert [b["slug"] for b in listing["briefs"]] == [SLUG]
    finally:
        stop(process)


def test_render_workers_end_with_the_server(tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    module = [sys.executable, "-m", "reportgen.service", "--facts-dir", str(tmp_path)]
    base, process = start_server(module, tmp_path)
    response = httpx.post(f"{base}/v1/briefs", content=SEED.read_bytes(), headers=YAML, timeout=60)
    assert response.status_code == 200
    children = psutil.Process(process.pid).children(recursive=True)
    assert children
    output = stop(process)
    _gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []
    assert "Application shutdown complete" in output
    assert "shutdown failed" not in output
