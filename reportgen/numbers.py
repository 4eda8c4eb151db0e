"""Every number format of a brief: money, plain numbers, percentages and dates, through Babel.

Rules (docs/facts.md repeats them for writers of facts files):

- Rounding is ROUND_HALF_UP everywhere (2.345 -> 2.35), applied here before Babel formats, so
  Babel's own half-even rounding never comes into play.
- Rupees (INR) are grouped in the Indian way (lakh/crore: 1,63,00,00,00,000); every other
  currency in the international way (1,000,000). The brief's language picks the symbols and
  separators: INR uses `<language>_IN` (en_IN when Babel lacks it), others use `<language>`
  (or the brief's own locale when its territory is not India).
- An amount typed in the facts keeps the decimals it was typed with (16300 -> 16,300;
  1.50 -> 1.50) and its scale word (₹16,300 crore, $675 million).
- A derived amount (a conversion, a total, a per-year average) picks its own scale:
  INR: crore from 1 crore up, lakh from 1 lakh up, rupees below; other currencies: billion from
  1 billion up, million from 1 million up, units below. In a scale it is rounded to 3
  significant digits, but never to fewer than whole units of the scale (₹5,861 crore,
  $1.88 billion, $12.3 billion, $675 million, $80.6 million); below a scale, to whole units.
- Percentages have one decimal (42.9%).
- Dates use the locale's long format (13 February 2025 in en_IN); a year-month is
  "February 2025"; a year alone is "2020".
"""

from __future__ import annotations

import copy
import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

ROUNDING = ROUND_HALF_UP
SCALES: dict[str, Decimal] = {
    "lakh": Decimal(10) ** 5,
    "crore": Decimal(10) ** 7,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
}
INDIAN_SCALES = ("crore", "lakh")
INTERNATIONAL_SCALES = ("billion", "million")
SIGNIFICANT_DIGITS = 3
PERCENT_DECIMALS = 1


def parse_locale(locale: str | Locale) -> Locale:
    """Return the Babel Locale for "en-IN", "en_IN" or "en"; raise ValueError if unknown."""
    if isinstance(locale, Locale):
        return locale
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown locale {locale!r} (expected a code like en-IN)") from exc


def grouping_locale(currency: str, locale: str | Locale) -> Locale:
    """Return the locale whose grouping and symbols an amount in `currency` is written with."""
    base = parse_locale(locale)
    if currency == "INR":
        if base.territory == "IN":
            return base
        try:
            return Locale.parse(f"{base.language}_IN")
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en_IN")
    if base.territory == "IN":
        return Locale.parse(base.language)
    return base


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
) -> str:
    """Return an amount as written in a brief: "₹16,300 crore", "$675 million", "₹1,63,000".

    `value` is in units of `scale` (16300 with "crore"); `decimals` defaults to the decimals
    the value was typed with.
    """
    loc = grouping_locale(currency, locale)
    value = Decimal(value)
    places = typed_decimals(value) if decimals is None else decimals
    pattern = copy.copy(loc.currency_formats["standard"])
    pattern.frac_prec = (places, places)
    text = pattern.apply(
        round_half_up(value, places), loc, currency=currency, currency_digits=False
    )
    if not scale:
        return str(text)
    symbol = babel_numbers.get_currency_symbol(currency, loc)
    if text.endswith(symbol):  # locales that put the symbol last: "1,88 billion $"
        return f"{text[: -len(symbol)].rstrip()} {scale} {symbol}"
    return f"{text} {scale}"


def choose_scale(full_value: Decimal, currency: str) -> tuple[Decimal, str | None, int]:
    """Return (value in the scale, scale word or None, decimals) for a derived amount."""
    scales = INDIAN_SCALES if currency == "INR" else INTERNATIONAL_SCALES
    for scale in scales:
        scaled = full_value / SCALES[scale]
        places = significant_places(scaled)
        # compare after rounding, so 999,999,999 becomes $1.00 billion, not $1,000 million
        if abs(round_half_up(scaled, places)) >= 1:
            return scaled, scale, places
    return full_value, None, 0


def format_amount(full_value: Decimal, currency: str, locale: str | Locale = "en_IN") -> str:
    """Return a derived amount (given in full units) with the scale and rounding rules above."""
    scaled, scale, places = choose_scale(full_value, currency)
    return format_money(scaled, currency, scale, locale, decimals=places)


def format_full(full_value: Decimal, currency: str, locale: str | Locale = "en_IN") -> str:
    """Return an amount written out in full units ("₹1,63,00,00,00,000"), rounded to units."""
    return format_money(full_value, currency, None, locale, decimals=0)


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


def currency_name(currency: str, locale: str | Locale = "en_IN") -> str:
    """Return the singular name of a currency in the locale ("US dollar", "Indian rupee")."""
    return str(babel_numbers.get_currency_name(currency, count=1, locale=parse_locale(locale)))


def is_currency(code: str) -> bool:
    """Return True when `code` is an ISO 4217 currency code Babel knows."""
    return bool(babel_numbers.is_currency(code))
