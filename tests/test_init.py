"""`reportgen init`: a new project that validates, builds, schedules and publishes as it is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from reportgen.facts import json_schema
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("init")
    result = run_cli("init", "briefs", cwd=where)
    assert result.returncode == 0, result.stderr
    assert "reportgen preview facts/my-first-brief.yaml" in result.stdout
    return where / "briefs"


def test_init_writes_the_project_files(project: Path) -> None:
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "facts.schema.json",
        "facts/my-first-brief.yaml",
        "schedule.yaml",
        "templates/my-brief/brief.md.j2",
        "templates/my-brief/template.yaml",
        "templates/my-brief/theme.yaml",
    ]
    assert "output/" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_facts_file_points_at_its_schema_and_satisfies_it(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    facts_file = project / "facts" / "my-first-brief.yaml"
    text = facts_file.read_text(encoding="utf-8")
    (target,) = re.findall(r"^# yaml-language-server: \$schema=(\S+)$", text, re.M)
    schema_file = (facts_file.parent / target).resolve()
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema == json_schema()
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    jsonschema.validate(data, schema)
    assert text.count("\n#") >= 10  # it is commented for a first reader


def test_the_facts_validate_and_build_as_written(project: Path) -> None:
    check = run_cli("validate", "facts/my-first-brief.yaml", cwd=project)
    assert check.returncode == 0, check.stderr
    assert "warning" not in check.stderr
    built = run_cli("build", "-j", "1", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "warning" not in built.stderr  # a first build is within its template's page budget
    pdf = project / "output" / "clean-water-for-small-towns.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_template_copy_is_found_with_templates(project: Path) -> None:
    result = run_cli(
        "build",
        "--templates",
        "templates",
        "--template",
        "my-brief",
        "--out",
        "mine",
        "-j",
        "1",
        cwd=project,
    )
    assert result.returncode == 0, result.stderr
    listed = run_cli("templates", "--templates", "templates", cwd=project).stdout
    assert re.search(r"^my-brief\s+user\b", listed, re.M)


def test_the_schedule_runs_its_job_now(project: Path) -> None:
    result = run_cli("schedule", "schedule.yaml", "--run-now", "briefs", cwd=project)
    assert result.returncode == 0, result.stderr + result.stdout
    assert (project / "dist" / "index.html").is_file()
    assert (project / "dist" / "clean-water-for-small-towns.pdf").is_file()


def test_init_refuses_a_folder_that_has_its_files_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n", encoding="utf-8")
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 2 and "README.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "mine\n"


def test_the_template_copy_named_without_templates_says_how_to_give_it(project: Path) -> None:
    facts = project / "facts" / "my-first-brief.yaml"
    text = facts.read_text(encoding="utf-8")
    mine = project / "mine.yaml"
    mine.write_text(text.replace("template: policy-brief", "template: my-brief", 1), "utf-8")
    try:
        result = run_cli("validate", "mine.yaml", cwd=project)
    finally:
        mine.unlink()
    assert result.returncode == 2
    assert "unknown template 'my-brief': it is in templates/" in result.stderr
    assert "add --templates templates" in result.stderr and "did you mean" not in result.stderr
