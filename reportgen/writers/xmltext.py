"""Text as XML character data and attribute values, for both writers' hand-made parts.

The same bytes as `xml.sax.saxutils.escape` and `quoteattr`, built on `html.escape`:
importing `xml.sax.saxutils` imports `urllib.request`, and with it `http.client`, `email`
and `ssl`, about 18 ms of a cold PDF build for two string functions (a DOCX build with a
native chart loads them anyway: python-pptx imports `xml.sax.saxutils` itself).
"""

from __future__ import annotations

from html import escape as _html_escape

_ATTRIBUTE_CONTROLS = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def escape(text: str) -> str:
    """Return `text` with &, < and > escaped, for XML character data."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    """Return `text` as a quoted XML attribute value, quotes chosen as saxutils chooses."""
    data = escape(text).translate(_ATTRIBUTE_CONTROLS)
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"{}"'.format(data.replace('"', "&quot;"))
