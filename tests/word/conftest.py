"""Fixtures of the Word-behaviour tests: briefs of other subjects, scripts and lengths."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import model as m

FIXTURES = Path(__file__).parent / "fixtures"
GRID = FIXTURES / "east-africa-grid.yaml"


def document_of(facts: Path, template: str | None = None) -> m.Document:
    """Return the Document a facts file builds to (its own template unless one is named)."""
    from reportgen.facts import load_facts
    from reportgen.templating import build_document

    loaded = load_facts(facts)
    return build_document(loaded, template or loaded.meta.template, [])


@pytest.fixture(scope="session")
def grid_doc() -> m.Document:
    """Return the long Eastern Africa grid brief as a Document."""
    return document_of(GRID)
