"""The service's small parts: the byte-bounded cache, ETag matching, slugs, settings, snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import Problem
from reportgen.service.briefs import etag_matches, make_etag
from reportgen.service.cache import CachedDocument, DocumentCache
from reportgen.service.catalog import is_slug
from reportgen.service.page import shown_problems
from reportgen.service.settings import ServiceSettings


def doc(size: int, slug: str = "b") -> CachedDocument:
    """Return a cached document whose body is `size` bytes."""
    return CachedDocument(b"x" * size, "pdf", slug, "T", '"e"', 1)


def test_cache_evicts_least_recently_used_to_stay_under_its_bytes() -> None:
    cache = DocumentCache(max_bytes=250)
    cache.put("a", doc(100))
    cache.put("b", doc(100))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", doc(100))
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None
    assert cache.size == 200


def test_cache_skips_a_document_larger_than_itself() -> None:
    cache = DocumentCache(max_bytes=50)
    cache.put("big", doc(51))
    assert len(cache) == 0
    assert cache.size == 0


def test_cache_replacing_a_key_counts_bytes_once() -> None:
    cache = DocumentCache(max_bytes=1000)
    cache.put("a", doc(100))
    cache.put("a", doc(300))
    assert (len(cache), cache.size) == (1, 300)


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"abc.pdf"', True),
        ('W/"abc.pdf"', True),
        ('"zzz.pdf", "abc.pdf"', True),
        ("*", True),
        ('"abc.docx"', False),
        ("", False),
        (None, False),
    ],
)
def test_etag_matching(header: str | None, matches: bool) -> None:
    assert etag_matches(header, make_etag("abc", "pdf")) is matches


@pytest.mark.parametrize("text", ["india-us-critical-minerals", "a", "brief-2025", "x1"])
def test_slugs_accepted(text: str) -> None:
    assert is_slug(text)


@pytest.mark.parametrize("text", ["..", "a/b", "../x", "A", "-a", "a-", "a_b", "a.b", "", "é"])
def test_slugs_refused(text: str) -> None:
    assert not is_slug(text)


def test_settings_travel_through_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = ServiceSettings(
        port=9001, workers=3, facts_dir=tmp_path, templates_dirs=[tmp_path / "t"], max_body=10
    )
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)
    again = ServiceSettings()
    assert again == settings


def test_problems_shown_in_line_order_with_their_lines() -> None:
    text = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n"
    problems = [
        Problem("f.yaml", 5, "e", "bad e"),
        Problem("f.yaml", None, "", "whole file"),
        Problem("f.yaml", 1, "a", "bad a"),
    ]
    shown = shown_problems(problems, text)
    assert [s.problem.line for s in shown] == [1, 5, None]
    assert [(line.number, line.is_error) for line in shown[0].snippet] == [
        (1, True),
        (2, False),
        (3, False),
    ]
    assert [line.number for line in shown[1].snippet] == [3, 4, 5, 6]
    assert shown[2].snippet == ()


@pytest.mark.parametrize(
    ("n", "text"), [(1024 * 1024, "1 MiB"), (512 * 1024, "512 KiB"), (900, "900 bytes")]
)
def test_size_text(n: int, text: str) -> None:
    from reportgen.service.page import size_text

    assert size_text(n) == text
