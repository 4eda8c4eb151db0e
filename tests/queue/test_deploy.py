"""The Dockerfile and compose.yaml: their commands are reportgen's, the image runs unprivileged.

No container daemon or image registry is reachable where the tests run, so the image is not
built here; what can be checked without one is checked: every reportgen command they run
parses with the real command line, and the files say what docs/deploy.md says they do.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from collections.abc import Iterator

import click
import pytest
import yaml

from reportgen.cli import cli
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _restore_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Undo what parsing `--log-format json` does to this process (environment, root logger)."""
    monkeypatch.setenv("REPORTGEN_LOG_FORMAT", "text")  # remembered: removed again after
    monkeypatch.delenv("REPORTGEN_LOG_FORMAT")
    root = logging.getLogger()
    saved = [(h, h.formatter) for h in root.handlers], root.level
    yield
    for handler, fmt in saved[0]:
        handler.setFormatter(fmt)
    root.setLevel(saved[1])


def parses(argv: list[str]) -> None:
    """Parse `reportgen ARGV` with the real command line (raises on an unknown option)."""
    assert argv[0] == "reportgen", argv
    command = cli.get_command(click.Context(cli), argv[1])
    assert command is not None, f"no command {argv[1]!r}"
    command.make_context(argv[1], list(argv[2:]))


def test_compose_runs_redis_the_service_and_two_workers() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"redis", "service", "worker"}
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["service"]["ports"] == ["127.0.0.1:8000:8000"]  # loopback unless told
    for name in ("service", "worker"):
        command = services[name]["command"]
        parses(command)
        assert "--broker" in command and "redis://redis:6379/0" in command
        assert "REPORTGEN_CALLBACK_SECRET" in services[name]["environment"]


def test_dockerfile_commands_parse_and_the_user_is_not_root() -> None:
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M)
    assert cmd is not None
    parses(json.loads(cmd.group(1)))
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^FROM python:3\.\d+-slim$", DOCKERFILE, re.M)
    assert "[queue]" in DOCKERFILE and "/healthz" in DOCKERFILE


def test_the_deploy_page_commands_parse() -> None:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    commands = [
        line.split("#")[0].strip()
        for block in re.findall(r"```sh\n(.*?)```", text, re.S)
        for line in block.replace("\\\n", " ").splitlines()
    ]
    found = 0
    for line in commands:
        words = shlex.split(line)
        if "reportgen" in words and words[words.index("reportgen") + 1] in cli.commands:
            parses(words[words.index("reportgen") :])
            found += 1
    assert found >= 4


def test_an_unknown_option_would_be_caught() -> None:
    try:
        parses(["reportgen", "worker", "--broker", "redis://x", "--no-such-option"])
    except click.UsageError:
        return
    raise AssertionError("an unknown option parsed")
