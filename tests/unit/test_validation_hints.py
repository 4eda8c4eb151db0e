"""Validation catches what it can, once, and says what was probably meant."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reportgen.errors import FactsError, Problem
from reportgen.facts import parse_facts
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def problems_of(text: str) -> list[Problem]:
    """Return the problems of a facts text (fail if it is valid)."""
    with pytest.raises(FactsError) as caught:
        parse_facts(text, "x.yaml")
    return [p for p in caught.value.problems if p.severity == "error"]


def variant(old: str, new: str) -> str:
    """Return the seed with the first `old` replaced by `new`."""
    assert old in SEED_TEXT
    return SEED_TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "path_end", "hint"),
    [
        ("source: pib-ncmm", "source: pib-ncm", "source", "did you mean 'pib-ncmm'?"),
        ("parent: ncmm", "parent: nmcm", "parent", "did you mean 'ncmm'?"),
        ("currency: INR", "currency: IRN", "currency", "did you mean 'INR'"),
        ("currency: INR", "currency: inr", "currency", "did you mean 'INR'?"),
        ("language: en-IN", "language: hn-IN", "language", "'hi-IN'"),
    ],
)
def test_a_typo_gets_a_did_you_mean(old: str, new: str, path_end: str, hint: str) -> None:
    (problem,) = problems_of(variant(old, new))
    assert problem.path.endswith(path_end) and hint in problem.message, problem


def test_a_misspelt_required_field_is_one_problem_not_two() -> None:
    problems = problems_of(variant("\n  title:\n    en: India-US", "\n  titel:\n    en: India-US"))
    assert len(problems) == 1, problems
    assert problems[0].path == "meta.titel"
    assert "did you mean 'title'?" in problems[0].message and "missing" in problems[0].message


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ("meta:", "mata:", "did you mean 'meta'? ('meta' is required and missing)"),
        ("key_messages:", "key_mesages:", "('key_messages' is required and missing)"),
        ("sections:", "sectons:", "did you mean 'sections'? ('sections' is required"),
        ("\nsources:", "\nsorces:", "did you mean 'sources'?"),  # not 23 unknown sources
        ("\ntimeline:", "\ntimelines:", "did you mean 'timeline'?"),
        ("  programmes:", "  programes:", "did you mean 'programmes'?"),  # no unknown {ids}
    ],
)
def test_a_misspelt_block_is_one_problem_at_its_line(old: str, new: str, hint: str) -> None:
    problems = problems_of(variant(old, new))
    assert len(problems) == 1, problems
    (problem,) = problems
    assert hint in problem.message
    key = new.strip().rstrip(":")
    assert problem.line == SEED_TEXT.splitlines().index(old.strip("\n")) + 1
    assert problem.path.endswith(key)


def test_a_misspelt_block_still_has_its_own_problems_found() -> None:
    text = variant("meta:", "mata:").replace("date: 2025-02-28", "date: 2025-13-45", 1)
    found = sorted((p.path, p.line) for p in problems_of(text))
    lines = text.splitlines()
    mata, date = lines.index("mata:") + 1, lines.index("  date: 2025-13-45") + 1
    assert found == [("mata", mata), ("meta.date", date)]  # the date's own line, under 'mata:'


def test_a_misspelt_optional_field_still_says_unknown_field() -> None:
    (problem,) = problems_of(variant("  subtitle:", "  subtitel:"))
    assert "unknown field 'subtitel'; did you mean 'subtitle'?" in problem.message


@pytest.mark.parametrize("block", ["meta", "key_messages", "sections"])
def test_a_missing_top_level_block_points_at_the_first_line(block: str) -> None:
    data = yaml.safe_load(SEED_TEXT)
    del data[block]
    text = "# facts\n\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    missing = [p for p in problems_of(text) if p.path == block]
    assert [p.line for p in missing] == [1]


def run_validate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `reportgen validate ARGS`."""
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_template_is_caught_by_validate(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(variant("template: policy-brief", "template: policy-brif"))
    result = run_validate("x.yaml", cwd=tmp_path)
    assert result.returncode == 2
    line = SEED_TEXT.splitlines().index("  template: policy-brief") + 1
    assert f"x.yaml:{line}: meta.template: unknown template 'policy-brif'" in result.stderr
    assert "did you mean 'policy-brief'?" in result.stderr


def test_a_template_of_ones_own_is_found_with_templates(tmp_path: Path) -> None:
    from reportgen.paths import BUNDLED_TEMPLATES

    mine = tmp_path / "mine" / "my-brief"
    mine.mkdir(parents=True)
    for item in (BUNDLED_TEMPLATES / "policy-brief").iterdir():
        (mine / item.name).write_bytes(item.read_bytes())
    (tmp_path / "x.yaml").write_text(variant("template: policy-brief", "template: my-brief"))
    assert run_validate("x.yaml", cwd=tmp_path).returncode == 2
    assert run_validate("x.yaml", "--templates", "mine", cwd=tmp_path).returncode == 0


def test_validate_json_lists_each_files_problems_like_the_service(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(SEED_TEXT)
    (tmp_path / "bad.yaml").write_text(variant("source: pib-ncmm", "source: pib-ncm"))
    result = run_validate("--format", "json", "good.yaml", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == ""
    report = json.loads(result.stdout)
    good, bad = report["files"]
    assert report["valid"] is False
    assert good["valid"] is True and good["slug"] == "india-us-critical-minerals"
    assert good["problems"] == []
    assert bad["valid"] is False and len(bad["problems"]) == 1
    assert set(bad["problems"][0]) == {"file", "line", "path", "message", "severity"}
    assert bad["problems"][0]["path"] == "budget.programmes[1].source"


def test_the_service_refuses_an_unknown_template_at_validation(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from reportgen.service import create_app
    from reportgen.service.settings import ServiceSettings

    app = create_app(ServiceSettings(render_mode="thread", facts_dir=tmp_path))
    body = variant("template: policy-brief", "template: policy-brif").encode()
    with TestClient(app) as client:
        response = client.post(
            "/v1/validate", content=body, headers={"Content-Type": "application/yaml"}
        )
        good = client.post(
            "/v1/validate", content=SEED_TEXT.encode(), headers={"Content-Type": "application/yaml"}
        )
    assert response.status_code == 422 and good.status_code == 200
    (problem,) = response.json()["problems"]
    assert (
        problem["path"] == "meta.template" and "did you mean 'policy-brief'" in problem["message"]
    )
