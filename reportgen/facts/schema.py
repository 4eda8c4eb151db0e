"""The JSON Schema of a facts file, for editors and `reportgen schema`."""

from __future__ import annotations

from typing import Any

from reportgen.facts.models import Facts

SCHEMA_ID = "https://reportgen.example/facts.schema.json"


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) that a facts file must satisfy."""
    schema = Facts.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
