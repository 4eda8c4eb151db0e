"""Briefs in several languages from one facts file (issue 14), end to end.

The seed is published in English and Hindi: a plain `reportgen build` writes both, the Hindi
brief has no English word left on any page (beyond proper names and codes), every language
declares itself to Word and PDF readers, and publish, feed and mail keep the languages apart.
Facts files in Hindi only, English only and three languages (with Bengali) build in both
formats; a template overrides a message with its own catalog.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
import yaml

from reportgen.build import build_brief, build_folder
from reportgen.paths import BUNDLED_TEMPLATES
from tests.briefcheck import pdf_text, undrawable
from tests.conftest import ROOT, SEED, docx_paragraphs, pdf_pages_text
from tests.helpers import run_cli

pytestmark = pytest.mark.slow

SLUG = "india-us-critical-minerals"
# Latin-script words a Hindi brief may keep: proper names and codes, and nothing else.
ALLOWED_LATIN = {"TRUST", "reportgen", "REPORTGEN", "USD", "INR"}
_URL = re.compile(r"https?://\S+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
# The vowel sign ि drawn before its consonant, read back in that (visual) order: "अमेिरका".
_VISUAL_ORDER = re.compile("(?:^|[^\u0915-\u0939\u093c\u0958-\u095f])\u093f", re.MULTILINE)


def latin_words(text: str) -> list[str]:
    """Return the Latin-script words of `text` not on the allow-list (URLs left out)."""
    text = _URL.sub(" ", text.replace("\u00ad", ""))
    return [w for w in _LATIN_WORD.findall(text) if w not in ALLOWED_LATIN]


def docx_texts(data: bytes) -> dict[str, str]:
    """Return the text of every XML part of a DOCX that holds text (body, header, footer,
    charts), tags removed."""
    texts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if re.match(r"(word/(document|header\d*|footer\d*)|word/charts/chart\d+)\.xml$", name):
                xml = archive.read(name).decode("utf-8")
                runs = re.findall(r"<(?:w:t|a:t|c:v)(?: [^>]*)?>([^<]*)<", xml)
                texts[name] = " ".join(runs)
    return texts


def part(data: bytes, name: str) -> str:
    """Return one part of a DOCX as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the output folder of a plain `reportgen build` in a copy of the project."""
    project = tmp_path_factory.mktemp("project")
    (project / "facts").mkdir()
    shutil.copy(SEED, project / "facts" / SEED.name)
    result = run_cli("build", "-q", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "output"


def test_plain_build_writes_the_seed_in_english_and_hindi(seed_out: Path) -> None:
    names = sorted(p.name for p in seed_out.iterdir() if not p.name.startswith("."))
    assert names == [
        f"{SLUG}.docx",
        f"{SLUG}.hi.docx",
        f"{SLUG}.hi.pdf",
        f"{SLUG}.pdf",
        "manifest.json",
    ]
    manifest = yaml.safe_load((seed_out / "manifest.json").read_text(encoding="utf-8"))
    languages = {e["path"]: e["language"] for e in manifest["outputs"]}
    assert languages == {
        f"{SLUG}.pdf": "en-IN",
        f"{SLUG}.docx": "en-IN",
        f"{SLUG}.hi.pdf": "hi-IN",
        f"{SLUG}.hi.docx": "hi-IN",
    }
    titles = {e["language"]: e["title"] for e in manifest["outputs"]}
    assert titles == {
        "en-IN": "India-US Cooperation on Critical Minerals",
        "hi-IN": "महत्वपूर्ण खनिजों पर भारत-अमेरिका सहयोग",
    }


def test_hindi_seed_pdf_has_no_english_word_on_any_page(seed_out: Path) -> None:
    data = (seed_out / f"{SLUG}.hi.pdf").read_bytes()
    pages = pdf_pages_text(data)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert latin_words(page) == [], f"page {number}"
        assert _DEVANAGARI.search(page), f"page {number} has no Hindi"
    whole = pdf_text(data)  # poppler's reading, /ActualText included
    assert latin_words(whole) == []
    for hindi in ("प्रमुख संदेश", "कार्यकारी सारांश", "स्रोत", "₹16,300 करोड़", "$675 मिलियन"):
        assert hindi in whole
    assert "पृष्ठ 1 / " in whole and "28 फ़रवरी 2025" in whole
    assert "राष्ट्रीय महत्वपूर्ण खनिज मिशन" in whole
    # logical order everywhere: running title, chart legend and timeline labels included
    for phrase in ("भारत-अमेरिका महत्वपूर्ण खनिज", "कार्यक्रम की कुल राशि", "खनिज सुरक्षा वित्त नेटवर्क"):
        assert phrase in whole
    assert not _VISUAL_ORDER.search(whole), _VISUAL_ORDER.findall(whole)[:5]
    assert undrawable(data) == []  # no boxes: every character has its glyph


def test_hindi_seed_docx_has_no_english_word_in_any_part(seed_out: Path) -> None:
    data = (seed_out / f"{SLUG}.hi.docx").read_bytes()
    texts = docx_texts(data)
    assert {"word/document.xml", "word/footer1.xml", "word/charts/chart1.xml"} <= set(texts)
    for name, text in texts.items():
        assert latin_words(text) == [], name
    body = " ".join(text for _, text in docx_paragraphs(data))
    assert "प्रमुख संदेश" in body and "₹16,300 करोड़" in body and "देश" in body


def test_english_seed_has_no_hindi(seed_out: Path) -> None:
    data = (seed_out / f"{SLUG}.pdf").read_bytes()
    text = pdf_text(data)
    assert not _DEVANAGARI.search(text)
    assert "₹16,300 crore" in text and "Key messages" in text


def test_each_language_declares_itself_to_pdf_and_word_readers(seed_out: Path) -> None:
    for name, lang in ((f"{SLUG}.pdf", "en-IN"), (f"{SLUG}.hi.pdf", "hi-IN")):
        with pikepdf.open(seed_out / name) as pdf:
            assert str(pdf.Root.Lang) == lang
    hindi = (seed_out / f"{SLUG}.hi.docx").read_bytes()
    assert "<dc:language>hi-IN</dc:language>" in part(hindi, "docProps/core.xml")
    assert '<w:themeFontLang w:val="en-IN" w:bidi="hi-IN"/>' in part(hindi, "word/settings.xml")
    styles = part(hindi, "word/styles.xml")
    assert '<w:lang w:val="en-IN" w:bidi="hi-IN"/>' in styles
    assert styles.count("<w:sz ") == styles.count("<w:szCs ")  # complex-script sizes too
    assert styles.count("<w:b/>") == styles.count("<w:bCs/>")  # and complex-script bold
    parts = ("word/document.xml", "word/header1.xml", "word/footer1.xml")
    text_runs = "".join(part(hindi, name) for name in parts)
    devanagari_runs = re.findall(
        r"<w:r(?: [^>]*)?>(?:(?!</w:r>).)*<w:t[^>]*>[^<]*[\u0900-\u097f][^<]*</w:t></w:r>",
        text_runs,
    )
    assert len(devanagari_runs) > 100
    for run in devanagari_runs:
        assert 'w:cs="Noto Sans Devanagari"' in run and 'w:bidi="hi-IN"' in run
        assert ("<w:b/>" in run) == ("<w:bCs/>" in run)
    chart = part(hindi, "word/charts/chart1.xml")
    assert '<c:lang val="hi-IN"/>' in chart and '<a:cs typeface="Noto Sans Devanagari"/>' in chart
    english = (seed_out / f"{SLUG}.docx").read_bytes()
    assert "<dc:language>en-IN</dc:language>" in part(english, "docProps/core.xml")
    assert '<c:lang val="en-IN"/>' in part(english, "word/charts/chart1.xml")


def test_publish_keeps_each_language_under_its_own_names(seed_out: Path, tmp_path: Path) -> None:
    from reportgen.publish import publish

    dist = tmp_path / "dist"
    publish(
        seed_out, dist, base_url="https://briefs.example.org/", now=datetime(2026, 3, 1, tzinfo=UTC)
    )
    for stable, dated in (
        (f"{SLUG}.pdf", f"{SLUG}-2025-02-28.pdf"),
        (f"{SLUG}.hi.pdf", f"{SLUG}-2025-02-28.hi.pdf"),
        (f"{SLUG}.hi.docx", f"{SLUG}-2025-02-28.hi.docx"),
    ):
        assert (dist / stable).read_bytes() == (seed_out / stable).read_bytes()
        assert (dist / dated).read_bytes() == (seed_out / stable).read_bytes()
    sums = (dist / "SHA256SUMS").read_text()
    assert f"  {SLUG}.hi.pdf\n" in sums and f"  {SLUG}.pdf\n" in sums
    index = (dist / "index.html").read_text(encoding="utf-8")
    assert f'<article id="{SLUG}.hi" lang="hi-IN">' in index
    assert f'<article id="{SLUG}" lang="en-IN">' in index
    assert "हिन्दी" in index and "28 फ़रवरी 2025" in index and "28 February 2025" in index
    assert (
        f'href="https://briefs.example.org/{SLUG}.hi.pdf" type="application/pdf" hreflang="hi-IN"'
        in index
    )
    feed = (dist / "feed.xml").read_text(encoding="utf-8")
    assert 'xml:lang="hi-IN"' in feed and 'hreflang="hi-IN"' in feed
    assert "<title>महत्वपूर्ण खनिजों पर भारत-अमेरिका सहयोग, 28 फ़रवरी 2025</title>" in feed


def test_mail_sends_each_language_in_its_own_words(seed_out: Path, tmp_path: Path) -> None:
    from reportgen.mail import SmtpSettings, send_briefs
    from tests.mail.smtpserver import smtp_server

    people = tmp_path / "recipients.csv"
    people.write_text(
        "email,name,briefs,languages\nasha@example.org,Asha Rao,,\nravi@example.org,रवि,,hi\n",
        encoding="utf-8",
    )
    with smtp_server() as (server, port):
        settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender="b@example.org")
        report = send_briefs(people, seed_out, smtp=settings)
    assert report.failed == [] and len(report.sent) == 3  # asha: both languages; ravi: Hindi
    (hindi,) = [m.message for m in server.to("ravi@example.org")]
    assert hindi["Subject"] == "महत्वपूर्ण खनिजों पर भारत-अमेरिका सहयोग (28 फ़रवरी 2025)"
    assert hindi["Content-Language"] == "hi-IN"
    text = hindi.get_body(("plain",)).get_content()
    assert text.startswith("प्रिय रवि,") and "प्रमुख संदेश:" in text
    assert '<html lang="hi-IN">' in hindi.get_body(("html",)).get_content()
    (attached,) = list(hindi.iter_attachments())
    assert attached.get_filename() == f"{SLUG}.hi.pdf"
    assert attached.get_content() == (seed_out / f"{SLUG}.hi.pdf").read_bytes()
    subjects = sorted(m.message["Subject"] for m in server.to("asha@example.org"))
    assert subjects[0].startswith("India-US Cooperation") and subjects[1].startswith("महत्वपूर्ण")


# ---------------------------------------------------------------- one, two and three languages

HINDI_ONLY = """\
meta:
  title: शहरों के लिए पानी
  date: 2025-02-28
  language: hi-IN
