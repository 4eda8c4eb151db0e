"""Bad facts files: each gets a clear message naming file, line and YAML path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportgen.errors import FactsError, Problem, UserError
from reportgen.facts import load_facts, parse_facts, validate_paths

FIXTURES = Path(__file__).parent / "fixtures" / "facts"
MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def problems_of(source: str | bytes | Path, name: str = "f.yaml") -> list[Problem]:
    """Return the problems raised for a facts text or file (failing if it loads)."""
    with pytest.raises(FactsError) as info:
        if isinstance(source, Path):
            load_facts(source)
        else:
            parse_facts(source, name)
    assert info.value.problems, "a FactsError must carry its problems"
    return list(info.value.problems)


def only(source: str | bytes | Path, name: str = "f.yaml") -> Problem:
    """Return the single problem of a facts text."""
    found = problems_of(source, name)
    assert len(found) == 1, found
    return found[0]


def mutate(old: str, new: str) -> str:
    """Return the minimal facts with one piece of text replaced."""
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


def test_minimal_fixture_is_valid() -> None:
    facts = parse_facts(MINIMAL, "minimal.yaml")
    assert facts.key_messages[1] == "Two ₹100 crore."
    assert facts.warnings == []


def test_facts_error_is_a_user_error_with_exit_code_2() -> None:
    assert issubclass(FactsError, UserError)
    assert FactsError([]).exit_code == 2


# --- the file itself -------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    problem = only(tmp_path / "nope.yaml")
    assert problem.file.endswith("nope.yaml")
    assert problem.message == "no such file"


def test_fifo_or_device_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    assert only(fifo).message == "is not a regular file"
    if Path("/dev/zero").exists():
        assert only(Path("/dev/zero")).message == "is not a regular file"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert "is a directory" in only(tmp_path).message


def test_empty_file() -> None:
    problem = only(FIXTURES / "empty.yaml")
    assert problem.message.startswith("the file is empty")


def test_whitespace_and_comments_only() -> None:
    assert "empty" in only("   \n\n").message
    assert "no content" in only("# just a comment\n---\n").message


def test_top_level_list() -> None:
    problem = only(FIXTURES / "top-level-list.yaml")
    assert problem.line == 1
    assert "holds a list; a facts file is a mapping" in problem.message


def test_top_level_scalar() -> None:
    assert "holds a single value" in only("just text\n").message


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as out:  # a 50 MB file; sparse, so the test stays cheap
        out.write(b"meta:\n  title: big\n")
        out.truncate(50 * 1024 * 1024)
    problem = only(big)
    assert "facts files are limited to 5 MiB" in problem.message
    assert problem.file == str(big)


def test_text_over_the_size_limit() -> None:
    assert "larger than 5 MiB" in only(b"a: b\n" * (1_200_000)).message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(512))
    assert "binary file" in only(path).message


def test_invalid_utf8_names_the_line() -> None:
    problem = only(b"meta:\n  title: caf\xe9\n")
    assert problem.line == 2
    assert "not valid UTF-8" in problem.message


def test_utf16_file_is_refused_with_advice() -> None:
    assert "UTF-16" in only("meta: x\n".encode("utf-16")).message


def test_bom_and_crlf_are_handled() -> None:
    raw = ("\ufeff" + MINIMAL.replace("\n", "\r\n")).encode("utf-8")
    facts = parse_facts(raw, "windows.yaml")
    assert facts.meta.title == "A minimal brief"
    assert facts.sections[0].summary == "The first section."


def test_crlf_keeps_line_numbers() -> None:
    raw = mutate("  title: A minimal brief", "  titel: A minimal brief").replace("\n", "\r\n")
    found = problems_of(("\ufeff" + raw).encode("utf-8"))
    assert ("meta.titel", 2) in [(p.path, p.line) for p in found]


# --- YAML that is not plain data ------------------------------------------------------------


def test_python_object_tag_is_rejected() -> None:
    problem = only(FIXTURES / "python-object.yaml")
    assert problem.line == 2
    assert problem.path == "meta.title"
    assert "'!!python/object/apply:os.system' is not allowed" in problem.message


def test_custom_tag_is_rejected() -> None:
    assert "'!secret' is not allowed" in only("meta: !secret x\n").message


def test_alias_bomb_is_rejected() -> None:
    # no timing assertion (shared machine); measuring sizes without expanding makes it instant
    problem = only(FIXTURES / "alias-bomb.yaml")
    assert "alias bomb" in problem.message


def test_too_many_values_without_aliases() -> None:
    text = MINIMAL.replace("  - Three.\n", "  - Three.\n" * 110_000)
    problem = only(text)
    assert problem.message == (
        "more than 100000 values; a facts file holds hundreds, a large annex thousands"
    )


def test_too_many_aliases() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 150) + "]\n"
    assert "more than 100 aliases" in only(text).message


def test_recursive_alias() -> None:
    assert "refers to the node that contains it" in only("a: &a [1, *a]\n").message


def test_deep_nesting() -> None:
    assert "nesting deeper than" in only("a: " + "[" * 100_000 + "\n").message


def test_merge_keys_are_not_supported() -> None:
    assert "merge keys" in only("base: &b {title: x}\nmeta:\n  <<: *b\n").message


def test_duplicate_key() -> None:
    problem = only("meta:\n  title: a\n  title: b\n")
    assert (problem.line, problem.path) == (3, "meta")
    assert "duplicate key 'title'" in problem.message


def test_tabs_in_indentation() -> None:
    problem = only(FIXTURES / "tabs.yaml")
    assert problem.line == 3
    assert "tab character used for indentation" in problem.message


def test_malformed_yaml() -> None:
    problem = only("meta: [a, b\n")
    assert problem.message.startswith("not valid YAML: expected ',' or ']'")


def test_json_is_accepted_with_tabs() -> None:
    text = (
        '{\n\t"meta": {"title": "J", "date": "2025-01-02"},\n'
        '\t"key_messages": ["a", "b", "c"],\n'
        '\t"sections": [{"heading": "H", "summary": "S."}]\n}\n'
    )
    facts = parse_facts(text, "brief.json")
    assert facts.meta.slug == "j"


def test_json_errors_have_lines() -> None:
    text = '{\n\t"meta": {"title": "J", "date": "2025-01-02"},\n\t"key_messages": ["a"],\n}'
    found = problems_of(text, "brief.json")
    assert found[0].line is not None


# --- characters inside text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "shown"),
    [
        ("\\x01", "U+0001"),
        ("\\x1b", "U+001B"),
        ("\\0", "U+0000"),
        ("\\ud800", "U+D800 (a lone surrogate"),
        ("\\uffff", "U+FFFF (a Unicode non-character)"),
        ("\\x9f", "U+009F"),
    ],
)
def test_control_characters_in_text_name_the_field(escape: str, shown: str) -> None:
    problem = only(mutate("summary: The first section.", f'summary: "The {escape} first."'))
    assert problem.path == "sections[0].summary"
    assert problem.line == 10
    assert shown in problem.message


@pytest.mark.parametrize("char", ["\x07", "\x7f", "\x85", "\u2028", "\u2029", "\ud800", "\uffff"])
def test_raw_bad_character_in_the_text_names_the_field(char: str) -> None:
    # a str (not bytes) can carry a lone surrogate: the service may hand one over
    problem = only(mutate("    summary: The first section.", f"    summary: The {char} first."))
    assert (problem.path, problem.line) == ("sections[0].summary", 10)
    assert f"U+{ord(char):04X}" in problem.message


def test_tab_and_newline_are_allowed_in_text() -> None:
    facts = parse_facts(mutate("summary: The first section.", 'summary: "A\\tB\\nC"'))
    assert facts.sections[0].summary == "A\tB\nC"


# --- the model --------------------------------------------------------------------------------


def test_unknown_field_suggests_the_right_one() -> None:
    found = problems_of(mutate("      - text: A point.", "      - txet: A point."))
    extra = next(p for p in found if p.path == "sections[0].points[0].txet")
    assert extra.line == 12
    assert "unknown field 'txet'; did you mean 'text'?" in extra.message


def test_unknown_top_level_key() -> None:
    problem = only(MINIMAL + "exchange_rate: []\n")
    assert problem.path == "exchange_rate"
    assert "did you mean 'exchange_rates'?" in problem.message


def test_missing_required_field() -> None:
    problem = only(mutate("  title: A minimal brief\n", ""))
    assert (problem.path, problem.line) == ("meta.title", 1)
    assert problem.message == "missing required field 'title'"


def test_missing_block() -> None:
    start, end = MINIMAL.index("sections:"), MINIMAL.index("budget:")
    problem = only(MINIMAL[:start] + MINIMAL[end:])
    assert problem.path == "sections"
    assert "missing required block 'sections'" in problem.message


def test_text_read_as_a_mapping_suggests_quotes() -> None:
    problem = only(mutate("  - Three.", "  - Three: a colon."))
    assert problem.path == "key_messages[2]"
    assert "put the whole text in quotes" in problem.message


def test_true_read_as_boolean_suggests_quotes() -> None:
    problem = only(mutate("title: A minimal brief", "title: true"))
    assert "YAML reads true/false" in problem.message


def test_yes_is_text_as_in_yaml_1_2() -> None:
    # YAML 1.1 read yes/no/on/off as booleans; facts files follow YAML 1.2 (as JSON does).
    assert parse_facts(mutate("title: A minimal brief", "title: yes"), "f.yaml").meta.title == "yes"


def test_too_few_key_messages() -> None:
    problem = only(mutate("  - Three.\n", ""))
    assert (problem.path, problem.message) == ("key_messages", "expected at least 3 items, got 2")


def test_bad_scale_and_currency() -> None:
    text = mutate("scale: crore\n      period", "scale: crores\n      period")
    text = text.replace(
        "currency: INR\n      scale: crores", "currency: RUPEES\n      scale: crores"
    )
    found = {p.path: p for p in problems_of(text)}
    assert "'lakh', 'crore', 'million' or 'billion'" in found["budget.programmes[0].scale"].message
    assert "not an ISO 4217" in found["budget.programmes[0].currency"].message


def test_unparseable_dates() -> None:
    text = mutate("date: 2025-02-28", "date: 2025-02-30").replace("date: 2025\n", "date: soon\n")
    found = {p.path: p for p in problems_of(text)}
    assert "2025-02-30 is not a real date" in found["meta.date"].message
    assert found["meta.date"].line == 3
    assert "expected a date as YYYY, YYYY-MM or YYYY-MM-DD" in found["sources[0].date"].message


def test_meta_date_must_be_full() -> None:
    assert (
        "expected a full date as YYYY-MM-DD"
        in only(mutate("date: 2025-02-28", "date: 2025")).message
    )


def test_period_of_zero_years() -> None:
    problem = only(mutate("years: 4", "years: 0"))
    assert problem.path == "budget.programmes[0].period"
    assert "years must be 1 or more, got 0" in problem.message


def test_non_http_url() -> None:
    text = mutate("    date: 2025\n", "    date: 2025\n    url: javascript:alert(1)\n")
    assert "not an http:// or https:// URL" in only(text).message


def test_bad_language() -> None:
    text = mutate("  date: 2025-02-28", "  date: 2025-02-28\n  language: xx-YY")
    assert "unknown locale 'xx-YY'" in only(text).message


# --- consistency ------------------------------------------------------------------------------


def test_component_larger_than_parent() -> None:
    problem = only(mutate("      amount: 25\n", "      amount: 250\n"))
    assert problem.path == "budget.programmes[1].amount"
    assert problem.message == "₹250 crore is more than its parent 'big' (₹100 crore)"


def test_components_summing_past_parent() -> None:
    extra = "    - {id: more, name: More, parent: big, amount: 80, currency: INR, scale: crore}\n"
    problem = only(MINIMAL.replace("exchange_rates:", extra + "exchange_rates:"))
    assert problem.path == "budget.programmes[2].amount"
    assert "add up to ₹105 crore, more than ₹100 crore" in problem.message


def test_unknown_parent() -> None:
    assert "unknown parent 'bog'" in only(mutate("parent: big", "parent: bog")).message


def test_currency_without_rate_to_reporting_currency() -> None:
    problem = problems_of(mutate("from: USD", "from: EUR"))[0]
    assert problem.path == "budget.programmes[0].currency"
    assert "no exchange rate between INR and the reporting currency USD" in problem.message


def test_cited_source_missing() -> None:
    problem = only(mutate("sources: [src]", "sources: [src, nowhere]"))
    assert (problem.path, problem.line) == ("sections[0].points[0].sources[1]", 13)
    assert problem.message == "unknown source 'nowhere' (sources: src)"


def test_source_never_cited_is_a_warning() -> None:
    text = MINIMAL + "  - {id: unused, title: T, publisher: P}\n"
    facts = parse_facts(text, "w.yaml")
    assert [(w.path, w.severity, w.message) for w in facts.warnings] == [
        ("sources[1]", "warning", "source 'unused' is never cited")
    ]


def test_duplicate_ids_and_headings() -> None:
    text = mutate("sections:\n", "sections:\n  - heading: First\n    summary: Again.\n")
    text += "  - {id: src, title: Again, publisher: P}\n"
    text = text.replace("    - id: small", "    - id: big")
    messages = sorted(p.message for p in problems_of(text))
    assert any(m.startswith("duplicate section id 'first'") for m in messages)
    assert any(m.startswith("duplicate heading 'First'") for m in messages)
    assert any(m.startswith("duplicate source id 'src'") for m in messages)
    assert any(m.startswith("duplicate budget line id 'big'") for m in messages)


def test_duplicate_slugs_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MINIMAL, encoding="utf-8")
    results = validate_paths([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert results[0][1] is not None
    assert results[1][1] is None
    assert "duplicate slug 'a-minimal-brief'" in results[1][2][0].message


def test_unknown_placeholder_names_the_field() -> None:
    problem = only(mutate("Two {big}.", "Two {bog}."))
    assert (problem.path, problem.line) == ("key_messages[1]", 6)
    assert "unknown placeholder '{bog}'" in problem.message


def test_placeholder_in_currency_without_rate() -> None:
    assert "no exchange rate between INR and EUR" in only(mutate("{big}", "{big.eur}")).message


def test_stray_brace() -> None:
    assert "unmatched '}'" in only(mutate("Two {big}.", "Two }.")).message


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    found = problems_of(FIXTURES / "many-errors.yaml")
    where = [(p.line, p.path) for p in found]
    assert (2, "meta.titel") in where
    assert (3, "meta.date") in where
    assert (7, "key_messages[2]") in where
    assert (13, "sections[0].points[0].sources[0]") in where
    assert (15, "sections[1].summary") in where
    assert (23, "budget.programmes[0].period") in where
    assert all(p.file.endswith("many-errors.yaml") for p in found)
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)


def test_problem_string_has_file_line_path() -> None:
    problem = only(mutate("years: 4", "years: 0"), "brief.yaml")
    assert str(problem) == (
        "brief.yaml:22: budget.programmes[0].period: years must be 1 or more, got 0"
    )


def test_huge_amount_is_refused() -> None:
    assert "too large" in only(mutate("amount: 100", "amount: 1e400")).message


def test_programmes_null_does_not_crash() -> None:
    found = problems_of(MINIMAL.replace("  programmes:\n", "  programmes:\n  other:\n", 1))
    assert any(p.path.startswith("budget") for p in found)


def test_point_read_as_a_mapping_suggests_quotes() -> None:
    text = mutate("      - text: A point.\n        sources: [src]\n", "      - Note: a point.\n")
    problem = only(text)
    assert (problem.path, problem.line) == ("sections[0].points[0]", 12)
    assert "put the whole text in quotes" in problem.message


def test_block_of_the_wrong_kind() -> None:
    problem = only(mutate("meta:\n  title: A minimal brief\n  date: 2025-02-28\n", "meta: hi\n"))
    assert (problem.path, problem.message) == (
        "meta",
        "expected a mapping of 'key: value' lines, got 'hi'",
    )
    problem = only(MINIMAL + "timeline: soon\n")
    assert problem.message == "expected a list (lines starting with '- '), got 'soon'"


def test_an_invalid_rate_is_reported_without_collateral_missing_rate_errors() -> None:
    problem = only(mutate("rate: 80", "rate: 0").replace("Two {big}.", "Two {big.usd}."))
    assert (problem.path, problem.message) == (
        "exchange_rates[0]",
        "rate must be greater than zero",
    )


def test_two_rates_for_one_pair() -> None:
    rate = "  - {from: USD, to: INR, rate: 80, date: 2025-01-01, source: src}\n"
    second = "  - {from: INR, to: USD, rate: 0.0125, date: 2025-01-01, source: src}\n"
    problem = only(mutate(rate, rate + second))
    assert problem.path == "exchange_rates[1]"
    assert problem.message.startswith("a second rate for 'INR/USD'")


def test_character_no_font_draws_names_file_line_field_and_character() -> None:
    problem = only(mutate("summary: The first section.", "summary: The 😀 first section."))
    assert (problem.path, problem.line) == ("sections[0].summary", 10)
    assert "'😀' (U+1F600 GRINNING FACE)" in problem.message
    assert "no font" in problem.message


def test_indic_scripts_and_the_taka_sign_are_accepted_in_text() -> None:
    text = "বাংলাদেশ ৳1,101, नेपाल, தமிழ், ਪੰਜਾਬ, ગુજરાત, ଓଡ଼ିଶା, తెలుగు, ಕನ್ನಡ, മലയാളം, ✓"
    facts = parse_facts(mutate("summary: The first section.", f"summary: {text}"))
    assert facts.sections[0].summary == text


@pytest.mark.parametrize("spaced", ["{ big }", "{big }", "{ big.usd}"])
def test_a_placeholder_with_spaces_is_refused_with_its_one_spelling(spaced: str) -> None:
    problem = only(mutate("Two {big}.", f"Two {spaced}."))
    assert (problem.path, problem.line) == ("key_messages[1]", 6)
    assert f"'{spaced}' has spaces inside its braces; write '{{{spaced[1:-1].strip()}}}'" in (
        problem.message
    )
