"""Which operating systems reportgen runs on is said, and the package keeps to portable calls.

CI runs on Linux only; these tests guard the promises the README makes for macOS and Windows:
no POSIX-only call outside the few places that check for it first.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "reportgen"
POSIX_ONLY_CALLS = {
    "os.uname",  # no such function on Windows
    "os.kill",  # os.kill(pid, 0) terminates the process on Windows
    "os.fork",
    "os.killpg",
    "os.getpgid",
    "os.setsid",
    "os.getuid",
    "os.geteuid",
    "signal.SIGALRM",
    "signal.setitimer",
    "signal.SIGKILL",
    "signal.SIGHUP",
}
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "termios", "resource"}
# The places that test for the platform before the call (each says why in its code).
GUARDED = {
    ("lifeline.py", "os.kill"),  # _pid_exists_posix returns early when os.name == "nt"
    ("deadline.py", "signal.SIGALRM"),  # armed only when hasattr(signal, "SIGALRM")
    ("deadline.py", "signal.setitimer"),
}


def posix_only_uses(path: Path) -> list[tuple[str, int]]:
    """Return the POSIX-only names (module.attr or an import) used in a module, with lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = f"{node.value.id}.{node.attr}"
            if name in POSIX_ONLY_CALLS:
                found.append((name, node.lineno))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.append(node.module)
            found += [(m, node.lineno) for m in modules if m.split(".")[0] in POSIX_ONLY_MODULES]
    return found


def test_the_package_makes_no_unguarded_posix_only_call() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for name, line in posix_only_uses(path)
        if (path.name, name) not in GUARDED
    ]
    assert offending == []


def test_the_checker_finds_a_posix_only_call(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os, fcntl\nhost = os.uname().nodename\n", encoding="utf-8")
    assert posix_only_uses(module) == [("fcntl", 1), ("os.uname", 2)]


def test_the_readme_says_which_operating_systems_are_supported() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Operating systems", 1)[1].split("\n## ", 1)[0]
    for system in ("Linux", "macOS", "Windows"):
        assert system in section
    assert "tested" in section and "not enforced on\nWindows" in section
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    systems = {c for c in project["classifiers"] if c.startswith("Operating System")}
    assert systems == {
        "Operating System :: POSIX :: Linux",
        "Operating System :: MacOS",
        "Operating System :: Microsoft :: Windows",
    }
