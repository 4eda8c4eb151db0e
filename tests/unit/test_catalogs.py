"""Message catalogs and formatting per language: every word reportgen adds has a Hindi
entry, a template may override any message, and numbers, money, percentages and dates are
formatted in the language being rendered (exact strings)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from reportgen import catalogs, i18n
from reportgen.facts import parse_facts
from reportgen.numbers import format_date, format_money, format_number, format_percent
from tests.conftest import SEED

# The words every bundled template prints, spot-checked in Hindi (the test below checks all).
HINDI = {
    "Key messages": "प्रमुख संदेश",
    "Executive summary": "कार्यकारी सारांश",
    "Budgets": "बजट",
    "Sources": "स्रोत",
    "Page {page} of {pages}": "पृष्ठ {page} / {pages}",
    "Figure {number}": "चित्र {number}",
}


def test_every_message_a_bundled_template_uses_has_a_hindi_entry() -> None:
    template = catalogs.extract()
    used = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    # the extraction really reaches the templates, the Python code and the writers' labels
    assert {"Key messages", "Funded by", "Page {page} of {pages}"} <= used
    assert catalogs.missing("hi", template) == []
    assert catalogs.main(["check", "hi"]) == 0


def test_every_bundled_language_is_complete(capsys: pytest.CaptureFixture[str]) -> None:
    assert set(i18n.bundled_languages()) >= {"hi", "bn"}
    assert catalogs.main(["check"]) == 0
    out = capsys.readouterr().out
    assert all(f"{lang}: " in out for lang in i18n.bundled_languages())


def test_a_language_lacking_messages_fails_the_check() -> None:
    template = catalogs.extract()
    assert catalogs.missing("xx", template)  # no catalog at all: everything is missing
    assert catalogs.main(["check", "xx"]) == 1


def test_hindi_words_come_from_the_catalog() -> None:
    for english, hindi in HINDI.items():
        assert i18n.gettext(english, "hi-IN") == hindi
        assert i18n.gettext(english, "en-IN") == english
    assert i18n.scale_word("crore", "hi-IN") == "करोड़"
    assert i18n.scale_word("lakh", "hi") == "लाख"
    assert i18n.scale_word("million", "hi-IN") == "मिलियन"
    assert i18n.scale_word("billion", "hi-IN") == "बिलियन"
    assert i18n.scale_word("crore", "en-IN") == "crore"


# ---------------------------------------------------------------- formatting per language


@pytest.mark.parametrize(
    ("value", "currency", "scale", "locale", "expected"),
    [
        ("16300", "INR", "crore", "hi-IN", "₹16,300 करोड़"),
        ("7000", "INR", "crore", "hi-IN", "₹7,000 करोड़"),
        ("2.99", "INR", "lakh", "hi-IN", "₹2.99 लाख"),
        ("675", "USD", "million", "hi-IN", "$675 मिलियन"),
        ("1.88", "USD", "billion", "hi-IN", "$1.88 बिलियन"),
        ("16300", "INR", "crore", "en-IN", "₹16,300 crore"),
        ("16300", "INR", "crore", "bn-IN", "₹16,300 কোটি"),
    ],
)
def test_money_in_each_language(
    value: str, currency: str, scale: str, locale: str, expected: str
) -> None:
    assert format_money(Decimal(value), currency, scale, locale) == expected


def test_numbers_percentages_and_dates_in_hindi() -> None:
    # Article 343: the international form of Indian numerals (not Devanagari digits)
    assert format_number(Decimal("1630000"), "hi-IN") == "16,30,000"
    assert format_number(Decimal("86.83"), "hi-IN") == "86.83"
    assert format_percent(Decimal("0.42945"), "hi-IN") == "42.9%"
    assert format_date(datetime.date(2025, 2, 28), "hi-IN") == "28 फ़रवरी 2025"
    assert format_date(2025, "hi-IN", month=1) == "जनवरी 2025"
    assert format_date(2020, "hi-IN") == "2020"
    assert format_date(datetime.date(2025, 2, 28), "en-IN") == "28 February 2025"


def test_placeholders_are_formatted_when_each_language_is_rendered() -> None:
    facts = parse_facts(SEED.read_bytes(), str(SEED))
    english, hindi = facts, facts.for_language("hi-IN")
    assert "₹16,300 crore" in english.key_messages[2]
    assert "₹16,300 करोड़" in hindi.key_messages[2] and "$675 मिलियन" in hindi.key_messages[2]
    assert hindi.highlights[1].context == (
        "सात वर्षों के लिए भारत का बजट, जिसमें से ₹7,000 करोड़ अन्वेषण के लिए"
    )
    table = hindi.budget_table()
    assert table.owner_label == "देश"
    assert [row.native for row in table.rows] == ["$675 मिलियन", "₹16,300 करोड़", "₹7,000 करोड़"]
    assert table.rows[1].reporting == "$1.88 बिलियन"
    assert table.rows[1].period == "2024-25 से 2030-31 तक (7\u00a0वर्ष)"
    assert english.meta.date == hindi.meta.date == datetime.date(2025, 2, 28)  # a value
