"""Schemathesis against the service's own OpenAPI document: no 5xx, answers match it.

Generated requests (odd formats, template names, slugs, headers and bodies in every
declared media type) go to the app in process; each response is checked against the
schema: status code documented, content type documented, headers and JSON bodies conform.
"""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reportgen.service import create_app  # noqa: E402
from reportgen.service.settings import ServiceSettings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

app = create_app(
    ServiceSettings(
        facts_dir=ROOT / "facts",
        render_mode="thread",
        render_processes=1,
        max_queue=64,
        max_body=64 * 1024,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# Valid-looking requests and deliberately invalid ones (wrong types, missing fields).
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
