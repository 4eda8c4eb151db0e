"""Publishing an output folder: stable and dated copies, index.html, feed.xml, SHA256SUMS."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from xml.etree import ElementTree as ET

import pytest

from reportgen.publish import PublishError, publish
from tests.publish.outputs import FakeBrief, sha256sum_check, write_outputs

ATOM = "{http://www.w3.org/2005/Atom}"
T1 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    write_outputs(folder, [FakeBrief("alpha"), FakeBrief("beta", title="Beta brief")])
    return folder


def test_publish_copies_each_brief_under_stable_and_dated_names(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    report = publish(out, dist, now=T1)

    for slug in ("alpha", "beta"):
        for fmt in ("pdf", "docx"):
            source = (out / f"{slug}.{fmt}").read_bytes()
            assert (dist / f"{slug}.{fmt}").read_bytes() == source
            assert (dist / f"{slug}-2025-02-28.{fmt}").read_bytes() == source
    assert sorted(v.slug for v in report.new_versions) == ["alpha", "beta"]
    assert report.kept == []
    for name in ("index.html", "feed.xml", "SHA256SUMS"):
        assert (dist / name).is_file()


def test_sha256sums_passes_the_real_sha256sum(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)
    sha256sum_check(dist)
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 10  # 2 briefs x 2 formats x (stable + dated), 2 thumbnails
    assert sum(line.endswith(".png") for line in lines) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}  [A-Za-z0-9._-]+", line) for line in lines)


def test_republishing_unchanged_outputs_writes_nothing(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in dist.iterdir()}

    report = publish(out, dist, now=T2)

    assert not report.changed
    assert report.written == [] and report.new_versions == []
    assert sorted(report.kept) == ["alpha", "beta"]
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in dist.iterdir()}
    # The lock file records who held it last; every published file is untouched.
    before.pop(".reportgen.lock")
    assert {k: v for k, v in after.items() if k != ".reportgen.lock"} == before
    assert "nothing changed" in str(report)


def test_only_the_changed_brief_gets_a_new_version(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)
    first_dated = (dist / "alpha-2025-02-28.pdf").read_bytes()
    beta_sums = {n: sha(dist / n) for n in ("beta.pdf", "beta-2025-02-28.pdf")}

    # alpha changes but keeps its facts date: its dated copy must not be overwritten.
    write_outputs(
        out, [FakeBrief("alpha", body="version 2"), FakeBrief("beta", title="Beta brief")]
    )
    report = publish(out, dist, now=T2)

    assert [v.slug for v in report.new_versions] == ["alpha"]
    assert report.kept == ["beta"]
    assert (dist / "alpha-2025-02-28.pdf").read_bytes() == first_dated
    assert (dist / "alpha-2025-02-28-2.pdf").read_bytes() == (out / "alpha.pdf").read_bytes()
    assert (dist / "alpha.pdf").read_bytes() == (out / "alpha.pdf").read_bytes()
    assert {n: sha(dist / n) for n in beta_sums} == beta_sums
    assert not (dist / "beta-2025-02-28-2.pdf").exists()
    sha256sum_check(dist)
    index = (dist / "index.html").read_text()
    assert "Earlier versions (1)" in index and "alpha-2025-02-28.pdf" in index


def test_a_new_facts_date_gives_a_new_dated_name(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)
    write_outputs(out, [FakeBrief("alpha", date="2025-03-31", body="march")])
    publish(out, dist, now=T2)
    assert (dist / "alpha-2025-03-31.pdf").read_bytes() == (out / "alpha.pdf").read_bytes()
    assert (dist / "alpha-2025-02-28.pdf").is_file()
    # beta left the manifest: its published files are kept, not deleted.
    assert (dist / "beta.pdf").is_file()
    sha256sum_check(dist)


class _Structure(HTMLParser):
    """Collect start tags, hrefs and unbalanced end tags of an HTML page."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "hr", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")


def parse_page(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser


def test_index_is_valid_html_readable_on_a_phone(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, title="Briefs of the unit", now=T1)
    html = (dist / "index.html").read_text(encoding="utf-8")

    assert html.startswith("<!DOCTYPE html>")
    page = parse_page(html)
    assert page.errors == [] and page.stack == []
    metas = [attrs for tag, attrs in page.tags if tag == "meta"]
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    assert "<title>Briefs of the unit</title>" in html
    assert "28 February 2025" in html
    assert "India and the United States will cooperate on critical minerals." in html
    assert sha(dist / "alpha.pdf") in html
    hrefs = [a["href"] for tag, a in page.tags if tag == "a"]
    for href in hrefs:
        assert (dist / str(href)).is_file(), href
    assert "alpha.pdf" in hrefs and "alpha-2025-02-28.pdf" in hrefs


def test_index_is_valid_html5_for_a_strict_parser(out: Path, tmp_path: Path) -> None:
    html5lib = pytest.importorskip("html5lib")
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)
    parser = html5lib.HTMLParser(strict=True)
    parser.parse((dist / "index.html").read_bytes())  # raises on any parse error


