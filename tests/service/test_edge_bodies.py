"""Edge bodies from an attack run: each is a 4xx with a message, never a 500 or a dropped line."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SEED

JSON = {"Content-Type": "application/json"}
YAML = {"Content-Type": "application/yaml"}
SEED_DATA = SEED.read_text(encoding="utf-8")

EDGE_BODIES = [
    ("json", b"[" * 100_000, "a JSON facts body is an object"),
    ("json", b'{"a": ' * 100_000, "nesting deeper than 40 levels"),
    ("json", b'{"meta": ' + b"9" * 5000 + b"}", "a number of 5,000 digits"),
    ("yaml", b"[" * 100_000, "nesting deeper than 40 levels"),
    ("yaml", b"meta: " + b"9" * 5000, "a number of 5,000 digits"),
    ("yaml", b"amount: " + b":".join([b"59"] * 3000), "unknown top-level key 'amount'"),
    ("json", b'{"meta": {"title": "x\\ud83d"}}', "lone surrogate"),
    ("yaml", b"meta: {title: x\x00y}", "NUL bytes"),
]


@pytest.mark.parametrize(("kind", "body", "fragment"), EDGE_BODIES)
@pytest.mark.parametrize("endpoint", ["/v1/briefs", "/v1/validate"])
def test_edge_bodies_are_client_errors_with_a_message(
    client: TestClient, endpoint: str, kind: str, body: bytes, fragment: str
) -> None:
    response = client.post(endpoint, content=body, headers=JSON if kind == "json" else YAML)
    assert 400 <= response.status_code < 500, response.text[:500]
    assert fragment in response.text, response.text[:500]


def test_a_json_surrogate_pair_is_the_character_it_encodes(client: TestClient) -> None:
    import yaml

    data = yaml.safe_load(SEED_DATA)
    data["meta"]["title"] = "Critical minerals \U0001f600"
    body = json.dumps(data, default=str).encode()  # json.dumps writes "\ud83d\ude00"
    assert b"\\ud83d\\ude00" in body
    response = client.post("/v1/validate", content=body, headers=JSON)
    # Read as the one character it encodes (no font of the brief draws it), not as two
    # lone surrogates.
    assert response.status_code == 422
    assert "U+1F600 GRINNING FACE" in response.text
    assert "surrogate" not in response.text
