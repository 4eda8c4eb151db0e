"""The writers' XML escaping gives saxutils' bytes without importing urllib (issue 15)."""

from __future__ import annotations

import subprocess
import sys
from xml.sax import saxutils

from hypothesis import given
from hypothesis import strategies as st

from reportgen.writers.xmltext import escape, quoteattr
from tests.conftest import ROOT

TRICKY = st.text(alphabet=st.sampled_from(list("a <>&\"'\n\r\t₹अ")), max_size=30)


@given(st.one_of(TRICKY, st.text(max_size=60)))
def test_escape_and_quoteattr_give_the_bytes_saxutils_gives(text: str) -> None:
    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)


def test_a_pdf_build_imports_no_network_modules() -> None:
    """A PDF build loads no urllib.request, http.client or ssl (a DOCX build still does:
    python-pptx, which writes its native charts, imports xml.sax.saxutils itself)."""
    code = (
        "import sys\n"
        "from reportgen.build import build_brief\n"
        "build_brief('facts/india-us-critical-minerals.yaml', formats=('pdf',))\n"
        "print(sorted(m for m in ('urllib.request', 'http.client', 'ssl') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
