"""Templating: environments, escaping, discovery, inheritance, the seed through the templates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import model
from reportgen.errors import TemplateError
from reportgen.reader import read_markdown
from reportgen.templating import (
    build_document,
    find_template,
    list_templates,
    render_markdown,
    template_files,
)
from reportgen.templating.markdown import MarkdownSafe, escape_text, finalize

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"
EVIL = '*x* [a](javascript:x) <font color="x"> # H | ::: & < \\ `c` 1. > - [1](#src-a)'


# ---------------------------------------------------------------- helpers


def write_template(root: Path, name: str, body: str, extra: dict[str, str] | None = None) -> Path:
    """Return the folder of a user template `name` holding `brief.md.j2` = `body`."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text(f"description: test template {name}\n")
    (folder / "brief.md.j2").write_text(body)
    for file_name, text in (extra or {}).items():
        (folder / file_name).write_text(text)
    return folder


def stand_in(**values: Any) -> SimpleNamespace:
    """Return minimal facts: a Meta, one source, and any extra attributes."""
    meta = SimpleNamespace(
        title="T",
        subtitle="",
        short_title="",
        date=None,
        date_display="",
        organisation="",
        authors=[],
        audience="",
        language="en",
        keywords=[],
        template="t",
        page_size="A4",
    )
    numbers = {"a": 1, "b": 2}
    return SimpleNamespace(meta=meta, source_number=lambda sid: numbers[sid], **values)


def texts(node: Any) -> list[str]:
    """Return every Text string under a model node, in order."""
    if isinstance(node, model.Text):
        return [node.text]
    if dataclasses.is_dataclass(node):
        return [t for f in dataclasses.fields(node) for t in texts(getattr(node, f.name))]
    if isinstance(node, (tuple, list)):
        return [t for item in node for t in texts(item)]
    return []


def nodes(node: Any, kind: type) -> list[Any]:
    """Return every node of type `kind` under `node`."""
    found = [node] if isinstance(node, kind) else []
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            found += nodes(getattr(node, f.name), kind)
    elif isinstance(node, (tuple, list)):
        for item in node:
            found += nodes(item, kind)
    return found


@pytest.fixture(scope="module")
def seed() -> Any:
    """Return the seed facts, loaded by the facts layer."""
    from reportgen.facts import load_facts

    return load_facts(SEED)


@pytest.fixture(scope="module")
def seed_doc(seed: Any) -> model.Document:
    """Return the seed through the policy-brief template."""
    return build_document(seed, "policy-brief")


# ---------------------------------------------------------------- escaping


def test_escape_text_reads_back_as_the_same_text() -> None:
    escaped = escape_text(EVIL)
    assert "*x*" not in escaped and "\\*x\\*" in escaped
    assert isinstance(finalize(EVIL), MarkdownSafe)
    assert finalize(MarkdownSafe("**b**")) == "**b**"


def test_escape_folds_line_breaks() -> None:
    assert escape_text("a\n\n# b\r\nc  ") == "a \\# b c"


@pytest.mark.parametrize(
    "body",
    [
        "{{ facts.v }}\n",
        "# {{ facts.v }}\n",
        "- {{ facts.v }}\n",
        "1. {{ facts.v }}\n",
        "| A |\n|--|\n| {{ facts.v }} |\n",
        "::: summary\n{{ facts.v }}\n:::\n",
        "::: highlights\n- **{{ facts.v }}** {{ facts.v }}\n  {{ facts.v }}\n:::\n",
    ],
)
def test_fact_text_is_literal_wherever_it_lands(tmp_path: Path, body: str) -> None:
    write_template(tmp_path, "t", body)
    doc = build_document(stand_in(v=EVIL), "t", [tmp_path])
    assert not nodes(doc, model.Link) and not nodes(doc, model.Cite)
    assert not nodes(doc, model.Emph) and not nodes(doc, model.Heading)[1:]
    values = texts(doc) + [k.value for k in nodes(doc, model.KeyFigure)]
    assert EVIL in values


def test_fact_with_newlines_stays_in_its_table_cell(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "| A | B |\n|--|--|\n| {{ facts.v }} | z |\n")
    (table,) = build_document(stand_in(v="one\n\n| two |\n"), "t", [tmp_path]).blocks
    assert len(table.rows) == 1
    assert model.plain_text(table.rows[0][0].content) == "one | two |"