key_messages:
  - अमृत मिशन के पास {amrut} हैं।
  - पाइपलाइन पहले बिछाई जाएगी।
  - हर घर में नल से जल।
sections:
  - heading: आपूर्ति
    summary: शहरों को अधिक पानी चाहिए।
    points: [पहले पाइप, फिर मीटर]
budget:
  reporting_currency: INR
  programmes:
    - {id: amrut, name: अमृत 2.0, owner: भारत, amount: 2.99, currency: INR, scale: lakh}
"""

THREE = """\
meta:
  title: {en: Water for Cities, hi: शहरों के लिए पानी, bn: শহরের জন্য জল}
  slug: water-for-cities
  date: 2025-02-28
  languages: [en-IN, hi-IN, bn-IN]
key_messages:
  - {en: "The mission has {amrut}.", hi: "मिशन के पास {amrut} हैं।", bn: "মিশনের কাছে {amrut} আছে।"}
  - {en: Pipes come first., hi: पहले पाइप बिछेंगे।, bn: প্রথমে পাইপ বসানো হবে।}
  - {en: Tap water in every home., hi: हर घर में नल से जल।, bn: প্রতিটি ঘরে কলের জল।}
sections:
  - heading: {en: Supply, hi: आपूर्ति, bn: সরবরাহ}
    points:
      - {en: Pipes first, hi: पहले पाइप, bn: প্রথমে পাইপ}
