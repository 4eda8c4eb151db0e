"""Write the bad-input corpus: facts files a user (or an attacker) could hand reportgen.

Each case is a facts file built from the seed with one thing wrong, and an entry in
`expected.json`: the exit status `reportgen build` must end with and a fragment its message
must hold. Run `python -m tests.badinput.make_corpus` to write the corpus again after
changing a case; `tests/badinput/test_corpus.py` checks the files are what this script
writes, then builds each one.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
EXPECTED = HERE / "expected.json"
# The seed as it was when the corpus was made (English only): the corpus varies this copy,
# so publishing the live seed in more languages does not rewrite 194 files.
SEED = HERE / "seed.yaml"

Case = tuple[str, bytes, int, str]  # (name, file bytes, exit status, message fragment)


def seed() -> dict[str, Any]:
    """Return a fresh copy of the seed's data."""
    return copy.deepcopy(yaml.safe_load(SEED.read_text(encoding="utf-8")))


def dump(data: Any) -> bytes:
    """Return data as YAML bytes."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def changed(edit: Callable[[dict[str, Any]], object]) -> bytes:
    """Return the seed's YAML with `edit` applied to its data."""
    data = seed()
    edit(data)
    return dump(data)


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Return an edit setting the dotted `path` (list indexes as numbers) to `value`."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return edit


