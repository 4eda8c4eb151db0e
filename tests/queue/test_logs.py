"""`--log-format json`: one JSON object per line, with the request id or the job id."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import SEED
from tests.service.serverproc import start_server, stop

pytestmark = pytest.mark.slow


def json_lines(text: str) -> list[dict]:
    """Return the lines of `text` that are JSON objects, parsed."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


def test_service_logs_json_with_the_request_id(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "reportgen",
        "serve",
        "--facts-dir",
        str(tmp_path),
        "--log-format",
        "json",
        "--render-processes",
        "1",
    ]
    base, process = start_server(command, tmp_path)
    try:
        response = httpx.post(
            f"{base}/v1/validate",
            content=SEED.read_bytes(),
            headers={"Content-Type": "application/yaml", "X-Request-ID": "req-42.a"},
            timeout=60,
        )
        assert response.headers["x-request-id"] == "req-42.a"
        odd = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "bad id;x"})
        generated = odd.headers["x-request-id"]
        assert generated != "bad id;x" and len(generated) == 32
    finally:
        output = stop(process)
    lines = json_lines(output)
    assert lines and all({"time", "level", "logger", "message"} <= set(x) for x in lines)
    access = [x for x in lines if x.get("request_id") == "req-42.a"]
    assert access and access[0]["message"].startswith("POST /v1/validate 200")
    assert any(x.get("request_id") == generated for x in lines)
