"""Keep text from facts as text: reportlab settings locked down, markup escaped, links vetted.

reportlab's Paragraph takes XML-like markup, and that markup has been a way in before
(CVE-2023-33733: code run from a colour attribute). So every string from the model is escaped
before it meets markup, attributes are quoted, only a few link schemes become links, and
reportlab itself is told to fetch nothing from anywhere.
"""

from __future__ import annotations

import re

from reportlab import rl_config

from reportgen.writers.xmltext import escape, quoteattr

# Control characters (other than tab and newline), lone surrogates and non-characters would
# break reportlab's parser or the PDF's text; the facts layer rejects them, this is a backstop.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"[\t\r\n]+")
_WEB_SCHEMES = ("http://", "https://", "mailto:")
_ANCHOR = re.compile(r"#[A-Za-z0-9_.:-]+")


def lock_down_reportlab() -> None:
    """Set reportlab to trust no host and no URL scheme, and never evaluate colour text.

    Returns None. The writer hands reportlab only bytes and escaped text, so it never needs
    to open a URL or a file named in a document.
    """
    rl_config.trustedHosts = None
    rl_config.trustedSchemes = []
    # A colour attribute is never evaluated as an expression (the CVE-2023-33733 path).
    rl_config.toColorCanUse = None
    # Not safety but size and speed: streams are Flate-compressed binary, without the
    # ASCII85 layer reportlab adds by default (25% larger files, slower saves).
    rl_config.useA85 = 0


def clean_text(text: str) -> str:
    """Return `text` without characters a PDF cannot carry, tabs and newlines as spaces."""
    return _WHITESPACE.sub(" ", _UNSAFE_CHARS.sub("", text))


def escape_text(text: str) -> str:
    """Return `text` cleaned and XML-escaped, safe inside reportlab Paragraph markup."""
    return escape(clean_text(text))


def quote_attribute(value: str) -> str:
    """Return `value` as a quoted, escaped XML attribute value (quotes included)."""
    return quoteattr(clean_text(value))


def link_target(url: str, anchors: frozenset[str]) -> str | None:
    """Return the href to use for `url`, or None when it must stay plain text.

    Only http(s) and mailto URLs, and `#id` anchors that exist in this document, are links;
    javascript:, file:, data: and anything else are shown as text and never become actions.
    """
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith(_WEB_SCHEMES) and not _UNSAFE_CHARS.search(url) and " " not in url:
        return url
    if _ANCHOR.fullmatch(url) and url[1:] in anchors:
        return url
    return None
