"""The typed facts: pydantic models of every block of a facts file.

Models forbid unknown fields (so a typo is an error, not a silently missing value). Text
fields resolve `{placeholders}` while validating (see text.py); derived figures are not
stored here but computed by money.py and budget_table.py from what is typed.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from reportgen import i18n
from reportgen.errors import Problem
from reportgen.facts.dates import PartialDate, parse_full_date
from reportgen.facts.problems import did_you_mean
from reportgen.facts.text import (
    MAX_CHARS,
    FigureText,
    LineText,
    NameText,
    NotesText,
    PointText,
    Resolver,
    ShortTitleText,
    SubtitleText,
    SummaryText,
    Text,
    TitleText,
    is_language_mapping,
    pick_language,
    text_schema,
)
from reportgen.numbers import SCALES, format_date, is_currency, parse_locale, typed_decimals
from reportgen.slugs import MAX_LENGTH, SLUG_PATTERN, check_slug, slugify

if TYPE_CHECKING:
    from reportgen.facts.budget_table import BudgetTable

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class ValidationContext:
    """What validators read from pydantic's context: languages, locale, placeholder values.

    `languages` are those the brief is published in (the first is the language of plain
    strings); `language` is the one texts are picked in (None: the first); `require` makes
    a text lacking that language an error of type `missing_language` (the completeness check).
    """

    locale: str = "en-IN"
    resolver: Resolver | None = None
    languages: tuple[str, ...] = ()
    language: str | None = None
    require: str | None = None


def _custom(kind: str, message: str) -> PydanticCustomError:
    """Return a pydantic error carrying our own message."""
    return PydanticCustomError(kind, message)


def _check_id(value: str) -> str:
    """Return the id if it is lowercase words joined by hyphens ("ncmm-exploration")."""
    if not _ID.match(value) or len(value) > 80:
        raise _custom(
            "id", f"'{value[:80]}' is not an id; use lowercase letters, digits and hyphens"
        )
    return value


def _check_slug(value: str) -> str:
    """Return a slug given by hand if it can name a file everywhere (not `con`, `nul` ...)."""
    problem = check_slug(value)
    if problem:
        raise _custom("slug", problem)
    return value


def _check_currency(value: str) -> str:
    """Return an ISO 4217 code known to Babel ("INR", "USD")."""
    if not re.fullmatch(r"[A-Z]{3}", value) or not is_currency(value):
        guess = did_you_mean(value.upper(), _currency_codes())
        raise _custom(
            "currency",
            f"'{value[:20]}' is not an ISO 4217 currency code"
            + (f"; {guess}" if guess else " (e.g. INR, USD)"),
        )
    return value


def _check_language(value: str) -> str:
    """Return a locale code Babel knows ("en-IN")."""
    try:
        parse_locale(value)
    except ValueError as exc:
        guess = did_you_mean(value.replace("_", "-"), _locale_codes())
        raise _custom("language", f"{exc}; {guess}" if guess else str(exc)) from None
    return value


@functools.cache
def _currency_codes() -> tuple[str, ...]:
    """Return the ISO 4217 codes some territory uses as legal tender today (for suggestions)."""
    from babel.core import get_global

    current = {
        code
        for currencies in get_global("territory_currencies").values()
        for code, _start, end, tender in currencies
        if end is None and tender
    }
    return tuple(sorted(current))


@functools.cache
def _locale_codes() -> tuple[str, ...]:
    """Return the locale codes Babel knows, written as facts write them ("en-IN")."""
    from babel.localedata import locale_identifiers

    return tuple(sorted(code.replace("_", "-") for code in locale_identifiers()))


def _full_date(value: Any) -> datetime.date:
    """Return a full date, rejecting numbers (pydantic would read 2025 as a Unix time)."""
    try:
        return parse_full_date(value)
    except ValueError as exc:
        raise _custom("date", str(exc)) from None


MAX_URL = 2000
# Controls (a newline would let the error message forge a second `file:line:` line in a
# log), spaces of every kind, bidi controls, and what HTML and Markdown treat as delimiters.
_URL_BAD = re.compile(
    '[\x00-\x20\x7f-\xa0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff<>"]'
)


def _check_url(value: str) -> str:
    """Return an http(s) URL; other schemes (javascript:, file:) have no place in a brief."""
    if len(value) > MAX_URL:
        raise _custom("url", f"is {len(value):,} characters long; a URL holds at most {MAX_URL:,}")
    bad = _URL_BAD.search(value)
    if bad:
        raise _custom(
            "url",
            f"contains U+{ord(bad.group()):04X} at character {bad.start() + 1}; a URL holds no"
            " spaces, line breaks or control characters (percent-encode them: %20, %0A)",
        )
    if not re.fullmatch(r"https?://[^/?#]+.*", value, re.DOTALL):
        raise _custom("url", f"{value[:80]!r} is not an http:// or https:// URL")
    return value


MAX_AMOUNT = Decimal(10) ** 15
MAX_DECIMALS = 9


def _finite(value: Decimal) -> Decimal:
    """Return a finite, non-negative amount of sensible size and precision."""
    if not value.is_finite() or value < 0:
        raise _custom("amount", "expected a number of zero or more, such as 16300 or 1.5")
    if value >= MAX_AMOUNT:
        raise _custom("amount", "is too large; use a scale (crore, billion) for big amounts")
    if typed_decimals(value) > MAX_DECIMALS:
        raise _custom("amount", f"has more than {MAX_DECIMALS} decimals")
    return value


Id = Annotated[
    str,
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": _ID.pattern}),
]
Slug = Annotated[
    str,
    AfterValidator(_check_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN.pattern, "maxLength": MAX_LENGTH}),
]
Currency = Annotated[
    str,
    AfterValidator(_check_currency),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"}),
]
FullDate = Annotated[
    datetime.date,
    BeforeValidator(_full_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Url = Annotated[
    str, AfterValidator(_check_url), WithJsonSchema({"type": "string", "format": "uri"})
]
Amount = Annotated[
    Decimal,
    AfterValidator(_finite),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}]}),
]
Scale = Literal["lakh", "crore", "million", "billion"]
Sources = Annotated[list[Id], Field(description="Ids of the sources this rests on.")]


class Strict(BaseModel):
    """Base of the facts models: unknown fields are errors, so a typo is caught."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Meta(Strict):
    """About the brief: title block, date, language, authorship and the template to use."""

    title: TitleText
    subtitle: SubtitleText | None = None
    short_title: ShortTitleText | None = Field(
        None, description="Running head; defaults to the title."
    )
    slug: Slug | None = Field(None, description="File name of the outputs; derived from the title.")
    date: FullDate = Field(description="The brief's 'as of' date, YYYY-MM-DD.")
    language: Annotated[str, AfterValidator(_check_language)] = Field(
        "en-IN",
        description="Locale of the brief (en-IN): number, date and currency styles. With"
        " `languages`, the language being rendered (by default the first of them).",
    )
    languages: list[Annotated[str, AfterValidator(_check_language)]] = Field(
        [],
        description="Languages the brief is published in (en-IN, hi-IN), one output each;"
        " the first is the language of plain-string texts. Default: [language].",
    )
    organisation: NameText | None = None
    authors: list[NameText] = []
    audience: LineText | None = Field(None, description="Audience or classification line.")
    template: Id = Field("policy-brief", description="Template kind under templates/.")
    keywords: list[NameText] = []
    page_size: Literal["A4", "Letter"] = "A4"
    grouping: dict[Currency, Literal["indian", "international"]] = Field(
        {},
        description="Digit grouping per currency, overriding the default (lakh/crore for INR,"
        " NPR and BDT; thousands for the rest): {NPR: international}.",
    )

    @model_validator(mode="after")
    def _defaults(self, info: ValidationInfo) -> Meta:
        """Return the meta with languages, short title and slug filled in when not given."""
        if len(set(self.languages)) != len(self.languages):
            raise _custom("languages", "a language is listed twice")
        if not self.languages:
            self.languages = [self.language]
        elif "language" not in self.model_fields_set:
            self.language = self.languages[0]
        elif pick_language(dict.fromkeys(self.languages, ""), self.language) is None:
            raise _custom(
                "languages",
                f"language {self.language} is not among languages ({', '.join(self.languages)})",
            )
        rendering = getattr(info.context, "language", None) if info.context else None
        if rendering:
            self.language = rendering
        if self.short_title is None:
            self.short_title = self.title
        if self.slug is None:
            self.slug = slugify(str(self.title))
        return self

    @property
    def date_display(self) -> str:
        """Return the date as the brief shows it ("28 February 2025")."""
        return format_date(self.date, self.language)


