"""The reader: each construct of the constrained Markdown dialect into the document model."""

from __future__ import annotations

import json
import re

import pytest

from reportgen import model
from reportgen.errors import TemplateError
from reportgen.reader import read_markdown

META = model.Meta(title="T")


def read(text: str) -> tuple[model.Block, ...]:
    """Return the blocks read from `text`."""
    return read_markdown(text, META).blocks


def only(text: str) -> model.Block:
    """Return the single block read from `text`."""
    blocks = read(text)
    assert len(blocks) == 1, blocks
    return blocks[0]


def test_meta_is_kept() -> None:
    assert read_markdown("x", META).meta is META


def test_heading_with_explicit_anchor() -> None:
    assert only("# Budgets { #budget}") == model.Heading(1, (model.Text("Budgets"),), "budget")


def test_heading_with_unspaced_anchor() -> None:
    assert only("## Sub {#sub-1}") == model.Heading(2, (model.Text("Sub"),), "sub-1")


def test_heading_anchor_from_text_and_made_unique() -> None:
    blocks = read("# Key Highlights!\n\n# Key highlights")
    assert [b.id for b in blocks] == ["key-highlights", "key-highlights-2"]


def test_escaped_anchor_stays_text() -> None:
    heading = only(r"# A \{\#x\}")
    assert heading.content == (model.Text("A {#x}"),)
    assert heading.id == "a-x"


def test_paragraph_emphasis_strong_and_hard_break() -> None:
    para = only("a *b* **c**\\\nd\ne")
    assert para == model.Paragraph(
        (
            model.Text("a "),
            model.Emph((model.Text("b"),)),
            model.Text(" "),
            model.Strong((model.Text("c"),)),
            model.LineBreak(),
            model.Text("d e"),
        )
    )


def test_bullet_and_ordered_lists() -> None:
    bullets, numbers = read("- one\n- two\n\n3. three\n4. four")
    assert bullets == model.BulletList(
        (model.ListItem((model.Text("one"),)), model.ListItem((model.Text("two"),)))
    )
    assert numbers.ordered and numbers.start == 3
    assert [model.plain_text(i.content) for i in numbers.items] == ["three", "four"]


def test_list_item_anchor() -> None:
    (item,) = only("1. A source { #src-a}").items
    assert item == model.ListItem((model.Text("A source"),), id="src-a")


def test_nested_list_is_an_error_naming_the_line() -> None:
    with pytest.raises(TemplateError, match="line 2"):
        read("- a\n  - b")


def test_table_alignment_and_escaped_pipe() -> None:
    table = only("| A | B | C |\n|:--|--:|:-:|\n| x\\|y | 2 | c |")
    assert [c.align for c in table.header] == ["left", "right", "center"]
    assert table.rows[0][0].content == (model.Text("x|y"),)
    assert table.rows[0][1].align == "right"
    assert table.total_rows == 0 and table.widths == () and table.caption == ()


def test_table_container_caption_widths_and_totals() -> None:
    table = only(
        '::: table {total_rows=1 widths="3,1"}\nBudgets\n\n'
        "| A | B |\n|--|--:|\n| a | 1 |\n| **Total** | 1 |\n:::"
    )
    assert table.caption == (model.Text("Budgets"),)
    assert table.widths == (3.0, 1.0)
    assert table.total_rows == 1
    assert table.rows[1][0].content == (model.Strong((model.Text("Total"),)),)


def test_table_widths_must_match_columns() -> None:
    with pytest.raises(TemplateError, match="widths"):
        read('::: table {widths="1,2,3"}\n| A | B |\n|--|--|\n| a | b |\n:::')


def test_callout_containers() -> None:
    summary, executive, note, warning = read(
        "::: summary\nS\n:::\n\n::: executive\nE\n:::\n\n"
        '::: note {title="Mind"}\nN\n:::\n\n::: callout warning\nW\n:::'
    )
    assert summary == model.Callout("summary", (model.Paragraph((model.Text("S"),)),))
    assert executive.kind == "executive"
    assert note.kind == "note" and note.title == (model.Text("Mind"),)
    assert warning.kind == "warning"