HOSTILE = '<script>alert(1)</script> & <img src="/etc/passwd"/> <a href="javascript:x">'


def test_text_from_facts_is_escaped_in_index_and_feed(tmp_path: Path) -> None:
    out, dist = tmp_path / "output", tmp_path / "dist"
    write_outputs(
        out, [FakeBrief("hostile", title=HOSTILE, subtitle=HOSTILE, key_messages=[HOSTILE])]
    )
    publish(out, dist, title=HOSTILE, now=T1)

    html = (dist / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and '<img src="/etc' not in html
    assert 'javascript:x">' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img" in html
    page = parse_page(html)
    assert page.errors == []
    assert not any(tag == "script" for tag, _ in page.tags)
    # The one picture is the thumbnail, its alt text the escaped title.
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert [(i["src"], i["alt"]) for i in images] == [
        ("hostile-2025-02-28.png", f"First page of {HOSTILE}")
    ]

    feed = ET.parse(dist / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == HOSTILE
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}summary") == HOSTILE
    assert entry.findtext(f"{ATOM}title", "").startswith(HOSTILE)


def test_feed_is_atom_with_one_entry_per_version_and_stable_ids(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, base_url="https://briefs.example.org/unit/", now=T1)
    first = ET.parse(dist / "feed.xml").getroot()
    first_ids = [e.findtext(f"{ATOM}id") for e in first.iter(f"{ATOM}entry")]

    write_outputs(
        out, [FakeBrief("alpha", body="version 2"), FakeBrief("beta", title="Beta brief")]
    )
    publish(out, dist, base_url="https://briefs.example.org/unit/", now=T2)
    feed = ET.parse(dist / "feed.xml").getroot()

    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == first.findtext(f"{ATOM}id")
    assert feed.findtext(f"{ATOM}id", "").startswith("tag:briefs.example.org,2026-03-01:")
    assert feed.findtext(f"{ATOM}title")
    assert feed.findtext(f"{ATOM}updated") == "2026-03-02T09:00:00+00:00"
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    self_links = [x for x in feed.findall(f"{ATOM}link") if x.get("rel") == "self"]
    assert self_links[0].get("href") == "https://briefs.example.org/unit/feed.xml"

    entries = list(feed.iter(f"{ATOM}entry"))
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(entries) == 3 and len(set(ids)) == 3
    assert set(first_ids) <= set(ids)  # earlier entries keep their ids
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith("tag:")
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated", ""))
        links = entry.findall(f"{ATOM}link")
        assert [x.get("rel") for x in links].count("alternate") == 1
        for link in links:
            name = link.get("href", "").removeprefix("https://briefs.example.org/unit/")
            assert (dist / name).stat().st_size == int(link.get("length", "-1"))
    newest = entries[0]
    assert newest.findtext(f"{ATOM}updated") == "2026-03-02T09:00:00+00:00"
    assert "alpha-2025-02-28-2.pdf" in newest.find(f"{ATOM}link").get("href", "")  # type: ignore[union-attr]


def test_a_file_changed_after_the_build_is_refused(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (out / "alpha.pdf").write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(PublishError, match=r"alpha\.pdf does not match its SHA-256"):
        publish(out, dist, now=T1)
    assert not (dist / "index.html").exists()
    assert not (dist / "alpha.pdf").exists()


def test_a_folder_without_manifest_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "output").mkdir()
    with pytest.raises(PublishError, match=r"manifest\.json not found: build the briefs first"):
        publish(tmp_path / "output", tmp_path / "dist")


def test_a_manifest_path_outside_the_folder_is_refused(out: Path, tmp_path: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["outputs"][0]["path"] = "../../etc/passwd"
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(PublishError, match="not a reportgen manifest"):
        publish(out, tmp_path / "dist")


def test_an_interrupted_publish_is_completed_by_the_next(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)
    write_outputs(
        out, [FakeBrief("alpha", body="version 2"), FakeBrief("beta", title="Beta brief")]
    )
    # As if killed after the dated copy was written, before anything else.
    (dist / "alpha-2025-02-28-2.pdf").write_bytes((out / "alpha.pdf").read_bytes())

    report = publish(out, dist, now=T2)

    assert [v.slug for v in report.new_versions] == ["alpha"]
    assert "alpha.pdf" in report.updated
    assert (dist / "alpha.pdf").read_bytes() == (out / "alpha.pdf").read_bytes()
    assert not (dist / "alpha-2025-02-28-3.pdf").exists()  # the stray copy was adopted
    sha256sum_check(dist)


def test_an_empty_output_folder_publishes_an_empty_listing(tmp_path: Path) -> None:
    out, dist = tmp_path / "output", tmp_path / "dist"
    write_outputs(out, [])
    report = publish(out, dist, now=T1)
    assert report.new_versions == [] and report.kept == []
    assert "Nothing has been published yet." in (dist / "index.html").read_text()
    assert ET.parse(dist / "feed.xml").getroot().find(f"{ATOM}entry") is None
    assert not (dist / "SHA256SUMS").exists()
    assert parse_page((dist / "index.html").read_text()).errors == []


def test_a_base_url_given_after_a_first_publish_names_new_ids(out: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)  # no --base-url: ids under the placeholder reportgen.invalid
    first = ET.parse(dist / "feed.xml").getroot()
    first_ids = {e.findtext(f"{ATOM}id") for e in first.iter(f"{ATOM}entry")}
    assert all(i and i.startswith("tag:reportgen.invalid,") for i in first_ids)

    write_outputs(
        out, [FakeBrief("alpha", body="version 2"), FakeBrief("beta", title="Beta brief")]
    )
    publish(out, dist, base_url="https://briefs.example.org/", now=T2)
    feed = ET.parse(dist / "feed.xml").getroot()
    ids = [e.findtext(f"{ATOM}id") or "" for e in feed.iter(f"{ATOM}entry")]
    assert ids[0].startswith("tag:briefs.example.org,2026-03-02:reportgen/alpha/")
    assert first_ids <= set(ids)  # entries already out keep their ids
    feed_id = feed.findtext(f"{ATOM}id", "")
    assert feed_id.startswith("tag:briefs.example.org,2026-03-01:")
    assert feed_id.split(":", 2)[2] == (first.findtext(f"{ATOM}id") or "").split(":", 2)[2]


def test_each_version_gets_a_first_page_thumbnail_once(out: Path, tmp_path: Path) -> None:
    from PIL import Image

    dist = tmp_path / "dist"
    publish(out, dist, base_url="https://briefs.example.org/", now=T1)
    picture = dist / "alpha-2025-02-28.png"
    with Image.open(picture) as image:
        assert image.format == "PNG" and image.size[0] == 240
        assert image.size[1] > image.size[0]  # a portrait page
        assert len(image.getcolors(256) or []) > 2  # a drawn page, not a blank box
    assert picture.stat().st_size < 40_000
    html = (dist / "index.html").read_text(encoding="utf-8")
    assert 'src="https://briefs.example.org/alpha-2025-02-28.png"' in html
    assert 'alt="First page of India-US Cooperation on Critical Minerals"' in html

    feed = ET.parse(dist / "feed.xml").getroot()
    media = "{http://search.yahoo.com/mrss/}"
    thumbs = [e.find(f"{media}thumbnail") for e in feed.iter(f"{ATOM}entry")]
    urls = sorted(t.get("url", "") for t in thumbs if t is not None)
    assert urls == [
        "https://briefs.example.org/alpha-2025-02-28.png",
        "https://briefs.example.org/beta-2025-02-28.png",
    ]

    before = picture.stat().st_mtime_ns
    again = publish(out, dist, base_url="https://briefs.example.org/", now=T2)
    assert again.written == [] and picture.stat().st_mtime_ns == before  # rendered once

    write_outputs(
        out, [FakeBrief("alpha", body="version 2"), FakeBrief("beta", title="Beta brief")]
    )
    publish(out, dist, base_url="https://briefs.example.org/", now=T2)
    assert (dist / "alpha-2025-02-28-2.png").is_file()  # the new version has its own
    sha256sum_check(dist)


def test_a_dist_published_before_thumbnails_gets_them_on_the_next_publish(
    out: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    publish(out, dist, now=T1)
    state_file = dist / ".reportgen-publish.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    for version in state["versions"]:
        (dist / version.pop("thumbnail")["name"]).unlink()
    state_file.write_text(json.dumps(state), encoding="utf-8")
    publish(out, dist, now=T2)
    assert (dist / "alpha-2025-02-28.png").is_file() and (dist / "beta-2025-02-28.png").is_file()
