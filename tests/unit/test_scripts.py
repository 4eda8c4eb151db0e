"""The one script table: script property, runs, the font chain and characters no font has."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen import scripts
from reportgen.scripts import script_of, script_runs, theme_chain
from reportgen.theme import default_theme

CHAIN = theme_chain(default_theme())

# One word in each script the house fonts must set (the scheduled languages of India and
# the neighbours' scripts), with the family expected to set it.
WORDS = {
    "Deva": ("नेपाल विद्युत", "Noto Sans Devanagari"),
    "Beng": ("বাংলাদেশ", "Noto Sans Bengali"),
    "Guru": ("ਪੰਜਾਬ", "Noto Sans Gurmukhi"),
    "Gujr": ("ગુજરાત", "Noto Sans Gujarati"),
    "Orya": ("ଓଡ଼ିଶା", "Noto Sans Oriya"),
    "Taml": ("தமிழ்நாடு", "Noto Sans Tamil"),
    "Telu": ("తెలంగాణ", "Noto Sans Telugu"),
    "Knda": ("ಕರ್ನಾಟಕ", "Noto Sans Kannada"),
    "Mlym": ("കേരളം", "Noto Sans Malayalam"),
    "Sinh": ("ශ්‍රී ලංකාව", "Noto Sans Sinhala"),
}


def test_script_property_comes_from_the_unicode_database() -> None:
    assert script_of("क") == "Deva"
    assert script_of("৳") == "Beng"  # the taka sign belongs to Bengali
    assert script_of("₹") == "Zyyy"  # the rupee sign to no script
    assert script_of("\u093f") == "Deva"  # the short-i vowel sign
    assert script_of("\u200d") == "Zinh"


@pytest.mark.parametrize("code", sorted(WORDS))
def test_each_indic_script_is_set_in_its_noto_font_and_shaped(code: str) -> None:
    word, family = WORDS[code]
    runs = [r for r in CHAIN.runs(f"In {word} today") if not r.primary]
    assert runs and all(r.family == family for r in runs)
    assert all(r.shaped and r.script == code for r in runs)
    assert CHAIN.missing(word) == []


def test_latin_punctuation_after_devanagari_goes_back_to_the_body_font() -> None:
    runs = CHAIN.runs("(नेपाल राष्ट्र बैंक, २०८१), April 2024")
    assert [(r.family, r.text) for r in runs][-1] == ("Noto Sans", "), April 2024")
    assert runs[0].text == "(" and runs[0].primary


def test_danda_and_vowel_signs_stay_in_the_indic_run() -> None:
    assert script_runs("বিদ্যুৎ। ok") == [("Beng", "বিদ্যুৎ।"), ("Latn", " ok")]
    assert script_runs("कि") == [("Deva", "कि")]


def test_taka_sign_in_a_latin_sentence_is_set_in_the_bengali_font() -> None:
    runs = CHAIN.runs("BDT ৳1,101 crore")
    assert [(r.text, r.family) for r in runs] == [
        ("BDT ", "Noto Sans"),
        ("৳", "Noto Sans Bengali"),
        ("1,101 crore", "Noto Sans"),
    ]


def test_symbols_fall_back_to_the_symbol_fonts() -> None:
    families = {r.text: r.family for r in CHAIN.runs("ok ✓ → ≤ done") if not r.primary}
    assert families["✓"] == "Noto Sans Symbols 2"
    assert families["→"] == "Noto Sans Symbols"
    assert families["≤"] == "Noto Sans Math"


def test_characters_no_font_draws_are_reported_once_each() -> None:
    assert CHAIN.missing("plain ASCII, ₹ and ৳") == []
    assert CHAIN.missing("a 😀 b 😀 c \U000e0001") == ["😀", "\U000e0001"]
    assert scripts.describe("😀") == "'😀' (U+1F600 GRINNING FACE)"


def test_fonts_are_opened_only_for_scripts_present(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real = scripts.TTFont

    def spy(path: str, **kwargs: object) -> object:
        opened.append(path.rsplit("/", 1)[-1])
        return real(path, **kwargs)

    monkeypatch.setattr(scripts, "TTFont", spy)
    scripts._cmap.cache_clear()
    chain = scripts.FontChain(CHAIN.body, CHAIN.fallbacks)  # a fresh run cache
    chain.runs("only Latin and ₹ here, not ASCII")
    assert opened == ["NotoSans-Regular.ttf"]
    chain.runs("and தமிழ் now")
    assert opened == ["NotoSans-Regular.ttf", "NotoSansTamil-Regular.ttf"]
    scripts._cmap.cache_clear()


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_runs_join_back_to_the_text(text: str) -> None:
    runs = CHAIN.runs(text)
    assert "".join(r.text for r in runs) == text
    assert "".join(run for _code, run in script_runs(text)) == text
