"""`python -m reportgen.service [OPTIONS]`: run the service, with the options of `reportgen serve`.

Tests and the load benchmark start the service so; both commands take their options from
reportgen.service.options, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any

import click

from reportgen.service.options import given, serve_options


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@serve_options
def main(**options: Any) -> None:
    """Run the HTTP service (FastAPI under uvicorn) until interrupted."""
    from reportgen.service import run

    run(**given(options))


if __name__ == "__main__":
    main(prog_name="python -m reportgen.service")
