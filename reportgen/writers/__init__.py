"""Writers turn a Document into the bytes of one format; they are found by name.

Each writer is imported only when asked for, so a PDF-only build never loads python-docx
(and a DOCX-only build never loads reportlab).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from reportgen.errors import UsageError
from reportgen.model import Document
from reportgen.theme import Theme

Writer = Callable[[Document, Theme], bytes]

FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("reportgen.writers.pdf", "write_pdf"),
    "docx": ("reportgen.writers.docx", "write_docx"),
}

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def get_writer(fmt: str) -> Writer:
    """Return the writer function for `fmt` ("pdf" or "docx"); UsageError for others."""
    try:
        module_name, func_name = FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}") from None
    writer: Writer = getattr(importlib.import_module(module_name), func_name)
    return writer
