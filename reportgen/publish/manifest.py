"""Read an output folder's manifest.json (written by the build) into typed records."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import UsageError

MANIFEST = "manifest.json"
# Slugs become file names in dist/ and lines in SHA256SUMS: no separators, no leading dot.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class PublishError(UsageError):
    """An output folder or dist folder cannot be published from or to (the message says why)."""


@dataclass(frozen=True)
class Output:
    """One built file listed in manifest.json."""

    path: Path  # absolute
    format: str
    sha256: str
    size: int  # "bytes" in the manifest
    pages: int | None
    slug: str
    title: str
    subtitle: str
    date: str
    key_messages: tuple[str, ...]
    name: str = ""  # the file name without its format: "<slug>", "<slug>.hi", "<slug>.diglot"
    language: str = ""  # BCP 47 tag of the document ("" in manifests from before languages)
    languages: tuple[str, ...] = ()  # every language it holds (two or more: a diglot)

    @property
    def summary(self) -> str:
        """Return the brief's one-line summary: its first key message, or its subtitle."""
        return self.key_messages[0] if self.key_messages else self.subtitle

    def read_verified(self) -> bytes:
        """Return the file's bytes; raise PublishError when they differ from the manifest."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise PublishError(
                f"{self.path} is listed in manifest.json but missing; rebuild the folder"
            ) from None
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise PublishError(
                f"{self.path} does not match its SHA-256 in manifest.json (a build may be"
                " running, or the file was changed by hand); rebuild the folder"
            )
        return data


def read_manifest(out_dir: Path) -> list[Output]:
    """Return the outputs listed in `out_dir`/manifest.json, in manifest order."""
    path = Path(out_dir) / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PublishError(
            f"{path} not found: build the briefs first (reportgen build ... --out {out_dir})"
        ) from None
    except (OSError, ValueError) as exc:
        raise PublishError(f"{path} cannot be read: {exc}") from None
    try:
        return [_output(Path(out_dir), item) for item in raw["outputs"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise PublishError(
            f"{path} is not a reportgen manifest ({exc!r} missing or wrong)"
        ) from None


def _output(out_dir: Path, item: dict[str, object]) -> Output:
    """Return one manifest entry as an Output, its path made absolute and checked."""
    rel = str(item["path"])
    if "/" in rel or "\\" in rel or rel.startswith(".") or "\n" in rel:
        raise ValueError(f"path {rel!r}")
    if not SAFE_NAME.match(str(item["slug"])):
        raise ValueError(f"slug {item['slug']!r}")
    pages = item.get("pages")
    messages = item.get("key_messages") or []
    fmt = str(item["format"])
    name = rel.removesuffix(f".{fmt}")
    if not SAFE_NAME.match(name):
        raise ValueError(f"path {rel!r}")
    languages = item.get("languages") or []
    return Output(
        path=(out_dir / rel).resolve(),
        format=fmt,
        sha256=str(item["sha256"]).lower(),
        size=int(item["bytes"]),  # type: ignore[call-overload]
        pages=int(pages) if isinstance(pages, int) else None,
        slug=str(item["slug"]),
        title=str(item.get("title") or item["slug"]),
        subtitle=str(item.get("subtitle") or ""),
        date=str(item.get("date") or ""),
        key_messages=tuple(str(m) for m in messages),  # type: ignore[attr-defined]
        name=name,
        language=str(item.get("language") or ""),
        languages=tuple(str(lang) for lang in languages),  # type: ignore[attr-defined]
    )
