"""Tables break like a typesetter's, in both formats.

A long table starts where it is (when its header and first three rows fit), splits with its
header repeated, keeps "of which" parts with their row and its last rows together; Word gets
the same rules as cantSplit, tblHeader and keepNext.
"""

from __future__ import annotations

import io
import re
import zipfile

from reportgen import model as m
from reportgen.writers.docx import write_docx
from reportgen.writers.pdf import write_pdf
from tests.conftest import pdf_pages_text
from tests.layout import page_fill


def _text(s: str) -> tuple[m.Inline, ...]:
    return (m.Text(s),)


def _budget(n: int, children_every: int = 0) -> m.Table:
    """Return an n-row budget table; every `children_every`-th row is an "of which" part."""
    rows, levels = [], []
    for i in range(n):
        child = bool(children_every) and i % children_every != 0
        name = f"of which: part {i}" if child else f"Programme {i}"
        rows.append((m.Cell(_text(name)), m.Cell(_text(f"₹{i},000 crore"), "right")))
        levels.append(1 if child else 0)
    header = (m.Cell(_text("Programme")), m.Cell(_text("Amount"), "right"))
    return m.Table(header, tuple(rows), caption=_text("Budget lines"), levels=tuple(levels))


def _doc(*blocks: m.Block) -> m.Document:
    return m.Document(m.Meta(title="Table breaks"), blocks)


ROW = re.compile(r"(of which: part|Programme) \d")
LONG_TEXT = " ".join(["The brief argues its case at some length before the table."] * 60)


def test_bound_rows_follow_the_typesetters_rules() -> None:
    table = m.Table(
        (m.Cell(_text("a")),),
        tuple((m.Cell(_text(str(i))),) for i in range(8)),
        total_rows=1,
        levels=(0, 0, 0, 1, 1, 0, 0, 0),
    )
    # first three rows together; row 2 with its two parts; last two (with the total) together
    assert table.bound_rows() == (True, True, True, True, False, False, True, False)


def test_long_runs_of_bound_rows_are_cut_so_they_fit_a_page() -> None:
    table = _budget(40, children_every=40)  # one parent with 39 parts
    bound = table.bound_rows()
    longest = max(len(run) for run in "".join("x" if b else " " for b in bound).split())
    assert longest <= m.MAX_BOUND_ROWS


def test_a_long_table_starts_under_the_text_instead_of_leaving_a_gap() -> None:
    data = write_pdf(_doc(m.Paragraph(_text(LONG_TEXT)), _budget(60, 4)))
    pages = pdf_pages_text(data)
    assert "Programme 0" in pages[0]  # started on the first page, under the text
    assert all("Programme\n" in p or "Programme " in p for p in pages[1:])  # header repeated
    fills = page_fill(data)
    assert all(f > 0.6 for f in fills[:-1]), fills  # no page before the last 40% empty


def test_of_which_parts_never_open_a_page_without_their_row() -> None:
    for lead in range(0, 40, 3):  # shift the table down the page line by line
        text = " ".join(["Filler sentence to move the table."] * lead)
        blocks = (m.Paragraph(_text(text)),) if text else ()
        data = write_pdf(_doc(*blocks, _budget(45, 3)))
        for page in pdf_pages_text(data)[1:]:
            rows = [ln for ln in page.splitlines() if ROW.match(ln)]
            if rows:
                assert not rows[0].startswith("of which"), (lead, rows[:2])


def test_a_table_that_cannot_fit_three_rows_moves_with_its_caption() -> None:
    # Fill the page to a few lines from its foot, then a table: it must not start there.
    filler = " ".join(["Words to fill the page nearly to its foot, line after line."] * 66)
    data = write_pdf(_doc(m.Paragraph(_text(filler)), _budget(20)))
    pages = pdf_pages_text(data)
    first = next(i for i, p in enumerate(pages) if "Budget lines" in p)
    assert "Programme 2" in pages[first]  # the caption is followed by three rows at least


def test_word_rows_carry_cant_split_header_repeat_and_keep_next() -> None:
    data = write_docx(_doc(_budget(10, 3)))

    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    rows = re.findall(r"<w:tr>.*?</w:tr>", body)
    assert "<w:tblHeader/>" in rows[0] and "<w:keepNext/>" in rows[0]
    assert all("<w:cantSplit/>" in r for r in rows)
    kept = ["<w:keepNext/>" in r for r in rows[1:]]
    table = _budget(10, 3)
    assert tuple(kept) == table.bound_rows()
