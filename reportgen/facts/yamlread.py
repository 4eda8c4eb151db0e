"""Read a facts file into plain Python data, keeping the line of every node.

Only the safe subset of YAML is accepted: the standard scalar tags, mappings and sequences.
Composition is bounded (file size, nesting depth, alias count, nodes after alias expansion),
so an untrusted file cannot exhaust memory or time. JSON is read by the same parser (JSON is
YAML), with tabs turned into spaces first because YAML forbids tabs where JSON allows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 5 * 1024 * 1024  # a brief's facts are a few kilobytes; 5 MiB is generous
MAX_DEPTH = 40  # the model nests at most ~10 levels (sub-sections of sub-sections)
MAX_ALIASES = 100  # anchors are a convenience; a bomb needs many aliases
# Values, aliases expanded: the seed has ~400, a brief with a 2,000-line budget annex ~20,000;
# a "billion laughs" file stops here, measured without expanding it.
MAX_NODES = 100_000
TOO_MANY_VALUES = (
    f"more than {MAX_NODES} values; a facts file holds hundreds, a large annex thousands"
)

MAX_DIGITS = 40  # an amount has 15 integer digits and 9 decimals at most; 40 is generous

Path = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{t}" for t in ("str", "int", "bool", "null", "timestamp", "float")}
# Characters YAML refuses in a stream, or reads as line breaks (NEL, LS, PS) where an editor
# shows none; found first, so the error names the field and line numbers match the editor's.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)


class ReadError(Exception):
    """A file that cannot be read as facts; `line` is 1-based or None, `path` a YAML path."""

    def __init__(self, message: str, line: int | None = None, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


@dataclass
class Parsed:
    """The data of a facts file, the line of each YAML path, and text-level problems found."""

    data: Any
    lines: dict[Path, int]
    bad_chars: list[tuple[Path, int, str]] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """Return the text of a facts file: UTF-8, an optional BOM removed, or raise ReadError."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("the file is UTF-16; save it as UTF-8")
    if b"\x00" in raw:
        raise ReadError("this is a binary file (it contains NUL bytes), not a YAML or JSON text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ReadError(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
            " save it as UTF-8",
            line,
        ) from None
    return text.removeprefix("\ufeff")


def parse_text(text: str, json_like: bool = False) -> Parsed:
    """Return the parsed data of a YAML (or JSON) text, or raise ReadError."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ReadError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ReadError("the file is empty; a facts file is a mapping with meta, sections, ...")
    if json_like or _looks_like_json(text):
        text = text.replace("\t", " ")  # JSON allows tabs as whitespace; YAML does not
    bad = [(m.start(), m.group()) for m in _FORBIDDEN.finditer(text)]
    if bad:  # replace so the parser goes on; reported per field once the nodes are known
        text = _FORBIDDEN.sub("\ufffd", text)
    try:
        loader, root = _compose(text)
    except yaml.reader.ReaderError as exc:  # a character YAML refuses that we did not expect
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        message = f"not valid YAML: character U+{exc.character:04X} is not allowed"
        raise ReadError(message, line) from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, text) from None
    except yaml.YAMLError as exc:
        raise ReadError(f"not valid YAML: {exc}") from None
    if root is None:
        raise ReadError("the file has no content (only comments or '---')")
    _check_expansion(root)
    walker = _Walker(loader)
    data = walker.value(root, ())
    parsed = Parsed(data, walker.lines)
    for index, char in bad:
        path, line = walker.locate(index, text)
        parsed.bad_chars.append((path, line, char))
    return parsed


def _looks_like_json(text: str) -> bool:
    """Return True when the text reads as a JSON object (so tabs in it are plain whitespace).

    Only the first character is looked at: parsing the text as JSON here would be a second
    parser with other limits (Python's json recurses, and refuses long integers with its own
    error); the one parser below reads JSON too. JSON allows no tab inside a string, so
    turning tabs into spaces changes no value of a valid JSON text.
    """
    return text.lstrip().startswith("{")


def _yaml_error(exc: yaml.MarkedYAMLError, text: str) -> ReadError:
    """Return a ReadError that says what is wrong with the YAML, in words, with its line."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = exc.problem or "malformed YAML"
    # PyYAML says "found character '\\t'", libyaml "found a tab character": same mistake.
    if ("'\\t'" in problem or "tab character" in problem) and mark is not None:
        return ReadError(
            "tab character used for indentation; YAML indentation must use spaces", line
        )
    context = f" ({exc.context})" if exc.context else ""
    return ReadError(f"not valid YAML: {problem}{context}", line)


