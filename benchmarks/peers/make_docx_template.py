"""Write brief_template.docx, the docxtpl template of the reference brief.

    python benchmarks/peers/make_docx_template.py

A docxtpl user draws this in Word; here python-docx writes it so that the template is
reviewable as code. The result is committed beside this script.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent / "brief_template.docx"
ACCENT = RGBColor(0x0B, 0x4F, 0x6C)


def para(doc: object, text: str, style: str = "Normal") -> None:
    """Add one paragraph of template text."""
    doc.add_paragraph(text, style=style)  # type: ignore[attr-defined]


def loop_table(doc: object, header: list[str], cells: list[str], loop: str, widths: list[float]):
    """Add a table with a header row, one templated row repeated by `loop`, and the end tag."""
    table = doc.add_table(rows=4, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for i, (name, width) in enumerate(zip(header, widths, strict=True)):
        table.rows[0].cells[i].text = name
        table.rows[0].cells[i].width = Cm(width)
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for i, cell in enumerate(cells):
        table.rows[2].cells[i].text = cell
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def main() -> None:
    """Write the template."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Sans"
    normal.font.size = Pt(9)
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.color.rgb = ACCENT
    section.footer.paragraphs[0].text = "{{ organisation }}"
    para(doc, "{{ organisation }}", "Caption")
    para(doc, "{{ title }}", "Title")
    para(doc, "{{ subtitle }}", "Subtitle")
    para(doc, "{{ date }} · {{ byline }}", "Caption")
    para(doc, "Key messages", "Heading 1")
    para(doc, "{%p for m in key_messages %}")
    para(doc, "{{ m }}", "List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "Key figures", "Heading 2")
    loop_table(
        doc,
        ["Figure", "What", "Context"],
        ["{{ h.value }}", "{{ h.label }}", "{{ h.context }}"],
        "h in highlights",
        [3, 6, 8],
    )
    para(doc, "Executive summary", "Heading 1")
    para(doc, "{%p for s in summaries %}")
    para(doc, "{{ s }}", "Intense Quote")
    para(doc, "{%p endfor %}")
    para(doc, "{%p for s in sections %}")
    para(doc, "{{ s.heading }}", "Heading 1")
    para(doc, "{%p if s.summary %}")
    para(doc, "{{ s.summary }}", "Intense Quote")
    para(doc, "{%p endif %}")
    para(doc, "{%p for p in s.paragraphs %}")
    para(doc, "{{ p }}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p for p in s.points %}")
    para(doc, "{{ p }}", "List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "Budgets", "Heading 1")
    para(doc, "Programme budgets, in their own currency and in USD", "Caption")
    table = loop_table(
        doc,
        ["Programme", "Country", "Amount", "Equivalent (USD)", "Period", "Per year", "Share"],
        [
            "{{ r.name }} {{ r.cite }}",
            "{{ r.owner }}",
            "{{ r.native }}",
            "{{ r.reporting }}",
            "{{ r.period }}",
            "{{ r.per_year }}",
            "{{ r.share }}",
        ],
        "r in budget_rows",
        [4.3, 2, 2.2, 2.2, 3.1, 2.2, 1.6],
    )
    total = table.add_row()
    total.cells[0].text = "Total"
    total.cells[3].text = "{{ budget_total }}"
    para(doc, "{%p for n in rate_notes %}")
    para(doc, "{{ n }}", "Caption")
    para(doc, "{%p endfor %}")
    para(doc, "Timeline", "Heading 1")
    loop_table(doc, ["Date", "Event"], ["{{ e.date }}", "{{ e.event }}"], "e in timeline", [3, 14])
    para(doc, "Sources", "Heading 1")
    para(doc, "{%p for s in sources %}")
    para(doc, "{{ s }}", "List Number")
    para(doc, "{%p endfor %}")
    doc.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