def test_safe_filters_emit_markup(tmp_path: Path) -> None:
    body = "{{ facts.v }} {{ cite(['b', 'a', 'b']) }} {{ link('https://x.org/?a=1&b=2', 'X') }}\n"
    write_template(tmp_path, "t", body)
    (para,) = build_document(stand_in(v="see"), "t", [tmp_path]).blocks
    assert para.content == (
        model.Text("see "),
        model.Cite(1, "a"),
        model.Cite(2, "b"),
        model.Text(" "),
        model.Link("https://x.org/?a=1&b=2", (model.Text("X"),)),
    )


def test_cite_of_unknown_source_names_template_line(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "a\n{{ cite('nope') }}\n")
    with pytest.raises(TemplateError, match=r"t/brief\.md\.j2:2: cite: unknown source id 'nope'"):
        build_document(stand_in(), "t", [tmp_path])


def test_anchor_filter_slugifies_unsafe_ids(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "# H { #{{ facts.v | anchor }}}\n")
    (heading,) = build_document(stand_in(v="Ünïcode id!"), "t", [tmp_path]).blocks
    assert heading.id == "unicode-id"


# ---------------------------------------------------------------- errors


def test_undefined_value_names_template_and_line(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "# Title\n\n{{ facts.missing_value }}\n")
    with pytest.raises(TemplateError, match=r"t/brief\.md\.j2:3: undefined value") as caught:
        build_document(stand_in(), "t", [tmp_path])
    assert "missing_value" in str(caught.value)


def test_undefined_in_parent_template_names_the_parent(tmp_path: Path) -> None:
    write_template(tmp_path, "parent", "one\n{% block b %}{% endblock %}\n{{ nothing }}\n")
    write_template(
        tmp_path, "t", '{% extends "parent/brief.md.j2" %}\n{% block b %}x{% endblock %}'
    )
    with pytest.raises(TemplateError, match=r"parent/brief\.md\.j2:3"):
        build_document(stand_in(), "t", [tmp_path])


def test_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "ok\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"t/brief\.md\.j2:2: syntax error"):
        build_document(stand_in(), "t", [tmp_path])


def test_reader_error_is_a_template_error(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "::: aside\nx\n:::\n")
    with pytest.raises(TemplateError, match="line 1: unknown container"):
        build_document(stand_in(), "t", [tmp_path])


@pytest.mark.parametrize("name", ["nope", "../base", "/etc/passwd", "base/../base", ""])
def test_unknown_template_names_are_errors(name: str) -> None:
    with pytest.raises(TemplateError, match="unknown template"):
        find_template(name)


def test_unknown_template_lists_the_known_ones() -> None:
    with pytest.raises(TemplateError, match="policy-brief"):
        build_document(stand_in(), "no-such-template")


# ---------------------------------------------------------------- discovery


def test_bundled_templates_are_listed() -> None:
    infos = {t.name: t for t in list_templates()}
    assert {"base", "policy-brief", "fact-sheet"} <= set(infos)
    assert infos["policy-brief"].pages == (3, 5)
    assert infos["fact-sheet"].pages == (1, 1)
    assert all(t.source == "bundled" and t.description for t in infos.values())


def test_user_folder_overrides_bundled_template(tmp_path: Path, seed: Any) -> None:
    write_template(tmp_path, "policy-brief", "# Mine\n\n{{ facts.meta.title }}\n")
    info = {t.name: t for t in list_templates([tmp_path])}["policy-brief"]
    assert info.source == "user" and info.path == tmp_path / "policy-brief"
    doc = build_document(seed, "policy-brief", [tmp_path])
    assert texts(doc) == ["Mine", "India-US Cooperation on Critical Minerals"]


def test_user_template_extends_bundled_base(tmp_path: Path, seed: Any) -> None:
    body = '{% extends "base/brief.md.j2" %}\n{% block sources %}# The end\n{% endblock %}\n'
    write_template(tmp_path, "mine", body)
    doc = build_document(seed, "mine", [tmp_path])
    headings = [model.plain_text(h.content) for h in nodes(doc, model.Heading)]
    assert headings[0] == "Key messages" and headings[-1] == "The end"
    assert "Sources" not in headings and "Budgets" in headings