def _check_expansion(root: Node) -> None:
    """Raise ReadError when expanding the aliases would make too many nodes, or loop.

    Sizes are memoised per node, so a "billion laughs" file is measured, not expanded.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ReadError(
                "an alias refers to the node that contains it", node.start_mark.line + 1
            )
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        sizes[key] = total
        if total > MAX_NODES:
            raise ReadError(
                f"more than {MAX_NODES} values once aliases are expanded;"
                " the file looks like an alias bomb",
                node.start_mark.line + 1,
            )
        return total

    size(root)


# YAML 1.2's core schema, which JSON shares, for plain (unquoted) scalars. PyYAML resolves
# YAML 1.1's: `1:30` is 90 (base 60), `yes`/`no`/`on`/`off` are booleans, `010` is 8. Here
# those are the text written, and `010` is ten. Dates (YYYY-MM-DD) are still read as dates.
_CORE_RESOLVERS: list[tuple[str, re.Pattern[str], list[str | None]]] = [
    (f"{_YAML}bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    (
        f"{_YAML}int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    ),
    (
        f"{_YAML}float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    ),
    (f"{_YAML}null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    (
        f"{_YAML}timestamp",
        re.compile(r"^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?$"),
        list("0123456789"),
    ),
    (f"{_YAML}merge", re.compile(r"^(?:<<)$"), ["<"]),
]


def _core_schema(cls: type) -> type:
    """Give a loader class YAML 1.2 core resolution of plain scalars; return the class."""
    cls.yaml_implicit_resolvers = {}  # type: ignore[attr-defined]
    for tag, pattern, first in _CORE_RESOLVERS:
        cls.add_implicit_resolver(tag, pattern, first)  # type: ignore[attr-defined]
    return cls


_CLoader: type | None = (
    _core_schema(type("_CoreCLoader", (yaml.CSafeLoader,), {}))
    if hasattr(yaml, "CSafeLoader")
    else None
)


def _compose(text: str) -> tuple[Any, Node | None]:
    """Return (loader, root node) of a YAML text, refusing it past the limits.

    With libyaml, the events are counted first (libyaml parses without recursion, so a deeply
    nested or alias-heavy file is refused before anything is built), then libyaml composes
    the nodes: ten times faster than the pure-Python composer. That composer is the fallback,
    and reads any file libyaml refuses, so errors are worded (and located) the same way.
    """
    if _CLoader is not None:
        try:
            _check_events(yaml.parse(text, Loader=_CLoader))
            loader = _CLoader(text)
            try:
                return loader, loader.get_single_node()
            finally:
                loader.dispose()
        except yaml.YAMLError:
            pass  # the pure-Python reader below words the error better, and names fields
    bounded = _BoundedLoader(text)
    try:
        return bounded, bounded.get_single_node()
    finally:
        bounded.dispose()


def _check_events(events: Any) -> None:
    """Raise ReadError when a stream of YAML events passes the depth, alias or size limits."""
    depth = aliases = nodes = 0
    for event in events:
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise ReadError(f"nesting deeper than {MAX_DEPTH} levels", _line(event))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            continue
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise ReadError(
                    f"more than {MAX_ALIASES} aliases (*name); the file looks like an alias bomb",
                    _line(event),
                )
        elif not isinstance(event, yaml.ScalarEvent):
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise ReadError(TOO_MANY_VALUES, _line(event))


def _line(event: Any) -> int | None:
    """Return the 1-based line where a YAML event starts, if known."""
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


@_core_schema
class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader whose composer counts aliases and depth, refusing past the limits."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        """Return the composed node, after checking the alias and depth limits."""
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise ReadError(
                    f"more than {MAX_ALIASES} aliases (*name); the file looks like an alias bomb",
                    mark.line + 1,
                )
        self._nodes += 1
        if self._nodes > MAX_NODES:  # stop composing early, before memory grows
            mark = self.peek_event().start_mark
            raise ReadError(TOO_MANY_VALUES, mark.line + 1)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise ReadError(f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1)
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


class _Walker:
    """Turn composed nodes into plain data, recording the line of every path."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[Path, int] = {}
        self.count = 0
        self.spans: list[tuple[int, int, Path, int]] = []
        self._active: set[int] = set()

    def value(self, node: Node, path: Path) -> Any:
        """Return the Python value of a node (dict, list, str, int, Decimal, date, bool, None)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise ReadError(
                f"more than {MAX_NODES} values once aliases are expanded;"
                " the file looks like an alias bomb",
                node.start_mark.line + 1,
            )
        if len(path) > MAX_DEPTH:
            raise ReadError(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self._active:
            raise ReadError(
                "an alias refers to the node that contains it", node.start_mark.line + 1
            )
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self._check_tag(node, f"{_YAML}seq", path)
                return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                self._check_tag(node, f"{_YAML}map", path)
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        raise ReadError("unsupported YAML node", node.start_mark.line + 1, path)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        """Return a mapping node as a dict with string keys; duplicate keys are errors."""
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == f"{_YAML}merge":
                raise ReadError(
                    "merge keys (<<) are not supported; write the fields out", line, path
                )
            if not isinstance(key_node, ScalarNode):
                raise ReadError("a key must be a plain name, not a list or mapping", line, path)
            key = str(key_node.value)
            if key in result:
                raise ReadError(f"duplicate key '{key}' (each key may appear once)", line, path)
            child = (*path, key)
            self.lines[child] = line  # the key's line: where a reader looks for `key:`
            result[key] = self.value(value_node, child)
        return result

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        """Return a scalar's value; floats become exact Decimals from the written text.

        Numbers are read by YAML 1.2's rules and held to MAX_DIGITS digits; a string's
        surrogate-pair escapes (`"\\ud83d\\ude00"`, as JSON writers spell an emoji) become
        the character they encode.
        """
        self._check_tag(node, None, path)
        self.spans.append(
            (node.start_mark.index, node.end_mark.index, path, node.start_mark.line + 1)
        )
        if node.tag in (f"{_YAML}int", f"{_YAML}float"):
            digits = sum(ch.isdigit() for ch in node.value)
            if digits > MAX_DIGITS:
                raise ReadError(
                    f"a number of {digits:,} digits; numbers have at most {MAX_DIGITS}",
                    node.start_mark.line + 1,
                    path,
                )
        if node.tag == f"{_YAML}int":
            return _core_int(node.value)
        if node.tag == f"{_YAML}str" and _SURROGATE.search(node.value):
            return _join_surrogates(node.value)
        if node.tag == f"{_YAML}float":
            try:
                return Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                return node.value  # .inf / .nan: left as text, the model rejects it
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            return node.value  # 2025-02-30: kept as text, the model says what is wrong

    def _check_tag(self, node: Node, expected: str | None, path: Path) -> None:
        """Raise ReadError for any tag outside the safe standard set (e.g. !!python/object)."""
        ok = node.tag in _SCALAR_TAGS if expected is None else node.tag == expected
        if not ok:
            tag = node.tag.replace(_YAML, "!!")
            raise ReadError(
                f"the tag '{tag}' is not allowed; use plain YAML values only",
                node.start_mark.line + 1,
                path,
            )

    def locate(self, index: int, text: str) -> tuple[Path, int]:
        """Return the path and line of the scalar holding the character at `index`."""
        for start, end, path, line in self.spans:
            if start <= index < end:
                return path, line
        return (), text.count("\n", 0, index) + 1


_SURROGATE = re.compile("[\ud800-\udfff]")


def _join_surrogates(text: str) -> str:
    """Return `text` with each high-low surrogate pair joined into its character.

    A lone surrogate stays (the text checks name it); only well-formed pairs are joined.
    """
    return re.sub(
        "[\ud800-\udbff][\udc00-\udfff]",
        lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"),
        text,
    )


def _core_int(text: str) -> int:
    """Return a YAML 1.2 core integer: decimal (`010` is ten), `0o` octal or `0x` hex."""
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)
