"""Slow clients: a request must arrive whole within the read timeout; connections are bounded.

Uvicorn alone keeps a connection that trickles its headers or body open for ever (its
keep-alive timer is reset by every byte). These tests run uvicorn in a thread with the
service's protocol and a tiny application, so they measure the protocol, not rendering.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

import reportgen.service
from reportgen.service import protocol
from reportgen.service.protocol import PROTOCOL
from tests.service.serverproc import free_port

READ_TIMEOUT = 1.0
APP_SECONDS = 2.5  # longer than the read timeout: answering must not be cut short


async def slow_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Read the body, think for APP_SECONDS on /slow, answer with the body's length."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/slow":
        await asyncio.sleep(APP_SECONDS)
    answer = str(len(body)).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(answer)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, uvicorn.Server]]:
    """Run uvicorn with the service's protocol in a thread; yield (port, server)."""
    monkeypatch.setenv("REPORTGEN_READ_TIMEOUT", str(READ_TIMEOUT))
    protocol.read_timeout.cache_clear()
    port = free_port()
    config = uvicorn.Config(
        slow_app,
        host="127.0.0.1",
        port=port,
        http=PROTOCOL,
        limit_concurrency=8,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield port, server
    finally:
        server.should_exit = True
        thread.join(10)
        protocol.read_timeout.cache_clear()


def connect(port: int) -> socket.socket:
    """Return a connected socket with a generous receive timeout."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    return sock


def closed_after(sock: socket.socket) -> float:
    """Return the seconds until the server closes `sock` (reading whatever it sends)."""
    started = time.monotonic()
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def test_headers_trickled_in_are_cut_off_at_the_read_timeout(server: tuple[int, Any]) -> None:
    port, _ = server
    with connect(port) as sock:
        started = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        for _ in range(3):  # each byte would have reset uvicorn's keep-alive timer
            time.sleep(0.3)
            sock.sendall(b"X")
        closed_after(sock)
        elapsed = time.monotonic() - started
    assert READ_TIMEOUT * 0.9 <= elapsed < READ_TIMEOUT + 5


def test_a_body_trickled_in_is_cut_off_too(server: tuple[int, Any]) -> None:
    port, _ = server
    with connect(port) as sock:
        started = time.monotonic()
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        closed_after(sock)
        elapsed = time.monotonic() - started
    assert READ_TIMEOUT * 0.9 <= elapsed < READ_TIMEOUT + 5


def test_a_whole_request_is_answered_however_long_it_takes(server: tuple[int, Any]) -> None:
    port, _ = server
    with connect(port) as sock:
        for _ in range(2):  # the second request on the kept-alive connection is timed anew
            sock.sendall(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            reply = b""
            while not reply.endswith(b"\r\n\r\n3"):
                chunk = sock.recv(4096)
                assert chunk, "the server closed a connection whose request had arrived"
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 200")


def test_a_slow_second_request_on_a_kept_alive_connection_is_cut_off(
    server: tuple[int, Any],
) -> None:
    port, _ = server
    with connect(port) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\n")
        for _ in range(3):
            time.sleep(0.3)
            sock.sendall(b"X")
        closed_after(sock)
        elapsed = time.monotonic() - started
    assert elapsed < READ_TIMEOUT + 5


def test_many_slow_connections_leave_the_server_answering(server: tuple[int, Any]) -> None:
    port, _ = server
    slow = [connect(port) for _ in range(6)]
    try:
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\n")
        with connect(port) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(READ_TIMEOUT + 1)
        # Past the read timeout every slow connection has been closed by the server.
        for sock in slow:
            sock.settimeout(5)
            assert closed_after(sock) < 5
    finally:
        for sock in slow:
            sock.close()


def test_serve_passes_the_limits_to_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(reportgen.service, "check_port_free", lambda host, port: None)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # run() exports its settings
    reportgen.service.run(port=1, read_timeout=7.5, max_connections=40, keep_alive=3)
    assert seen["http"] == PROTOCOL
    assert seen["limit_concurrency"] == 40 and seen["timeout_keep_alive"] == 3
    assert os.environ["REPORTGEN_READ_TIMEOUT"] == "7.5"  # read by the protocol in each worker


def test_the_service_cut_off_mid_body_logs_no_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from reportgen.service import create_app
    from reportgen.service.settings import ServiceSettings

    monkeypatch.setenv("REPORTGEN_READ_TIMEOUT", str(READ_TIMEOUT))
    protocol.read_timeout.cache_clear()
    app = create_app(ServiceSettings(facts_dir=tmp_path, render_mode="thread"))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, http=PROTOCOL, log_level="info")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with connect(port) as sock:
            sock.sendall(
                b"POST /v1/briefs HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\n"
                b"Content-Length: 1000\r\n\r\nmeta:\n"
            )
            assert closed_after(sock) < READ_TIMEOUT + 5
        time.sleep(0.5)  # the application sees the disconnect
    finally:
        server.should_exit = True
        thread.join(20)
        protocol.read_timeout.cache_clear()
    messages = [r.getMessage() for r in caplog.records]
    assert any("no whole request within" in m for m in messages), messages
    assert not [r for r in caplog.records if r.levelname == "ERROR"], messages
