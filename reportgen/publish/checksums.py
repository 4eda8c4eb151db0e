"""SHA256SUMS: one `<hex>  <name>` line per published file, the format `sha256sum -c` checks."""

from __future__ import annotations

from collections.abc import Iterable


def render_sums(entries: Iterable[tuple[str, str]]) -> bytes:
    """Return SHA256SUMS text for (file name, sha256 hex) pairs, sorted by name.

    Names are plain file names (publish refuses anything with a separator, backslash or
    newline), so no line needs sha256sum's escaping. Two spaces mean text mode; for
    `sha256sum -c` the digest is the same either way.
    """
    lines = sorted({name: digest for name, digest in entries}.items())
    return "".join(f"{digest}  {name}\n" for name, digest in lines).encode("ascii")
