"""Every number format of a brief: money, plain numbers, percentages and dates, through Babel.

Rules (docs/facts.md repeats them for writers of facts files):

- Rounding is ROUND_HALF_UP everywhere (2.345 -> 2.35), applied here before Babel formats, so
  Babel's own half-even rounding never comes into play.
- Digit grouping is a property of the currency, as South Asian practice writes it: the
  Indian rupee, the Nepalese rupee and the taka (INR, NPR, BDT) are grouped in lakh and crore
  (1,63,00,00,00,000); every other currency in thousands (1,000,000). A brief may override
  this per currency (`meta.grouping: {NPR: international}`). The brief's language picks the
  symbols and separators (CLDR data through Babel); only the grouping sizes change.
- A currency written as letters ("NPR", "BDT", "US$" is a symbol) is set apart from the
  digits by a no-break space, by CLDR's currency-spacing rule: "NPR 84.4 billion",
  "₹16,300 crore", "$675 million".
- An amount typed in the facts keeps the decimals it was typed with (16300 -> 16,300;
  1.50 -> 1.50) and its scale word (₹16,300 crore, $675 million), the word in the brief's
  language (₹16,300 करोड़, $675 मिलियन: reportgen.i18n, docs/languages.md).
- A derived amount (a conversion, a total, a per-year average) picks its own scale:
  lakh/crore-grouped currencies: crore from 1 crore up, lakh from 1 lakh up, units below;
  other currencies: billion from 1 billion up, million from 1 million up, units below.
  In a scale it is rounded to 3 significant digits, but never to fewer than whole units of
  the scale (₹5,861 crore, $1.88 billion, $12.3 billion, $675 million, $80.6 million);
  below a scale, to whole units.
- Percentages have one decimal (42.9%).
- Dates use the locale's long format (13 February 2025 in en_IN); a year-month is
  "February 2025"; a year alone is "2020".
"""

from __future__ import annotations

import copy
import datetime
import functools
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from reportgen.i18n import scale_word

ROUNDING = ROUND_HALF_UP
SCALES: dict[str, Decimal] = {
    "lakh": Decimal(10) ** 5,
    "crore": Decimal(10) ** 7,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
}
INDIAN_SCALES = ("crore", "lakh")
INTERNATIONAL_SCALES = ("billion", "million")
# South Asian practice: these currencies are written with lakh/crore grouping and scales.
INDIAN_GROUPING_CURRENCIES = frozenset({"INR", "NPR", "BDT"})
GROUPING_STYLES = ("indian", "international")
_GROUP_SIZES = {"indian": (3, 2), "international": (3, 3)}
NBSP = "\u00a0"  # CLDR currencySpacing insertBetween
SIGNIFICANT_DIGITS = 3

Grouping = Mapping[str, str] | None
"""A brief's grouping overrides: currency code -> "indian" or "international"."""
PERCENT_DECIMALS = 1


@functools.lru_cache(maxsize=256)
def _parse(code: str) -> Locale:
    """Return the Babel Locale of a code, or of its language alone when CLDR lacks the pair."""
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError) as exc:
        language = code.split("_", 1)[0]
        if language != code:
            try:
                # CLDR has no en_NP: English as Nepal writes it is English, with the currency
                # rules (grouping, spacing) that numbers.py applies per currency anyway.
                return Locale.parse(language)
            except (UnknownLocaleError, ValueError):
                pass
        raise ValueError(f"unknown locale {code!r} (expected a code like en-IN)") from exc


def parse_locale(locale: str | Locale) -> Locale:
    """Return the Babel Locale for "en-IN", "en_IN" or "en"; raise ValueError if unknown.

    A language and territory CLDR does not pair ("en-NP") gives the language's locale ("en").
    """
    if isinstance(locale, Locale):
        return locale
    try:
        return _parse(locale.replace("-", "_"))
    except ValueError:
        raise ValueError(f"unknown locale {locale!r} (expected a code like en-IN)") from None


def grouping_style(currency: str, grouping: Grouping = None) -> str:
    """Return "indian" (lakh/crore) or "international" grouping for amounts in `currency`."""
    if grouping and currency in grouping:
        return grouping[currency]
    return "indian" if currency in INDIAN_GROUPING_CURRENCIES else "international"


