"""The facts layer: load, validate and derive the figures of a brief's facts file.

load_facts(path) -> Facts          read a YAML/JSON file (raises FactsError)
parse_facts(text, filename)        the same for text or bytes already in memory
validate_paths(paths)              check several files; (path, facts | None, problems)
summary_line(facts)                one line per valid file for `reportgen validate`
json_schema()                      the JSON Schema of a facts file
"""

from __future__ import annotations

from reportgen.facts.budget_table import BudgetRow, BudgetTable
from reportgen.facts.dates import PartialDate
from reportgen.facts.loader import load_facts, parse_facts, summary_line, validate_paths
from reportgen.facts.models import (
    Budget,
    BudgetLine,
    ExchangeRate,
    Facts,
    Highlight,
    Meta,
    Period,
    Point,
    Section,
    Source,
    TimelineEvent,
)
from reportgen.facts.schema import json_schema

__all__ = [
    "Budget",
    "BudgetLine",
    "BudgetRow",
    "BudgetTable",
    "ExchangeRate",
    "Facts",
    "Highlight",
    "Meta",
    "PartialDate",
    "Period",
    "Point",
    "Section",
    "Source",
    "TimelineEvent",
    "json_schema",
    "load_facts",
    "parse_facts",
    "summary_line",
    "validate_paths",
]