def test_template_files_follow_inheritance(tmp_path: Path) -> None:
    files = template_files("policy-brief")
    names = {f"{p.parent.name}/{p.name}" for p in files}
    assert {"policy-brief/brief.md.j2", "policy-brief/template.yaml"} <= names
    assert {"base/brief.md.j2", "base/template.yaml"} <= names
    assert files == sorted(files)
    write_template(tmp_path, "solo", "just text\n")
    assert {p.name for p in template_files("solo", [tmp_path])} == {"brief.md.j2", "template.yaml"}


def test_template_yaml_entry_and_pages(tmp_path: Path) -> None:
    folder = write_template(tmp_path, "t", "x")
    (folder / "main.md.j2").write_text("main\n")
    (folder / "template.yaml").write_text("description: d\nentry: main.md.j2\npages: 2\n")
    info = find_template("t", [tmp_path])
    assert (info.entry, info.pages) == ("main.md.j2", (2, 2))
    assert texts(build_document(stand_in(), "t", [tmp_path])) == ["main"]


def test_broken_template_yaml_is_a_template_error(tmp_path: Path) -> None:
    folder = write_template(tmp_path, "t", "x")
    (folder / "template.yaml").write_text("entry: missing.md.j2\n")
    with pytest.raises(TemplateError, match="entry file"):
        find_template("t", [tmp_path])


# ---------------------------------------------------------------- the seed


def test_seed_meta(seed_doc: model.Document) -> None:
    meta = seed_doc.meta
    assert meta.title == "India-US Cooperation on Critical Minerals"
    assert meta.date == "28 February 2025" and meta.date_iso == "2025-02-28"
    assert meta.subject == meta.subtitle != ""
    assert meta.short_title == "India-US critical minerals"
    assert meta.authors == ("Policy Analysis Unit",) and meta.page_size == ""  # the theme decides
    assert "TRUST" in meta.keywords and meta.language == "en-IN"


def test_seed_policy_brief_holds_every_fact(seed: Any, seed_doc: model.Document) -> None:
    text = model.to_json(seed_doc)
    expected = [
        *seed.key_messages,
        *(s.heading for s in seed.sections),
        *(s.summary for s in seed.sections),
        *(p for s in seed.sections for p in s.paragraphs),
        *(p.text for s in seed.sections for p in s.points),
        *(e.event for e in seed.timeline),
        *(s.title for s in seed.sources),
        *(s.publisher for s in seed.sources),
        "₹16,300 crore",
        "₹7,000 crore",
        "$675 million",
        "$1.88 billion",
        "$806 million",
        "$2.55 billion",
        "42.9%",
        "~70%",
        "2nd",
        "February 2025",
    ]
    missing = [s for s in expected if json.dumps(s, ensure_ascii=False)[1:-1] not in text]
    assert not missing


def test_seed_policy_brief_structure(seed_doc: model.Document) -> None:
    kinds = [type(b).__name__ for b in seed_doc.blocks]
    assert kinds[:4] == ["TableOfContents", "Heading", "BulletList", "KeyFigures"]
    assert [c.kind for c in nodes(seed_doc, model.Callout)].count("summary") == 6
    assert len(nodes(seed_doc, model.KeyFigure)) == 4
    headings = [h.id for h in nodes(seed_doc, model.Heading)]
    assert headings[:2] == ["key-messages", "executive-summary"]
    assert headings[-3:] == ["budget", "timeline", "sources"]
    sources = seed_doc.blocks[-1]
    assert sources.ordered and sources.items[0].id == "src-us-india-joint-statement-2025"
    cited = {c.source_id for c in nodes(seed_doc, model.Cite)}
    assert cited == {item.id.removeprefix("src-") for item in sources.items}


def test_seed_budget_table(seed_doc: model.Document) -> None:
    (table,) = [t for t in nodes(seed_doc, model.Table) if len(t.header) == 7]
    header = [model.plain_text(c.content) for c in table.header]
    assert header == [
        "Programme",
        "Country",
        "Amount",
        "Equivalent (USD)",
        "Period",
        "Per year",
        "Share of parent",
    ]
    assert [c.align for c in table.header][2:4] == ["right", "right"]
    assert table.total_rows == 1 and len(table.widths) == 7
    rows = [[model.plain_text(c.content) for c in row] for row in table.rows]
    assert rows[2][0] == "of which: Exploration [4]" and rows[2][-1] == "42.9%"
    assert rows[-1][0] == "Total" and rows[-1][3] == "$2.55 billion"
    note = next(b for b in seed_doc.blocks if isinstance(b, model.Paragraph) and b.style)
    assert note.style == "note" and "₹86.83" in model.plain_text(note.content)
    assert note.content[-1] == model.Cite(6, "fbil-2025-02-13")


