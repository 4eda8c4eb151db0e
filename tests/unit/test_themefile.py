"""Theme files: templates' theme.yaml read into a Theme, every mistake named by file, line, key."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from reportgen.errors import UserError
from reportgen.theme import default_theme
from reportgen.themefile import (
    FONT_FAMILIES,
    ThemeFileError,
    contrast_ratio,
    load_theme,
    theme_for_template,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def write(folder: Path, text: str, name: str = "theme.yaml") -> Path:
    """Return the path of a theme file holding `text`."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def png_bytes() -> bytes:
    """Return a small valid PNG."""
    out = io.BytesIO()
    Image.new("RGB", (8, 4), (11, 79, 108)).save(out, format="PNG")
    return out.getvalue()


def problem_of(path: Path) -> str:
    """Return the message of the ThemeFileError that loading `path` raises."""
    with pytest.raises(ThemeFileError) as caught:
        load_theme(path)
    assert isinstance(caught.value, UserError)
    return str(caught.value)


@pytest.mark.parametrize("name", ["policy-brief", "fact-sheet"])
def test_bundled_template_themes_load(name: str) -> None:
    theme = load_theme(TEMPLATES / name / "theme.yaml")
    assert theme.body_font == FONT_FAMILIES["Noto Sans"]
    assert theme.page_size == "A4"


def test_policy_brief_theme_spells_out_the_house_theme() -> None:
    assert load_theme(TEMPLATES / "policy-brief" / "theme.yaml") == default_theme()


def test_fact_sheet_theme_differs_only_where_it_says() -> None:
    theme = load_theme(TEMPLATES / "fact-sheet" / "theme.yaml")
    house = default_theme()
    assert theme.palette.accent == "1D4E89" != house.palette.accent
    assert theme.palette.text == house.palette.text
    assert theme.sizes == house.sizes


def test_empty_file_is_the_house_theme(tmp_path: Path) -> None:
    assert load_theme(write(tmp_path, "# nothing yet\n")) == default_theme()


def test_values_are_read_and_normalised(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'palette:\n  accent: "#0a3d62"\n  rule: "CCCCCC"\nsizes:\n  body: 10.5\n'
        "spacing:\n  line_height: 1.4\npage:\n  size: Letter\n  margins_mm: [15, 15, 15, 15]\n",
    )
    theme = load_theme(path)
    assert theme.palette.accent == "0A3D62"
    assert theme.palette.rule == "CCCCCC"
    assert theme.sizes.body == 10.5 and theme.sizes.h1 == default_theme().sizes.h1
    assert theme.spacing.line_height == 1.4
    assert theme.page_size == "Letter" and theme.margins_mm == (15.0, 15.0, 15.0, 15.0)


def test_unknown_key_is_named_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'palette:\n  accent: "#0B4F6C"\n  acent_2: "#C2691A"\n')
    message = problem_of(path)
    assert f"{path}:3: palette.acent_2: unknown key" in message
    assert "accent_2" in message  # the valid keys are listed


def test_unknown_section_is_named(tmp_path: Path) -> None:
    assert "colours: unknown key; use one of: fonts, palette" in problem_of(
        write(tmp_path, "colours:\n  accent: red\n")
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ('"#0B4F6"', "not an RRGGBB hex colour"),
        ('"teal"', "not an RRGGBB hex colour"),
        ("000000", "is a number to YAML; quote colours"),
        ("#0B4F6C", "no colour given; write it in quotes"),  # YAML reads '#...' as a comment
    ],
)
def test_bad_colour_is_named(tmp_path: Path, value: str, says: str) -> None:
    path = write(tmp_path, f"palette:\n  muted: {value}\n")
    message = problem_of(path)
    assert f"{path}:2: palette.muted:" in message and says in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'palette:\n  accent: "nope"\nsizes:\n  body: -3\n  h1: big\npage:\n  size: A5\n',
    )
    message = problem_of(path)
    for key in ("palette.accent", "sizes.body", "sizes.h1", "page.size"):
        assert key in message
    assert len(message.splitlines()) == 4


def test_font_must_ship_with_reportgen(tmp_path: Path) -> None:
    message = problem_of(write(tmp_path, "fonts:\n  body: Comic Sans MS\n"))
    assert "fonts.body: 'Comic Sans MS' is not a font reportgen ships; use: Noto Sans" in message


def test_margins_need_four_numbers(tmp_path: Path) -> None:
    message = problem_of(write(tmp_path, "page:\n  margins_mm: [20, 18]\n"))
    assert "page.margins_mm: must be four numbers" in message


def test_logo_is_read_relative_to_the_theme_file(tmp_path: Path) -> None:
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "logo.png").write_bytes(png_bytes())
    theme = load_theme(write(tmp_path, "logo: art/logo.png\n"))
    assert theme.logo == png_bytes()


def test_missing_logo_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "fonts:\n  body: Noto Sans\nlogo: logo.png\n")
    message = problem_of(path)
    assert f"{path}:3: logo: logo file" in message and "does not exist" in message


def test_logo_must_be_a_png(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_text("<svg/>", encoding="utf-8")
    assert "is not a PNG image" in problem_of(write(tmp_path, "logo: logo.png\n"))


def test_logo_cannot_leave_the_theme_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(png_bytes())
    inner = tmp_path / "theme"
    inner.mkdir()
    assert "must be a file inside the theme's folder" in problem_of(
        write(inner, "logo: ../secret.png\n")
    )
    assert "must be a file inside the theme's folder" in problem_of(
        write(inner, f"logo: {tmp_path / 'secret.png'}\n")
    )


def test_unreadable_contrast_is_refused(tmp_path: Path) -> None:
    message = problem_of(write(tmp_path, 'palette:\n  text: "#BBBBBB"\n'))
    assert "palette.text" in message and "contrast" in message


def test_contrast_ratio_spans_one_to_twenty_one() -> None:
    assert contrast_ratio("000000", "FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("0B4F6C", "0B4F6C") == pytest.approx(1.0)


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "palette:\n  accent: [unclosed\nsizes:\n  body: 9\n")
    message = problem_of(path)
    assert str(path) in message and "not valid YAML" in message


def test_a_list_is_not_a_theme(tmp_path: Path) -> None:
    assert "a theme file is a mapping" in problem_of(write(tmp_path, "- accent\n"))


def test_template_without_theme_file_gets_the_house_theme(tmp_path: Path) -> None:
    assert theme_for_template(tmp_path) == default_theme()
    write(tmp_path, 'palette:\n  accent: "#1D4E89"\n')
    assert theme_for_template(tmp_path).palette.accent == "1D4E89"