def grouping_locale(currency: str, locale: str | Locale) -> Locale:
    """Return the locale whose symbols and separators an amount in `currency` is written with.

    That is the brief's own locale: grouping sizes are set on the pattern (`grouping_style`).
    """
    return parse_locale(locale)


def _grouped(pattern: babel_numbers.NumberPattern, style: str) -> babel_numbers.NumberPattern:
    """Return a copy of `pattern` grouping digits in the sizes of `style`."""
    out = copy.copy(pattern)
    if out.grouping[0] > 0:  # a locale that groups at all
        out.grouping = _GROUP_SIZES[style]
    return out


@functools.lru_cache(maxsize=512)
def _money_pattern(
    loc: Locale, currency: str, style: str, places: int
) -> tuple[babel_numbers.NumberPattern, str]:
    """Return (the currency pattern for these settings, the currency's symbol), built once.

    The symbol is written into the pattern's prefix and suffix, as Babel's `apply` would do
    on every call; a budget annex formats thousands of amounts (issue 15). Patterns that name
    the currency (¤¤, ¤¤¤) are left for Babel to fill.
    """
    pattern = _grouped(loc.currency_formats["standard"], style)
    pattern.frac_prec = (places, places)
    symbol = str(babel_numbers.get_currency_symbol(currency, loc))
    affixes = (*pattern.prefix, *pattern.suffix)
    if not any("¤¤" in affix for affix in affixes) and "'" not in symbol:
        pattern.prefix = tuple(p.replace("¤", symbol) for p in pattern.prefix)
        pattern.suffix = tuple(p.replace("¤", symbol) for p in pattern.suffix)
    return pattern, symbol


def _is_spacing_edge(char: str) -> bool:
    """Return whether a currency's edge character takes a space next to digits (CLDR).

    CLDR's currencyMatch is [[:^S:]&[:^Z:]]: letters ("NPR") do, symbols ("$", "₹") and
    spaces do not.
    """
    return not unicodedata.category(char).startswith(("S", "Z"))


