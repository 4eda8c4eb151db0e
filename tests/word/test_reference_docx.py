"""The house template from Word: a reference .docx made by LibreOffice restyles both outputs.

The reference (fixtures/house-reference.docx, made by make_house_reference.py) differs from
the house style in every way the feature carries: DejaVu Serif, maroon and olive headings,
larger sizes, Letter pages with wider margins, a logo and words in the header, a footer.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from lxml import etree

from reportgen.build import build_brief, build_folder, theme_for
from reportgen.housedocx import (
    ReferenceDocxError,
    apply_house_docx,
    house_docx_from_bytes,
    read_house_docx,
    reference_docx_bytes,
)
from reportgen.theme import default_theme
from reportgen.writers.docx import write_docx
from tests.conftest import SEED, libreoffice_pdf
from tests.helpers import run_cli
from tests.word.conftest import FIXTURES, document_of

REFERENCE = FIXTURES / "house-reference.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAROON, OLIVE = "7A1F3D", "3D5A1F"


def parts_of(data: bytes) -> dict[str, bytes]:
    """Return every member of a zip by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rewritten(changes: dict[str, bytes | None], source: Path = REFERENCE) -> bytes:
    """Return the reference with some parts replaced (None removes one)."""
    parts = parts_of(source.read_bytes())
    parts.update(changes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if data is not None:
                zf.writestr(name, data)
    return out.getvalue()


def style(styles_xml: bytes, style_id: str) -> str:
    """Return one style's XML from a styles part."""
    text = styles_xml.decode()
    match = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', text, re.S)
    assert match, style_id
    return match.group(0)


@pytest.fixture(scope="module")
def house_theme():  # type: ignore[no-untyped-def]
    """Return the house theme with the LibreOffice reference applied."""
    return apply_house_docx(default_theme(), read_house_docx(REFERENCE))


@pytest.fixture(scope="module")
def seed_docx(house_theme) -> bytes:  # type: ignore[no-untyped-def]
    """Return the seed brief's DOCX in the reference's house style."""
    return write_docx(document_of(SEED), house_theme)


# ---------------------------------------------------------------- Word's XML


def test_styles_come_from_the_reference(seed_docx: bytes) -> None:
    styles = parts_of(seed_docx)["word/styles.xml"]
    for style_id, colour, half_points in (("Heading1", MAROON, 32), ("Heading2", OLIVE, 25),
                                          ("Title", MAROON, 52)):  # fmt: skip
        xml = style(styles, style_id)
        assert f'w:color w:val="{colour}"' in xml and f'w:sz w:val="{half_points}"' in xml
        assert 'w:ascii="DejaVu Serif"' in xml
    assert 'w:ascii="DejaVu Serif"' in style(styles, "Normal")
    assert '<w:outlineLvl w:val="0"/>' in style(styles, "Heading1")  # navigation pane
    # The brief's own styles the reference lacks are the house's, in the reference's colours.
    assert f'w:color w:val="{MAROON}"' in style(styles, "KeyFigureValue")
    assert '<w:numId w:val="1"/>' in style(styles, "ListBullet")  # the writer's numbering
    defaults = [
        s.get(f"{W}type") for s in etree.fromstring(styles).iter(f"{W}style")
        if s.get(f"{W}default") in ("1", "true")
    ]  # fmt: skip
    assert sorted(defaults) == sorted(set(defaults))  # one default style per kind
    ids = [s.get(f"{W}styleId") for s in etree.fromstring(styles).iter(f"{W}style")]
    assert len(ids) == len(set(ids))  # every style id once


def test_page_margins_header_footer_and_theme_come_from_the_reference(seed_docx: bytes) -> None:
    parts = parts_of(seed_docx)
    reference = parts_of(REFERENCE.read_bytes())
    body = parts["word/document.xml"].decode()
    assert '<w:pgSz w:w="12240" w:h="15840"/>' in body  # Letter
    assert 'w:top="1701"' in body and 'w:left="1417"' in body  # 30 mm, 25 mm
    header = parts["word/header1.xml"].decode()
    assert "Ministry of Examples: India-US critical minerals" in header  # {short_title} filled
    assert "<w:drawing>" in header
    rels = parts["word/_rels/header1.xml.rels"].decode()
    picture = re.search(r'Target="(media/house-header1\.png)"', rels).group(1)
    logo = next(v for k, v in reference.items() if k.startswith("word/media/"))
    assert parts[f"word/{picture}"] == logo
    assert "reportgen example brief, house footer" in parts["word/footer1.xml"].decode()
    assert parts["word/theme/theme1.xml"] == reference["word/theme/theme1.xml"]
    document = docx.Document(io.BytesIO(seed_docx))  # python-docx reopens it
    assert document.sections[0].header.paragraphs[0].text.startswith("  Ministry of Examples")
    assert round(document.sections[0].left_margin.mm) == 25


def test_the_same_reference_gives_the_same_bytes(house_theme) -> None:  # type: ignore[no-untyped-def]
    doc = document_of(SEED)
    again = apply_house_docx(default_theme(), read_house_docx(REFERENCE))
    assert write_docx(doc, house_theme) == write_docx(doc, again)


def test_style_ids_of_a_localised_word_are_matched_by_name(tmp_path: Path) -> None:
    styles = parts_of(REFERENCE.read_bytes())["word/styles.xml"]
    german = styles.replace(b'w:styleId="Heading1"', b'w:styleId="berschrift1"').replace(
        b'w:val="Heading1"', b'w:val="berschrift1"'
    )
    house = house_docx_from_bytes(rewritten({"word/styles.xml": german}), "de.docx")
    data = write_docx(document_of(SEED), apply_house_docx(default_theme(), house))
    out = parts_of(data)["word/styles.xml"]
    assert f'w:color w:val="{MAROON}"' in style(out, "Heading1")
    assert b"berschrift1" not in out


# ---------------------------------------------------------------- the PDF follows


def test_pdf_follows_the_references_sizes_colours_and_page(house_theme) -> None:  # type: ignore[no-untyped-def]
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    from reportgen.writers.pdf import render_pdf

    assert house_theme.page_size == "Letter"
    assert house_theme.margins_mm == (30.0, 25.0, 22.0, 25.0)
    assert (house_theme.sizes.h1, house_theme.sizes.title, house_theme.sizes.body) == (16, 26, 11)
    assert house_theme.palette.accent == MAROON and house_theme.palette.text == "222222"
    # Normal: 10 pt after, line 1.15 (276/240) of the natural height; heading 2: 10 pt before.
    spacing = house_theme.spacing
    assert (spacing.paragraph_after, spacing.heading_before, spacing.heading_after) == (10, 10, 0)
    assert spacing.line_height == pytest.approx(1.15 * 1.362, abs=0.01)
    assert house_theme.body_font.name == "Noto Sans"  # the PDF keeps a font reportgen ships
    pdf, _ = render_pdf(document_of(SEED), house_theme)
    page = next(extract_pages(io.BytesIO(pdf), maxpages=1))
    assert (round(page.width), round(page.height)) == (612, 792)
    chars = [
        ch for box in page if isinstance(box, LTTextContainer) for line in box
        for ch in line if isinstance(ch, LTChar)
    ]  # fmt: skip
    title = [c for c in chars if round(c.size) == 26]
    assert title, "no 26 pt title"
    colour = title[0].graphicstate.ncolor
    assert tuple(round(v * 255) for v in colour) == (0x7A, 0x1F, 0x3D)
    assert min(c.x0 for c in chars) == pytest.approx(25 / 25.4 * 72, abs=1.5)


def test_a_templates_theme_file_wins_over_its_reference(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "house"
    folder.mkdir(parents=True)
    shutil.copy(REFERENCE, folder / "house.docx")
    (folder / "template.yaml").write_text(
        "name: house\nentry: brief.md.j2\nreference_docx: house.docx\n", encoding="utf-8"
    )
    (folder / "brief.md.j2").write_text('{% extends "base/brief.md.j2" %}\n', encoding="utf-8")
    (folder / "theme.yaml").write_text('palette:\n  accent: "#114411"\n', encoding="utf-8")
    theme = theme_for("house", [tmp_path / "templates"])
    assert theme.palette.accent == "114411"  # the theme file's explicit value
    assert theme.sizes.h1 == 16 and theme.page_size == "Letter"  # the reference's
    assert theme.house_docx is not None
    # A reference given to the build lies over the template's theme (the bundled ones too).
    assert theme_for("policy-brief", (), REFERENCE).palette.accent == MAROON


def test_a_changed_reference_rebuilds_the_brief(tmp_path: Path) -> None:
    reference = tmp_path / "house.docx"
    shutil.copy(REFERENCE, reference)
    out = tmp_path / "out"
    both = ["india-us-critical-minerals.docx", "india-us-critical-minerals.hi.docx"]
    first = build_folder([SEED], out, ("docx",), reference_docx=reference)
    assert sorted(r.path for r in first.built) == both  # the seed is English and Hindi
    assert build_folder([SEED], out, ("docx",), reference_docx=reference).up_to_date == 1
    styles = parts_of(reference.read_bytes())["word/styles.xml"]
    reference.write_bytes(
        rewritten({"word/styles.xml": styles.replace(MAROON.encode(), b"112233")})
    )
    third = build_folder([SEED], out, ("docx",), reference_docx=reference)
    assert sorted(r.path for r in third.built) == both
    made = parts_of((out / "india-us-critical-minerals.docx").read_bytes())
    assert 'w:color w:val="112233"' in style(made["word/styles.xml"], "Heading1")


def test_schedule_jobs_take_a_reference_relative_to_the_schedule(tmp_path: Path) -> None:
    from reportgen.schedule.config import load_schedule

    path = tmp_path / "schedule.yaml"
    path.write_text(yaml.safe_dump({"jobs": [{
        "name": "daily", "cron": "0 6 * * *", "facts": ["facts/*.yaml"], "out": "out",
        "reference_docx": "house/house.docx"}]}), encoding="utf-8")  # fmt: skip
    job = load_schedule(path).jobs[0]
    assert job.reference_docx == tmp_path / "house" / "house.docx"


# ---------------------------------------------------------------- the default reference


def test_reportgen_reference_docx_writes_the_house_styles(tmp_path: Path) -> None:
    target = tmp_path / "house.docx"
    with target.open("wb") as handle:
        done = subprocess.run(
            [*run_cli_prefix(), "reference-docx"], stdout=handle, stderr=subprocess.PIPE,
            timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == reference_docx_bytes()
    names = {s.name for s in docx.Document(target).styles}
    assert {"Title", "Heading 1", "Heading 2", "Key Figure Value", "Section Summary"} <= names
    # Built with it unchanged, a brief looks as it does without it.
    theme = apply_house_docx(default_theme(), read_house_docx(target))
    house = default_theme()
    for key in ("sizes", "palette", "spacing", "page_size", "margins_mm", "body_font"):
        assert getattr(theme, key) == getattr(house, key), key
    doc = document_of(SEED)
    with_it, without = parts_of(write_docx(doc, theme)), parts_of(write_docx(doc))
    assert with_it["word/document.xml"] == without["word/document.xml"]
    assert with_it["word/header1.xml"] == without["word/header1.xml"]  # placeholders filled
    assert with_it["word/footer1.xml"] == without["word/footer1.xml"]


def run_cli_prefix() -> list[str]:
    """Return the command that runs reportgen's CLI in this interpreter."""
    import sys

    return [sys.executable, "-m", "reportgen"]


# ---------------------------------------------------------------- bad reference documents

_STYLES = parts_of(REFERENCE.read_bytes())["word/styles.xml"]
BAD = {
    "not-a-zip": (b"Dear desk, here is the template.\n", "not a Word document"),
    "old-doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Word 97-2003"),
    "a-zip-of-something-else": (None, "no Word document part"),
    "macros": (rewritten({"word/vbaProject.bin": b"Attribute VB_Name"}), "holds macros"),
    "missing-style": (
        rewritten({"word/styles.xml": _STYLES.replace(b'w:val="Heading 2"', b'w:val="Sub"')}),
        "lacks the style 'heading 2'",
    ),
    "zip-bomb": (rewritten({"word/media/filler.bin": bytes(300_000_000)}), "zip bomb"),
    "entities": (
        rewritten(
            {
                "word/styles.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                + _STYLES.split(b"?>", 1)[1]
            }
        ),
        "DTD",
    ),
    "a5-pages": (
        rewritten(
            {
                "word/document.xml": parts_of(REFERENCE.read_bytes())["word/document.xml"].replace(
                    b'w:w="12240" w:h="15840"', b'w:w="8391" w:h="11906"'
                )
            }
        ),
        "148 x 210 mm",
    ),
}


def _zip_of_something_else() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        zf.writestr("notes.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_reference_is_a_clear_error_with_nothing_written(case: str, tmp_path: Path) -> None:
    data, fragment = BAD[case]
    reference = tmp_path / "house.docx"
    reference.write_bytes(data if data is not None else _zip_of_something_else())
    with pytest.raises(ReferenceDocxError, match=re.escape(fragment)):
        read_house_docx(reference)
    out = tmp_path / "out"
    done = run_cli("build", str(SEED), "--out", str(out), "-q", "--reference-docx", str(reference))
    assert done.returncode == 2, done.stderr
    assert f"{reference}: reference document" in done.stderr and fragment in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    # The declared sizes are checked first; a part that lies about its size is cut off.
    reference = tmp_path / "bomb.docx"
    reference.write_bytes(BAD["zip-bomb"][0])  # type: ignore[arg-type]
    import tracemalloc

    tracemalloc.start()
    with pytest.raises(ReferenceDocxError):
        read_house_docx(reference)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20_000_000


def test_a_template_reference_outside_its_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "house"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text("reference_docx: ../../house.docx\n", encoding="utf-8")
    (folder / "brief.md.j2").write_text('{% extends "base/brief.md.j2" %}\n', encoding="utf-8")
    shutil.copy(REFERENCE, tmp_path / "house.docx")
    done = run_cli("build", str(SEED), "--template", "house", "--templates",
                   str(tmp_path / "templates"), "--out", str(tmp_path / "out"), "-q")  # fmt: skip
    assert done.returncode == 2 and "must be a file inside" in done.stderr, done.stderr


def test_the_reference_is_refused_on_a_queue_rather_than_ignored() -> None:
    from reportgen.build import _Job, _render_jobs
    from reportgen.errors import UsageError

    job = _Job(SEED, ("docx",), None, (), reference_docx=REFERENCE)
    with pytest.raises(UsageError, match="reference-docx"):
        _render_jobs(job, remote=True)
    here = _render_jobs(job)  # a local build passes it to its render jobs
    assert dict(here[0].options)["reference_docx"] == str(REFERENCE.resolve())


# ---------------------------------------------------------------- LibreOffice's rendering


@pytest.mark.slow
def test_libreoffice_renders_the_docx_in_the_references_house_style(tmp_path: Path) -> None:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    for program in ("pdffonts", "pdfimages"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed")
    brief = build_brief(SEED, "docx", reference_docx=REFERENCE)
    source = tmp_path / "brief.docx"
    source.write_bytes(brief.outputs["docx"])
    pdf = libreoffice_pdf(source)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "DejaVuSerif" in fonts and "DejaVuSerif-Bold" in fonts, fonts
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True,
                            text=True).stdout.splitlines()[2:]  # fmt: skip
    logos = [line.split() for line in images if line.split()[3:5] == ["240", "80"]]
    pages = list(extract_pages(str(pdf)))
    assert {int(row[0]) for row in logos} == set(range(1, len(pages) + 1))  # on every page
    first = pages[0]
    assert (round(first.width), round(first.height)) == (612, 792)
    text = "".join(b.get_text() for b in first if isinstance(b, LTTextContainer))
    assert "Ministry of Examples: India-US critical minerals" in text
    lines = [line for box in first if isinstance(box, LTTextContainer) for line in box]
    heading = [  # the heading, not its contents entry: the larger of the two
        [ch for ch in line if isinstance(ch, LTChar)]
        for line in lines if line.get_text().strip() == "Key messages"
    ]  # fmt: skip
    heading = max(heading, key=lambda chars: chars[0].size)
    assert round(heading[0].size) == 16
    assert tuple(round(v * 255) for v in heading[0].graphicstate.ncolor) == (0x7A, 0x1F, 0x3D)
    body = [c for b in first if isinstance(b, LTTextContainer) for line in b for c in line
            if isinstance(c, LTChar)]  # fmt: skip
    assert min(c.x0 for c in body) == pytest.approx(25 / 25.4 * 72, abs=2)


def test_the_themes_page_size_applies_unless_the_facts_set_one(tmp_path: Path) -> None:
    from tests.helpers import seed_data

    letter = default_theme().with_page_size("Letter")
    for page_size, expected in ((None, (612, 792)), ("A4", (595, 842))):
        data = seed_data()
        if page_size:
            data["meta"]["page_size"] = page_size
        facts = tmp_path / f"brief-{page_size}.yaml"
        facts.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        brief = build_brief(facts, "all", theme=letter)
        from pypdf import PdfReader

        box = PdfReader(io.BytesIO(brief.outputs["pdf"])).pages[0].mediabox
        assert (round(box.width), round(box.height)) == expected
        width = docx.Document(io.BytesIO(brief.outputs["docx"])).sections[0].page_width.pt
        assert round(width) == expected[0]


def test_the_briefs_own_styles_come_from_the_reference_when_it_defines_them() -> None:
    # A desk restyles the summary box and the key-figure value in the house reference.
    parts = parts_of(reference_docx_bytes())
    styles = parts["word/styles.xml"].decode()
    summary = style(parts["word/styles.xml"], "SectionSummary")
    value = style(parts["word/styles.xml"], "KeyFigureValue")
    restyled = styles.replace(summary, re.sub(r'w:fill="\w+"', 'w:fill="FFF4D6"', summary))
    restyled = restyled.replace(value, re.sub(r'<w:sz w:val="\d+"/>', '<w:sz w:val="48"/>', value))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, restyled.encode() if name == "word/styles.xml" else content)
    house = house_docx_from_bytes(data.getvalue(), "desk.docx")
    out = parts_of(write_docx(document_of(SEED), apply_house_docx(default_theme(), house)))
    assert 'w:fill="FFF4D6"' in style(out["word/styles.xml"], "SectionSummary")
    assert '<w:sz w:val="48"/>' in style(out["word/styles.xml"], "KeyFigureValue")
    body = out["word/document.xml"].decode()
    assert 'w:val="SectionSummary"' in body and 'w:val="KeyFigureValue"' in body
