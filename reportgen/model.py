"""The format-neutral document model: what a brief says, not how a format draws it.

The reader builds it from the template's Markdown; each writer walks it and returns bytes.
Like Pandoc's AST, it imports nothing of the project, and every node is a small frozen
dataclass. `to_json`/`from_json` round-trip a Document, which keeps golden and writer tests
independent of templates.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field
from typing import Any, Union

# ---------------------------------------------------------------- attributes


@dataclass(frozen=True)
class Attr:
    """Pandoc's Attr: an identifier, classes and key-value pairs; `lang` is a BCP 47 tag."""

    id: str = ""
    classes: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str = "") -> str:
        """Return the value of attribute `key`, or `default`."""
        for name, value in self.attributes:
            if name == key:
                return value
        return default

    @property
    def lang(self) -> str:
        """Return the language the content is in ("hi-IN"), or "" when inherited."""
        return self.get("lang")


def lang_attr(lang: str, *classes: str) -> Attr:
    """Return an Attr saying the content is in language `lang` (with optional classes)."""
    return Attr(classes=tuple(classes), attributes=(("lang", lang),) if lang else ())


# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    """Plain text, never markup in any writer."""

    text: str


@dataclass(frozen=True)
class Strong:
    """Bold text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emph:
    """Italic text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    """A hyperlink to an http(s)/mailto URL, or to an anchor (`#id`) inside the document."""

    url: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Cite:
    """A numbered citation mark, `[n]`, pointing at the source with anchor `src-<source_id>`."""

    number: int
    source_id: str


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class Span:
    """Inline content with attributes; `attr.lang` marks text in another language."""

    children: tuple[Inline, ...]
    attr: Attr = Attr()


Inline = Union[Text, Strong, Emph, Link, Cite, LineBreak, Span]  # noqa: UP007 (needed at runtime)

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is a section, 2 a sub-section. `id` is its anchor, if any."""

    level: int
    content: tuple[Inline, ...]
    id: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph. `style` names a theme paragraph style (None: body text)."""

    content: tuple[Inline, ...]
    style: str | None = None


@dataclass(frozen=True)
class ListItem:
    """One list entry; `id` is an anchor (sources carry `src-<id>`)."""

    content: tuple[Inline, ...]
    id: str | None = None


@dataclass(frozen=True)
class BulletList:
    """A bulleted (or, with `ordered`, numbered from `start`) list of one-paragraph items."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Cell:
    """A table cell: inline content, its alignment ('left', 'right', 'center')."""

    content: tuple[Inline, ...]
    align: str = "left"


MAX_BOUND_ROWS = 8  # the longest run of table rows kept on one page


@dataclass(frozen=True)
class Table:
    """A table with one header row; `total_rows` last rows are totals (set in bold, ruled)."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths; empty: writer decides
    caption: tuple[Inline, ...] = ()
    total_rows: int = 0
    levels: tuple[int, ...] = ()  # per body row: 0 a row, 1 an "of which" part of the row above

    def bound_rows(self) -> tuple[bool, ...]:
        """Return, per body row, whether it must stay on the page of the row after it.

        A typesetter's rules: a table starts only where its first three rows fit, never
        leaves its last row alone on a page, keeps "of which" parts with their row and the
        total rows with the row above. A run of bound rows is cut after MAX_BOUND_ROWS, so a
        long group still splits rather than failing to fit a page.
        """
        n = len(self.rows)
        bound = [False] * n
        for i in range(min(2, n - 1)):
            bound[i] = True
        if n >= 2:
            bound[n - 2] = True
        first_total = n - max(0, min(self.total_rows, n))
        if 0 < first_total < n:
            bound[first_total - 1] = True
        levels = self.levels if len(self.levels) == n else (0,) * n
        for i in range(n - 1):
            if levels[i + 1] > levels[i] or (levels[i + 1] > 0 and levels[i] > 0):
                bound[i] = True
        run = 0
        for i in range(n):  # cut long runs so each fits a page
            run = run + 1 if bound[i] else 0
            if run > MAX_BOUND_ROWS:
                bound[i], run = False, 0
        return tuple(bound)