class Highlight(Strict):
    """A key figure: a value (or a budget line's amount), a label and a line of context."""

    value: FigureText | None = Field(None, description='The figure as shown: "~70%", "2nd".')
    budget: Id | None = Field(None, description="A budget line id; its amount is the value.")
    label: NameText = Field(description="What the figure is.")
    context: LineText | None = Field(None, description="One line of context under the label.")
    sources: Sources = []

    @model_validator(mode="after")
    def _value_or_budget(self, info: ValidationInfo) -> Highlight:
        """Return the highlight with a budget id turned into its amount; one of value/budget."""
        if (self.value is None) == (self.budget is None):
            raise _custom("highlight", "give either 'value' or 'budget' (a budget line id)")
        resolver = getattr(info.context, "resolver", None) if info.context else None
        if self.budget is not None and resolver is not None:
            try:
                self.value = resolver.placeholder(self.budget, None)
            except ValueError as exc:
                raise _custom("highlight", f"budget: {exc}") from None
        return self


class Point(Strict):
    """A bullet point; a plain string is short for `{text: ...}`."""

    text: PointText
    sources: Sources = []

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        """Return `{text: data}` when the point is written as a plain string."""
        if isinstance(data, str | int | Decimal) or is_language_mapping(data):
            return {"text": data}
        if isinstance(data, dict) and len(data) == 1 and not {"text", "sources"} & set(data):
            # `- Note: something` is a one-key mapping to YAML, not the text the writer meant
            raise _custom(
                "point",
                "expected text, but YAML read a 'key: value' pair because the text contains"
                " ': '; put the whole text in quotes",
            )
        return data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Return the schema of a point: text (per language), or a mapping with text, sources."""
        return {"anyOf": [*text_schema(MAX_CHARS["point"])["anyOf"], handler(schema)]}


class Section(Strict):
    """A section of the brief: heading, summary, paragraphs and/or points, sub-sections."""

    id: Id | None = Field(None, description="Anchor id; derived from the heading when absent.")
    heading: NameText
    summary: SummaryText | None = Field(
        None, description="One or two sentences opening the section."
    )
    paragraphs: list[Text] = []
    points: list[Point] = []
    subsections: list[Section] = []
    sources: Sources = []

    @model_validator(mode="after")
    def _content(self) -> Section:
        """Return the section with its id derived from the heading; it must have content."""
        if self.id is None:
            self.id = slugify(str(self.heading), fallback="section")
        if not (self.paragraphs or self.points or self.subsections or self.summary):
            raise _custom("section", "a section needs a summary, paragraphs, points or subsections")
        return self


# Where a fiscal year starts; `true` is India's April-March. A fiscal year is named by the
# calendar year it starts in ("2024-25"), except the US federal year, named by the year it
# ends in (October 2024 - September 2025 is "FY2025").
FISCAL_YEARS: dict[str, str] = {
    "april": "April-March (India)",
    "july": "July-June (Bangladesh, Pakistan, Australia)",
    "mid-july": "mid-July to mid-July (Nepal, Shrawan-Asar)",
    "october": "October-September (US federal)",
    "calendar": "January-December",
}
Fiscal = Literal["april", "july", "mid-july", "october", "calendar"]


MAX_YEARS = 100  # a budget period; per-year figures divide by it


class Period(Strict):
    """The years a budget runs over: a start year and a number of years."""

    start: Annotated[int, Field(ge=1900, le=2200, description="First year (2024).")]
    years: int = Field(description="Number of years; 1 to 100.")
    fiscal: bool | Fiscal = Field(
        False,
        description="Fiscal years: true (India, April-March: 2024 means 2024-25), or where"
        " the year starts: april, july (Bangladesh, Pakistan), mid-july (Nepal), october"
        " (US federal: start 2024 means FY2025), calendar.",
    )

    @model_validator(mode="after")
    def _positive(self) -> Period:
        """Return the period if it lasts one year or more."""
        if self.years <= 0:
            raise _custom("period", f"years must be 1 or more, got {self.years}")
        if self.years > MAX_YEARS:
            raise _custom("period", f"years must be at most {MAX_YEARS}, got {self.years:,}")
        return self

    @property
    def year_start(self) -> str:
        """Return where the period's years start: "april" ... "calendar"."""
        if self.fiscal is True:
            return "april"
        return self.fiscal or "calendar"

    @property
    def end(self) -> int:
        """Return the last year of the period (its start year, for fiscal years)."""
        return self.start + self.years - 1

    def year_label(self, year: int) -> str:
        """Return "2024-25" for a fiscal year starting in 2024, "FY2025" for the US one."""
        kind = self.year_start
        if kind == "calendar":
            return str(year)
        if kind == "october":
            return f"FY{year + 1}"
        return f"{year}-{(year + 1) % 100:02d}"

    @property
    def display(self) -> str:
        """Return "2024-25 to 2030-31 (7 years)" or "2025 (1 year)" (in English; no break
        in "7 years")."""
        return self.text("en")

    def text(self, language: str) -> str:
        """Return the period as a brief in `language` shows it ("2024-25 से 2030-31 (7 वर्ष)")."""
        count = i18n.ngettext("%(num)d year", "%(num)d years", self.years, language)
        count = (count % {"num": self.years}).replace(" ", "\u00a0")  # no break in "7 years"
        if self.years == 1:
            return f"{self.year_label(self.start)} ({count})"
        span = i18n.gettext("%(start)s to %(end)s", language)
        span %= {"start": self.year_label(self.start), "end": self.year_label(self.end)}
        return f"{span} ({count})"


