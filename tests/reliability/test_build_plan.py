"""Build planning: no silent overwrite, honest up-to-date checks, nothing half-written."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import pytest

import reportgen.staging
from reportgen.build import build_folder
from reportgen.errors import OutputError, UsageError
from tests.helpers import run_cli, write_variant


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return {name: bytes} of every file in `folder` (the lock file left out)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".reportgen.lock"}


def twins(folder: Path) -> tuple[Path, Path]:
    """Write two facts files with different titles and one slug; return their paths."""
    first = write_variant(folder, 1, slug="same-slug")
    second = write_variant(folder, 2, slug="same-slug")
    return first, second


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_facts_files_with_one_slug_are_an_error_naming_both(tmp_path: Path, jobs: str) -> None:
    first, second = twins(tmp_path / "facts")
    result = run_cli("build", "facts", "-j", jobs, "-q", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "slug 'same-slug'" in result.stderr
    assert str(first.relative_to(tmp_path)) in result.stderr
    assert str(second.relative_to(tmp_path)) in result.stderr
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_slug_collision_leaves_the_good_brief_and_manifest_untouched(tmp_path: Path) -> None:
    first = write_variant(tmp_path / "facts", 1, slug="same-slug")
    out = tmp_path / "out"
    build_folder([first], out, jobs=1)
    before = snapshot(out)
    second = write_variant(tmp_path / "facts", 2, slug="same-slug")
    with pytest.raises(UsageError, match="same-slug"):
        build_folder([first, second], out, jobs=1, force=True)
    assert snapshot(out) == before


def test_a_same_size_stale_output_is_rebuilt(tmp_path: Path) -> None:
    facts = write_variant(tmp_path / "facts", 1)
    out = tmp_path / "out"
    build_folder([facts], out, jobs=1)
    pdf = out / "brief-0001.pdf"
    good = pdf.read_bytes()
    stale = good[:-40] + b"%" * 40  # same size, other bytes (a killed build of another version)
    pdf.write_bytes(stale)

    report = build_folder([facts], out, jobs=1)

    assert report.up_to_date == 0 and {r.path for r in report.built} >= {"brief-0001.pdf"}
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e["path"] == "brief-0001.pdf")
    assert entry["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert pdf.read_bytes() == good


def test_stray_temporary_files_are_removed_at_the_start(tmp_path: Path) -> None:
    facts = write_variant(tmp_path / "facts", 1)
    out = tmp_path / "out"
    out.mkdir()
    stray = out / ".brief-0001.pdf.k3j4h5.tmp"
    stray.write_bytes(b"%PDF-1.4 half a file")
    keep = [out / "notes.tmp", out / ".hidden"]
    for path in keep:
        path.write_text("mine")
    build_folder([facts], out, jobs=1)
    assert not stray.exists()
    assert all(p.exists() for p in keep)
    assert list(out.glob(".*.tmp")) == []


def test_a_failed_build_into_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("meta:\n  title: [unclosed\n", encoding="utf-8")
    result = run_cli("build", str(broken), "--out", "new-out", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert "broken.yaml:3: not valid YAML" in result.stderr
    assert not (tmp_path / "new-out").exists()


def test_a_failed_build_into_a_new_nested_path_leaves_none_of_its_folders(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("meta:\n  title: [unclosed\n", encoding="utf-8")
    (tmp_path / "kept").mkdir()
    result = run_cli("build", str(broken), "--out", "kept/a/b/c", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "kept"]
    assert list((tmp_path / "kept").iterdir()) == []


def test_building_an_empty_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("build", "empty", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert "empty: no facts files here" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def full_disk_for(suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every staged write of a file ending in `suffix` fail as on a full disk."""
    real = reportgen.staging.write_temp

    def write_temp(path: Path, data: bytes) -> Path:
        if str(path).endswith(suffix):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(reportgen.staging, "write_temp", write_temp)


def test_a_full_disk_names_the_output_and_rolls_back_the_whole_brief(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = write_variant(tmp_path / "facts", 1)
    out = tmp_path / "out"
    build_folder([facts], out, jobs=1)
    before = snapshot(out)
    write_variant(tmp_path / "facts", 1, subtitle="A new version")
    full_disk_for(".docx", monkeypatch)

    report = build_folder([facts], out, jobs=1)

    assert report.built == [] and len(report.failed) == 1
    message = report.failed[0][1]
    assert f"{out / 'brief-0001.docx'}: cannot be written: no space left" in message
    assert "rolled back" in message
    assert snapshot(out) == before  # the new PDF was not placed without its DOCX
    assert list(out.glob(".*.tmp")) == []


def test_a_manifest_that_cannot_be_written_places_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = write_variant(tmp_path / "facts", 1)
    out = tmp_path / "out"
    build_folder([facts], out, jobs=1)
    before = snapshot(out)
    write_variant(tmp_path / "facts", 1, subtitle="A new version")
    full_disk_for("manifest.json", monkeypatch)

    with pytest.raises(OutputError, match=r"manifest\.json: cannot be written: no space left"):
        build_folder([facts], out, jobs=1)
    assert snapshot(out) == before
    assert list(out.glob(".*.tmp")) == []
