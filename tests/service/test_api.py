"""The HTTP API in process (TestClient): statuses, headers, cache, limits, errors.

Renders go through a stand-in build (tests/service/conftest.py: FakeBuild) running in
threads, so these tests check the service's own behaviour quickly; test_server.py renders
real briefs in a real server.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from reportgen.facts import validate_paths
from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings
from tests.service.conftest import FakeBuild

YAML = {"Content-Type": "application/yaml"}
SLUG = "india-us-critical-minerals"
BAD_FACTS = b"meta:\n  title: A brief\n  slug: Not A Slug\n  date: 2025-13-45\nsections: 7\n"


def post(client: TestClient, body: bytes, query: str = "", **headers: str) -> httpx.Response:
    """Return the response to POST /v1/briefs with a YAML body."""
    return client.post(f"/v1/briefs{query}", content=body, headers={**YAML, **headers})


# ---------------------------------------------------------------- the service answers


def test_healthz_reports_pool_and_cache(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["renderer"]["processes"] == 2
    assert body["cache"]["entries"] == 0


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/v1/briefs", "/v1/validate", "/v1/templates", "/healthz"} <= set(schema["paths"])
    assert "application/yaml" in schema["paths"]["/v1/briefs"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


def test_templates_lists_the_bundled_ones(client: TestClient) -> None:
    names = [t["name"] for t in client.get("/v1/templates").json()["templates"]]
    assert "policy-brief" in names
    assert "fact-sheet" in names


# ---------------------------------------------------------------- POST /v1/briefs


def test_post_yaml_returns_pdf_named_after_slug(client: TestClient, seed_bytes: bytes) -> None:
    response = post(client, seed_bytes, "?format=pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="{SLUG}.pdf"'
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('.pdf"')
    assert response.content.startswith(b"%PDF")


def test_post_docx_has_word_media_type(client: TestClient, seed_bytes: bytes) -> None:
    response = post(client, seed_bytes, "?format=docx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["content-disposition"].endswith(f'filename="{SLUG}.docx"')


def test_identical_requests_render_once(
    client: TestClient, fake_build: FakeBuild, seed_bytes: bytes
) -> None:
    first = post(client, seed_bytes)
    second = post(client, seed_bytes)
    assert first.headers["x-reportgen-cache"] == "miss"
    assert second.headers["x-reportgen-cache"] == "hit"
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert fake_build.calls == 1


def test_changed_facts_or_template_render_again(
    client: TestClient, fake_build: FakeBuild, seed_bytes: bytes
) -> None:
    first = post(client, seed_bytes)
    edited = post(client, seed_bytes + b"\n# an edit\n")
    other = post(client, seed_bytes, "?template=fact-sheet")
    assert len({first.headers["etag"], edited.headers["etag"], other.headers["etag"]}) == 3
    assert fake_build.calls == 3


def test_if_none_match_gives_304_without_rendering(
    client: TestClient, fake_build: FakeBuild, seed_bytes: bytes
) -> None:
    etag = post(client, seed_bytes).headers["etag"]
    response = post(client, seed_bytes, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["etag"] == etag
    assert response.content == b""
    assert fake_build.calls == 1


def test_if_none_match_on_a_cold_cache_gives_304_before_any_render(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings], seed_bytes: bytes
) -> None:
    with TestClient(create_app(make_settings())) as first:
        etag = post(first, seed_bytes, "?template=policy-brief").headers["etag"]
    calls = fake_build.calls
    with TestClient(create_app(make_settings())) as replica:
        response = post(replica, seed_bytes, "?template=policy-brief", **{"If-None-Match": etag})
    assert response.status_code == 304
    assert fake_build.calls == calls


def test_post_json_body(client: TestClient, seed_bytes: bytes) -> None:
    data = yaml.safe_load(seed_bytes)
    body = json.dumps(data, default=str).encode()
    response = client.post("/v1/briefs", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith(f'filename="{SLUG}.pdf"')


def test_post_multipart_upload(client: TestClient, seed_bytes: bytes) -> None:
    files = {"facts": ("brief.yaml", seed_bytes, "application/yaml")}
    response = client.post("/v1/briefs?format=docx", files=files)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith(f'filename="{SLUG}.docx"')


def test_multipart_without_facts_field_is_400(client: TestClient) -> None:
    response = client.post("/v1/briefs", files={"other": ("x.yaml", b"a: 1")})
    assert response.status_code == 400
    assert "facts" in response.json()["message"]


# ---------------------------------------------------------------- bad input


def test_invalid_facts_422_lists_problems_with_lines(client: TestClient) -> None:
    response = post(client, BAD_FACTS)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "facts_invalid"
    assert body["problems"], body
    for problem in body["problems"]:
        assert set(problem) >= {"file", "line", "path", "message"}
    assert any(p["line"] for p in body["problems"])
    assert "Traceback" not in response.text


def test_invalid_json_422_names_the_line(client: TestClient) -> None:
    response = client.post(
        "/v1/briefs", content=b'{\n  "meta": {,\n}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["line"] == 2


@pytest.mark.parametrize("fmt", ["txt", "PDF", "pdf;rm", ""])
def test_unknown_format_is_400(client: TestClient, seed_bytes: bytes, fmt: str) -> None:
    response = post(client, seed_bytes, f"?format={fmt}")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


@pytest.mark.parametrize("name", ["no-such-template", "../policy-brief", "/etc/passwd", "a/b"])
def test_unknown_template_is_404(
    client: TestClient, fake_build: FakeBuild, seed_bytes: bytes, name: str
) -> None:
    response = client.post(
        "/v1/briefs", params={"template": name}, content=seed_bytes, headers=YAML
    )
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_template"
    assert fake_build.calls == 0


def test_unsupported_content_type_is_415(client: TestClient, seed_bytes: bytes) -> None:
    response = client.post("/v1/briefs", content=seed_bytes, headers={"Content-Type": "image/png"})
    assert response.status_code == 415


def test_empty_body_is_400(client: TestClient) -> None:
    assert post(client, b"  \n").status_code == 400


def test_body_over_limit_with_content_length_is_413(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings]
) -> None:
    with TestClient(create_app(make_settings(max_body=1000))) as small:
        response = post(small, b"#" * 1001)
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
    assert fake_build.calls == 0


def test_chunked_body_over_limit_is_413_while_streaming(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings]
) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for i in range(100):
            sent.append(i)
            yield b"#" * 100

    with TestClient(create_app(make_settings(max_body=1000))) as small:
        response = small.post("/v1/briefs", content=chunks(), headers=YAML)
    assert response.status_code == 413
    assert fake_build.calls == 0


def test_a_bug_is_a_json_500_without_details(
    client: TestClient, fake_build: FakeBuild, seed_bytes: bytes
) -> None:
    fake_build.error = RuntimeError("secret internals /etc/x")
    response = post(client, seed_bytes)
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "secret" not in response.text
    assert "Traceback" not in response.text


def test_render_past_deadline_is_503(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings], seed_bytes: bytes
) -> None:
    fake_build.delay = 3.0
    with TestClient(create_app(make_settings(render_timeout=0.2))) as slow:
        response = post(slow, seed_bytes)
    assert response.status_code == 503
    assert response.json()["error"] == "render_timeout"
    assert "retry-after" in response.headers


@pytest.mark.anyio
async def test_more_waiting_than_the_queue_is_429_with_retry_after(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings], seed_bytes: bytes
) -> None:
    fake_build.gate = threading.Event()
    app = create_app(make_settings(render_processes=1, max_queue=1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as aclient:

        async def one(i: int) -> httpx.Response:
            # Different bodies, so the requests cannot share one render.
            body = seed_bytes + f"\n# request {i}\n".encode()
            return await aclient.post("/v1/briefs", content=body, headers=YAML)

        tasks = [asyncio.create_task(one(i)) for i in range(3)]
        # With the only render held at the gate, one request runs, one waits, and the third
        # finds the waiting line full: it is answered while the gate is still closed.
        while not any(t.done() for t in tasks):
            await asyncio.sleep(0.01)
        fake_build.gate.set()
        done = await asyncio.gather(*tasks)
    refused = [r for r in done if r.status_code == 429]
    assert len(refused) == 1
    assert int(refused[0].headers["retry-after"]) >= 1
    assert refused[0].json()["error"] == "too_many_requests"
    assert sorted(r.status_code for r in done) == [200, 200, 429]
    assert fake_build.calls == 2


@pytest.mark.anyio
async def test_concurrent_identical_requests_share_one_render(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings], seed_bytes: bytes
) -> None:
    fake_build.delay = 0.3
    app = create_app(make_settings(max_queue=50))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as aclient:
        first = await aclient.post("/v1/briefs", content=seed_bytes, headers=YAML)
        assert first.status_code == 200  # teaches the service the facts' own template
        calls = fake_build.calls
        body = seed_bytes + b"\n# new\n"
        responses = await asyncio.gather(
            *(
                aclient.post("/v1/briefs?template=policy-brief", content=body, headers=YAML)
                for _ in range(8)
            )
        )
    assert all(r.status_code == 200 for r in responses)
    assert fake_build.calls == calls + 1


# ---------------------------------------------------------------- the served folder


def test_list_briefs_of_the_folder(client: TestClient, facts_dir: Path) -> None:
    (facts_dir / "broken.yaml").write_bytes(BAD_FACTS)
    body = client.get("/v1/briefs").json()
    assert [b["slug"] for b in body["briefs"]] == [SLUG]
    brief = body["briefs"][0]
    assert brief["title"].startswith("India-US")
    assert brief["date"] == "2025-02-28"
    assert brief["links"] == {
        "pdf": f"/v1/briefs/{SLUG}.pdf",
        "docx": f"/v1/briefs/{SLUG}.docx",
        "thumbnail": f"/v1/briefs/{SLUG}.png",
    }
    assert [f["file"] for f in body["invalid"]] == ["broken.yaml"]


def test_served_brief_built_once_then_cached(client: TestClient, fake_build: FakeBuild) -> None:
    first = client.get(f"/v1/briefs/{SLUG}.pdf")
    second = client.get(f"/v1/briefs/{SLUG}.pdf")
    assert first.status_code == second.status_code == 200
    assert first.headers["content-disposition"].endswith(f'filename="{SLUG}.pdf"')
    assert second.headers["x-reportgen-cache"] == "hit"
    assert fake_build.calls == 1
    not_modified = client.get(
        f"/v1/briefs/{SLUG}.pdf", headers={"If-None-Match": first.headers["etag"]}
    )
    assert not_modified.status_code == 304


def test_served_brief_rebuilt_when_facts_change(
    client: TestClient, fake_build: FakeBuild, facts_dir: Path
) -> None:
    first = client.get(f"/v1/briefs/{SLUG}.docx")
    path = facts_dir / "india-us-critical-minerals.yaml"
    path.write_bytes(path.read_bytes() + b"\n# edited\n")
    second = client.get(f"/v1/briefs/{SLUG}.docx")
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]
    assert fake_build.calls == 2


@pytest.mark.parametrize(
    "name",
    [
        "%2e%2e%2f.pdf",
        "%2E%2E",
        "..%2f..%2fetc%2fpasswd",
        "a%2Fb.pdf",
        "..%5c..%5cx.pdf",
        f"{SLUG.upper()}.pdf",
        f"{SLUG}.txt",
        f"{SLUG}",
        "no-such-brief.pdf",
        ".pdf",
        "%00.pdf",
    ],
)
def test_bad_or_unknown_slugs_are_404(client: TestClient, fake_build: FakeBuild, name: str) -> None:
    response = client.get(f"/v1/briefs/{name}")
    assert response.status_code == 404
    assert fake_build.calls == 0


# ---------------------------------------------------------------- POST /v1/validate


def test_validate_valid_facts(client: TestClient, seed_bytes: bytes) -> None:
    response = client.post("/v1/validate", content=seed_bytes, headers=YAML)
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["slug"] == SLUG


def test_validate_gives_the_same_problems_as_the_cli(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "request.yaml"
    path.write_bytes(BAD_FACTS)
    [(_, _, cli_problems)] = validate_paths([path])
    response = client.post("/v1/validate", content=BAD_FACTS, headers=YAML)
    assert response.status_code == 422
    served = [(p["line"], p["path"], p["message"]) for p in response.json()["problems"]]
    assert served == [(p.line, p.path, p.message) for p in cli_problems]


def test_lone_surrogates_in_facts_give_422_not_500(client: TestClient) -> None:
    body = b'{"\\ud800\\udc00": null, "meta": {"title": "\\udfff"}}'
    response = client.post("/v1/briefs", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "facts_invalid"


# ---------------------------------------------------------------- the page


def test_page_has_labelled_form(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    for control in ('id="facts"', 'id="facts_text"', 'id="served"', 'id="template"'):
        assert control in html
    for label in ('for="facts"', 'for="facts_text"', 'for="served"', 'for="template"'):
        assert label in html
    assert 'enctype="multipart/form-data"' in html
    assert f'value="{SLUG}"' in html


def test_page_post_returns_the_download(client: TestClient, seed_bytes: bytes) -> None:
    files = {"facts": ("brief.yaml", seed_bytes, "application/yaml")}
    response = client.post("/", files=files, data={"format": "docx", "template": ""})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{SLUG}.docx"'


def test_page_shows_problems_beside_their_lines(client: TestClient) -> None:
    response = client.post("/", data={"facts_text": BAD_FACTS.decode(), "format": "pdf"})
    assert response.status_code == 422
    html = response.text
    assert 'role="alert"' in html
    assert "Line 3" in html
    assert '<span class="lineno">3</span><mark>  slug: Not A Slug</mark>' in html
    # The pasted text is kept in the form for correcting.
    assert "slug: Not A Slug\n" in html


def test_page_escapes_uploaded_text(client: TestClient) -> None:
    evil = '<script>alert(1)</script>: x\nmeta: "<img src=x onerror=alert(1)>"\n'
    response = client.post("/", data={"facts_text": evil, "format": "pdf"})
    assert response.status_code == 422
    assert "<script>alert(1)" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;" in response.text


def test_page_with_lone_surrogates_is_not_a_500(client: TestClient) -> None:
    text = 'meta:\n  title: "\\ud800"\n'
    response = client.post("/", data={"facts_text": text, "format": "pdf"})
    assert response.status_code == 422


def test_page_without_facts_says_so(client: TestClient) -> None:
    response = client.post("/", data={"format": "pdf"})
    assert response.status_code == 400
    assert "choose a facts file" in response.text


def test_page_upload_over_limit_is_a_413_page(
    fake_build: FakeBuild, make_settings: Callable[..., ServiceSettings]
) -> None:
    with TestClient(create_app(make_settings(max_body=2000))) as small:
        response = small.post(
            "/",
            files={"facts": ("big.yaml", b"#" * 5000, "application/yaml")},
            headers={"Accept": "text/html,application/xhtml+xml"},
        )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "File too large" in response.text
