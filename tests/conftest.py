"""Shared fixtures: the seed facts, a built seed brief, and readers for PDF and DOCX text."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "facts" / "india-us-critical-minerals.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --update-golden, which rewrites the golden files instead of comparing."""
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden expected files"
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Return True when golden files are to be rewritten."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """Return the path of the seed facts file."""
    return SEED


@pytest.fixture(scope="session")
def seed_brief():  # type: ignore[no-untyped-def]
    """Return the seed brief built once in memory, both formats."""
    from reportgen.build import build_brief

    return build_brief(SEED, formats=("pdf", "docx"))


def pdf_pages_text(data: bytes) -> list[str]:
    """Return the text of each page of a PDF, as pdfminer extracts it."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    pages = []
    for layout in extract_pages(io.BytesIO(data)):
        pages.append("".join(el.get_text() for el in layout if isinstance(el, LTTextContainer)))
    return pages


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """Return (style name, text) for each paragraph of a DOCX body, tables included."""
    import docx

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    out: list[tuple[str, str]] = []
    for p in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        from docx.text.paragraph import Paragraph

        para = Paragraph(p, document)
        out.append((para.style.name if para.style is not None else "", para.text))
    return out


def need(program: str) -> str:
    """Return the path of `program`, or skip the test when it is not installed."""
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not installed")
    return path


def libreoffice_pdf(docx_path: Path, timeout: float = 180) -> Path:
    """Return the PDF that headless LibreOffice makes of `docx_path` (beside it); skip if absent.

    Each call uses its own profile folder, so tests running at once do not share one.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    outdir = docx_path.parent
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), str(docx_path)],
        capture_output=True, check=True, timeout=timeout,
    )  # fmt: skip
    return docx_path.with_suffix(".pdf")