@dataclass(frozen=True)
class Callout:
    """A set-apart box: kind 'summary' (section summary), 'note', 'executive' or 'warning'."""

    kind: str
    blocks: tuple[Block, ...]
    title: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class KeyFigure:
    """One highlight: a large value, its label, a line of context, and citation marks."""

    value: str
    label: tuple[Inline, ...]
    context: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class KeyFigures:
    """A box of highlights shown as large numbers with their labels."""

    items: tuple[KeyFigure, ...]
    title: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart: value in the chart's unit; `parent` names an enclosing bar."""

    label: str
    value: float
    value_label: str
    note: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars sharing one unit (such as 'USD million')."""

    bars: tuple[Bar, ...]
    unit: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # legend and alt-text words (see LABELS)


@dataclass(frozen=True)
class Milestone:
    """A dated event of a timeline; `year` places it on the axis."""

    date: str
    year: float
    label: str


@dataclass(frozen=True)
class TimelineChart:
    """Milestones along a time axis."""

    milestones: tuple[Milestone, ...]
    labels: tuple[tuple[str, str], ...] = ()  # alt-text words (see LABELS)


Chart = Union[BarChart, TimelineChart]  # noqa: UP007


@dataclass(frozen=True)
class Figure:
    """A numbered figure: a chart drawn by each writer, its caption and its alt text."""

    chart: Chart
    number: int
    caption: tuple[Inline, ...]
    alt: str


@dataclass(frozen=True)
class TableOfContents:
    """A table of contents (a field in Word; bookmarks suffice in the PDF)."""


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class Div:
    """A group of blocks with attributes; `attr.lang` is the language of all inside it."""

    blocks: tuple[Block, ...]
    attr: Attr = Attr()


@dataclass(frozen=True)
class Columns:
    """Blocks set side by side, row by row: each row holds one Div per column (diglot text)."""

    rows: tuple[tuple[Div, ...], ...]


Block = Union[  # noqa: UP007
    Heading,
    Paragraph,
    BulletList,
    Table,
    Callout,
    KeyFigures,
    Figure,
    TableOfContents,
    PageBreak,
    Div,
    Columns,
]

# ---------------------------------------------------------------- document


@dataclass(frozen=True)
class Meta:
    """What a document says about itself: title block, running header, file properties."""

    title: str
    subtitle: str = ""
    short_title: str = ""
    date: str = ""  # as shown, e.g. "25 November 2026"
    date_iso: str = ""  # YYYY-MM-DD, for file properties and reproducible timestamps
    organisation: str = ""
    authors: tuple[str, ...] = ()
    audience: str = ""  # audience or classification line
    language: str = "en"  # BCP 47 tag of the document ("hi-IN"); Div and Span may differ
    keywords: tuple[str, ...] = ()
    subject: str = ""
    page_size: str = "A4"  # "A4" or "Letter"; "" leaves it to the theme (page.size)
    # the words writers add (page furniture, chart legends), in the document's language:
    # (key, text) pairs; `label()` gives the English default for a key not given
    labels: tuple[tuple[str, str], ...] = ()

    def label(self, key: str, **values: Any) -> str:
        """Return the writer word `key` in the document's language, `{name}`s filled in."""
        return label_text(self.labels, key, **values)


def label_text(labels: tuple[tuple[str, str], ...], key: str, **values: Any) -> str:
    """Return word `key` from `labels` (else its English default), `{name}`s filled in."""
    text = dict(labels).get(key) or LABELS[key]
    return text.format(**values) if values else text


LABELS: dict[str, str] = {
    "contents": "Contents",  # heading of the table of contents
    "page_of": "Page {page} of {pages}",  # page furniture (footer)
    "figure": "Figure {number}",  # the label before a figure's caption
    "logo": "Logo",  # alt text of the theme's logo
    "organisation_logo": "{organisation} logo",
    "toc_update": "Right-click to update the table of contents.",
    "chart_empty": "No data to chart.",
    "bar_chart": "Bar chart",
    "bars_in": "bars in {unit}",
    "of_which": "of which {label}",
    "of_which_prefix": "of which ",
    "programme_total": "Programme total",
    "of_which_legend": "of which: part of the programme above",
    "timeline": "Timeline",
}
"""The words writers add, by key, in English; a Meta's `labels` give them in its language."""


@dataclass(frozen=True)
class Document:
    """A whole brief: its metadata and its blocks in reading order."""

    meta: Meta
    blocks: tuple[Block, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- JSON

_NODE_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Text,
        Strong,
        Emph,
        Link,
        Cite,
        LineBreak,
        Span,
        Attr,
        Heading,
        Paragraph,
        ListItem,
        BulletList,
        Cell,
        Table,
        Callout,
        KeyFigure,
        KeyFigures,
        Bar,
        BarChart,
        Milestone,
        TimelineChart,
        Figure,
        TableOfContents,
        PageBreak,
        Div,
        Columns,
        Meta,
        Document,
    )
}


def to_data(node: Any) -> Any:
    """Return `node` as plain JSON data, each dataclass tagged with its type under "t"."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        data: dict[str, Any] = {"t": type(node).__name__}
        for f in dataclasses.fields(node):
            data[f.name] = to_data(getattr(node, f.name))
        return data
    if isinstance(node, (tuple, list)):
        return [to_data(x) for x in node]
    return node


def from_data(data: Any) -> Any:
    """Return the nodes that `to_data` produced, lists turned back into tuples."""
    if isinstance(data, dict) and "t" in data:
        cls = _NODE_TYPES[data["t"]]
        hints = typing.get_type_hints(cls)
        kwargs = {k: from_data(v) for k, v in data.items() if k != "t"}
        for name, value in kwargs.items():
            if isinstance(value, list) or (hints.get(name) is not None and value is None):
                kwargs[name] = _tuplify(value)
        return cls(**kwargs)
    if isinstance(data, list):
        return tuple(from_data(x) for x in data)
    return data


def _tuplify(value: Any) -> Any:
    """Return lists as tuples, recursively (rows of cells are tuples of tuples)."""
    if isinstance(value, (list, tuple)):
        return tuple(_tuplify(v) for v in value)
    return value


def to_json(doc: Document) -> str:
    """Return the document as stable, indented JSON (sorted keys, UTF-8 kept)."""
    return json.dumps(to_data(doc), indent=1, ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> Document:
    """Return the Document saved by `to_json`."""
    doc = from_data(json.loads(text))
    if not isinstance(doc, Document):
        raise ValueError("JSON does not hold a Document")
    return doc


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """Return the text of inline content, citations as `[n]`, breaks as newlines."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Strong, Emph, Link, Span)):
            parts.append(plain_text(node.children))
        elif isinstance(node, Cite):
            parts.append(f"[{node.number}]")
        elif isinstance(node, LineBreak):
            parts.append("\n")
    return "".join(parts)
