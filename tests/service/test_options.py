"""`reportgen serve` and `python -m reportgen.service` take the same options, from one table
that matches the service's settings."""

from __future__ import annotations

import subprocess
import sys

import click

from reportgen.cli import serve
from reportgen.service.__main__ import main as service_main
from reportgen.service.options import SERVE_OPTIONS
from reportgen.service.settings import ServiceSettings


def option_names(command: click.Command) -> set[str]:
    """Return the long option names of a click command, --help left out."""
    return {
        opt
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    }


def test_serve_and_the_service_module_take_the_same_options() -> None:
    assert option_names(serve) == option_names(service_main)
    assert "--render-timeout" in option_names(serve) and "--max-queue" in option_names(serve)


def test_every_setting_but_the_internal_render_mode_is_an_option() -> None:
    fields = set(ServiceSettings.model_fields) - {"render_mode"}
    assert {option.field for option in SERVE_OPTIONS} == fields


def test_the_defaults_in_the_help_are_the_settings_defaults() -> None:
    settings = ServiceSettings()
    for option in SERVE_OPTIONS:
        value = getattr(settings, option.field)
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            assert str(option.default) == str(value), option.field


def test_the_service_module_rejects_a_bad_value_as_the_cli_does() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen.service", "--render-timeout", "-1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "--render-timeout" in result.stderr
