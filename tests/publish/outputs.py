"""Fabricated build output folders: small real PDFs (reportlab) and a manifest like the build's.

Publish and mail tests use these so they do not depend on templates or writers.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfgen import canvas


@dataclass
class FakeBrief:
    """What a fabricated brief says; `body` varies its bytes."""

    slug: str
    title: str = "India-US Cooperation on Critical Minerals"
    subtitle: str = "The TRUST initiative"
    date: str = "2025-02-28"
    key_messages: list[str] = field(
        default_factory=lambda: [
            "India and the United States will cooperate on critical minerals.",
            "China controls nearly 70% of global rare earth production.",
        ]
    )
    body: str = "version 1"
    padding: int = 0  # extra bytes in the PDF (a comment), to make files large


def make_pdf(text: str, padding: int = 0) -> bytes:
    """Return a one-page PDF showing `text` (reportlab, invariant so bytes are reproducible)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.setTitle(text[:60])
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    data = buffer.getvalue()
    # A PDF comment after %%EOF is ignored by readers; it only makes the file bigger.
    return data + (b"%" + b"x" * (padding - 1) + b"\n" if padding > 1 else b"")


def make_docx(text: str) -> bytes:
    """Return a small zip standing in for a DOCX (publish and mail treat files as bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("word/document.xml", date_time=(2025, 1, 1, 0, 0, 0))
        archive.writestr(info, f"<w:document>{text}</w:document>")
    return buffer.getvalue()


def write_outputs(
    out_dir: Path, briefs: list[FakeBrief], formats: tuple[str, ...] = ("pdf", "docx")
) -> dict:
    """Write each brief's files and manifest.json into `out_dir`; return the manifest data."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for brief in briefs:
        for fmt in formats:
            text = f"{brief.title} - {brief.body}"
            data = make_pdf(text, brief.padding) if fmt == "pdf" else make_docx(text)
            name = f"{brief.slug}.{fmt}"
            (out_dir / name).write_bytes(data)
            entries.append(
                {
                    "path": name,
                    "format": fmt,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                    "pages": 1 if fmt == "pdf" else None,
                    "slug": brief.slug,
                    "title": brief.title,
                    "subtitle": brief.subtitle,
                    "date": brief.date,
                    "key_messages": brief.key_messages,
                    "facts": f"facts/{brief.slug}.yaml",
                    "facts_hash": hashlib.sha256(brief.body.encode()).hexdigest(),
                    "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                    "template": "policy-brief",
                }
            )
    manifest = {"reportgen_version": "0.1.0", "outputs": sorted(entries, key=lambda e: e["path"])}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def sha256sum_check(folder: Path) -> None:
    """Assert that `sha256sum -c SHA256SUMS` passes in `folder` (the real program)."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    result = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