def test_seed_figures_come_from_the_facts(seed: Any, seed_doc: model.Document) -> None:
    bars_figure, timeline_figure = nodes(seed_doc, model.Figure)
    assert (bars_figure.number, timeline_figure.number) == (1, 2)
    assert model.plain_text(bars_figure.caption).startswith("Figure 1: ")
    rows = seed.budget_table().rows
    bars = bars_figure.chart.bars
    assert [b.label for b in bars] == [r.name for r in rows]
    for bar, row in zip(bars, rows, strict=True):
        assert Decimal(str(bar.value)) == pytest.approx(row.reporting_value / Decimal(10**6))
        assert bar.value_label == row.reporting
    assert bars[2].parent == bars[1].label and bars[2].note == "₹7,000 crore"
    assert bars_figure.chart.unit == "USD million" and "$1.88 billion" in bars_figure.alt
    years = [m.year for m in timeline_figure.chart.milestones]
    assert years == [2020.0, 2023.0, 2025.0, pytest.approx(2025 + 1 / 12, abs=1e-3)]


def test_seed_build_is_deterministic(seed: Any, seed_doc: model.Document) -> None:
    assert model.to_json(build_document(seed, "policy-brief")) == model.to_json(seed_doc)


def test_seed_in_the_sandbox_gives_the_same_document(seed: Any, seed_doc: model.Document) -> None:
    assert build_document(seed, "policy-brief", sandboxed=True) == seed_doc


def test_default_template_comes_from_the_facts(seed: Any, seed_doc: model.Document) -> None:
    assert build_document(seed) == seed_doc


def test_seed_fact_sheet(seed: Any) -> None:
    doc = build_document(seed, "fact-sheet")
    lists = nodes(doc, model.BulletList)
    assert [model.plain_text(i.content) for i in lists[0].items] == seed.key_messages[:3]
    assert not nodes(doc, model.Figure) and not nodes(doc, model.TableOfContents)
    assert len(nodes(doc, model.KeyFigure)) == 4 and len(nodes(doc, model.Table)) == 1
    assert len(lists[-1].items) == len(seed.sources)


def test_hostile_seed_fact_stays_text(tmp_path: Path) -> None:
    from reportgen.facts import load_facts

    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["key_messages"][0] = EVIL.replace("\\", "/")
    data["sections"][0]["heading"] = "# H1 | ::: <b>"
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = build_document(load_facts(path), "policy-brief")
    assert EVIL.replace("\\", "/") in texts(doc)
    assert "# H1 | ::: <b>" in texts(doc)
    assert all(link.url.startswith(("https://", "#")) for link in nodes(doc, model.Link))


def test_render_markdown_shows_the_template_output(seed: Any) -> None:
    text = render_markdown(seed, "policy-brief")
    assert text.startswith("::: toc\n")
    assert "::: figure {alt=" in text and "```chart" in text


def test_number_filters_use_the_brief_language(tmp_path: Path) -> None:
    body = (
        "{{ facts.n | money('INR') }} / {{ facts.n | money('USD', 'million', 'en_US') }} / "
        "{{ facts.n | number }} / {{ facts.r | percent }} / {{ facts.d | date }}\n"
    )
    write_template(tmp_path, "t", body)
    values = stand_in(n=Decimal("1630000"), r=Decimal("0.4294"), d=dt.date(2025, 2, 28))
    values.meta.language = "en-IN"
    (para,) = build_document(values, "t", [tmp_path]).blocks
    assert model.plain_text(para.content) == (
        "₹16,30,000 / $1,630,000 million / 16,30,000 / 42.9% / 28 February 2025"
    )


