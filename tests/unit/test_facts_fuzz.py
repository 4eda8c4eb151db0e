"""Whatever the input, loading facts either succeeds or raises FactsError: never a crash."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.errors import FactsError
from reportgen.facts import parse_facts

SEED_PATH = Path(__file__).resolve().parents[2] / "facts" / "india-us-critical-minerals.yaml"
SEED_TEXT = SEED_PATH.read_text(encoding="utf-8")
SEED = yaml.safe_load(SEED_TEXT)
FAST = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))


def node_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every node below the root."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += node_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += node_paths(value, (*prefix, index))
    return found


PATHS = node_paths(SEED)
VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.text(max_size=12)
    | st.sampled_from(["{cmm}", "{ncmm.usd}", "{nope}", "}", "2025-13", "1e400", "NaN", "EUR"])
    | st.sampled_from([[], {}, {"start": 2024, "years": 0}, ["a", "b"]])
)


def load_or_facts_error(text: str | bytes, name: str = "fuzz.yaml") -> None:
    """Load a text; FactsError is fine, anything else fails the test."""
    try:
        parse_facts(text, name).budget_table()
    except FactsError as exc:
        assert exc.problems


@FAST
@given(st.binary(max_size=200))
def test_random_bytes(raw: bytes) -> None:
    load_or_facts_error(raw)


ANY_CHARS = st.text(st.characters(exclude_categories=()), max_size=10)  # surrogates too


@FAST
@given(st.integers(0, len(SEED_TEXT)), st.integers(0, 30), ANY_CHARS)
def test_edited_seed_text(position: int, cut: int, insert: str) -> None:
    load_or_facts_error(SEED_TEXT[:position] + insert + SEED_TEXT[position + cut :])


@FAST
@given(st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3))
def test_seed_with_replaced_values(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(SEED)
    for path, value in changes:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = copy.deepcopy(value)  # no sharing, so no cycles
        except (KeyError, IndexError, TypeError):
            continue

    def plain(value: object) -> str:
        assert isinstance(value, datetime.date)
        return value.isoformat()

    load_or_facts_error(yaml.safe_dump(data, allow_unicode=True))
    load_or_facts_error(json.dumps(data, default=plain), "fuzz.json")
