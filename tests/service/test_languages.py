"""The service knows the language: `?lang=` and `Accept-Language` choose among the brief's
languages, the answer says which (Content-Language, its file name), and a language the brief
is not published in is a 404. Real renders (threads), the bilingual seed."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pikepdf
import pytest
from fastapi.testclient import TestClient

from reportgen.errors import UnknownLanguage
from reportgen.i18n import accepted_languages, negotiate
from reportgen.service import create_app
from reportgen.service.settings import ServiceSettings

SLUG = "india-us-critical-minerals"
YAML = {"Content-Type": "application/yaml"}
LANGUAGES = ["en-IN", "hi-IN"]


def pdf_lang(data: bytes) -> str:
    """Return the /Lang of a PDF's catalog."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return str(pdf.Root.Lang)


def test_negotiation_prefers_the_asked_language_then_the_header_then_the_first() -> None:
    assert negotiate(LANGUAGES) == "en-IN"
    assert negotiate(LANGUAGES, "hi") == "hi-IN"
    assert negotiate(LANGUAGES, "HI_in") == "hi-IN"
    assert negotiate(LANGUAGES, None, "fr-FR, hi;q=0.8, en;q=0.5") == "hi-IN"
    assert negotiate(LANGUAGES, None, "en-GB;q=0.9, hi-IN;q=0.95") == "hi-IN"
    assert negotiate(LANGUAGES, None, "hi;q=0, fr") == "en-IN"  # q=0 means "not this"
    assert negotiate(LANGUAGES, None, "*") == "en-IN"
    assert negotiate(LANGUAGES, "en", "hi") == "en-IN"  # ?lang= wins over the header
    with pytest.raises(UnknownLanguage, match="not published in 'ta'"):
        negotiate(LANGUAGES, "ta")
    assert accepted_languages("da, en-gb;q=0.8, en;q=0.7") == ["da", "en-gb", "en"]
    assert accepted_languages("en;q=x, hi") == ["hi"]


@pytest.fixture
def real_client(make_settings: Callable[..., ServiceSettings]) -> Iterator[TestClient]:
    """Return a client of an app that renders for real (threads)."""
    app = create_app(make_settings(render_timeout=120.0))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.slow
def test_served_brief_in_the_language_asked_for(real_client: TestClient) -> None:
    english = real_client.get(f"/v1/briefs/{SLUG}.pdf")
    assert english.status_code == 200 and english.headers["content-language"] == "en-IN"
    assert english.headers["vary"] == "Accept-Language"
    assert pdf_lang(english.content) == "en-IN"

    hindi = real_client.get(f"/v1/briefs/{SLUG}.pdf?lang=hi")
    assert hindi.status_code == 200 and hindi.headers["content-language"] == "hi-IN"
    assert f'filename="{SLUG}.hi.pdf"' in hindi.headers["content-disposition"]
    assert pdf_lang(hindi.content) == "hi-IN"

    header = {"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.8"}
    negotiated = real_client.get(f"/v1/briefs/{SLUG}.pdf", headers=header)
    assert negotiated.headers["content-language"] == "hi-IN"
    assert negotiated.content == hindi.content
    again = real_client.get(f"/v1/briefs/{SLUG}.pdf", headers=header)
    assert again.headers["x-reportgen-cache"] == "hit"

    other = real_client.get(f"/v1/briefs/{SLUG}.pdf", headers={"Accept-Language": "fr"})
    assert other.headers["content-language"] == "en-IN"  # nothing matches: the first

    missing = real_client.get(f"/v1/briefs/{SLUG}.pdf?lang=ta")
    assert missing.status_code == 404
    assert missing.json()["error"] == "unknown_language"
    assert "hi-IN" in missing.json()["message"]


@pytest.mark.slow
def test_posted_facts_in_the_language_asked_for(real_client: TestClient, seed_bytes: bytes) -> None:
    response = real_client.post(
        "/v1/briefs?format=docx&lang=hi-IN", content=seed_bytes, headers=YAML
    )
    assert response.status_code == 200 and response.headers["content-language"] == "hi-IN"
    assert f'filename="{SLUG}.hi.docx"' in response.headers["content-disposition"]
    import zipfile

    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        assert "<dc:language>hi-IN</dc:language>" in docx.read("docProps/core.xml").decode()
