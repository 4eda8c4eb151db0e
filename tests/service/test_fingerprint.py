"""The service's cached content hashes equal the build's, and follow template edits."""

from __future__ import annotations

import shutil
from pathlib import Path

from reportgen.build import content_hash
from reportgen.paths import BUNDLED_TEMPLATES
from reportgen.service.fingerprint import Fingerprints


def test_equals_the_build_content_hash(seed_bytes: bytes) -> None:
    prints = Fingerprints()
    for name in ("policy-brief", "fact-sheet"):
        assert prints.content_hash(seed_bytes, name) == content_hash(seed_bytes, name)
        assert prints.content_hash(seed_bytes, name) == content_hash(seed_bytes, name)


def test_follows_an_edited_or_added_template_file(tmp_path: Path, seed_bytes: bytes) -> None:
    shutil.copytree(BUNDLED_TEMPLATES / "fact-sheet", tmp_path / "fact-sheet")
    prints = Fingerprints([tmp_path])
    before = prints.content_hash(seed_bytes, "fact-sheet")
    entry = next(p for p in (tmp_path / "fact-sheet").iterdir() if p.suffix == ".j2")
    entry.write_text(entry.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edited = prints.content_hash(seed_bytes, "fact-sheet")
    (tmp_path / "fact-sheet" / "notes.txt").write_text("new file", encoding="utf-8")
    added = prints.content_hash(seed_bytes, "fact-sheet")
    assert len({before, edited, added}) == 3
    assert added == content_hash(seed_bytes, "fact-sheet", [tmp_path])


def test_template_names_see_a_new_template_folder(tmp_path: Path) -> None:
    prints = Fingerprints([tmp_path])
    assert "my-sheet" not in prints.template_names()
    shutil.copytree(BUNDLED_TEMPLATES / "fact-sheet", tmp_path / "my-sheet")
    assert "my-sheet" in prints.template_names()
