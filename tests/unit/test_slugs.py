"""One slugify for file names, URLs and anchors: ASCII, transliterated, safe on Windows."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.errors import FactsError
from reportgen.facts import parse_facts
from reportgen.slugs import WINDOWS_DEVICE_NAMES, check_slug, is_reserved, slugify
from tests.helpers import seed_data


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café au lait", "cafe-au-lait"),
        ("India–US Critical Minerals: 2025", "india-us-critical-minerals-2025"),
        ("Ελλάδα", "ellada"),
        ("Москва", "moskva"),
    ],
)
def test_latin_and_other_alphabets_become_ascii_words(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(
    "title",
    [
        "भारत-अमेरिका महत्वपूर्ण खनिज साझेदारी",  # Hindi
        "ভারত ও যুক্তরাষ্ট্রের খনিজ অংশীদারিত্ব",  # Bengali
        "இந்தியா அமெரிக்கா கனிம கூட்டாண்மை",  # Tamil
    ],
)
def test_indic_titles_are_transliterated_not_collapsed(title: str) -> None:
    slug = slugify(title)
    assert slug not in {"brief", "section", ""}
    assert len(slug.split("-")) >= 3


def test_two_different_hindi_titles_get_different_slugs() -> None:
    assert slugify("भारत का बजट") != slugify("खनिज नीति")


def test_bidi_controls_and_zero_width_characters_are_removed() -> None:
    assert slugify("\u202eevil\u202c brief") == "evil-brief"
    assert slugify("cri\u200btical") == "critical"


@pytest.mark.parametrize("name", ["con", "NUL", "Com1", "lpt9", "aux"])
def test_windows_device_names_are_never_a_slug(name: str) -> None:
    slug = slugify(name)
    assert slug == f"{name.lower()}-brief" and not is_reserved(slug)
    assert check_slug(name.lower()) is not None


def test_reserved_with_an_extension_is_still_reserved() -> None:
    assert is_reserved("con.pdf") and is_reserved("nul") and not is_reserved("console")


def test_long_titles_are_cut_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 80 and slug.endswith("word")


def test_punctuation_only_falls_back() -> None:
    assert slugify("!!! ???") == "brief"
    assert slugify("", fallback="section") == "section"


@given(st.text(max_size=200))
def test_any_text_gives_a_usable_file_name(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert (len(slug) <= 80 and slug.split("-")[0] not in WINDOWS_DEVICE_NAMES) or "-" in slug
    assert not is_reserved(slug)


def test_facts_slug_from_a_hindi_title_and_a_refused_device_name() -> None:
    data = seed_data()
    data["meta"]["title"] = "भारत-अमेरिका खनिज साझेदारी"
    data["meta"].pop("slug", None)
    import yaml

    facts = parse_facts(yaml.safe_dump(data, allow_unicode=True).encode())
    assert facts.meta.slug == slugify(data["meta"]["title"]) != "brief"
    data["meta"]["slug"] = "con"
    with pytest.raises(FactsError) as caught:
        parse_facts(yaml.safe_dump(data, allow_unicode=True).encode())
    assert any(p.path == "meta.slug" and "Windows" in p.message for p in caught.value.problems)
