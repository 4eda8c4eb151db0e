"""Golden tests: whole cases built end to end, compared as normalised text.

Each folder in cases/ holds case.yaml (facts path, template) and expected/ with
model.json (the document model), docx.txt (one `Style | text` line per paragraph),
pdf.txt (the text of each page) and pdf.struct.txt (the PDF's structure tree with each
element's text, as poppler's `pdfinfo -struct-text` prints it; compared where poppler is
installed). After an intended change, accept the new outputs with:

    python -m pytest tests/golden --update-golden
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import docx_paragraphs, pdf_pages_text

CASES = Path(__file__).parent / "cases"


def normalised_outputs(case_dir: Path) -> dict[str, str]:
    """Return the normalised model, DOCX and PDF text of one case."""
    from reportgen.build import build_brief
    from reportgen.facts import load_facts
    from reportgen.model import to_json
    from reportgen.templating import build_document

    case = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    facts_path = (case_dir / case["facts"]).resolve()
    facts = load_facts(facts_path)
    doc = build_document(facts, case.get("template"))
    brief = build_brief(facts_path, template=case.get("template"))
    docx_lines = [f"{style} | {text}" for style, text in docx_paragraphs(brief.outputs["docx"])]
    pdf_pages = [
        f"--- page {n} ---\n" + re.sub(r"[ \t]+\n", "\n", text).strip()
        for n, text in enumerate(pdf_pages_text(brief.outputs["pdf"]), start=1)
    ]
    outputs = {
        "model.json": to_json(doc) + "\n",
        "docx.txt": "\n".join(docx_lines) + "\n",
        "pdf.txt": "\n".join(pdf_pages) + "\n",
    }
    if shutil.which("pdfinfo"):
        outputs["pdf.struct.txt"] = struct_text(brief.outputs["pdf"])
    return outputs


def struct_text(pdf: bytes) -> str:
    """Return `pdfinfo -struct-text` of a PDF: its structure tree, each element's text."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "brief.pdf"
        path.write_bytes(pdf)
        run = subprocess.run(
            ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
        )
    return "\n".join(line.rstrip() for line in run.stdout.splitlines()) + "\n"


@pytest.mark.parametrize(
    "case_dir", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_golden_case(case_dir: Path, update_golden: bool) -> None:
    expected_dir = case_dir / "expected"
    actual = normalised_outputs(case_dir)
    if update_golden:
        expected_dir.mkdir(exist_ok=True)
        for name, text in actual.items():
            (expected_dir / name).write_text(text, encoding="utf-8")
        return
    for name, text in actual.items():
        expected = expected_dir / name
        assert expected.is_file(), f"no {expected}; run pytest tests/golden --update-golden"
        assert text == expected.read_text(encoding="utf-8"), (
            f"{case_dir.name}/{name} differs; if intended: pytest tests/golden --update-golden"
        )