class BudgetLine(Strict):
    """A programme's money: an exact amount with currency and scale; optionally 'of which'."""

    id: Id
    name: NameText
    owner: NameText | None = Field(None, description="Country or body that funds it.")
    amount: Amount = Field(description="Exact decimal, in units of the scale (16300 crore).")
    currency: Currency
    scale: Scale | None = Field(None, description="lakh, crore, million or billion.")
    period: Period | None = None
    parent: Id | None = Field(None, description="Id of the line this is part of ('of which').")
    notes: NotesText | None = None
    source: Id | None = None

    @property
    def full_value(self) -> Decimal:
        """Return the amount in whole currency units (16300 crore -> 163000000000)."""
        return self.amount * SCALES[self.scale] if self.scale else self.amount


class Budget(Strict):
    """The programmes' budgets and the currency totals are reported in."""

    reporting_currency: Currency = Field(
        "USD", description="Currency of the converted column and of totals."
    )
    programmes: list[BudgetLine] = Field([], description="Programme lines, in display order.")
    total: Literal["auto", "none"] | list[Id] = Field(
        "auto",
        description="What the total adds up: 'auto' (the top-level lines, only when they all"
        " have one owner: unlike programmes are never summed), 'none', or a list of"
        " top-level line ids.",
    )
    owner_label: Text | None = Field(
        None,
        description="Heading of the owner column; default 'Country' when every owner is a"
        " country, else 'Funded by'.",
    )

    @model_validator(mode="after")
    def _total_names_top_lines(self) -> Budget:
        """Return the budget if an explicit total lists top-level lines only."""
        if isinstance(self.total, list):
            tops = {line.id for line in self.programmes if line.parent is None}
            for line_id in self.total:
                if line_id not in tops:
                    raise _custom(
                        "total",
                        f"total lists '{line_id}', which is not a top-level budget line"
                        f" (ones without a parent: {', '.join(sorted(tops)) or 'none'})",
                    )
        return self

    @property
    def lines(self) -> list[BudgetLine]:
        """Return the programme lines (the name templates use)."""
        return self.programmes


