"""Templates from users run sandboxed: no reaching outside the facts, no files outside the roots."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from reportgen import model
from reportgen.errors import TemplateError, TemplateSecurityError
from reportgen.templating import build_document, render_markdown

SEED = Path(__file__).resolve().parents[2] / "facts" / "india-us-critical-minerals.yaml"


def facts() -> SimpleNamespace:
    """Return minimal stand-in facts for a user template."""
    meta = SimpleNamespace(title="T", template="t", date=None)
    return SimpleNamespace(meta=meta, items=["a", "b"], source_number=lambda sid: 1)


@pytest.fixture(scope="module")
def seed_facts() -> object:
    """Return the seed facts (pydantic models, as real uploads would meet)."""
    from reportgen.facts import load_facts

    return load_facts(SEED)


def user_template(root: Path, body: str, name: str = "t") -> Path:
    """Return a user template root holding template `name` with `body`."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text("description: uploaded\n")
    (folder / "brief.md.j2").write_text(body)
    return root


ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ (''|attr('format')) }}",
    "{{ ('{0.__class__}'|attr('format'))(1) }}",
    "{{ '{0.__class__}'.format(1) }}",
    "{{ '{x.__class__}'.format_map({'x': 1}) }}",
    "{{ facts.items.append('c') }}",
    "{{ facts.__dict__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cite.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{% if ''.__class__ %}x{% endif %}",
    "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}",
]


@pytest.mark.parametrize("body", ESCAPES)
def test_sandbox_escapes_raise_security_error(tmp_path: Path, body: str) -> None:
    root = user_template(tmp_path, "line one\n" + body + "\n")
    with pytest.raises(TemplateSecurityError, match=r"t/brief\.md\.j2:2"):
        build_document(facts(), "t", [root], sandboxed=True)


def test_security_error_is_a_template_error() -> None:
    assert issubclass(TemplateSecurityError, TemplateError)


@pytest.mark.parametrize(
    "body",
    [
        '{% include "../../etc/passwd" %}',
        '{% include "/etc/passwd" %}',
        '{% extends "/etc/passwd" %}',
        '{% import "..\\\\x" as x %}',
        '{% include "t/../../x" %}',
    ],
)
def test_paths_outside_the_template_roots_are_not_found(tmp_path: Path, body: str) -> None:
    root = user_template(tmp_path / "root", body)
    (tmp_path / "x").write_text("SECRET")
    with pytest.raises(TemplateError, match="template not found"):
        render_markdown(facts(), "t", [root], sandboxed=True)


def test_huge_range_is_a_template_error(tmp_path: Path) -> None:
    root = user_template(tmp_path, "{% for i in range(10**9) %}{% endfor %}")
    with pytest.raises(TemplateError, match=r"t/brief\.md\.j2:1"):
        render_markdown(facts(), "t", [root], sandboxed=True)


def test_runtime_error_in_template_is_a_template_error(tmp_path: Path) -> None:
    root = user_template(tmp_path, "\n{{ 1 / 0 }}")
    with pytest.raises(TemplateError, match=r"t/brief\.md\.j2:2: ZeroDivisionError"):
        render_markdown(facts(), "t", [root], sandboxed=True)


def test_sandbox_is_strict_about_undefined_values(tmp_path: Path) -> None:
    root = user_template(tmp_path, "{{ facts.nothing }}")
    with pytest.raises(TemplateError, match="undefined value"):
        render_markdown(facts(), "t", [root], sandboxed=True)


def test_sandbox_allows_ordinary_templates(tmp_path: Path) -> None:
    body = (
        "# {{ facts.meta.title }}\n\n{% for i in facts.items %}\n- {{ i | upper }}\n{% endfor %}\n"
    )
    root = user_template(tmp_path, body)
    doc = build_document(facts(), "t", [root], sandboxed=True)
    assert doc.blocks[1] == model.BulletList(
        (model.ListItem((model.Text("A"),)), model.ListItem((model.Text("B"),)))
    )


