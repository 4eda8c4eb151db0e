"""Texts per language in a facts file: `meta.languages`, mappings of language to text,
the view of the facts in one language, and the completeness warnings of `validate`."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.cli import cli
from reportgen.errors import FactsError
from reportgen.facts import json_schema, parse_facts
from reportgen.facts.text import ForeignText

BILINGUAL = """\
meta:
  title: {en: Water for Cities, hi: शहरों के लिए पानी}
  date: 2025-02-28
  languages: [en-IN, hi-IN]
key_messages:
  - {en: "The mission has {amrut}.", hi: "मिशन के पास {amrut} हैं।"}
  - Only in English.
  - "~70%"
sections:
  - heading: {en: Supply, hi: आपूर्ति}
    points:
      - {en: Pipes first, hi: पहले पाइप}
      - text: {en: Meters next}
budget:
  reporting_currency: INR
  programmes:
    - {id: amrut, name: {en: AMRUT, hi: अमृत}, amount: 2.99, currency: INR, scale: lakh}
"""


def test_plain_and_mapped_texts_in_the_first_language() -> None:
    facts = parse_facts(BILINGUAL, "water.yaml")
    assert facts.languages == ["en-IN", "hi-IN"] and facts.language == "en-IN"
    assert facts.meta.title == "Water for Cities"
    assert facts.key_messages[0] == "The mission has ₹2.99 lakh."
    assert facts.sections[0].id == "supply"


def test_view_in_hindi_keeps_slug_and_ids_and_marks_fallbacks() -> None:
    facts = parse_facts(BILINGUAL, "water.yaml")
    hindi = facts.for_language("hi-IN")
    assert hindi.meta.title == "शहरों के लिए पानी" and hindi.language == "hi-IN"
    assert hindi.meta.slug == facts.meta.slug == "water-for-cities"
    assert hindi.sections[0].id == "supply"  # anchors shared by both languages
    assert hindi.sections[0].points[0].text == "पहले पाइप"
    fallback = hindi.key_messages[1]
    assert isinstance(fallback, ForeignText) and fallback.lang == "en-IN"
    assert not isinstance(hindi.key_messages[2], ForeignText)  # "~70%" has no words
    assert isinstance(hindi.sections[0].points[1].text, ForeignText)
    assert facts.for_language("hi-IN") is hindi  # a view is made once
    assert facts.for_language("en-IN") is facts


def test_missing_translations_are_warnings_with_file_line_and_path() -> None:
    warnings = [str(w) for w in parse_facts(BILINGUAL, "water.yaml").warnings]
    assert warnings == [
        "water.yaml:7: warning: key_messages[1]: has no 'hi-IN' text (a plain string is"
        " en-IN); write it as {en: ..., hi: ...}",
        "water.yaml:13: warning: sections[0].points[1].text: has no 'hi-IN' text (it has en)",
    ]


def test_a_placeholder_error_in_the_second_language_is_an_error() -> None:
    text = BILINGUAL.replace("मिशन के पास {amrut} हैं।", "मिशन के पास {amrt} हैं।")
    with pytest.raises(FactsError) as info:
        parse_facts(text, "water.yaml")
    (problem,) = info.value.problems
    assert problem.path == "key_messages[0]" and problem.line == 6
    assert "in the hi-IN text: unknown placeholder '{amrt}'" in problem.message


def test_validate_warns_and_strict_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "water.yaml"
    path.write_text(BILINGUAL, encoding="utf-8")
    runner = CliRunner()
    relaxed = runner.invoke(cli, ["validate", str(path)])
    assert relaxed.exit_code == 0
    assert f"{path}:7: warning: key_messages[1]: has no 'hi-IN' text" in relaxed.output
    strict = runner.invoke(cli, ["validate", "--strict", str(path)])
    assert strict.exit_code == 2
    assert f"{path}:13: sections[0].points[1].text: has no 'hi-IN' text" in strict.output


def test_language_mapping_errors_are_clear() -> None:
    bad_key = BILINGUAL.replace("{en: Supply, hi: आपूर्ति}", "{en: Supply, Hindi: आपूर्ति}")
    with pytest.raises(FactsError) as info:
        parse_facts(bad_key, "water.yaml")
    assert "'Hindi' is not a language code" in str(info.value)
    outside = BILINGUAL.replace("languages: [en-IN, hi-IN]", "languages: [en-IN]\n  language: ta")
    with pytest.raises(FactsError) as info:
        parse_facts(outside, "water.yaml")
    assert "language ta is not among languages (en-IN)" in str(info.value)


def test_one_language_brief_needs_no_languages_key() -> None:
    text = BILINGUAL.replace("  languages: [en-IN, hi-IN]\n", "  language: hi-IN\n")
    facts = parse_facts(text, "water.yaml")
    assert facts.languages == ["hi-IN"] and facts.meta.title == "शहरों के लिए पानी"
    assert facts.warnings == []  # nothing else is published, so nothing is missing


def test_schema_accepts_texts_per_language() -> None:
    schema = json_schema()
    data = yaml.safe_load(BILINGUAL)
    data["meta"]["date"] = "2025-02-28"
    jsonschema.validate(data, schema)
    data["meta"]["title"] = {"English": "x"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(data)), schema)


_LATIN = st.text(alphabet="abcdefghij KLMNOP", min_size=1, max_size=30)
_DEVANAGARI = st.text(alphabet="कखगघचछजटडतथदनपबमयरलवसह ािीुूेैोौं्", min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(english=_LATIN.filter(str.strip), hindi=_DEVANAGARI.filter(str.strip))
def test_each_language_sees_its_own_text(english: str, hindi: str) -> None:
    data = yaml.safe_load(BILINGUAL)
    data["sections"][0]["heading"] = {"en": english, "hi": hindi}
    facts = parse_facts(yaml.safe_dump(data, allow_unicode=True), "x.yaml")
    assert facts.sections[0].heading == english
    assert facts.for_language("hi-IN").sections[0].heading == hindi