def test_unknown_callout_kind() -> None:
    with pytest.raises(TemplateError, match="callout kind"):
        read("::: callout shout\nW\n:::")


def test_style_container_sets_paragraph_style() -> None:
    assert only("::: style note\nRate note.\n:::") == model.Paragraph(
        (model.Text("Rate note."),), style="note"
    )


def test_highlights_become_key_figures() -> None:
    figures = only(
        '::: highlights {title="Key figures"}\n'
        "- **~70%** China's share\n  Context line [5](#src-usgs)\n"
        "- **2nd** Rank\n:::"
    )
    assert figures.title == (model.Text("Key figures"),)
    first, second = figures.items
    assert first == model.KeyFigure(
        value="~70%",
        label=(model.Text("China's share"),),
        context=(model.Text("Context line "), model.Cite(5, "usgs")),
    )
    assert second == model.KeyFigure(value="2nd", label=(model.Text("Rank"),))


def test_highlight_without_bold_value_is_an_error() -> None:
    with pytest.raises(TemplateError, match="value in bold"):
        read("::: highlights\n- just text\n:::")


def test_sources_list_items_carry_anchors() -> None:
    sources = only(
        "::: sources\n1. Pub, *Title*. [https://a.org/](https://a.org/) { #src-a}\n"
        "2. Other. { #src-b}\n:::"
    )
    assert sources.ordered
    assert [i.id for i in sources.items] == ["src-a", "src-b"]
    assert sources.items[0].content[-1] == model.Link(
        "https://a.org/", (model.Text("https://a.org/"),)
    )


def test_toc_and_pagebreak() -> None:
    assert read("::: toc\n:::\n\n::: pagebreak\n:::") == (
        model.TableOfContents(),
        model.PageBreak(),
    )


def test_unknown_container_names_the_line() -> None:
    with pytest.raises(TemplateError, match=r"line 3: unknown container `::: sidebar`") as caught:
        read("para\n\n::: sidebar {x=1}\nx\n:::")
    assert "the line reads '::: sidebar {x=1}'" in str(caught.value)


def test_citation_links_become_cites() -> None:
    para = only("Text [1](#src-a)[3](#src-b)")
    assert para.content == (model.Text("Text "), model.Cite(1, "a"), model.Cite(3, "b"))


@pytest.mark.parametrize(
    "url", ["https://x.org/a", "http://x.org", "mailto:a@b.org", "#budget", "#src-x"]
)
def test_safe_links_survive(url: str) -> None:
    para = only(f"[go]({url})")
    assert para.content == (model.Link(url, (model.Text("go"),)),)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://x", "page.html"],
)
def test_unsafe_links_become_text(url: str) -> None:
    para = only(f"[go]({url})")
    assert not any(isinstance(node, model.Link) for node in para.content)
    assert "go" in model.plain_text(para.content)


def test_raw_html_is_literal_text() -> None:
    para = only('<font color="red">x</font> <img src="/etc/passwd"/> & <')
    assert para.content == (model.Text('<font color="red">x</font> <img src="/etc/passwd"/> & <'),)


def test_html_block_is_literal_text() -> None:
    para = only("<div>\n<script>alert(1)</script>\n</div>")
    assert "<script>alert(1)</script>" in model.plain_text(para.content)


def test_image_becomes_its_alt_text() -> None:
    assert only("![a chart](/etc/passwd)").content == (model.Text("a chart"),)


def chart_block(chart: model.Chart, caption: str = "Budgets", alt: str = "Bars") -> str:
    """Return a `::: figure` block holding `chart`."""
    data = json.dumps(model.to_data(chart))
    return f'::: figure {{alt="{alt}"}}\n```chart\n{data}\n```\n\n{caption}\n:::\n'


