"""The facts a brief's PDF carries inside it, and reading them back out.

A PDF built from a facts file holds that file, byte for byte, as an associated file of the
document (`/AF` on the catalog, `/AFRelationship /Source`, MIME application/yaml or
application/json, `/Params` with its size, MD5 checksum and date), as PDF/A-3 allows. So a
published brief says what it was built from, and `reportgen facts BRIEF.pdf` gives the file
back; building from it gives the same PDF again, byte for byte, because the name stored is
made from the brief's slug, never from where the file happened to lie.

A theme with `pdf: {embed_facts: false}` or `build --no-embed-facts` leaves the facts out,
for briefs whose facts must not travel.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.errors import UsageError

if TYPE_CHECKING:
    from reportgen.writers.pdf import EmbeddedFile

DESCRIPTION = "The facts this brief was built from (reportgen)"
_YAML = "application/yaml"  # RFC 9512


def facts_attachment(slug: str, data: bytes) -> EmbeddedFile:
    """Return the associated file holding a brief's facts `data` (named `<slug>.yaml`).

    A facts file that is JSON (it opens with `{` and parses as JSON) is named and typed as
    JSON. The name depends on the bytes alone, so equal facts give equal PDFs.
    """
    from reportgen.writers.pdf import EmbeddedFile

    suffix, media_type = ("json", "application/json") if _is_json(data) else ("yaml", _YAML)
    return EmbeddedFile(f"{slug}.{suffix}", data, media_type, DESCRIPTION, "Source")


def _is_json(data: bytes) -> bool:
    """Return True when `data` is a JSON document (not YAML that happens to look alike)."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
        return False
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class EmbeddedFacts:
    """Facts read out of a PDF: the name they were stored under and their bytes."""

    name: str
    data: bytes


def read_embedded_facts(path: Path) -> EmbeddedFacts:
    """Return the facts file a PDF carries as its associated /Source file.

    Raises UsageError (naming the file) when it is not a readable PDF or carries no facts.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    with path.open("rb") as file:
        if b"%PDF-" not in file.read(1024):
            raise UsageError(f"{path}: not a PDF (no %PDF- header)")
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # pypdf warns on stderr about damage it can read past
    try:
        reader = PdfReader(path)
        specs = reader.trailer["/Root"].get("/AF")
        found = _source_file(specs.get_object() if specs is not None else [])
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{path}: not a PDF reportgen can read ({exc})") from None
    finally:
        quiet.setLevel(level)
    if found is None:
        raise UsageError(
            f"{path}: carries no facts (built with --no-embed-facts, a theme with"
            " 'pdf: {embed_facts: false}', or not by reportgen)"
        )
    return found


def _source_file(specs: list) -> EmbeddedFacts | None:  # type: ignore[type-arg]
    """Return the first associated file whose relationship is Source, or None."""
    for ref in specs:
        spec = ref.get_object()
        if str(spec.get("/AFRelationship", "")) != "/Source":
            continue
        stream = spec["/EF"].get("/UF") or spec["/EF"]["/F"]
        name = Path(str(spec.get("/UF") or spec.get("/F") or "")).name
        if name in ("", ".", "..") or name.startswith("."):
            name = "facts.yaml"  # a stored name is only a suggestion: never a path or hidden
        return EmbeddedFacts(name, stream.get_object().get_data())
    return None
