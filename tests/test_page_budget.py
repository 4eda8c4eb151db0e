"""Page budgets are a contract: checked on every build, a warning, or an error with --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.build import build_brief, build_folder
from reportgen.pagebudget import PageBudgetError, budget_message

BRIEFS = Path(__file__).parent / "briefs"
EU = BRIEFS / "eu-india-green-hydrogen.yaml"


@pytest.fixture(scope="module")
def over(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the EU brief with 40 more sources than a one-page fact sheet can list."""
    extra = "".join(
        f"  - id: extra-{i}\n"
        f"    title: Background paper {i} on the finance of hydrogen corridors and ports\n"
        "    publisher: Example Policy Institute\n"
        "    date: 2024-01\n"
        for i in range(40)
    )
    path = tmp_path_factory.mktemp("briefs") / EU.name
    path.write_text(EU.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_message_names_brief_pages_budget_and_what_took_the_room() -> None:
    room = [("Budgets", 1.42), ("Sources", 0.8), ("Timeline", 0.5), ("Outlook", 0.1)]
    message = budget_message("x", "policy-brief", 7, (3, 5), room)
    assert message == (
        "x: 7 pages, over the policy-brief template's budget of 3–5 pages; what took the"
        " room: Budgets 1.4 pages, Sources 0.8 pages, Timeline 0.5 pages"
    )
    assert budget_message("x", "policy-brief", 4, (3, 5), room) is None
    assert budget_message("x", "fact-sheet", 1, None, room) is None
    assert "under the" in (budget_message("x", "policy-brief", 2, (3, 5)) or "")


def test_a_brief_over_its_budget_is_built_with_a_warning(over: Path) -> None:
    brief = build_brief(over, ("pdf",), template="fact-sheet")
    assert brief.pages["pdf"] > 1
    (warning,) = brief.warnings
    assert warning.startswith(f"eu-india-cooperation-on-green-hydrogen: {brief.pages['pdf']} pages")
    assert "fact-sheet template's budget of 1 page" in warning
    assert "what took the room:" in warning


def test_strict_makes_it_an_error_and_writes_nothing(over: Path, tmp_path: Path) -> None:
    with pytest.raises(PageBudgetError, match="--strict"):
        build_brief(over, ("pdf",), template="fact-sheet", strict=True, out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_folder_build_reports_the_warning_and_repeats_it_while_current(
    over: Path, tmp_path: Path
) -> None:
    report = build_folder([over], tmp_path, ("pdf",), "fact-sheet", jobs=1)
    assert len(report.warnings) == 1 and not report.failed
    again = build_folder([over], tmp_path, ("pdf",), "fact-sheet", jobs=1)
    assert again.up_to_date == 1 and again.warnings == report.warnings
    strict = build_folder([over], tmp_path, ("pdf",), "fact-sheet", jobs=1, strict=True)
    assert len(strict.failed) == 1 and "--strict" in strict.failed[0][1]


def test_a_brief_within_its_budget_has_no_warning() -> None:
    brief = build_brief(EU, ("pdf",), template="policy-brief")
    assert 3 <= brief.pages["pdf"] <= 5 and brief.warnings == ()


def test_cli_prints_the_warning_and_strict_exits_2(over: Path, tmp_path: Path) -> None:
    from tests.helpers import run_cli

    args = ("build", str(over), "--template", "fact-sheet", "--format", "pdf", "-j", "1", "-q")
    loose = run_cli(*args, "--out", str(tmp_path / "a"))
    assert loose.returncode == 0
    assert "warning: eu-india-cooperation-on-green-hydrogen:" in loose.stderr
    strict = run_cli(*args, "--out", str(tmp_path / "b"), "--strict")
    assert strict.returncode == 2
    assert "over the fact-sheet template's budget of 1 page" in strict.stderr
    assert not (tmp_path / "b" / "eu-india-cooperation-on-green-hydrogen.pdf").exists()