class ExchangeRate(Strict):
    """One unit of `from` is worth `rate` units of `to`, on `date`, per `source`."""

    from_: Currency = Field(alias="from", description="One unit of this currency...")
    to: Currency = Field(description="...is worth `rate` units of this one.")
    rate: Amount
    date: FullDate
    source: Id

    @model_validator(mode="after")
    def _positive(self) -> ExchangeRate:
        """Return the rate if it is positive and between two different currencies."""
        if self.rate <= 0:
            raise _custom("rate", "rate must be greater than zero")
        if self.from_ == self.to:
            raise _custom(
                "rate", f"a rate converts between two currencies, not {self.to} to itself"
            )
        return self


class TimelineEvent(Strict):
    """Something that happened, dated to the year, month or day."""

    date: PartialDate
    event: LineText
    sources: Sources = []


class Source(Strict):
    """A document facts rest on; cited by id, numbered by its place in the list."""

    id: Id
    title: LineText
    publisher: NameText
    date: PartialDate | None = None
    url: Url | None = None
    _number: int = PrivateAttr(0)

    @property
    def number(self) -> int:
        """Return the 1-based number of the source in the brief's list."""
        return self._number

    @property
    def date_display(self) -> str:
        """Return the source's date as shown, or "" when undated."""
        return self.date.display if self.date else ""


