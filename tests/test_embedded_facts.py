"""The facts travel inside the PDF (PDF/A-3 associated file) and come back out byte for byte;
building from what comes out gives the same PDF; a flag and a theme key leave them out."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest

from reportgen.build import build_brief
from reportgen.errors import UsageError
from reportgen.pdffacts import read_embedded_facts
from reportgen.themefile import ThemeFileError, load_theme
from tests.conftest import ROOT, SEED
from tests.helpers import run_cli

POWER_TRADE = ROOT / "tests" / "briefs" / "south-asia-power-trade.yaml"  # Devanagari, Bengali


_OPENED: list[pikepdf.Pdf] = []  # objects read from a PDF die with it: keep each open


def _associated_files(data: bytes) -> list[pikepdf.Dictionary]:
    """Return the file specifications of the document's /AF array."""
    pdf = pikepdf.open(io.BytesIO(data))
    _OPENED.append(pdf)
    return list(pdf.Root.get("/AF", []))


def test_pdf_carries_its_facts_as_the_source_associated_file() -> None:
    facts = SEED.read_bytes()
    pdf = build_brief(SEED, "pdf").outputs["pdf"]
    (spec,) = _associated_files(pdf)
    assert spec.Type == "/Filespec" and spec.AFRelationship == "/Source"
    assert str(spec.F) == str(spec.UF) == "india-us-critical-minerals.yaml"
    assert "facts" in str(spec.Desc)
    stream = spec.EF.F
    assert stream.Type == "/EmbeddedFile" and stream.Subtype == "/application/yaml"
    assert stream.read_bytes() == facts
    params = stream.Params
    assert int(params.Size) == len(facts)
    assert bytes(params.CheckSum) == hashlib.md5(facts).digest()
    assert str(params.ModDate).startswith("D:2025")  # the brief's own date, not the clock
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        names = opened.Root.Names.EmbeddedFiles.Names
        assert str(names[0]) == "india-us-critical-minerals.yaml"


def test_json_facts_are_named_and_typed_as_json(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    import yaml

    data = json.dumps(yaml.safe_load(SEED.read_text(encoding="utf-8")), default=str).encode()
    path = tmp_path / "brief.json"
    path.write_bytes(data)
    pdf = build_brief(path, "pdf").outputs["pdf"]
    (spec,) = _associated_files(pdf)
    assert str(spec.UF) == "india-us-critical-minerals.json"
    assert spec.EF.F.Subtype == "/application/json" and spec.EF.F.read_bytes() == data


@pytest.mark.slow
@pytest.mark.parametrize("source", [SEED, POWER_TRADE], ids=["seed", "power-trade"])
def test_cli_gives_the_facts_back_and_they_rebuild_the_same_pdf(
    source: Path, tmp_path: Path
) -> None:
    # The facts are copied under another name: the PDF must not depend on where they lay.
    facts = tmp_path / "in" / "renamed.yaml"
    facts.parent.mkdir()
    shutil.copyfile(source, facts)
    first = run_cli("build", str(facts), "--format", "pdf", "--out", str(tmp_path / "a"), "-q")
    assert first.returncode == 0, first.stderr
    # both are published in more than one language: the first language's PDF
    (pdf,) = [p for p in (tmp_path / "a").glob("*.pdf") if p.name.count(".") == 1]
    printed = run_cli("facts", str(pdf))
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.encode() == source.read_bytes()
    written = run_cli("facts", str(pdf), "-o", str(tmp_path / "back") + "/")
    assert written.returncode == 0, written.stderr
    (back,) = (tmp_path / "back").iterdir()
    assert back.name == pdf.stem + ".yaml" and back.read_bytes() == source.read_bytes()
    again = run_cli("build", str(back), "--format", "pdf", "--out", str(tmp_path / "b"), "-q")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "b" / pdf.name).read_bytes() == pdf.read_bytes()


def test_every_language_and_the_diglot_carry_the_whole_facts_file(tmp_path: Path) -> None:
    from tests.unit.test_facts_languages import BILINGUAL

    path = tmp_path / "water.yaml"
    path.write_text(BILINGUAL, encoding="utf-8")
    data = path.read_bytes()
    briefs = [build_brief(path, "pdf", language=lang) for lang in ("en-IN", "hi-IN")]
    briefs.append(build_brief(path, "pdf", diglot=True))
    for brief in briefs:
        (spec,) = _associated_files(brief.outputs["pdf"])
        assert str(spec.UF) == "water-for-cities.yaml" and spec.EF.F.read_bytes() == data


def test_no_embed_facts_leaves_them_out_and_the_cli_says_so(tmp_path: Path) -> None:
    built = build_brief(SEED, "pdf", embed_facts=False)
    pdf = built.outputs["pdf"]
    assert _associated_files(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert "/Names" not in opened.Root
    assert built.content_hash != build_brief(SEED, "pdf").content_hash  # other bytes, other id
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    with pytest.raises(UsageError, match="carries no facts"):
        read_embedded_facts(path)
    result = run_cli("facts", str(path))
    assert result.returncode == 2 and "carries no facts" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_refuses_what_is_not_a_pdf(tmp_path: Path) -> None:
    for bad in (SEED, tmp_path / "missing.pdf"):
        result = run_cli("facts", str(bad))
        assert result.returncode == 2 and str(bad) in result.stderr
        assert "Traceback" not in result.stderr
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(build_brief(SEED, "pdf").outputs["pdf"][:4000])
    result = run_cli("facts", str(truncated))
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_build_flag_rebuilds_a_folder_built_with_the_facts_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", str(SEED), "--format", "pdf", "--out", str(out), "-q")
    assert run_cli(*args).returncode == 0
    pdf = out / "india-us-critical-minerals.pdf"
    assert _associated_files(pdf.read_bytes())
    without = run_cli(*args, "--no-embed-facts")
    assert without.returncode == 0, without.stderr
    assert "up to date" not in without.stdout  # the flag changes the output: rebuilt
    assert _associated_files(pdf.read_bytes()) == []
    assert "up to date" in run_cli(*args, "--no-embed-facts").stdout


def test_theme_key_leaves_the_facts_out(tmp_path: Path) -> None:
    template = tmp_path / "templates" / "quiet-brief"
    shutil.copytree(ROOT / "templates" / "policy-brief", template)
    theme = template / "theme.yaml"
    (template / "template.yaml").write_text(
        (template / "template.yaml")
        .read_text(encoding="utf-8")
        .replace("name: policy-brief", "name: quiet-brief"),
        encoding="utf-8",
    )
    theme.write_text(
        theme.read_text(encoding="utf-8") + "\npdf:\n  embed_facts: false\n", encoding="utf-8"
    )
    assert load_theme(theme).embed_facts is False
    pdf = build_brief(SEED, "pdf", "quiet-brief", [tmp_path / "templates"]).outputs["pdf"]
    assert _associated_files(pdf) == []


def test_theme_key_must_be_true_or_false(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    theme.write_text("pdf:\n  embed_facts: 'no'\n  embed: true\n", encoding="utf-8")
    with pytest.raises(ThemeFileError) as caught:
        load_theme(theme)
    message = str(caught.value)
    assert f"{theme}:2: pdf.embed_facts: must be true or false" in message
    assert "pdf.embed: unknown key" in message
