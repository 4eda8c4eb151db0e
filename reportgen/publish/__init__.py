"""Publishing: built outputs into a folder any web server can serve, and its listing files.

`publish(from_dir, dist)` copies each brief under a stable name and a dated name that is never
overwritten, and writes index.html, feed.xml and SHA256SUMS; see docs/publish.md.
"""

from __future__ import annotations

from reportgen.publish.core import NewVersion, PublishReport, publish
from reportgen.publish.manifest import Output, PublishError, read_manifest

__all__ = ["NewVersion", "Output", "PublishError", "PublishReport", "publish", "read_manifest"]
