"""Word opens the brief without a question; its contents list has page numbers only when right."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reportgen import model as m
from reportgen import pagination
from reportgen.writers.docx import write_docx
from tests.conftest import SEED, libreoffice_pdf, pdf_pages_text
from tests.word.conftest import document_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def part(data: bytes, name: str) -> str:
    """Return one part of the DOCX zip as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


def small_doc() -> m.Document:
    """Return a document with a contents list and three headings."""
    blocks: list[m.Block] = [m.TableOfContents()]
    for n, level in ((1, 1), (2, 2), (3, 1)):
        blocks.append(m.Heading(level, (m.Text(f"Part {n}"),), id=f"part-{n}"))
        blocks.append(m.Paragraph((m.Text("Text."),)))
    return m.Document(m.Meta(title="T"), tuple(blocks))


def test_settings_do_not_ask_word_to_update_fields() -> None:
    settings = part(write_docx(small_doc()), "word/settings.xml")
    assert "updateFields" not in settings


def test_entries_link_inside_the_toc_field_and_show_no_number_by_default() -> None:
    body = part(write_docx(small_doc()), "word/document.xml")
    assert 'TOC \\o "1-2" \\h \\z \\u' in body
    assert "PAGEREF" not in body
    entries = pagination.toc_entries(write_docx(small_doc()))
    assert [text for _, text in entries] == ["Part 1", "Part 2", "Part 3"]


def test_known_pages_become_pageref_fields_with_those_numbers() -> None:
    plain = write_docx(small_doc())
    names = [name for name, _ in pagination.toc_entries(plain)]
    pages = dict(zip(names, (1, 2, 5), strict=True))
    body = etree.fromstring(
        part(write_docx(small_doc(), toc_pages=pages), "word/document.xml").encode()
    )
    instr = [t.text.strip() for t in body.iter(f"{W}instrText")]
    assert instr[0].startswith("TOC")
    assert instr[1:] == [f"PAGEREF {name} \\h" for name in names]
    toc = [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val")[:3] == "TOC"]
    shown = [
        "".join(t.text for t in p.iter(f"{W}t")) for p in toc if p.find(f"{W}hyperlink") is not None
    ]
    assert shown == ["Part 11", "Part 22", "Part 35"]  # text, a tab, the cached page
    # one field begins and ends per entry, plus the TOC field itself
    kinds = [f.get(f"{W}fldCharType") for f in body.iter(f"{W}fldChar")]
    assert kinds.count("begin") == kinds.count("end") == 4


def test_pages_missing_for_one_entry_give_no_numbers_at_all() -> None:
    plain = write_docx(small_doc())
    names = [name for name, _ in pagination.toc_entries(plain)]
    body = part(write_docx(small_doc(), toc_pages={names[0]: 1, names[1]: 2}), "word/document.xml")
    assert "PAGEREF" not in body


def test_outline_matching_skips_deeper_headings_and_fails_on_a_missing_one() -> None:
    entries = [("a", "Alpha"), ("b", "Beta  two"), ("c", "Gamma")]
    outline = [("Alpha", 1), ("Alpha detail", 1), ("Beta two", 2), ("Gamma", 4)]
    assert pagination.match_outline(entries, outline) == {"a": 1, "b": 2, "c": 4}
    assert pagination.match_outline(entries, outline[:3]) is None
    # a repeated heading text pairs with its own occurrence, in order
    twice = [("a", "Notes"), ("b", "Notes")]
    assert pagination.match_outline(twice, [("Notes", 2), ("Notes", 3)]) == {"a": 2, "b": 3}


def test_without_libreoffice_the_entries_stay_unnumbered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination.shutil, "which", lambda name: None)
    result = pagination.docx_with_page_numbers(small_doc())
    assert not result.numbered and "LibreOffice" in result.reason
    assert "PAGEREF" not in part(result.data, "word/document.xml")


def test_pages_that_do_not_settle_give_no_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = iter(range(1, 100))

    def moving(data: bytes, entries: list[tuple[str, str]], soffice: str) -> dict[str, int]:
        shift = next(calls)  # every layout puts the headings somewhere else
        return {name: shift + i for i, (name, _) in enumerate(entries)}

    monkeypatch.setattr(pagination.shutil, "which", lambda name: "/bin/true")
    monkeypatch.setattr(pagination, "heading_pages", moving)
    result = pagination.docx_with_page_numbers(small_doc())
    assert not result.numbered and "settle" in result.reason
    assert "PAGEREF" not in part(result.data, "word/document.xml")


def _heading_pages_in_text(pages: list[str], headings: list[str]) -> list[int]:
    """Return the page (1-based) on which each heading stands as a line of its own, in order.

    Contents lines end in dot leaders and a number, so they never equal a heading's line.
    """
    found, start = [], 0
    for heading in headings:
        for index in range(start, len(pages)):
            lines = [re.sub(r"\s+", " ", line).strip() for line in pages[index].splitlines()]
            if heading in lines:
                found.append(index + 1)
                start = index
                break
        else:
            raise AssertionError(f"heading {heading!r} is on no page")
    return found


def _contents_numbers(pages: list[str], headings: list[str]) -> list[int]:
    """Return the number printed after each heading's contents line (first pages)."""
    text = re.sub(r"\s+", " ", " ".join(pages[:2]))
    numbers = []
    for heading in headings:
        match = re.search(re.escape(heading) + r" ?\.{3,} ?(\d+)", text)
        assert match, f"no contents line with a number for {heading!r}"
        numbers.append(int(match.group(1)))
    return numbers


@pytest.mark.slow
@pytest.mark.parametrize(
    ("facts", "reference"),
    [
        (SEED, None),
        (Path(__file__).parent / "fixtures" / "east-africa-grid.yaml", None),
        (SEED, Path(__file__).parent / "fixtures" / "house-reference.docx"),
    ],
    ids=["seed", "grid", "seed-house-reference"],
)
def test_contents_numbers_are_the_pages_libreoffice_puts_the_headings_on(
    facts: Path, reference: Path | None, tmp_path: Path
) -> None:
    from reportgen.housedocx import apply_house_docx, read_house_docx
    from reportgen.theme import default_theme

    doc = document_of(facts)
    theme = apply_house_docx(default_theme(), read_house_docx(reference)) if reference else None
    result = pagination.docx_with_page_numbers(doc, theme)
    assert result.numbered, result.reason
    source = tmp_path / "brief.docx"
    source.write_bytes(result.data)
    pages = pdf_pages_text(libreoffice_pdf(source).read_bytes())
    headings = [text for _, text in pagination.toc_entries(result.data)]
    assert len(headings) >= 8
    landed = _heading_pages_in_text(pages, headings)
    assert _contents_numbers(pages, headings) == landed
    assert max(landed) >= 3  # the headings really are spread over pages


@pytest.mark.slow
def test_build_option_writes_numbered_contents(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    if pagination.shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    grid = Path(__file__).parent / "fixtures" / "east-africa-grid.yaml"
    done = run_cli("build", str(grid), "--format", "docx", "--out", str(tmp_path), "-q",
                   "--docx-page-numbers")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = (tmp_path / "east-africa-grid.docx").read_bytes()
    entries = pagination.toc_entries(data)
    assert len(entries) >= 8
    assert part(data, "word/document.xml").count("PAGEREF") == len(entries)