BARS = model.BarChart(
    bars=(
        model.Bar("NCMM", 1877.2, "$1.88 billion", "₹16,300 crore"),
        model.Bar("Exploration", 806.2, "$806 million", "₹7,000 crore", parent="NCMM"),
    ),
    unit="USD million",
)
MILESTONES = model.TimelineChart((model.Milestone("2020", 2020.0, "CMM"),))


def test_figures_are_numbered_with_caption_and_alt() -> None:
    first, second = read(chart_block(BARS) + "\n" + chart_block(MILESTONES, "Dates", 'A "q"'))
    assert first == model.Figure(
        chart=BARS, number=1, caption=(model.Text("Figure 1: Budgets"),), alt="Bars"
    )
    assert second.number == 2 and second.chart == MILESTONES
    assert second.caption == (model.Text("Figure 2: Dates"),)


def test_figure_alt_attribute_unescapes_quotes() -> None:
    figure = only(chart_block(MILESTONES, alt='A \\"quoted\\" word'))
    assert figure.alt == 'A "quoted" word'


def test_figure_with_bad_json_is_an_error() -> None:
    with pytest.raises(TemplateError, match="chart JSON"):
        read('::: figure {alt="x"}\n```chart\n{"t": "Heading"}\n```\n:::')


def test_chart_outside_figure_is_an_error() -> None:
    with pytest.raises(TemplateError, match="belongs inside"):
        read("```chart\n{}\n```")


def test_other_code_is_literal_text() -> None:
    assert only("```\n*a*\n<b>\n```").content == (
        model.Text("*a*"),
        model.LineBreak(),
        model.Text("<b>"),
    )


def test_blockquote_is_a_note() -> None:
    assert only("> quoted") == model.Callout("note", (model.Paragraph((model.Text("quoted"),)),))


def test_horizontal_rule_is_an_error() -> None:
    with pytest.raises(TemplateError, match="line 3"):
        read("a\n\n---\n")


def test_json_round_trip_is_stable() -> None:
    text = "# A\n\n" + chart_block(BARS) + "\n| x | y |\n|--|--:|\n| 1 | 2 |"
    doc = read_markdown(text, META)
    assert model.from_json(model.to_json(doc)) == doc
    assert model.to_json(read_markdown(text, META)) == model.to_json(doc)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::: toc\ntext\n:::", "takes no content"),
        ("::: style loud\nx\n:::", "paragraph style"),
        ("::: style note\n- x\n:::", "exactly one paragraph"),
        ("::: table {total_rows=2}\n| A |\n|--|\n| a |\n:::", "total_rows=2"),
        ("::: table\nonly a caption\n:::", "holds no table"),
        ("::: sources\n- not numbered\n:::", "one numbered list"),
        ("::: figure\nno chart\n:::", "holds no ```chart"),
    ],
)
def test_misused_containers_are_errors(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        read(text)


def test_figure_without_caption_uses_its_number() -> None:
    data = json.dumps(model.to_data(MILESTONES))
    figure = only(f"::: figure\n```chart\n{data}\n```\n:::")
    assert figure.caption == (model.Text("Figure 1"),)
    assert figure.alt == ""


def test_nested_containers_with_longer_markers() -> None:
    assert only(":::: summary\n::: note\nx\n:::\n::::") == model.Callout(
        "summary", (model.Callout("note", (model.Paragraph((model.Text("x"),)),)),)
    )


def test_empty_text_is_an_empty_document() -> None:
    assert read("") == ()


def test_compact_sources_are_a_list_in_a_compact_div() -> None:
    doc = read_markdown(
        "# Sources\n\n::: sources compact\n1. A: *B*. { #src-a}\n2. C: *D*. { #src-c}\n:::\n",
        META,
    )
    div = doc.blocks[-1]
    assert isinstance(div, model.Div) and div.attr.classes == ("compact",)
    assert isinstance(div.blocks[0], model.BulletList) and len(div.blocks[0].items) == 2


def test_sources_take_no_other_argument() -> None:
    with pytest.raises(TemplateError, match="takes no argument but `compact`"):
        read_markdown("::: sources wide\n1. A: *B*. { #src-a}\n:::\n", META)
