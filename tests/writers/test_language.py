"""Language in the model: Attr on Span and Div, side-by-side Columns, and the writers' words.

Writers start from model nodes built here (no facts, no templates): a Hindi document, an
English span inside it, a diglot pair of columns. Real readers judge the outputs.
"""

from __future__ import annotations

import io
import re
import zipfile

import pypdf
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer

from reportgen import model as m
from reportgen.writers.charts import chart_text
from reportgen.writers.docx import write_docx
from reportgen.writers.pdf import render_pdf

HINDI_LABELS = (
    ("page_of", "पृष्ठ {page} / {pages}"),
    ("figure", "चित्र {number}"),
    ("contents", "विषय-सूची"),
)


def hindi_doc(*blocks: m.Block) -> m.Document:
    """Return a small Hindi document holding `blocks`."""
    meta = m.Meta(
        title="महत्वपूर्ण खनिजों पर भारत-अमेरिका सहयोग",
        organisation="नीति विश्लेषण इकाई",
        language="hi-IN",
        labels=HINDI_LABELS,
    )
    return m.Document(meta=meta, blocks=blocks)


def part(data: bytes, name: str) -> str:
    """Return one part of a DOCX zip as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


def test_attr_lang_and_json_round_trip() -> None:
    span = m.Span((m.Text("TRUST"),), m.lang_attr("en-IN"))
    div = m.Div((m.Paragraph((m.Text("भारत "), span)),), m.lang_attr("hi-IN", "diglot"))
    doc = hindi_doc(div, m.Columns(((div, m.Div((m.Paragraph((m.Text("India"),)),))),)))
    again = m.from_json(m.to_json(doc))
    assert again == doc
    assert span.attr.lang == "en-IN" and div.attr.classes == ("diglot",)
    assert m.Attr().lang == "" and m.plain_text(div.blocks[0].content) == "भारत TRUST"


def test_meta_label_falls_back_to_english_and_fills_values() -> None:
    meta = hindi_doc().meta
    assert meta.label("page_of", page=2, pages=5) == "पृष्ठ 2 / 5"
    assert meta.label("logo") == "Logo"  # a key the document does not give: English default
    assert m.Meta(title="x").label("page_of", page=1, pages=3) == "Page 1 of 3"


def test_docx_hindi_document_language_in_styles_settings_and_core() -> None:
    data = write_docx(hindi_doc(m.Paragraph((m.Text("राष्ट्रीय महत्वपूर्ण खनिज मिशन"),))))
    styles, settings, core = (
        part(data, n) for n in ("word/styles.xml", "word/settings.xml", "docProps/core.xml")
    )
    assert '<w:lang w:val="en-IN" w:bidi="hi-IN"/>' in styles
    assert '<w:themeFontLang w:val="en-IN" w:bidi="hi-IN"/>' in settings
    assert "<dc:language>hi-IN</dc:language>" in core


def test_docx_english_span_in_hindi_text_is_tagged_english() -> None:
    span = m.Span((m.Text("TRUST"),), m.lang_attr("en-IN"))
    data = write_docx(hindi_doc(m.Paragraph((m.Text("पहल "), span))))
    body = part(data, "word/document.xml")
    run = re.search(r"<w:r><w:rPr>(?:(?!</w:r>).)*TRUST</w:t></w:r>", body)
    assert run and '<w:lang w:val="en-IN"/>' in run.group()
    deva = re.search(r"<w:r><w:rPr>(?:(?!</w:r>).)*पहल</w:t></w:r>", body)
    assert (
        deva
        and 'w:bidi="hi-IN"' in deva.group()
        and 'w:cs="Noto Sans Devanagari"' in (deva.group())
    )


def test_docx_div_in_english_tags_its_runs() -> None:
    english = m.Div((m.Paragraph((m.Text("Critical minerals"),)),), m.lang_attr("en-IN"))
    body = part(write_docx(hindi_doc(english)), "word/document.xml")
    run = re.search(r"<w:r><w:rPr>(?:(?!</w:r>).)*Critical minerals</w:t></w:r>", body)
    assert run and '<w:lang w:val="en-IN"/>' in run.group()


def test_docx_footer_puts_page_fields_where_the_language_says() -> None:
    footer = part(write_docx(hindi_doc(m.Paragraph((m.Text("पाठ"),)))), "word/footer1.xml")
    text = re.sub(r"<w:fldSimple w:instr=\" (\w+) \">.*?</w:fldSimple>", r"[\1]", footer)
    text = re.sub(r"<[^>]+>", "", text)
    assert text.endswith("पृष्ठ [PAGE] / [NUMPAGES]")


def test_docx_columns_are_a_table_row_per_pair() -> None:
    hi = m.Div((m.Paragraph((m.Text("भारत"),)),), m.lang_attr("hi-IN"))
    en = m.Div((m.Paragraph((m.Text("India"),)),), m.lang_attr("en-IN"))
    body = part(write_docx(hindi_doc(m.Columns(((hi, en), (hi, en))))), "word/document.xml")
    table = re.search(r"<w:tbl>.*?</w:tbl>", body)
    assert table and table.group().count("<w:tr>") == 2
    assert table.group().count("<w:cantSplit/>") == 2
    assert table.group().index("भारत") < table.group().index("India")


def test_pdf_hindi_footer_and_columns_side_by_side() -> None:
    hi = m.Div((m.Paragraph((m.Text("भारत और अमेरिका"),)),), m.lang_attr("hi-IN"))
    en = m.Div((m.Paragraph((m.Text("India and the United States"),)),), m.lang_attr("en-IN"))
    data, pages = render_pdf(hindi_doc(m.Columns(((hi, en),))))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert pages == 1
    assert reader.trailer["/Root"]["/Lang"] == "hi-IN"
    assert "पृष्ठ 1 / 1" in reader.pages[0].extract_text()
    boxes = {
        box.get_text().strip(): (box.x0, box.y1)
        for box in next(extract_pages(io.BytesIO(data)))
        if isinstance(box, LTTextContainer)
    }
    hindi = next(xy for text, xy in boxes.items() if text.startswith("भारत"))
    english = boxes["India and the United States"]
    # side by side: the Hindi column left, the English one right, both starting level
    assert hindi[0] < english[0] and abs(hindi[1] - english[1]) < 3


def test_chart_words_come_from_the_chart() -> None:
    bars = (
        m.Bar("मिशन", 1877.0, "$1.88 बिलियन"),
        m.Bar("अन्वेषण", 806.0, "$806 मिलियन", parent="मिशन"),
    )
    words = (("bar_chart", "बार चार्ट"), ("of_which", "जिसमें से {label}"))
    text = chart_text(m.BarChart(bars, unit="USD मिलियन", labels=words))
    assert text.startswith("बार चार्ट (bars in USD मिलियन).")
    assert "जिसमें से अन्वेषण: $806 मिलियन" in text
    assert chart_text(m.TimelineChart(())) == "No data to chart."
