"""The bad-input corpus: every file is refused with its expected status and message, and
nothing is written to the output folder for any of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportgen.cli import main
from tests.badinput.make_corpus import CORPUS, EXPECTED, cases, file_name

EXPECTATIONS: dict[str, dict[str, object]] = json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_the_corpus_is_what_its_script_writes() -> None:
    written = {p.name: p.read_bytes() for p in CORPUS.iterdir()}
    made = {
        file_name(i, name, data): (data, status, fragment)
        for i, (name, data, status, fragment) in enumerate(cases(), start=1)
    }
    assert written.keys() == made.keys() == EXPECTATIONS.keys(), "run make_corpus.py"
    for name, (data, status, fragment) in made.items():
        assert written[name] == data, name
        assert EXPECTATIONS[name] == {"exit": status, "message": fragment}, name
    assert len(made) >= 150


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_a_bad_file_is_refused_clearly_and_writes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = EXPECTATIONS[name]
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as ended:
        main(["build", str(CORPUS / name), "--out", str(out), "-q", "-j", "1"])
    err = capsys.readouterr().err
    assert ended.value.code == expected["exit"], err
    assert str(expected["message"]) in err, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert not out.exists(), sorted(p.name for p in out.iterdir())