def test_sandboxed_user_template_can_extend_bundled_base(tmp_path: Path) -> None:
    from reportgen.facts import load_facts

    seed = load_facts(Path(__file__).resolve().parents[2] / "facts/india-us-critical-minerals.yaml")
    root = user_template(
        tmp_path, '{% extends "base/brief.md.j2" %}{% block budget %}{% endblock %}'
    )
    doc = build_document(seed, "t", [root], sandboxed=True)
    ids = [b.id for b in doc.blocks if isinstance(b, model.Heading)]
    assert "key-messages" in ids and "sources" in ids and "budget" not in ids


def test_trusted_local_templates_are_not_sandboxed(tmp_path: Path) -> None:
    # `--templates DIR` on the local disk is trusted like any code the user runs
    root = user_template(tmp_path, "{{ ''.__class__.__name__ }}")
    assert render_markdown(facts(), "t", [root]).strip() == "str"


@pytest.mark.parametrize(
    "body",
    [
        "{{ 'x' * 10**9 }}",
        "{{ [1] * 10**8 }}",
        "{{ (10 ** 10) ** (10 ** 10) }}",
        "{{ 2 ** 100000 }}",
    ],
)
def test_huge_results_are_refused(tmp_path: Path, body: str) -> None:
    root = user_template(tmp_path, body)
    with pytest.raises(TemplateSecurityError, match=r"larger|longer"):
        render_markdown(facts(), "t", [root], sandboxed=True)


def test_small_arithmetic_still_works(tmp_path: Path) -> None:
    root = user_template(tmp_path, "{{ '-' * 3 }} {{ 2 ** 10 }} {{ 1.5 * 2 }}")
    assert render_markdown(facts(), "t", [root], sandboxed=True).strip() == "\\-\\-\\- 1024 3\\.0"


def test_links_out_of_the_template_folder_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    root = user_template(tmp_path / "root", '{% include "t/leak.md" %}')
    (root / "t" / "leak.md").symlink_to(secret)
    with pytest.raises(TemplateError, match="template not found"):
        render_markdown(facts(), "t", [root], sandboxed=True)
    assert "SECRET" in render_markdown(facts(), "t", [root])  # trusted local folders may link


@pytest.mark.parametrize(
    "body",
    [
        "{{ facts.parse_file('/etc/hostname') }}",
        "{{ facts.meta.parse_raw('{}') }}",
        "{{ facts.model_copy() }}",
        "{{ facts.model_validate_json('{}') }}",
        "{{ facts.meta.model_dump() }}",
    ],
)
def test_pydantic_model_api_is_out_of_reach(tmp_path: Path, seed_facts: object, body: str) -> None:
    root = user_template(tmp_path, body)
    with pytest.raises(TemplateSecurityError):
        render_markdown(seed_facts, "t", [root], sandboxed=True)


def test_pydantic_fields_and_own_methods_stay_usable(tmp_path: Path, seed_facts: object) -> None:
    body = (
        "{{ facts.meta.title }} {{ facts.source_number('state-msp') }} "
        "{{ facts.budget_table().total.reporting }}"
    )
    root = user_template(tmp_path, body)
    text = render_markdown(seed_facts, "t", [root], sandboxed=True)
    assert text.strip() == "India\\-US Cooperation on Critical Minerals 2 \\$2\\.55 billion"


@pytest.mark.parametrize(
    "body", ["{{ template.path }}", "{{ template.path.read_text() }}", "{{ template.entry }}"]
)
def test_template_description_holds_no_paths(tmp_path: Path, body: str) -> None:
    root = user_template(tmp_path, body)
    with pytest.raises(TemplateError):
        render_markdown(facts(), "t", [root], sandboxed=True)


def test_paths_are_out_of_reach(tmp_path: Path) -> None:
    root = user_template(tmp_path, "{{ facts.where.read_text() }}")
    values = facts()
    values.where = tmp_path / "t" / "brief.md.j2"
    with pytest.raises(TemplateSecurityError):
        render_markdown(values, "t", [root], sandboxed=True)
