"""The build layer: reproducible, incremental, atomic, isolated, parallel, with a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reportgen.build import build_brief, build_folder, read_manifest
from tests.conftest import ROOT, SEED
from tests.helpers import write_variant


def digests(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every PDF and DOCX in a folder, by file name."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.suffix in (".pdf", ".docx")
    }


def test_same_inputs_give_byte_identical_outputs_in_two_folders(tmp_path: Path) -> None:
    first = build_folder([SEED], tmp_path / "a", jobs=1)
    second = build_folder([SEED], tmp_path / "b", jobs=1)
    assert len(first.built) == len(second.built) == 4  # English and Hindi, PDF and DOCX
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_source_date_epoch_sets_docx_dates_reproducibly(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import docx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = build_brief(SEED, formats=("docx",)).outputs["docx"]
    two = build_brief(SEED, formats=("docx",)).outputs["docx"]
    assert one == two
    created = docx.Document(io.BytesIO(one)).core_properties.created
    assert created is not None and created.year == 2023


def test_rebuild_skips_unchanged_briefs(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    for n in range(3):
        write_variant(facts, n)
    out = tmp_path / "out"
    assert len(build_folder([facts], out, jobs=1).built) == 6
    again = build_folder([facts], out, jobs=1)
    assert again.built == [] and again.up_to_date == 3
    changed = facts / "brief-0001.yaml"
    changed.write_text(changed.read_text().replace("(1)", "(one)"), encoding="utf-8")
    third = build_folder([facts], out, jobs=1)
    assert {r.slug for r in third.built} == {"brief-0001"} and third.up_to_date == 2
    forced = build_folder([facts], out, jobs=1, force=True)
    assert len(forced.built) == 6


def test_changing_a_template_file_rebuilds_only_its_briefs(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "policy-brief", user / "custom")
    facts = tmp_path / "facts"
    write_variant(facts, 1, template="custom")
    write_variant(facts, 2)
    out = tmp_path / "out"
    assert len(build_folder([facts], out, templates_dirs=[user], jobs=1).built) == 4
    victim = next(p for p in sorted((user / "custom").iterdir()) if p.is_file())
    victim.write_text(victim.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = build_folder([facts], out, templates_dirs=[user], jobs=1)
    assert {r.slug for r in again.built} == {"brief-0001"} and again.up_to_date == 1


def test_parallel_output_is_identical_to_serial(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    for n in range(4):
        write_variant(facts, n)
    build_folder([facts], tmp_path / "serial", jobs=1)
    build_folder([facts], tmp_path / "parallel", jobs=2)
    assert digests(tmp_path / "serial") == digests(tmp_path / "parallel")
    assert len(digests(tmp_path / "serial")) == 8


def test_invalid_facts_are_reported_and_others_built(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    write_variant(facts, 1)
    (facts / "broken.yaml").write_text("meta:\n  title: [unclosed\n", encoding="utf-8")
    report = build_folder([facts], tmp_path / "out", jobs=2)
    assert report.exit_code == 2
    assert [p.name for p, _ in report.failed] == ["broken.yaml"]
    assert {r.slug for r in report.built} == {"brief-0001"}


def test_manifest_records_every_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_folder([SEED], out, jobs=1)
    data = json.loads((out / "manifest.json").read_text())
    entries = {e["path"]: e for e in data["outputs"]}
    assert set(entries) == {
        "india-us-critical-minerals.pdf",
        "india-us-critical-minerals.docx",
        "india-us-critical-minerals.hi.pdf",
        "india-us-critical-minerals.hi.docx",
    }
    titles = {
        "en-IN": "India-US Cooperation on Critical Minerals",
        "hi-IN": "महत्वपूर्ण खनिजों पर भारत-अमेरिका सहयोग",
    }
    for path, entry in entries.items():
        blob = (out / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(blob).hexdigest()
        assert entry["bytes"] == len(blob)
        assert entry["language"] == ("hi-IN" if ".hi." in path else "en-IN")
        assert entry["title"] == titles[entry["language"]]
        assert entry["date"] == "2025-02-28" and entry["template"] == "policy-brief"
        assert entry["reportgen_version"] and entry["facts_hash"] and entry["content_hash"]
    assert entries["india-us-critical-minerals.pdf"]["pages"] >= 3
    assert read_manifest(out).keys() == entries.keys()


def intact(path: Path) -> bool:
    """Return True when a PDF or DOCX file is complete (trailer present / zip readable)."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    except zipfile.BadZipFile:
        return False


@pytest.mark.slow
def test_killing_builds_midway_never_leaves_a_truncated_file(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    for n in range(6):
        write_variant(facts, n)
    out = tmp_path / "out"
    build_folder([facts], out, jobs=1)
    command = [
        sys.executable,
        "-m",
        "reportgen",
        "build",
        str(facts),
        "--out",
        str(out),
        "--force",
        "-j",
        "1",
        "-q",
    ]
    for delay in (0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4, 2.7):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        outputs = [p for p in out.iterdir() if p.suffix in (".pdf", ".docx")]
        assert len(outputs) == 12
        assert all(intact(p) for p in outputs), [p.name for p in outputs if not intact(p)]
        json.loads((out / "manifest.json").read_text())


def test_plain_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    result = run_cli("build", str(SEED), "--out", str(tmp_path), "-j", "1")
    assert result.returncode == 0, result.stderr
    assert "[1/1] built" in result.stderr


def test_invalid_facts_alone_write_no_output(tmp_path: Path) -> None:
    facts = tmp_path / "broken.yaml"
    facts.write_text("meta:\n  title: [unclosed\n", encoding="utf-8")
    report = build_folder([facts], tmp_path / "out", jobs=1)
    assert report.exit_code == 2 and report.built == []
    assert not (tmp_path / "out").exists()  # a failed build leaves no new folder


def test_a_facts_file_named_two_ways_is_one_brief_in_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cron job names facts/x.yaml, a person the absolute path: neither rebuilds the other's.
    project = tmp_path / "project"
    write_variant(project / "facts", 1)
    monkeypatch.chdir(project)
    first = build_folder([Path("facts/brief-0001.yaml")], Path("output"), ("pdf",), jobs=1)
    assert len(first.built) == 1
    for named in (project / "facts" / "brief-0001.yaml", Path("facts/../facts/brief-0001.yaml")):
        again = build_folder([named], project / "output", ("pdf",), jobs=1)
        assert (again.built, again.up_to_date) == ([], 1), named
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["facts"] for entry in manifest["outputs"]] == [
        (project / "facts" / "brief-0001.yaml").resolve().as_posix()
    ]