def test_subsections_are_level_two_with_their_summary(tmp_path: Path) -> None:
    deeper = SimpleNamespace(
        id="sub",
        heading="Sub",
        summary="Sub summary",
        paragraphs=["p"],
        points=[],
        subsections=[],
        sources=[],
    )
    section = SimpleNamespace(
        id="top",
        heading="Top",
        summary="",
        paragraphs=[],
        points=[],
        subsections=[deeper],
        sources=["a"],
    )
    body = '{% extends "base/brief.md.j2" %}\n{% block budget %}{% endblock %}'
    write_template(tmp_path, "t", body)
    values = stand_in(
        key_messages=["k"], highlights=[], sections=[section], timeline=[], sources=[]
    )
    doc = build_document(values, "t", [tmp_path])
    headings = [(h.level, h.id) for h in nodes(doc, model.Heading)]
    assert headings[-2:] == [(1, "top"), (2, "sub")]
    assert doc.blocks[-2] == model.Callout(
        "summary", (model.Paragraph((model.Text("Sub summary"),)),)
    )
    assert doc.blocks[-1] == model.Paragraph((model.Text("p"),))


_ALPHABET = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
) | st.sampled_from(
    [*"*_[]()<>!#|:`~\\&;-+.=\"' \t\n1", "&amp;", "&#60;", "javascript:", "```", ":::", "<b>"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_any_escaped_text_reads_back_as_itself(text: str) -> None:
    escaped = escape_text(text)
    expected = re.sub(r"[\r\n\t\v\f\u0085\u2028\u2029]+", " ", text).strip()
    for shape in ["{}", "- {}", "1. {}", "# {}", "| h |\n|--|\n| {} |", "::: summary\n{}\n:::"]:
        doc = read_markdown(shape.format(escaped), model.Meta(title="t"))
        assert not nodes(doc, (model.Link, model.Cite, model.Emph, model.Strong))
        got = texts(doc.blocks)[1:] if shape.startswith("|") else texts(doc.blocks)
        assert "".join(got) == expected, (shape, escaped)


def test_html_safe_markup_is_still_escaped(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "{{ facts.v | tojson }}\n")
    (para,) = build_document(stand_in(v="*x* [a](https://e.org)"), "t", [tmp_path]).blocks
    assert para.content == (model.Text('"*x* [a](https://e.org)"'),)


def test_safe_filter_marks_template_markup(tmp_path: Path) -> None:
    write_template(tmp_path, "t", "{{ '**b**' | safe }} {{ '**b**' }}\n")
    (para,) = build_document(stand_in(), "t", [tmp_path]).blocks
    assert para.content == (model.Strong((model.Text("b"),)), model.Text(" **b**"))


MINIMAL_FACTS = """\
meta:
  title: Minimal
  date: 2025-01-01
key_messages: [one, two, three]
sections:
  - heading: Only section
    paragraphs: [Just text.]
"""


@pytest.mark.parametrize("name", ["base", "policy-brief", "fact-sheet"])
def test_bundled_templates_take_minimal_facts(tmp_path: Path, name: str) -> None:
    from reportgen.facts import load_facts

    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL_FACTS, encoding="utf-8")
    doc = build_document(load_facts(path), name)
    assert [model.plain_text(i.content) for i in nodes(doc, model.ListItem)] == [
        "one",
        "two",
        "three",
    ]
    assert not nodes(doc, model.Callout) and not nodes(doc, model.Figure)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=20).map("".join), st.lists(_ALPHABET, max_size=20).map("".join))
def test_figure_caption_and_alt_survive_any_text(caption: str, alt: str) -> None:
    from reportgen.templating.figures import figure_markdown

    chart = model.TimelineChart((model.Milestone("2020", 2020.0, caption),))
    text = figure_markdown(chart, caption, alt) + "\n\nafter\n"
    figure, after = read_markdown(text, model.Meta(title="t")).blocks
    assert figure.chart == chart
    expected_caption = re.sub(r"[\r\n\t\v\f\u0085\u2028\u2029]+", " ", caption).strip()
    label = f"Figure 1: {expected_caption}" if expected_caption else "Figure 1"
    assert model.plain_text(figure.caption) == label
    assert figure.alt == (" ".join(alt.split()) or expected_caption)
    assert after == model.Paragraph((model.Text("after"),))


@pytest.mark.parametrize(
    ("key", "year"),
    [
        ((2020, 0, 0), 2020.0),
        ((2025, 2, 0), pytest.approx(2025 + 1 / 12, abs=1e-4)),
        (dt.date(2025, 1, 29), pytest.approx(2025 + 28 / 365, abs=1e-4)),
        ("2023-07", pytest.approx(2023.5, abs=1e-4)),
        (2019, 2019.0),
    ],
)
def test_axis_year(key: Any, year: float) -> None:
    from reportgen.templating.figures import axis_year

    assert axis_year(key) == year
