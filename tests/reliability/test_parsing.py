"""One parser for YAML and JSON, by YAML 1.2's rules, with the same limits for both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from reportgen.errors import FactsError
from reportgen.facts import parse_facts
from reportgen.facts.yamlread import parse_text
from tests.conftest import SEED
from tests.helpers import run_cli, seed_data


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: 1:30", "1:30"),  # YAML 1.1 read 90 (base 60)
        ("a: yes", "yes"),  # YAML 1.1 read True
        ("a: off", "off"),
        ("a: 010", 10),  # YAML 1.1 read 8 (octal)
        ("a: 0o10", 8),
        ("a: 0x1F", 31),
        ("a: true", True),
        ("a: ~", None),
        ('a: "\\ud83d\\ude00"', "\U0001f600"),
        ('{"a": "\\ud83d\\ude00"}', "\U0001f600"),
    ],
)
def test_plain_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    assert parse_text(text).data == {"a": value}


@pytest.mark.parametrize("name", ["x.yaml", "x.json"])
@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"[" * 100_000, "nesting deeper than 40 levels"),
        (b'{"a": ' + b"9" * 5000 + b"}", "a number of 5,000 digits; numbers have at most 40"),
        (b'{"a": 1.' + b"5" * 100 + b"}", "a number of 101 digits"),
    ],
)
def test_yaml_and_json_share_the_limits(name: str, body: bytes, fragment: str) -> None:
    with pytest.raises(FactsError) as caught:
        parse_facts(body, name)
    assert fragment in str(caught.value)


def write(tmp_path: Path, data: dict) -> Path:
    """Write facts data as YAML; return the file."""
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_amount_written_as_base_60_is_not_ninety(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("amount: 16300", "amount: 1:30", 1)
    assert "amount: 1:30" in text
    with pytest.raises(FactsError, match="amount"):
        parse_facts(text, "facts.yaml")


def test_years_are_bounded(tmp_path: Path) -> None:
    data = seed_data()
    line = next(p for p in data["budget"]["programmes"] if p.get("period"))
    line["period"]["years"] = 1_000_000_000_000
    result = run_cli("validate", str(write(tmp_path, data)))
    assert result.returncode == 2
    assert "years must be at most 100, got 1,000,000,000,000" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/x\nfacts.yaml:1: forged",
        "https://a.example/\x01",
        "https://a.example/a b",
    ],
)
def test_control_characters_and_spaces_are_refused_in_urls(tmp_path: Path, url: str) -> None:
    data = seed_data()
    data["sources"][0]["url"] = url
    result = run_cli("validate", str(write(tmp_path, data)))
    assert result.returncode == 2
    line = next(x for x in result.stderr.splitlines() if ".url:" in x)
    assert "a URL holds no spaces, line breaks or control characters" in line
    assert "forged" not in result.stderr  # the message never carries the URL's own lines


def test_a_bidi_override_in_a_title_is_refused(tmp_path: Path) -> None:
    data = seed_data()
    data["meta"]["title"] = "Critical \u202eslarenim"
    result = run_cli("validate", str(write(tmp_path, data)))
    assert result.returncode == 2
    assert "meta.title: contains U+202E (right-to-left override)" in result.stderr


@pytest.mark.parametrize("value", ["garbage", "-5", "1e9", "99999999999999999999999"])
def test_a_malformed_source_date_epoch_is_a_clear_error(tmp_path: Path, value: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": value}
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(SEED), "--out", "out", "-q"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "SOURCE_DATE_EPOCH=" in result.stderr and "is not a Unix time" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