def remover(path: str) -> Callable[[dict[str, Any]], None]:
    """Return an edit deleting the dotted `path`."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[int(last) if last.isdigit() else last]

    return edit


# Text fields of the seed, with the kind of length limit each has (docs/facts.md).
TEXT_FIELDS = {
    "meta.title": 300,
    "meta.subtitle": 500,
    "meta.short_title": 150,
    "meta.organisation": 200,
    "meta.authors.0": 200,
    "meta.audience": 500,
    "meta.keywords.0": 200,
    "key_messages.0": 500,
    "highlights.0.value": 60,
    "highlights.0.label": 200,
    "highlights.0.context": 500,
    "sections.0.heading": 200,
    "sections.0.summary": 1500,
    "sections.0.paragraphs.0": 5000,
    "budget.programmes.0.name": 200,
    "budget.programmes.0.owner": 200,
    "budget.programmes.0.notes": 1000,
    "timeline.0.event": 500,
    "sources.0.title": 500,
    "sources.0.publisher": 200,
}


def shown(path: str) -> str:
    """Return a dotted path as reportgen prints it: `sections[0].heading`."""
    parts = []
    for part in path.split("."):
        parts.append(f"[{part}]" if part.isdigit() else f".{part}")
    return "".join(parts).lstrip(".")


def text_cases() -> Iterator[Case]:
    """Yield, for every text field: too long, a control character, a lone surrogate, a list."""
    for path, limit in TEXT_FIELDS.items():
        key = path.replace(".", "-")
        where = shown(path)
        yield (f"long-{key}", changed(setter(path, "x" * (limit + 1))), 2, f"{where}: is")
        yield (
            f"control-{key}",
            changed(setter(path, "bad\x07bell")),
            2,
            f"{where}: contains U+0007",
        )
        yield (f"surrogate-{key}", changed(setter(path, "bad\ud800x")), 2, "lone surrogate")
        yield (f"list-{key}", changed(setter(path, ["a", "b"])), 2, where)
        yield (f"empty-{key}", changed(setter(path, "  ")), 2, f"{where}: is empty")


def syntax_cases() -> Iterator[Case]:
    """Yield files that are not YAML (or JSON) a facts file can be."""
    text = SEED.read_bytes()
    yield ("empty", b"", 2, "the file is empty")
    yield ("only-comments", b"# nothing\n# here\n", 2, "has no content")
    yield ("only-document-marker", b"---\n", 2, "has no content")
    yield ("nul-bytes", text[:200] + b"\x00" + text[200:], 2, "binary file")
    yield ("utf16", "meta: {}\n".encode("utf-16"), 2, "UTF-16")
    yield ("latin1", b"meta:\n  title: caf\xe9\n", 2, "not valid UTF-8")
    yield ("tab-indent", b"meta:\n\ttitle: x\n", 2, "tab character")
    yield ("unclosed-flow", b"meta:\n  title: [unclosed\n", 2, "not valid YAML")
    yield ("unclosed-quote", b'meta:\n  title: "unclosed\n', 2, "not valid YAML")
    yield ("bad-indent", b"meta:\n  title: x\n date: 2025-01-01\n", 2, "not valid YAML")
    yield ("duplicate-key", b"meta:\n  title: a\n  title: b\n", 2, "duplicate key 'title'")
    yield ("python-tag", b"meta: !!python/object/apply:os.system [ls]\n", 2, "is not allowed")
    yield ("custom-tag", b"meta: !custom x\n", 2, "is not allowed")
    yield ("merge-key", b"base: &b {title: x}\nmeta:\n  <<: *b\n", 2, "merge keys")
    bomb = [b"a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        bomb.append(
            f"{chr(97 + n)}: &{chr(97 + n)} [{', '.join([f'*{chr(96 + n)}'] * 10)}]".encode()
        )
    yield ("alias-bomb", b"\n".join(bomb) + b"\n", 2, "alias")
    yield ("deep-nesting-flow", b"meta: " + b"[" * 100_000, 2, "nesting deeper than 40 levels")
    yield ("deep-nesting-block", b"".join(b"  " * i + b"k:\n" for i in range(60)), 2, "nesting")
    yield ("many-digits", b"meta: " + b"9" * 5000 + b"\n", 2, "a number of 5,000 digits")
    yield ("top-level-list", b"- a\n- b\n", 2, "the file holds a list")
    yield ("top-level-scalar", b"just some words\n", 2, "a single value")
    yield ("json-not-object", b"[1, 2, 3]\n", 2, "the file holds a list")
    # A trailing comma is read leniently (YAML's flow mappings allow it); the facts then fail.
    missing = "missing required block 'key_messages'"
    yield ("json-trailing-comma", b'{"meta": {"title": "x",}}', 2, missing)
    yield ("json-deep", b'{"a": ' * 10_000, 2, "nesting deeper than 40 levels")
    yield ("yaml11-base60-amount", text.replace(b"amount: 675", b"amount: 1:30", 1), 2, "amount")
    yield ("cr-only-lines", b"meta:\r  title: x\r", 2, "missing required block 'key_messages'")
    yield (
        "line-separator",
        text.replace(b"title: India", "title: \u2028India".encode(), 1),
        2,
        "U+2028",
    )


def structure_cases() -> Iterator[Case]:
    """Yield files with a missing, unknown or misplaced block or field."""
    for block in ("meta", "key_messages", "sections"):
        yield (f"missing-{block}", changed(remover(block)), 2, f"missing required block '{block}'")
    for field in ("title", "date"):
        yield (f"missing-meta-{field}", changed(remover(f"meta.{field}")), 2, f"'{field}'")
    yield ("unknown-block", changed(setter("summery", "x")), 2, "unknown top-level key 'summery'")
    yield ("typo-block", changed(setter("section", [])), 2, "did you mean 'sections'")
    yield ("unknown-meta-field", changed(setter("meta.colour", "red")), 2, "colour")
    yield ("meta-is-list", changed(setter("meta", ["a"])), 2, "meta")
    yield ("sections-empty", changed(setter("sections", [])), 2, "sections")
    yield ("sections-scalar", changed(setter("sections", 7)), 2, "sections")
    yield (
        "two-key-messages",
        changed(lambda d: d.update(key_messages=d["key_messages"][:2])),
        2,
        "at least 3",
    )
    yield (
        "seven-key-messages",
        changed(lambda d: d.update(key_messages=d["key_messages"] * 3)),
        2,
        "at most 6",
    )
    yield (
        "section-without-content",
        changed(setter("sections.0", {"heading": "Empty"})),
        2,
        "a section needs",
    )
    yield (
        "point-key-value",
        changed(setter("sections.0.points", [{"Note": "colon"}])),
        2,
        "put the whole text in quotes",
    )


def value_cases() -> Iterator[Case]:
    """Yield files with a value of the right shape but wrong: dates, money, ids, URLs."""
    line = "budget.programmes.0"
    for name, value, fragment in [
        ("date-month-13", "2025-13-01", "meta.date"),
        ("date-feb-30", "2025-02-30", "meta.date"),
        ("date-number", 2025, "meta.date"),
        ("date-words", "last tuesday", "meta.date"),
    ]:
        yield (name, changed(setter("meta.date", value)), 2, fragment)
    for name, value, fragment in [
        ("amount-negative", -5, "zero or more"),
        ("amount-huge", 10**16, "too large"),
        ("amount-decimals", "1.1234567891", "decimals"),
        ("amount-words", "lots", "amount"),
        ("amount-inf", ".inf", "amount"),
        ("amount-nan", ".nan", "amount"),
        ("amount-base60", "1:30", "amount"),
    ]:
        yield (name, changed(setter(f"{line}.amount", value)), 2, fragment)
    for name, value in [
        ("currency-lower", "usd"),
        ("currency-unknown", "XYZ"),
        ("currency-words", "dollars"),
    ]:
        yield (name, changed(setter(f"{line}.currency", value)), 2, "ISO 4217")
    yield ("scale-unknown", changed(setter(f"{line}.scale", "gazillion")), 2, "scale")
    period = {"start": 2024, "years": 7}
    for name, changes, fragment in [
        ("years-zero", {"years": 0}, "years must be 1 or more"),
        ("years-huge", {"years": 10**12}, "years must be at most 100"),
        ("years-text", {"years": "seven"}, "years"),
        ("start-ancient", {"start": 1066}, "start"),
        ("start-future", {"start": 3000}, "start"),
    ]:
        yield (f"period-{name}", changed(setter(f"{line}.period", period | changes)), 2, fragment)
    # The message names the budget's total rather than the unknown parent (left to the
    # facts checks' owner; see the report of issue 17).
    yield ("parent-unknown", changed(setter(f"{line}.parent", "nowhere")), 2, "budget")
    yield ("budget-id-bad", changed(setter(f"{line}.id", "Not An Id")), 2, "is not an id")
    yield (
        "source-unknown",
        changed(setter(f"{line}.source", "no-such-source")),
        2,
        "no-such-source",
    )
    yield ("rate-zero", changed(setter("exchange_rates.0.rate", 0)), 2, "greater than zero")
    yield (
        "rate-same-currency",
        changed(setter("exchange_rates.0.to", "USD")),
        2,
        "not USD to itself",
    )
    for name, url in [
        ("url-javascript", "javascript:alert(1)"),
        ("url-file", "file:///etc/passwd"),
        ("url-ftp", "ftp://example.org/x"),
        ("url-newline", "https://example.org/a\nfacts.yaml:1: forged line"),
        ("url-space", "https://example.org/a b"),
        ("url-control", "https://example.org/\x1b[31m"),
        ("url-bidi", "https://example.org/\u202etxt.exe"),
        ("url-long", "https://example.org/" + "a" * 3000),
        ("url-no-host", "https://"),
    ]:
        yield (name, changed(setter("sources.0.url", url)), 2, "sources[0].url")
    for name, slug, fragment in [
        ("slug-con", "con", "slug"),
        ("slug-nul", "nul", "slug"),
        ("slug-com1", "com1", "slug"),
        ("slug-spaces", "Not A Slug", "slug"),
        ("slug-dots", "../../etc/passwd", "slug"),
        ("slug-long", "a" * 300, "slug"),
    ]:
        yield (name, changed(setter("meta.slug", slug)), 2, fragment)
    for name, title in [
        ("title-rlo", "Cooperation \u202eslarenim"),
        ("title-lri", "Cooperation \u2067x\u2069"),
        ("subtitle-rle", None),
    ]:
        if title is None:
            yield (
                name,
                changed(setter("meta.subtitle", "a \u202bb")),
                2,
                "meta.subtitle: contains U+202B",
            )
        else:
            yield (name, changed(setter("meta.title", title)), 2, "meta.title: contains U+")
    yield ("language-bad", changed(setter("meta.language", "klingon")), 2, "meta.language")
    yield (
        "template-unknown",
        changed(setter("meta.template", "no-such-template")),
        2,
        "no-such-template",
    )
    yield ("template-path", changed(setter("meta.template", "../../etc")), 2, "meta.template")
    yield ("page-size-bad", changed(setter("meta.page_size", "A0")), 2, "meta.page_size")
    yield (
        "highlight-both",
        changed(setter("highlights.0.budget", "cmm")),
        2,
        "either 'value' or 'budget'",
    )
    yield (
        "placeholder-unknown",
        changed(setter("key_messages.0", "Spent {nope} on it")),
        2,
        "unknown placeholder '{nope}'",
    )
    yield (
        "placeholder-unmatched",
        changed(setter("key_messages.0", "A { brace")),
        2,
        "unmatched '{'",
    )
    yield (
        "placeholder-bad-name",
        changed(setter("key_messages.0", "A {Bad Name}")),
        2,
        "is not a placeholder",
    )
    yield ("cited-source-unknown", changed(setter("highlights.0.sources", ["nobody"])), 2, "nobody")
    yield (
        "unicode-glyph-missing",
        changed(setter("key_messages.0", "A brief \U0001f600 here")),
        2,
        "no font of the brief draws",
    )


def audit_cases() -> Iterator[Case]:
    """Yield the attack run's remaining shapes (issue 17), after the others so that adding
    them renumbered no file."""
    text = SEED.read_bytes()
    groups = b":".join([b"59"] * 3000)  # YAML 1.1 read a base-60 integer (a traceback)
    yield ("yaml11-base60-3000-groups", text.replace(b"amount: 675", b"amount: " + groups, 1), 2,
           "amount")  # fmt: skip
    yield (
        "placeholder-with-spaces",
        changed(setter("key_messages.0", "India has { ncmm } for minerals")),
        2,
        "'{ ncmm }' has spaces inside its braces; write '{ncmm}'",
    )
    for name, slug in [("slug-bidi", "brief\u202e"), ("slug-lpt1", "lpt1"), ("slug-aux", "AUX")]:
        yield (name, changed(setter("meta.slug", slug)), 2, "meta.slug")


def cases() -> list[Case]:
    """Return every case of the corpus, named uniquely."""
    found = [
        *syntax_cases(), *structure_cases(), *value_cases(), *text_cases(), *audit_cases()
    ]  # fmt: skip
    names = [name for name, *_ in found]
    assert len(names) == len(set(names)), "case names must be unique"
    return found


def file_name(index: int, name: str, data: bytes) -> str:
    """Return a case's file name: numbered, named, .json for JSON-looking text."""
    suffix = ".json" if name.startswith("json-") else ".yaml"
    return f"{index:03d}-{name}{suffix}"


def write() -> dict[str, dict[str, Any]]:
    """Write the corpus and expected.json afresh; return the expectations."""
    shutil.rmtree(CORPUS, ignore_errors=True)
    CORPUS.mkdir()
    expected: dict[str, dict[str, Any]] = {}
    for index, (name, data, status, fragment) in enumerate(cases(), start=1):
        path = CORPUS / file_name(index, name, data)
        path.write_bytes(data)
        expected[path.name] = {"exit": status, "message": fragment}
    EXPECTED.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return expected


if __name__ == "__main__":
    print(f"{len(write())} cases written to {CORPUS}")