def currency_spacing(text: str, symbol: str) -> str:
    """Return `text` with a no-break space between `symbol` and digits where CLDR puts one."""
    if not symbol:
        return text
    at = text.find(symbol)
    if at < 0:
        return text
    end = at + len(symbol)
    if end < len(text) and _is_spacing_edge(symbol[-1]) and text[end].isdigit():
        return f"{text[:end]}{NBSP}{text[end:]}"
    if at > 0 and _is_spacing_edge(symbol[0]) and text[at - 1].isdigit():
        return f"{text[:at]}{NBSP}{text[at:]}"
    return text


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Return `value` rounded half-up to `places` decimals (negative places round to tens...)."""
    with localcontext() as context:
        context.prec = 60  # wide enough for any amount the facts models accept, times a rate
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def significant_places(value: Decimal, digits: int = SIGNIFICANT_DIGITS) -> int:
    """Return how many decimals keep `digits` significant digits of `value` (at least 0)."""
    if value == 0:
        return 0
    # adjusted() is the exponent of the leading digit: 1.877 -> 0, 675 -> 2, 80.6 -> 1
    leading = round_half_up(abs(value), max(0, digits - 1 - abs(value).adjusted())).adjusted()
    return max(0, digits - 1 - leading)


def typed_decimals(value: Decimal) -> int:
    """Return the number of decimals `value` was written with (16300 -> 0, 1.50 -> 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_number(value: Decimal | int, locale: str | Locale, decimals: int | None = None) -> str:
    """Return a plain number in the locale's style, with `decimals` (default: as typed)."""
    loc = parse_locale(locale)
    value = Decimal(value)
    places = typed_decimals(value) if decimals is None else decimals
    pattern = copy.copy(loc.decimal_formats[None])
    pattern.frac_prec = (places, places)
    return str(pattern.apply(round_half_up(value, places), loc))


def format_money(
    value: Decimal | int,
    currency: str,
    scale: str | None = None,
    locale: str | Locale = "en_IN",
    decimals: int | None = None,
    grouping: Grouping = None,
) -> str:
    """Return an amount as written in a brief: "₹16,300 crore", "NPR 84.4 billion".

    `value` is in units of `scale` (16300 with "crore"); `decimals` defaults to the decimals
    the value was typed with; `grouping` holds the brief's per-currency overrides.
    """
    loc = grouping_locale(currency, locale)
    value = Decimal(value)
    places = typed_decimals(value) if decimals is None else decimals
    pattern, symbol = _money_pattern(loc, currency, grouping_style(currency, grouping), places)
    text = pattern.apply(
        round_half_up(value, places), loc, currency=currency, currency_digits=False
    )
    text = currency_spacing(str(text), symbol)
    if not scale:
        return text
    word = scale_word(scale, str(parse_locale(locale)))  # "करोड़" in a Hindi brief
    if text.endswith(symbol):  # locales that put the symbol last: "1,88 billion $"
        return f"{text[: -len(symbol)].rstrip(' ' + NBSP)} {word} {symbol}"
    return f"{text} {word}"


def choose_scale(
    full_value: Decimal, currency: str, grouping: Grouping = None
) -> tuple[Decimal, str | None, int]:
    """Return (value in the scale, scale word or None, decimals) for a derived amount."""
    indian = grouping_style(currency, grouping) == "indian"
    scales = INDIAN_SCALES if indian else INTERNATIONAL_SCALES
    for scale in scales:
        scaled = full_value / SCALES[scale]
        places = significant_places(scaled)
        # compare after rounding, so 999,999,999 becomes $1.00 billion, not $1,000 million
        if abs(round_half_up(scaled, places)) >= 1:
            return scaled, scale, places
    return full_value, None, 0


def format_amount(
    full_value: Decimal, currency: str, locale: str | Locale = "en_IN", grouping: Grouping = None
) -> str:
    """Return a derived amount (given in full units) with the scale and rounding rules above."""
    scaled, scale, places = choose_scale(full_value, currency, grouping)
    return format_money(scaled, currency, scale, locale, decimals=places, grouping=grouping)


def format_full(
    full_value: Decimal, currency: str, locale: str | Locale = "en_IN", grouping: Grouping = None
) -> str:
    """Return an amount written out in full units ("₹1,63,00,00,00,000"), rounded to units."""
    return format_money(full_value, currency, None, locale, decimals=0, grouping=grouping)


def format_percent(
    ratio: Decimal, locale: str | Locale = "en_IN", decimals: int = PERCENT_DECIMALS
) -> str:
    """Return a ratio (0.4294...) as a percentage with `decimals` decimals ("42.9%")."""
    loc = parse_locale(locale)
    percent = round_half_up(Decimal(ratio) * 100, decimals)
    pattern = copy.copy(loc.percent_formats[None])
    pattern.frac_prec = (decimals, decimals)
    # the pattern multiplies by 100 itself; hand it the already rounded ratio
    return str(pattern.apply(percent / 100, loc))


def format_date(
    value: datetime.date | int,
    locale: str | Locale = "en_IN",
    month: int | None = None,
    day: int | None = None,
) -> str:
    """Return a full date in the locale's long style, or a partial one.

    `format_date(date(2025, 2, 13))` -> "13 February 2025"; `format_date(2025, month=2)` ->
    "February 2025"; `format_date(2020)` -> "2020".
    """
    loc = parse_locale(locale)
    if isinstance(value, datetime.date):
        return str(babel_dates.format_date(value, "long", locale=loc))
    if month is None:
        return str(value)
    if day is None:
        first = datetime.date(value, month, 1)
        return str(babel_dates.format_skeleton("yMMMM", first, locale=loc))
    return str(babel_dates.format_date(datetime.date(value, month, day), "long", locale=loc))


def currency_name(currency: str, locale: str | Locale = "en_IN", count: int = 1) -> str:
    """Return the name of a currency in the locale ("US dollar"; count 2: "US dollars")."""
    loc = parse_locale(locale)
    return str(babel_numbers.get_currency_name(currency, count=count, locale=loc))


def is_currency(code: str) -> bool:
    """Return True when `code` is an ISO 4217 currency code Babel knows."""
    return bool(babel_numbers.is_currency(code))
