"""The command line as a user meets it: output lines, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED
from tests.helpers import run_cli, seed_data


def test_build_without_facts_folder_builds_the_bundled_example(tmp_path: Path) -> None:
    result = run_cli("build", "-j", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "bundled example" in result.stderr
    pdf = tmp_path / "output" / "india-us-critical-minerals.pdf"
    docx = tmp_path / "output" / "india-us-critical-minerals.docx"
    assert pdf.read_bytes().startswith(b"%PDF") and docx.read_bytes().startswith(b"PK")
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(str(Path("output") / pdf.name)) and "pages" in line for line in lines
    )
    assert any(docx.name in line and ("KB" in line or "MB" in line) for line in lines)
    again = run_cli("build", "-j", "1", cwd=tmp_path)
    assert "1 brief(s) up to date" in again.stdout


def test_build_one_format_into_a_chosen_folder(tmp_path: Path) -> None:
    result = run_cli("build", str(SEED), "--format", "pdf", "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir() if not p.name.startswith(".")) == [
        "india-us-critical-minerals.hi.pdf",  # the seed is published in English and Hindi
        "india-us-critical-minerals.pdf",
        "manifest.json",
    ]


def test_a_one_page_fact_sheet_says_1_page(tmp_path: Path) -> None:
    result = run_cli(
        *("build", str(SEED), "--format", "pdf", "--template", "fact-sheet"),
        *("--out", str(tmp_path / "o"), "-j", "1"),
    )
    assert result.returncode == 0, result.stderr
    assert "india-us-critical-minerals.pdf  (1 page, " in result.stdout


def test_validate_valid_file_prints_a_summary(tmp_path: Path) -> None:
    result = run_cli("validate", str(SEED))
    assert result.returncode == 0, result.stderr
    assert "india-us-critical-minerals" in result.stdout


def test_validate_invalid_file_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta:\n  title: A brief\n  date: 2025-13-45\n", encoding="utf-8")
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3" in result.stderr and "meta.date" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_template_is_a_user_error(tmp_path: Path) -> None:
    result = run_cli("build", str(SEED), "--template", "nope", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "nope" in result.stderr and "Traceback" not in result.stderr


def test_missing_facts_file_is_a_user_error(tmp_path: Path) -> None:
    result = run_cli("build", str(tmp_path / "missing.yaml"), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "missing.yaml" in result.stderr and "Traceback" not in result.stderr


def test_templates_lists_the_bundled_templates() -> None:
    result = run_cli("templates")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert "policy-brief" in names and "fact-sheet" in names


def test_schema_prints_json_schema() -> None:
    result = run_cli("schema")
    schema = json.loads(result.stdout)
    assert "meta" in json.dumps(schema)


@pytest.mark.parametrize(
    "command",
    ["build", "validate", "schema", "templates", "serve", "schedule", "history", "publish", "mail"],
)
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    from reportgen import __version__

    assert result.returncode == 0 and __version__ in result.stdout


def test_invalid_facts_in_a_folder_do_not_stop_the_others(tmp_path: Path) -> None:
    import yaml

    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "good.yaml").write_text(yaml.safe_dump(seed_data(), allow_unicode=True))
    (facts / "bad.yaml").write_text("meta: [1, 2\n")
    result = run_cli("build", str(facts), "--out", str(tmp_path / "out"), "-j", "1")
    assert result.returncode == 2
    assert (tmp_path / "out" / "india-us-critical-minerals.pdf").is_file()
    assert "bad.yaml" in result.stderr and "Traceback" not in result.stderr
