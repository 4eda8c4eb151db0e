"""Partial dates: a year, a year and month, or a full date, as facts files write them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from reportgen.numbers import format_date

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_EXPECTED = "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day; `display` is formatted for the brief."""

    year: int
    month: int | None = None
    day: int | None = None
    display: str = ""

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Return (year, month, day) with unknown parts as 0, so a year sorts before its months."""
        return (self.year, self.month or 0, self.day or 0)

    @property
    def iso(self) -> str:
        """Return the date as written in ISO 8601: "2020", "2025-02" or "2025-02-13"."""
        parts = [f"{self.year:04d}"]
        parts += [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)

    def __str__(self) -> str:
        """Return the display form (or the ISO form when not yet formatted)."""
        return self.display or self.iso

    @classmethod
    def parse(cls, value: Any, locale: str = "en_IN") -> PartialDate:
        """Return the PartialDate for 2020, "2025-02", "2025-02-13" or a date; raise ValueError."""
        if isinstance(value, bool):
            raise ValueError(_EXPECTED)
        if isinstance(value, datetime.datetime):
            value = value.date()
        month: int | None
        day: int | None
        if isinstance(value, datetime.date):
            year, month, day = value.year, value.month, value.day
        else:
            match = _PARTIAL.match(str(value).strip())
            if not match:
                raise ValueError(f"{_EXPECTED}, got {str(value)[:40]!r}")
            year = int(match[1])
            month = int(match[2]) if match[2] else None
            day = int(match[3]) if match[3] else None
        if not 1 <= year <= 9999:
            raise ValueError(f"{_EXPECTED}; year {year} is out of range")
        try:
            datetime.date(year, month or 1, day or 1)
        except ValueError as exc:
            raise ValueError(f"{_EXPECTED}; {value} is not a real date ({exc})") from None
        display = format_date(year, locale, month, day)
        return cls(year, month, day, display)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Return a schema that parses any accepted form, formatted in the context's locale."""

        def validate(value: Any, info: ValidationInfo) -> PartialDate:
            if isinstance(value, PartialDate):
                return value
            locale = getattr(info.context, "locale", "en_IN") if info.context else "en_IN"
            try:
                return cls.parse(value, locale)
            except ValueError as exc:
                raise PydanticCustomError("date", str(exc)) from None

        # dumped as ISO ("2025-02"), so a dump reads back as the same partial date
        return core_schema.with_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda d: d.iso),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Return the JSON Schema of a partial date: a year number or an ISO date string."""
        return {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 9999},
                {"type": "string", "pattern": _PARTIAL.pattern},
            ],
            "description": "A year (2020), a year and month (2025-02) or a date (2025-02-13).",
        }


def parse_full_date(value: Any) -> datetime.date:
    """Return a full date from a YAML date or "YYYY-MM-DD"; raise ValueError for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{value} is not a real date ({exc})") from None
    raise ValueError(f"expected a full date as YYYY-MM-DD, got {str(value)[:40]!r}")
