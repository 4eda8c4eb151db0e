"""A publish killed at any moment leaves the dist folder whole: `sha256sum -c` passes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reportgen.publish import publish
from tests.publish.outputs import FakeBrief, sha256sum_check, write_outputs

CHILD = """
import sys
from pathlib import Path
from reportgen.publish import publish
print("ready", flush=True)
publish(Path(sys.argv[1]), Path(sys.argv[2]))
print("done", flush=True)
"""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if k == "href" and v]


def assert_whole(dist: Path) -> None:
    """Assert the checksums hold and every link of the index points at a file."""
    if not (dist / "SHA256SUMS").exists():
        return  # killed before the first publish wrote anything that claims completeness
    sha256sum_check(dist)
    if (dist / "index.html").exists():
        links = _Links()
        links.feed((dist / "index.html").read_text(encoding="utf-8"))
        for href in links.hrefs:
            assert (dist / href).is_file(), f"index.html links to missing {href}"


@pytest.mark.slow
def test_killing_publish_repeatedly_leaves_dist_whole(tmp_path: Path) -> None:
    out, dist = tmp_path / "output", tmp_path / "dist"
    rng = random.Random(6)
    kills = 0
    for round_ in range(14):
        # Every round changes every brief, with large files so a kill lands mid-write.
        briefs = [
            FakeBrief(f"brief-{i}", body=f"round {round_}", padding=3_000_000) for i in range(3)
        ]
        write_outputs(out, briefs)
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(out), str(dist)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        kills += child.returncode == -signal.SIGKILL
        assert_whole(dist)

    assert kills >= 5  # most rounds were really killed midway, not finished first
    # A publish run to the end brings dist up to date with the output folder.
    publish(out, dist)
    assert_whole(dist)
    for i in range(3):
        assert (dist / f"brief-{i}.pdf").read_bytes() == (out / f"brief-{i}.pdf").read_bytes()
    leftovers = [p.name for p in dist.iterdir() if p.name.endswith(".tmp")]
    # Temporary files of killed writes may remain; they are hidden and never listed.
    assert all(name.startswith(".") for name in leftovers)
