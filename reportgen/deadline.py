"""A time limit on a render: RenderTimeout raised inside it once the time is up.

The CLI's `build --timeout` and the service's per-request deadline both use it. It arms
SIGALRM, so it works in a process's main thread on POSIX (a build's worker processes, the
service's render processes, a one-brief build); elsewhere the caller's own wait is the only
limit.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

from reportgen.errors import RenderTimeout


def timeout_message(seconds: float) -> str:
    """Return the one message a render past its time limit gives."""
    return f"the render took longer than its time limit of {seconds:g} s"


@contextlib.contextmanager
def render_deadline(seconds: float | None) -> Iterator[bool]:
    """Raise RenderTimeout inside the block once it has run `seconds`; yield whether armed.

    The error's message is always `timeout_message(seconds)`: reportlab re-raises errors from
    its page handlers with its own words added (`handle_pageBegin args=()`), which must not
    reach a user. Once the alarm has fired, whatever error leaves the block is the timeout:
    the alarm can interrupt library code where its own clean-up then fails with another
    error (reportlab's drawGroup sets `node._parent` and deletes it in a `finally`; stopped
    before the attribute is set, the `del` raises AttributeError instead).
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield False
        return
    assert seconds is not None

    fired = False

    def on_alarm(signum: int, frame: Any) -> None:
        nonlocal fired
        fired = True
        raise RenderTimeout(timeout_message(seconds))

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    except Exception as exc:
        if fired or isinstance(exc, RenderTimeout):
            raise RenderTimeout(timeout_message(seconds)) from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
