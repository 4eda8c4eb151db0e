"""Number, money, percentage and date formats: every rule pinned with exact strings."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from reportgen.numbers import (
    choose_scale,
    currency_name,
    format_amount,
    format_date,
    format_full,
    format_money,
    format_number,
    format_percent,
    round_half_up,
    significant_places,
)

D = Decimal
RATE = D("86.83")  # FBIL USD/INR reference rate of 13 February 2025, as in the seed


@pytest.mark.parametrize(
    ("value", "currency", "scale", "expected"),
    [
        (D(16300), "INR", "crore", "₹16,300 crore"),
        (D(7000), "INR", "crore", "₹7,000 crore"),
        (D(675), "USD", "million", "$675 million"),
        (D("1.5"), "USD", "billion", "$1.5 billion"),
        (D("1.50"), "USD", "billion", "$1.50 billion"),  # typed decimals are kept
        (D(25), "INR", "lakh", "₹25 lakh"),
        (D(163000000000), "INR", None, "₹1,63,00,00,00,000"),  # Indian grouping
        (D(675000000), "USD", None, "$675,000,000"),  # international grouping
        (D("86.83"), "INR", None, "₹86.83"),
        (D(1000), "EUR", "million", "€1,000 million"),
    ],
)
def test_typed_amounts_keep_their_scale_and_decimals(
    value: Decimal, currency: str, scale: str | None, expected: str
) -> None:
    assert format_money(value, currency, scale, "en-IN") == expected


def test_dollars_are_grouped_internationally_even_in_an_indian_brief() -> None:
    assert format_full(D(1234567), "USD", "en-IN") == "$1,234,567"
    assert format_full(D(1234567), "INR", "en-IN") == "₹12,34,567"


def test_rupees_keep_indian_grouping_in_a_us_brief() -> None:
    assert format_full(D(1234567), "INR", "en-US") == "₹12,34,567"
    assert format_full(D(1234567), "USD", "en-US") == "$1,234,567"


def test_rupees_into_dollars_at_the_seed_rate() -> None:
    assert format_amount(D(163000000000) / RATE, "USD", "en-IN") == "$1.88 billion"
    assert format_amount(D(70000000000) / RATE, "USD", "en-IN") == "$806 million"


def test_dollars_into_rupees_at_the_seed_rate() -> None:
    assert format_amount(D(675000000) * RATE, "INR", "en-IN") == "₹5,861 crore"


@pytest.mark.parametrize(
    ("full", "currency", "expected"),
    [
        (D("2552231371.65"), "USD", "$2.55 billion"),
        (D("12345678901"), "USD", "$12.3 billion"),
        (D("123456789012"), "USD", "$123 billion"),
        (D("80649000"), "USD", "$80.6 million"),
        (D("1234567"), "USD", "$1.23 million"),
        (D("999999999"), "USD", "$1.00 billion"),  # rounding moves it up a scale
        (D("999999"), "USD", "$1.00 million"),
        (D("850000"), "USD", "$850,000"),  # below a million: whole dollars
        (D("23285714285.71"), "INR", "₹2,329 crore"),  # 16,300 crore over 7 years
        (D("62500000"), "INR", "₹6.25 crore"),
        (D("2500000"), "INR", "₹25.0 lakh"),
        (D("99999"), "INR", "₹1.00 lakh"),
        (D("12345.5"), "INR", "₹12,346"),
    ],
)
def test_derived_amounts_choose_scale_and_three_significant_digits(
    full: Decimal, currency: str, expected: str
) -> None:
    assert format_amount(full, currency, "en-IN") == expected


def test_choose_scale_for_rupees_is_crore() -> None:
    scaled, scale, places = choose_scale(D(675000000) * RATE, "INR")
    assert (scale, places) == ("crore", 0)
    assert round_half_up(scaled, places) == D(5861)


def test_rounding_is_half_up_not_half_even() -> None:
    assert round_half_up(D("2.345"), 2) == D("2.35")
    assert round_half_up(D("2.5"), 0) == D(3)
    assert round_half_up(D("0.125"), 2) == D("0.13")
    assert format_number(D("2.5"), "en-IN", 0) == "3"
    assert format_amount(D("1885000000"), "USD", "en-IN") == "$1.89 billion"


def test_significant_places() -> None:
    assert significant_places(D("1.877")) == 2
    assert significant_places(D("675")) == 0
    assert significant_places(D("80.6")) == 1
    assert significant_places(D("9.996")) == 1  # rounds to 10.0
    assert significant_places(D("1234")) == 0


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (D(7000) / D(16300), "42.9%"),
        (D("0.25"), "25.0%"),
        (D("0.70"), "70.0%"),
        (D("0.0005"), "0.1%"),  # 0.05% rounds half up
        (D("0.00049"), "0.0%"),
        (D("0.4295"), "43.0%"),  # half up, not half even (42.95 -> 43.0)
        (D("0.4285"), "42.9%"),  # half even would give 42.8%
        (D("1"), "100.0%"),
        (D("0.12345"), "12.3%"),
        (D("0.12355"), "12.4%"),
    ],
)
def test_percentages_have_one_decimal(ratio: Decimal, expected: str) -> None:
    assert format_percent(ratio, "en-IN") == expected


@pytest.mark.parametrize(
    ("value", "locale", "decimals", "expected"),
    [
        (D("1234567.5"), "en-IN", None, "12,34,567.5"),
        (D("1234567.5"), "en-US", None, "1,234,567.5"),
        (D("1234567.5"), "de-DE", None, "1.234.567,5"),
        (D(2328), "en-IN", 1, "2,328.0"),
        (7, "en-IN", None, "7"),
    ],
)
def test_plain_numbers_follow_the_locale(
    value: Decimal | int, locale: str, decimals: int | None, expected: str
) -> None:
    assert format_number(value, locale, decimals) == expected


def test_dates_full_month_and_year() -> None:
    assert format_date(datetime.date(2025, 2, 13), "en-IN") == "13 February 2025"
    assert format_date(2025, "en-IN", month=2) == "February 2025"
    assert format_date(2020, "en-IN") == "2020"
    assert format_date(2025, "en-IN", month=2, day=13) == "13 February 2025"
    assert format_date(datetime.date(2025, 2, 13), "en-US") == "February 13, 2025"


def test_currency_names() -> None:
    assert currency_name("USD", "en-IN") == "US dollar"
    assert currency_name("INR", "en-IN") == "Indian rupee"


def test_unknown_locale_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown locale"):
        format_number(D(1), "xx-YY")


def test_scale_word_goes_before_a_trailing_symbol() -> None:
    assert format_amount(D("1877231371"), "USD", "de-DE") == "1,88 billion $"
    assert format_money(D(675), "USD", "million", "de-DE") == "675 million $"