budget:
  reporting_currency: INR
  programmes:
    - id: amrut
      name: {en: AMRUT 2.0, hi: अमृत 2.0, bn: অমৃত 2.0}
      owner: {en: India, hi: भारत, bn: ভারত}
      amount: 2.99
      currency: INR
      scale: lakh
"""


def _english_only() -> str:
    data = yaml.safe_load(THREE)
    data["meta"].pop("languages")
    data["meta"]["date"] = "2025-02-28"

    def english(node: object) -> object:
        if isinstance(node, dict):
            if "en" in node and set(node) <= {"en", "hi", "bn"}:
                return node["en"]
            return {k: english(v) for k, v in node.items()}
        if isinstance(node, list):
            return [english(v) for v in node]
        return node

    return yaml.safe_dump(english(data), allow_unicode=True, sort_keys=False)


def _build(tmp_path: Path, text: str) -> tuple[list[str], dict[str, bytes]]:
    """Build one facts file in both formats; return the file names and their bytes."""
    facts = tmp_path / "facts" / "brief.yaml"
    facts.parent.mkdir()
    facts.write_text(text, encoding="utf-8")
    report = build_folder([facts], tmp_path / "out", ("pdf", "docx"), jobs=1)
    assert not report.failed, report.failed
    files = {
        p.name: p.read_bytes()
        for p in (tmp_path / "out").iterdir()
        if p.suffix in (".pdf", ".docx")
    }
    return sorted(files), files


def test_a_hindi_only_brief_has_no_english(tmp_path: Path) -> None:
    names, files = _build(tmp_path, HINDI_ONLY)
    slug = "shrom-ke-lie-pani"  # the Hindi title romanised, never a generic word
    assert names == [f"{slug}.docx", f"{slug}.pdf"]
    text = pdf_text(files[f"{slug}.pdf"])
    assert latin_words(text) == [] and "₹2.99 लाख" in text and "प्रमुख संदेश" in text
    for name, part_text in docx_texts(files[f"{slug}.docx"]).items():
        assert latin_words(part_text) == [], name
    with pikepdf.open(io.BytesIO(files[f"{slug}.pdf"])) as pdf:
        assert str(pdf.Root.Lang) == "hi-IN"
    assert undrawable(files[f"{slug}.pdf"]) == []


def test_an_english_only_brief_has_no_hindi(tmp_path: Path) -> None:
    names, files = _build(tmp_path, _english_only())
    assert names == ["water-for-cities.docx", "water-for-cities.pdf"]
    text = pdf_text(files["water-for-cities.pdf"])
    assert not _DEVANAGARI.search(text) and "Key messages" in text and "₹2.99 lakh" in text
    body = " ".join(t for _, t in docx_paragraphs(files["water-for-cities.docx"]))
    assert not _DEVANAGARI.search(body) and "Key messages" in body


def test_three_languages_each_in_its_own_words(tmp_path: Path) -> None:
    names, files = _build(tmp_path, THREE)
    assert names == [
        "water-for-cities.bn.docx",
        "water-for-cities.bn.pdf",
        "water-for-cities.docx",
        "water-for-cities.hi.docx",
        "water-for-cities.hi.pdf",
        "water-for-cities.pdf",
    ]
    expected = {
        "water-for-cities.pdf": ("Key messages", "₹2.99 lakh", "Budgets", "en-IN"),
        "water-for-cities.hi.pdf": ("प्रमुख संदेश", "₹2.99 लाख", "बजट", "hi-IN"),
        "water-for-cities.bn.pdf": ("মূল বার্তা", "₹2.99 লাখ", "বাজেট", "bn-IN"),
    }
    for name, (heading, money, owner, lang) in expected.items():
        text = pdf_text(files[name])
        assert heading in text and money in text and owner in text, name
        with pikepdf.open(io.BytesIO(files[name])) as pdf:
            assert str(pdf.Root.Lang) == lang
        assert undrawable(files[name]) == []
        docx_body = " ".join(t for _, t in docx_paragraphs(files[name.replace(".pdf", ".docx")]))
        assert heading in docx_body and money in docx_body, name
    bengali = files["water-for-cities.bn.pdf"]
    assert latin_words(pdf_text(bengali)) == []  # every word reportgen adds is in Bengali
    assert '<w:lang w:bidi="bn-IN"/>' in part(
        files["water-for-cities.bn.docx"], "word/document.xml"
    )


def test_a_template_overrides_a_message_with_its_own_catalog(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "my-brief"
    shutil.copytree(BUNDLED_TEMPLATES / "policy-brief", own)
    (own / "template.yaml").write_text(
        (own / "template.yaml").read_text().replace("name: policy-brief", "name: my-brief")
    )
    (own / "messages").mkdir()
    (own / "messages" / "hi.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Key messages"\nmsgstr "मुख्य संदेश"\n',
        encoding="utf-8",
    )
    brief = build_brief(SEED, "pdf", "my-brief", [tmp_path / "templates"], language="hi-IN")
    text = pdf_text(brief.outputs["pdf"])
    assert "मुख्य संदेश" in text and "प्रमुख संदेश" not in text
    assert "कार्यकारी सारांश" in text  # the rest from reportgen's catalog


@pytest.mark.parametrize("layout", ["stacked", "columns"])
def test_diglot_holds_both_languages_hindi_first(layout: str) -> None:
    brief = build_brief(SEED, ("pdf", "docx"), diglot=layout)
    assert brief.stem == f"{SLUG}.diglot" and brief.languages == ("hi-IN", "en-IN")
    text = pdf_text(brief.outputs["pdf"])
    assert text.index("प्रमुख संदेश") < text.index("Key messages")
    assert "₹16,300 करोड़" in text and "₹16,300 crore" in text
    assert undrawable(brief.outputs["pdf"]) == []
    with pikepdf.open(io.BytesIO(brief.outputs["pdf"])) as pdf:
        assert str(pdf.Root.Lang) == "hi-IN"
    paragraphs = [t for _, t in docx_paragraphs(brief.outputs["docx"])]
    first = {text: n for n, text in reversed(list(enumerate(paragraphs)))}
    assert first["प्रमुख संदेश"] < first["Key messages"]
    body = part(brief.outputs["docx"], "word/document.xml")
    assert '<w:lang w:val="en-IN"/>' in body  # the English half is tagged English


def test_the_seed_texts_all_have_hindi() -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    assert data["meta"]["languages"] == ["en-IN", "hi-IN"]
    result = run_cli("validate", "--strict", str(SEED), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout + result.stderr


def test_a_diglot_heading_never_ends_a_row_of_columns() -> None:
    from reportgen import model as m
    from reportgen.templating.diglot import diglot_document

    def doc(lang: str, words: tuple[str, str]) -> m.Document:
        blocks = (
            m.Heading(1, (m.Text(words[0]),), id="a"),
            m.Paragraph((m.Text(words[1]),)),
            m.Heading(1, (m.Text(words[0] + " 2"),), id="b"),
        )
        return m.Document(meta=m.Meta(title=words[0], language=lang), blocks=blocks)

    joined = diglot_document(
        [doc("hi-IN", ("भारत", "पाठ")), doc("en-IN", ("India", "Text"))], "columns"
    )
    rows = [row for block in joined.blocks if isinstance(block, m.Columns) for row in block.rows]
    assert rows, joined.blocks
    for row in rows:
        for div in row:
            last = div.blocks[-1]
            assert not isinstance(last, m.Heading) or (len(div.blocks) == 1 and row is rows[-1])
    first = rows[0]
    assert [type(b).__name__ for b in first[0].blocks] == ["Heading", "Paragraph"]
    assert first[0].attr.lang == "hi-IN" and first[1].attr.lang == "en-IN"
    budget = build_brief(SEED, "pdf", diglot="columns").warnings
    assert budget == ()  # a diglot's page budget counts once per language
