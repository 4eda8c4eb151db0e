"""The JSON Schema of facts files: kept in docs/, valid, and accepting the seed."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen.facts import json_schema, load_facts, summary_line, validate_paths

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"


def as_json_data(path: Path) -> Any:
    """Return a YAML file's data as an editor's YAML 1.2 server sees it (dates as strings)."""

    def plain(value: object) -> str:
        assert isinstance(value, datetime.date)
        return value.isoformat()

    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=plain))


def test_docs_schema_equals_generated_schema() -> None:
    written = json.loads((ROOT / "docs" / "facts.schema.json").read_text(encoding="utf-8"))
    assert written == json_schema(), "run: reportgen schema > docs/facts.schema.json"


def test_seed_points_editors_at_the_schema() -> None:
    first = SEED.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/facts.schema.json"


def test_schema_is_valid_and_accepts_the_seed() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(as_json_data(SEED))


def test_schema_catches_a_typo() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = as_json_data(SEED)
    data["meta"]["titel"] = data["meta"].pop("title")
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(data))
    assert errors


def test_schema_names_the_yaml_keys() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"meta", "key_messages", "sections"}
    assert "from" in schema["$defs"]["ExchangeRate"]["properties"]
    assert schema["$defs"]["Meta"]["additionalProperties"] is False


def test_validate_paths_and_summary(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n", encoding="utf-8")
    results = validate_paths([SEED, bad, tmp_path / "missing.yaml"])
    (seed_path, facts, warnings), (_, none, problems), (_, _, missing) = results
    assert seed_path == SEED and facts is not None and warnings == []
    assert summary_line(facts) == (
        "india-us-critical-minerals: 6 sections, 3 budget lines, 7 sources, 4 events"
    )
    assert none is None and "holds a list" in problems[0].message
    assert missing[0].message == "no such file"


def test_summary_mentions_warnings(tmp_path: Path) -> None:
    spare = "  - {id: spare, title: {en: T, hi: टी}, publisher: {en: P, hi: पी}}\n"
    text = SEED.read_text(encoding="utf-8") + spare  # unused: the one warning
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    facts = load_facts(path)
    assert summary_line(facts).endswith("8 sources, 4 events, 1 warning")


def test_docs_example_loads_and_gives_the_documented_figures() -> None:
    from reportgen.facts import parse_facts

    doc = (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
    example = doc.split("A complete small example:\n\n```yaml\n")[1].split("```")[0]
    facts = parse_facts(example, "docs-example.yaml")
    assert facts.key_messages == [
        "India has approved ₹16,300 crore for critical minerals over seven years.",
        "₹7,000 crore of it is for exploration.",
        "The money is about $1.88 billion at the stated rate.",
    ]
    assert facts.warnings == []
    row = facts.budget_table().rows[1]
    assert (row.share, row.per_year) == ("42.9%", "₹1,000 crore")
