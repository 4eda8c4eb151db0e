"""`python -m reportgen.service [--host H] [--port N] [--workers N] ...`: run the service.

The same as `reportgen serve`, without the CLI; tests and the load benchmark start it so.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from reportgen.service import run


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m reportgen.service", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--facts-dir", type=Path, default=None, help="folder served at /v1/briefs")
    parser.add_argument(
        "--templates",
        dest="templates_dirs",
        type=Path,
        action="append",
        default=[],
        help="extra template folder (repeatable)",
    )
    parser.add_argument("--max-body", type=int, default=None, help="largest body, in bytes")
    parser.add_argument("--render-timeout", type=float, default=None, help="seconds")
    parser.add_argument("--render-processes", type=int, default=None, help="per uvicorn worker")
    parser.add_argument("--max-queue", type=int, default=None, help="renders allowed to wait")
    parser.add_argument("--cache-bytes", type=int, default=None)
    parser.add_argument("--log-level", default=None)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the service with the options of `argv`."""
    args = vars(parse_args(argv))
    extra = {k: v for k, v in args.items() if v is not None}
    run(**extra)


if __name__ == "__main__":
    main()
