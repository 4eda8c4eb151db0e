"""Job callbacks: a signed POST to the client's URL when a job ends, retried with backoff.

The body is the job's status document (JSON). The request carries

    X-Reportgen-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>
    X-Reportgen-Job: <job id>

so a receiver recomputes the HMAC over the timestamp, a dot and the raw body with the shared
secret (`REPORTGEN_CALLBACK_SECRET`), compares in constant time, and refuses timestamps
older than a few minutes (replays). Only http and https URLs are called, and never an
address on loopback, a private, link-local, shared or reserved range unless
`REPORTGEN_CALLBACK_ALLOW_PRIVATE=1` (server-side request forgery); the address is checked
when the job is submitted and again right before each delivery (DNS may have changed).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from reportgen.errors import UserError

SIGNATURE_HEADER = "X-Reportgen-Signature"
JOB_HEADER = "X-Reportgen-Job"


class CallbackRefused(UserError):
    """A callback URL that reportgen will not call (HTTP 422)."""


class CallbackFailed(Exception):
    """The receiver did not answer 2xx (or could not be reached); the delivery is retried."""


@dataclass(frozen=True)
class CallbackSettings:
    """Callback delivery settings, from `REPORTGEN_CALLBACK_*` variables."""

    secret: str = ""
    allow_private: bool = False
    attempts: int = 6
    backoff_seconds: float = 1.0
    timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls) -> CallbackSettings:
        """Return the settings read from the environment (defaults where unset)."""
        env = os.environ
        return cls(
            secret=env.get("REPORTGEN_CALLBACK_SECRET", ""),
            allow_private=env.get("REPORTGEN_CALLBACK_ALLOW_PRIVATE", "").lower()
            in ("1", "true", "yes"),
            attempts=int(env.get("REPORTGEN_CALLBACK_ATTEMPTS", "6")),
            backoff_seconds=float(env.get("REPORTGEN_CALLBACK_BACKOFF_SECONDS", "1")),
        )


def _forbidden(address: str) -> bool:
    """Return True when `address` is not a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_callback_url(url: str, allow_private: bool = False) -> str:
    """Return `url` when reportgen may POST to it; raise CallbackRefused saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise CallbackRefused(f"callback_url is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise CallbackRefused("callback_url must be an http or https URL")
    if not parts.hostname:
        raise CallbackRefused("callback_url has no host")
    if parts.username or parts.password:
        raise CallbackRefused("callback_url must not carry a user name or password")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise CallbackRefused(f"callback_url host {parts.hostname!r} does not resolve") from None
    if not allow_private:
        for info in infos:
            if _forbidden(str(info[4][0])):
                raise CallbackRefused(
                    f"callback_url host {parts.hostname!r} is a loopback, private or reserved "
                    "address; the service's settings do not allow calling those"
                )
    return url


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, max_age: float = 300.0) -> bool:
    """Return True when `header` is a valid, fresh signature of `body` (for receivers)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if abs(time.time() - timestamp) > max_age:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def deliver_once(url: str, body: bytes, settings: CallbackSettings, job_id: str = "") -> int:
    """POST `body` to `url` once, signed; return the status, raise CallbackFailed unless 2xx."""
    import httpx

    check_callback_url(url, settings.allow_private)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(settings.secret, int(time.time()), body),
        "User-Agent": "reportgen-callback",
    }
    if job_id:
        headers[JOB_HEADER] = job_id
    try:
        response = httpx.post(
            url,
            content=body,
            headers=headers,
            timeout=settings.timeout_seconds,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise CallbackFailed(f"callback to {url} failed: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise CallbackFailed(f"callback to {url} answered {response.status_code}")
    return response.status_code


def deliver(url: str, body: bytes, settings: CallbackSettings, job_id: str = "") -> bool:
    """POST with retries: waits backoff, 2x, 4x ... between attempts; return True when taken."""
    import logging

    log = logging.getLogger("reportgen.jobs")
    for attempt in range(settings.attempts):
        try:
            deliver_once(url, body, settings, job_id)
            return True
        except (CallbackFailed, CallbackRefused) as exc:
            log.warning(
                "job %s: %s (attempt %d of %d)", job_id, exc, attempt + 1, settings.attempts
            )
            if isinstance(exc, CallbackRefused):
                return False
        time.sleep(settings.backoff_seconds * 2**attempt)
    return False
