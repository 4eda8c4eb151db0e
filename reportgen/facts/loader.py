"""Load a facts file: read, validate block by block, resolve placeholders, check consistency.

Blocks are validated one at a time so that an error in one block does not hide the errors of
another: every problem of the file is collected, then raised together as one FactsError.
"""

from __future__ import annotations

import difflib
import functools
import stat
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from reportgen.errors import FactsError, Problem
from reportgen.facts.checks import Blocks, run_checks
from reportgen.facts.models import Budget, BudgetLine, Facts, Meta, ValidationContext
from reportgen.facts.money import Ledger
from reportgen.facts.problems import Locator, format_path, from_validation_error
from reportgen.facts.text import MISSING_LANGUAGE, describe_char
from reportgen.facts.yamlread import MAX_BYTES, Parsed, ReadError, decode, parse_text

BLOCKS = tuple(Facts.model_fields)


def load_facts(path: str | Path) -> Facts:
    """Return the validated facts of a YAML or JSON file; raise FactsError listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _fail(name, "is a directory, not a facts file")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device could block or never end
            raise _fail(name, "is not a regular file")
        if info.st_size > MAX_BYTES:
            raise _fail(
                name,
                f"the file is {info.st_size / 2**20:.1f} MiB;"
                f" facts files are limited to {MAX_BYTES // 2**20} MiB",
            )
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)  # bounded even if the file grows meanwhile
    except FileNotFoundError:
        raise _fail(name, "no such file") from None
    except PermissionError:
        raise _fail(name, "permission denied") from None
    except OSError as exc:
        raise _fail(name, f"cannot read the file: {exc.strerror}") from None
    return parse_facts(raw, name)


def _fail(file: str, message: str, line: int | None = None, path: str = "") -> FactsError:
    """Return a FactsError with a single problem, for files that cannot be read at all."""
    return FactsError([Problem(file, line, path, message)])


def parse_facts(text: str | bytes, filename: str = "<facts>") -> Facts:
    """Return the validated facts of a YAML or JSON text; raise FactsError listing every problem."""
    json_like = filename.lower().endswith(".json")
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        if isinstance(text, bytes):
            if len(text) > MAX_BYTES:
                raise ReadError(f"the file is larger than {MAX_BYTES // 2**20} MiB")
            text = decode(text)
        parsed = parse_text(text, json_like)
    except ReadError as exc:
        raise _fail(filename, exc.message, exc.line, format_path(exc.path)) from None
    facts = _validate(parsed, filename)
    facts._source_bytes = raw
    return facts


def _validate(parsed: Parsed, filename: str, language: str | None = None) -> Facts:
    """Return Facts from parsed data, or raise FactsError with every problem found.

    Texts are picked in `language` (default: the brief's first language) and amounts and
    dates formatted in it. Loading in the first language also checks every other language
    the brief is published in: a text lacking one is a warning, any other problem in that
    language's texts (an unknown placeholder) an error.
    """
    locator = Locator(filename, parsed.lines)
    problems = [
        locator.problem(path, f"contains {describe_char(char)}; remove it")
        for path, _, char in parsed.bad_chars
    ]
    data = parsed.data
    if data is None:
        raise _fail(filename, "the file has no content (only comments)")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        raise _fail(
            filename,
            f"the file holds {kind}; a facts file is a mapping with keys meta,"
            " key_messages, sections, ...",
            1,
        )
    data, locator, typo_problems = _recover_misspelt_blocks(data, locator)
    context = _context(data, locator, language)
    blocks, block_problems = _validate_blocks(data, locator, context)
    block_problems = typo_problems + block_problems
    problems += block_problems
    if language is None and not block_problems:
        for other in context.languages:
            if other != context.language:
                problems += _language_problems(data, locator, other)
    facts_blocks = Blocks(
        highlights=blocks.get("highlights"),
        sections=blocks.get("sections"),
        budget=blocks.get("budget"),
        exchange_rates=blocks.get("exchange_rates"),
        timeline=blocks.get("timeline"),
        sources=blocks.get("sources"),
        locale=_locale(blocks.get("meta")),
        raw_source_ids=_raw_ids(data.get("sources")),
        partial={p.path.split(".")[0].split("[")[0] for p in problems},
    )
    findings = run_checks(facts_blocks)
    problems += [locator.problem(f.path, f.message, f.severity) for f in findings]
    problems.sort(key=lambda p: p.line or 0)  # stable: file order, then the order found
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise FactsError(errors)
    facts = Facts.model_construct(**blocks)
    for number, source in enumerate(facts.sources, start=1):
        source._number = number
    facts._warnings = [p for p in problems if p.severity != "error"]
    # conversions the texts' {id.cur} placeholders made: their rates get rate notes too
    facts._text_conversions = dict(getattr(context.resolver, "conversions", {}) or {})
    facts._file = filename
    facts._parsed = parsed
    return facts


def _language_problems(data: dict[str, Any], locator: Locator, language: str) -> list[Problem]:
    """Return the problems of the texts in `language`: a missing text is a warning."""
    context = _context(data, locator, language, require=language)
    problems: list[Problem] = []
    for name in BLOCKS:
        if name not in data:
            continue
        try:
            _block_adapter(name).validate_python(data[name], context=context)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                path = (name, *error["loc"])
                if error["type"] == MISSING_LANGUAGE:
                    problems.append(locator.problem(path, error["msg"], "warning"))
                else:
                    message = f"in the {language} text: {error['msg']}"
                    problems.append(locator.problem(path, message))
    return problems


def validate_parsed(parsed: Parsed, filename: str, language: str | None = None) -> Facts:
    """Return the facts of an already parsed file in `language` (see `_validate`)."""
    return _validate(parsed, filename, language)


def _meant(mapping: Any, key: str) -> Any:
    """Return `mapping[key]`, or the value of the one key that misspells it, or None.

    An invalid budget still lends its line ids to the placeholder checks; when the invalid
    part is a misspelt `programmes:`, that one problem must not make every placeholder unknown.
    """
    if not isinstance(mapping, dict):
        return None
    if key in mapping:
        return mapping[key]
    close = difflib.get_close_matches(key, [str(k) for k in mapping], n=1)
    return mapping[close[0]] if close else None


def _raw_ids(items: Any) -> set[str]:
    """Return the ids written in a list of mappings, valid or not."""
    if not isinstance(items, list):
        return set()
    return {str(x["id"]) for x in items if isinstance(x, dict) and "id" in x}


def _locale(meta: Meta | None) -> str:
    """Return the brief's locale, or en-IN when meta did not validate."""
    return meta.language if meta is not None else "en-IN"


def _adapter(name: str) -> TypeAdapter[Any]:
    """Return a TypeAdapter for one top-level block, with the field's constraints."""
    field = Facts.model_fields[name]
    annotation: Any = field.annotation
    if field.metadata:
        annotation = typing.Annotated[(annotation, *field.metadata)]
    return TypeAdapter(annotation)


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _block_adapter(name: str) -> TypeAdapter[Any]:
    """Return the (cached) TypeAdapter of a top-level block."""
    if name not in _ADAPTERS:
        _ADAPTERS[name] = _adapter(name)
    return _ADAPTERS[name]


def _validate_block(
    name: str, value: Any, context: ValidationContext, locator: Locator
) -> tuple[Any, list[Problem]]:
    """Return (validated block or None, problems) for one top-level block."""
    adapter = _block_adapter(name)
    try:
        return adapter.validate_python(value, context=context), []
    except ValidationError as exc:
        root = Facts.model_fields[name].annotation
        return _salvage(name, value, context), from_validation_error(exc, (name,), root, locator)


def _salvage(name: str, value: Any, context: ValidationContext) -> Any:
    """Return the valid items of a block that failed, so cross-checks can still run on them.

    Their errors were already reported by the whole-block validation; here they are dropped.
    """
    annotation = Facts.model_fields[name].annotation
    if typing.get_origin(annotation) is list and isinstance(value, list):
        item = _item_adapter(typing.get_args(annotation)[0])
        return [v for v in (_try(item, x, context) for x in value) if v is not None]
    if name == "budget" and isinstance(value, dict):
        head = _try(_item_adapter(Budget), {**value, "programmes": []}, context)
        lines = value.get("programmes")
        if head is None or not isinstance(lines, list):
            return None
        line_adapter = _item_adapter(BudgetLine)
        head.programmes = [v for v in (_try(line_adapter, x, context) for x in lines) if v]
        ids = {line.id for line in head.programmes}
        head.programmes = [x for x in head.programmes if x.parent is None or x.parent in ids]
        return head
    return None


@functools.cache
def _item_adapter(annotation: Any) -> TypeAdapter[Any]:
    """Return a (cached) TypeAdapter for one item type of a block."""
    return TypeAdapter(annotation)


def _try(adapter: TypeAdapter[Any], value: Any, context: ValidationContext) -> Any:
    """Return the validated value, or None when it is invalid."""
    try:
        return adapter.validate_python(value, context=context)
    except ValidationError:
        return None


def _recover_misspelt_blocks(
    data: dict[str, Any], locator: Locator
) -> tuple[dict[str, Any], Locator, list[Problem]]:
    """Return (data, locator, problems) with each misspelt top-level key read as its block.

    `key_mesages:` where `key_messages:` is absent is one mistake: one problem at the key's
    line, and its content is validated as the block it was meant to be, so the file's other
    checks do not cascade from it (a misspelt `sources:` would otherwise make every citation
    an unknown source). The locator finds the content's lines under the block's name.
    """
    absent = [name for name in BLOCKS if name not in data]
    meant: dict[str, str] = {}
    for key in data:
        if key in BLOCKS:
            continue
        close = difflib.get_close_matches(str(key), absent, n=1)
        if close and close[0] not in meant.values():
            meant[str(key)] = close[0]
    if not meant:
        return data, locator, []
    problems = []
    for key, block in meant.items():
        required = Facts.model_fields[block].is_required()
        missing = f" ('{block}' is required and missing)" if required else ""
        problems.append(
            locator.problem(
                (key,), f"unknown top-level key '{key}'; did you mean '{block}'?{missing}"
            )
        )
    lines = dict(locator.lines)
    for path, line in locator.lines.items():
        if path and path[0] in meant:
            lines.setdefault((meant[str(path[0])], *path[1:]), line)
    recovered = {meant.get(str(k), k): v for k, v in data.items()}
    return recovered, Locator(locator.file, lines), problems


def _validate_blocks(
    data: dict[str, Any], locator: Locator, context: ValidationContext
) -> tuple[dict[str, Any], list[Problem]]:
    """Return the validated blocks by name and the problems of those that failed."""
    problems: list[Problem] = []
    for key in data:
        if key not in BLOCKS:
            close = difflib.get_close_matches(key, BLOCKS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                locator.problem(
                    (key,), f"unknown top-level key '{key}'{hint} (expected: {', '.join(BLOCKS)})"
                )
            )
    blocks: dict[str, Any] = {}
    for name in BLOCKS:
        field = Facts.model_fields[name]
        if name not in data:
            if field.is_required():
                # Nothing in the file is where it should be: point at its first line.
                problems.append(Problem(locator.file, 1, name, f"missing required block '{name}'"))
            else:
                blocks[name] = field.get_default(call_default_factory=True)
            continue
        value, block_problems = _validate_block(name, data[name], context, locator)
        problems += block_problems
        if value is not None:
            blocks[name] = value
    return blocks, problems


def _context(
    data: dict[str, Any],
    locator: Locator,
    language: str | None = None,
    require: str | None = None,
) -> ValidationContext:
    """Return the validation context: languages and locale from meta, placeholder values
    from the budget, formatted in `language` (default: the brief's first language)."""
    quiet = ValidationContext()
    meta = _try(_block_adapter("meta"), data.get("meta"), quiet)
    languages = tuple(meta.languages) if isinstance(meta, Meta) else ()
    locale = language or (meta.language if isinstance(meta, Meta) else "en-IN")
    grouping = meta.grouping if isinstance(meta, Meta) else {}
    quiet = ValidationContext(locale=locale, languages=languages, language=locale)
    budget = _try(_block_adapter("budget"), data.get("budget", {}), quiet)
    rates = _try(_block_adapter("exchange_rates"), data.get("exchange_rates", []), quiet)
    if isinstance(budget, Budget):
        known = rates is not None
        resolver: Any = Ledger(budget, rates or [], locale, rates_known=known, grouping=grouping)
    else:
        resolver = _LenientResolver(data.get("budget"), locale)
    return ValidationContext(
        locale=locale, resolver=resolver, languages=languages, language=locale, require=require
    )


class _LenientResolver:
    """Placeholder values when the budget itself is invalid: ids are checked, amounts are not."""

    def __init__(self, budget: Any, locale: str) -> None:
        self.locale = locale
        self.ids = _raw_ids(_meant(budget, "programmes"))

    def placeholder(self, line_id: str, currency: str | None) -> str:
        """Return the placeholder text unchanged; ValueError for an unknown id."""
        if line_id not in self.ids:
            raise ValueError(f"unknown placeholder '{{{line_id}}}': no budget line '{line_id}'")
        return f"{{{line_id}}}"


def validate_paths(
    paths: Iterable[str | Path],
) -> list[tuple[Path, Facts | None, list[Problem]]]:
    """Return (path, facts or None, problems incl. warnings) for each file; slugs must differ."""
    results: list[tuple[Path, Facts | None, list[Problem]]] = []
    slugs: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        try:
            facts = load_facts(path)
        except FactsError as exc:
            results.append((path, None, list(exc.problems)))
            continue
        problems = list(facts.warnings)
        slug = facts.meta.slug or ""
        if slug in slugs:
            problems.insert(
                0,
                Problem(
                    str(path),
                    None,
                    "meta.slug",
                    f"duplicate slug '{slug}' (also used by {slugs[slug]}); outputs would collide",
                ),
            )
            results.append((path, None, problems))
            continue
        slugs[slug] = path
        results.append((path, facts, problems))
    return results


def summary_line(facts: Facts) -> str:
    """Return one line describing valid facts, for `reportgen validate`."""

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = [
        count(len(facts.sections), "section"),
        count(len(facts.budget.programmes), "budget line"),
        count(len(facts.sources), "source"),
        count(len(facts.timeline), "event"),
    ]
    warnings = f", {count(len(facts.warnings), 'warning')}" if facts.warnings else ""
    return f"{facts.meta.slug}: {', '.join(parts)}{warnings}"
