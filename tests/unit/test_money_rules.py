"""Money by the rules: CLDR currency spacing, grouping and scale words per currency and locale.

Every string here is the exact text a brief prints (docs/facts.md shows the same table).
"~" stands for the no-break space CLDR puts between a letter code and its digits.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.numbers import (
    NBSP,
    currency_spacing,
    format_amount,
    format_full,
    format_money,
    grouping_style,
)

CURRENCIES = ("INR", "NPR", "BDT", "PKR", "LKR", "EUR", "GBP", "USD", "JPY")
FULL = Decimal(1101312000)  # a derived figure in full units, as a conversion gives it

# locale -> currency -> (typed "84.4 billion", full units, derived with its own scale)
EXPECTED: dict[str, dict[str, tuple[str, str, str]]] = {
    "en-IN": {
        "INR": ("₹84.4 billion", "₹1,10,13,12,000", "₹110 crore"),
        "NPR": ("NPR~84.4 billion", "NPR~1,10,13,12,000", "NPR~110 crore"),
        "BDT": ("BDT~84.4 billion", "BDT~1,10,13,12,000", "BDT~110 crore"),
        "PKR": ("PKR~84.4 billion", "PKR~1,101,312,000", "PKR~1.10 billion"),
        "LKR": ("LKR~84.4 billion", "LKR~1,101,312,000", "LKR~1.10 billion"),
        "EUR": ("€84.4 billion", "€1,101,312,000", "€1.10 billion"),
        "GBP": ("£84.4 billion", "£1,101,312,000", "£1.10 billion"),
        "USD": ("$84.4 billion", "$1,101,312,000", "$1.10 billion"),
        "JPY": ("JP¥84.4 billion", "JP¥1,101,312,000", "JP¥1.10 billion"),
    },
    "en-US": {
        "INR": ("₹84.4 billion", "₹1,10,13,12,000", "₹110 crore"),
        "NPR": ("NPR~84.4 billion", "NPR~1,10,13,12,000", "NPR~110 crore"),
        "BDT": ("BDT~84.4 billion", "BDT~1,10,13,12,000", "BDT~110 crore"),
        "PKR": ("PKR~84.4 billion", "PKR~1,101,312,000", "PKR~1.10 billion"),
        "LKR": ("LKR~84.4 billion", "LKR~1,101,312,000", "LKR~1.10 billion"),
        "EUR": ("€84.4 billion", "€1,101,312,000", "€1.10 billion"),
        "GBP": ("£84.4 billion", "£1,101,312,000", "£1.10 billion"),
        "USD": ("$84.4 billion", "$1,101,312,000", "$1.10 billion"),
        "JPY": ("¥84.4 billion", "¥1,101,312,000", "¥1.10 billion"),
    },
    "en-GB": {
        "INR": ("₹84.4 billion", "₹1,10,13,12,000", "₹110 crore"),
        "NPR": ("NPR~84.4 billion", "NPR~1,10,13,12,000", "NPR~110 crore"),
        "BDT": ("BDT~84.4 billion", "BDT~1,10,13,12,000", "BDT~110 crore"),
        "PKR": ("PKR~84.4 billion", "PKR~1,101,312,000", "PKR~1.10 billion"),
        "LKR": ("LKR~84.4 billion", "LKR~1,101,312,000", "LKR~1.10 billion"),
        "EUR": ("€84.4 billion", "€1,101,312,000", "€1.10 billion"),
        "GBP": ("£84.4 billion", "£1,101,312,000", "£1.10 billion"),
        "USD": ("US$84.4 billion", "US$1,101,312,000", "US$1.10 billion"),
        "JPY": ("JP¥84.4 billion", "JP¥1,101,312,000", "JP¥1.10 billion"),
    },
    "hi-IN": {
        "INR": ("₹84.4 बिलियन", "₹1,10,13,12,000", "₹110 करोड़"),
        "NPR": ("NPR~84.4 बिलियन", "NPR~1,10,13,12,000", "NPR~110 करोड़"),
        "BDT": ("BDT~84.4 बिलियन", "BDT~1,10,13,12,000", "BDT~110 करोड़"),
        "PKR": ("PKR~84.4 बिलियन", "PKR~1,101,312,000", "PKR~1.10 बिलियन"),
        "LKR": ("LKR~84.4 बिलियन", "LKR~1,101,312,000", "LKR~1.10 बिलियन"),
        "EUR": ("€84.4 बिलियन", "€1,101,312,000", "€1.10 बिलियन"),
        "GBP": ("£84.4 बिलियन", "£1,101,312,000", "£1.10 बिलियन"),
        "USD": ("$84.4 बिलियन", "$1,101,312,000", "$1.10 बिलियन"),
        "JPY": ("JP¥84.4 बिलियन", "JP¥1,101,312,000", "JP¥1.10 बिलियन"),
    },
}


@pytest.mark.parametrize(
    ("locale", "currency"), [(loc, cur) for loc in EXPECTED for cur in CURRENCIES]
)
def test_money_strings_per_currency_and_locale(locale: str, currency: str) -> None:
    typed, full, derived = (s.replace("~", NBSP) for s in EXPECTED[locale][currency])
    assert format_money(Decimal("84.4"), currency, "billion", locale) == typed
    assert format_full(FULL, currency, locale) == full
    assert format_amount(FULL, currency, locale) == derived


def test_letter_codes_never_touch_their_digits() -> None:
    # The 0.1 writers printed "NPR84.4 billion" and "BDT1,101,312,000".
    assert format_money(Decimal("84.4"), "NPR", "billion", "en-IN") != "NPR84.4 billion"
    assert currency_spacing("84NPR", "NPR") == f"84{NBSP}NPR"  # a code after the digits
    assert currency_spacing("$84", "$") == "$84"  # a symbol keeps its digits close
    assert currency_spacing("NPR 84", "NPR") == "NPR 84"  # a space already there


def test_grouping_is_per_currency_and_a_brief_may_override_it() -> None:
    assert grouping_style("NPR") == "indian"
    assert grouping_style("LKR") == "international"
    override = {"NPR": "international", "USD": "indian"}
    assert format_full(FULL, "NPR", "en-IN", override) == f"NPR{NBSP}1,101,312,000"
    assert format_amount(FULL, "NPR", "en-IN", override) == f"NPR{NBSP}1.10 billion"
    assert format_full(FULL, "USD", "en-US", override) == "$1,10,13,12,000"
    assert format_amount(FULL, "USD", "en-US", override) == "$110 crore"


def test_other_locales_keep_their_own_separators_and_symbol_places() -> None:
    assert format_money(Decimal("84.4"), "EUR", "billion", "de-DE") == "84,4 billion €"
    assert format_full(FULL, "BDT", "bn-BD") == "1,10,13,12,000৳"  # CLDR bn: sign after
    assert format_full(FULL, "NPR", "ne-NP") == f"नेरू{NBSP}1,10,13,12,000"
    assert format_full(FULL, "EUR", "fr-FR") == f"1\u202f101\u202f312\u202f000{NBSP}€"


@pytest.mark.parametrize("code", ["en-NP", "ne-NP", "bn-BD", "hi-IN", "ta-LK", "ur-PK"])
def test_any_locale_babel_knows_is_accepted(code: str) -> None:
    from reportgen.numbers import parse_locale

    assert parse_locale(code).language == code.split("-")[0]


def test_unknown_language_is_still_an_error() -> None:
    from reportgen.numbers import parse_locale

    with pytest.raises(ValueError, match="unknown locale 'xx-YY'"):
        parse_locale("xx-YY")
