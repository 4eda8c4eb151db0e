"""A build onto a really full disk: a small tmpfs, mounted in a private mount namespace.

The other full-disk tests inject ENOSPC; this one lets the kernel refuse the write. It needs
`unshare` and the right to mount a tmpfs in a new mount namespace (root, or an unprivileged
user namespace); it skips where neither is allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_variant

pytestmark = pytest.mark.slow

# Runs inside the namespace: mount a tmpfs on `disk`, build there, fill it to just above the
# PDF's size, change the facts, build again; print what happened as JSON.
INSIDE = r"""
import hashlib, json, os, subprocess, sys
from pathlib import Path

disk, facts = Path(sys.argv[1]), Path(sys.argv[2])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], check=True)
out = disk / "out"
build = [sys.executable, "-m", "reportgen", "build", str(facts), "--out", str(out), "-q", "-j", "1"]

def snapshot():
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.iterdir()) if p.name != ".reportgen.lock"}

first = subprocess.run(build, capture_output=True, text=True)
before = snapshot()
pdf = max(p.stat().st_size for p in out.glob("*.pdf"))
stat = os.statvfs(disk)
room = stat.f_bavail * stat.f_frsize - (pdf + 64 * 1024)  # the new PDF fits, its DOCX not
with open(disk / "filler", "wb") as filler:
    filler.write(b"\0" * room)
facts.write_text(facts.read_text().replace("subtitle:", "subtitle: Revised,", 1))
full = subprocess.run(build, capture_output=True, text=True)
after = snapshot()
temps = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
(disk / "filler").unlink()
again = subprocess.run(build, capture_output=True, text=True)
print(json.dumps({
    "first": first.returncode, "full": full.returncode, "full_err": full.stderr,
    "again": again.returncode, "again_err": again.stderr,
    "unchanged": before == after, "temps": temps, "rebuilt": snapshot() != before,
    "names": sorted(before),
}))
"""


def namespace_command() -> list[str] | None:
    """Return the unshare prefix that gives a private mount namespace here, or None."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return None
    for prefix in ([unshare, "--mount"], [unshare, "--user", "--map-root-user", "--mount"]):
        if prefix[1] == "--mount" and os.geteuid() != 0:
            continue
        probe = subprocess.run([*prefix, "true"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


def test_a_really_full_disk_names_the_output_and_rolls_back_the_whole_brief(
    tmp_path: Path,
) -> None:
    prefix = namespace_command()
    if prefix is None:
        pytest.skip("cannot mount a tmpfs in a private mount namespace here")
    facts = write_variant(tmp_path / "facts", 1, subtitle="A first version")
    disk = tmp_path / "disk"
    disk.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(
        [*prefix, sys.executable, "-c", INSIDE, str(disk), str(facts)],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    if run.returncode != 0 and "mount" in run.stderr and "permission denied" in run.stderr.lower():
        pytest.skip(f"tmpfs mount refused: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])

    assert result["first"] == 0
    assert {"brief-0001.docx", "brief-0001.pdf", "manifest.json"} <= set(result["names"])
    assert result["full"] == 2, result["full_err"]
    message = result["full_err"]
    assert "brief-0001.docx: cannot be written: no space left on the device" in message
    assert "brief 'brief-0001' rolled back: brief-0001.docx and " in message
    assert "and its manifest entry left unchanged" in message
    assert "Traceback" not in message
    assert result["unchanged"], "the new PDF was placed without its DOCX or manifest entry"
    assert result["temps"] == []
    # With room again, the next build puts the new version in place.
    assert result["again"] == 0, result["again_err"]
    assert result["rebuilt"]