class Facts(Strict):
    """A whole facts file, validated, with placeholders resolved."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        title="reportgen facts",
        json_schema_extra={"description": "The facts of one policy brief (reportgen)."},
    )

    meta: Meta
    key_messages: Annotated[
        list[LineText], Field(min_length=3, max_length=6, description="3 to 6 one-line takeaways.")
    ]
    highlights: list[Highlight] = Field([], description="Key figures shown in boxes.")
    sections: Annotated[list[Section], Field(min_length=1, description="The body, in order.")]
    budget: Budget = Field(default_factory=lambda: Budget.model_validate({}))
    exchange_rates: list[ExchangeRate] = Field([], description="Rates conversions use.")
    timeline: list[TimelineEvent] = []
    sources: list[Source] = Field([], description="Cited by id; numbered in this order.")
    _warnings: list[Problem] = PrivateAttr(default_factory=list)
    _text_conversions: dict[Any, Any] = PrivateAttr(default_factory=dict)
    _file: str = PrivateAttr("<facts>")
    _source_bytes: bytes | None = PrivateAttr(None)
    _parsed: Any = PrivateAttr(None)  # the parsed file, to validate again in another language
    _views: dict[str, Facts] = PrivateAttr(default_factory=dict)
    _primary: Facts | None = PrivateAttr(None)  # a language view's facts in the first language
    _budget_table: BudgetTable | None = PrivateAttr(None)

    @property
    def warnings(self) -> list[Problem]:
        """Return the warnings found while loading (such as a source never cited)."""
        return self._warnings

    @property
    def file(self) -> str:
        """Return the name of the file these facts came from."""
        return self._file

    @property
    def source_bytes(self) -> bytes | None:
        """Return the bytes the facts were read from (what a build hashes), or None."""
        return self._source_bytes

    @property
    def languages(self) -> list[str]:
        """Return the languages the brief is published in, the first one first."""
        return list(self.meta.languages)

    @property
    def language(self) -> str:
        """Return the language these facts are rendered in (texts, numbers, dates)."""
        return self.meta.language

    def for_language(self, language: str) -> Facts:
        """Return these facts with texts picked, and amounts and dates formatted, in `language`.

        A text without that language falls back to the brief's first language (marked as
        such: see ForeignText). The slug and the section ids stay those of these facts, so
        every language's outputs share a name and anchors.
        """
        if language == self.meta.language:
            return self
        view = self._views.get(language)
        if view is None:
            if self._parsed is None:
                raise ValueError("these facts were not loaded from a file; load them to translate")
            from reportgen.facts.loader import validate_parsed

            view = validate_parsed(self._parsed, self._file, language)
            view.meta.slug = self.meta.slug
            _copy_section_ids(self.sections, view.sections)
            view._source_bytes = self._source_bytes
            view._primary = self
            self._views[language] = view
        return view

    def source_number(self, source_id: str) -> int:
        """Return the 1-based number of a source; raise KeyError for an unknown id."""
        for source in self.sources:
            if source.id == source_id:
                return source.number
        raise KeyError(source_id)

    def source(self, source_id: str) -> Source:
        """Return the source with this id; raise KeyError for an unknown id."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def budget_table(self) -> BudgetTable:
        """Return the budget as table rows with every derived figure formatted.

        Computed once per Facts object: a template and its charts ask for it several times
        per render, and validated facts are not changed afterwards.
        """
        if self._budget_table is None:
            from reportgen.facts.budget_table import build_budget_table

            self._budget_table = build_budget_table(self)
        return self._budget_table

    @property
    def primary(self) -> Facts:
        """Return these facts in the brief's first language (themselves unless a view)."""
        return self._primary or self


def _copy_section_ids(source: list[Section], target: list[Section]) -> None:
    """Give the sections of `target` the ids of `source` (the same sections, in order)."""
    for mine, theirs in zip(source, target, strict=False):
        theirs.id = mine.id
        _copy_section_ids(mine.subsections, theirs.subsections)
