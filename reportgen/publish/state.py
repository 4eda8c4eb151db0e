"""What a dist folder has published: every version of every brief, kept in one JSON file.

The feed lists every version ever published and the index shows earlier ones, so this record
only grows. It lives in the dist folder itself (`.reportgen-publish.json`), so a dist folder
copied elsewhere keeps its history.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportgen.fileio import write_text_atomic
from reportgen.publish.manifest import PublishError

STATE_NAME = ".reportgen-publish.json"
STATE_FORMAT = 1


@dataclass(frozen=True)
class PublishedFile:
    """One file of a published version: its format, dated name, checksum and size."""

    format: str
    name: str  # the dated copy's file name in dist/, never overwritten
    sha256: str
    bytes: int
    pages: int | None = None


@dataclass(frozen=True)
class Thumbnail:
    """A picture of a version's first page: its file name in dist/, size and checksum."""

    name: str
    width: int
    height: int
    sha256: str


@dataclass(frozen=True)
class Version:
    """One published version of a brief in one language (its PDF and DOCX from the same facts).

    `slug` names the publication: the brief's slug for its first language, `<slug>.hi` for
    its Hindi, `<slug>.diglot` for a diglot (the build's file names without the format).
    """

    id: str  # a stable Atom entry id (a tag: URI), fixed when first published
    slug: str
    title: str
    subtitle: str
    date: str
    summary: str
    key_messages: tuple[str, ...]
    published: str  # ISO 8601 UTC, when this version was first published
    files: tuple[PublishedFile, ...]
    thumbnail: Thumbnail | None = None  # made once, when the version is published
    language: str = ""  # BCP 47 tag ("hi-IN"); "" for versions published before languages
    languages: tuple[str, ...] = ()  # the languages a diglot holds

    def file(self, fmt: str) -> PublishedFile | None:
        """Return this version's file of format `fmt`, or None."""
        return next((f for f in self.files if f.format == fmt), None)

    def fingerprint(self) -> frozenset[tuple[str, str]]:
        """Return the (format, sha256) pairs that identify this version's content."""
        return frozenset((f.format, f.sha256) for f in self.files)


@dataclass
class DistState:
    """The published history of a dist folder."""

    feed_id: str
    authority: str  # the tag: URI authority the ids were minted under
    versions: list[Version] = field(default_factory=list)

    def latest(self, slug: str) -> Version | None:
        """Return the newest published version of `slug`, or None."""
        return next((v for v in reversed(self.versions) if v.slug == slug), None)

    def latest_per_slug(self) -> list[Version]:
        """Return the newest version of every brief ever published, newest date first."""
        latest: dict[str, Version] = {}
        for version in self.versions:
            latest[version.slug] = version
        return sorted(latest.values(), key=lambda v: (v.date, v.published, v.slug), reverse=True)

    def earlier(self, slug: str) -> list[Version]:
        """Return the versions of `slug` before its newest, newest first."""
        mine = [v for v in self.versions if v.slug == slug]
        return list(reversed(mine[:-1]))

    def dated_names(self) -> set[str]:
        """Return every dated file name this folder has published."""
        return {f.name for v in self.versions for f in v.files}


def load_state(dist: Path, authority: str, today: str) -> DistState:
    """Return the dist folder's published history, or a new empty one minted under `authority`."""
    path = Path(dist) / STATE_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DistState(
            feed_id=f"tag:{authority},{today}:reportgen/{uuid.uuid4()}", authority=authority
        )
    except (OSError, ValueError) as exc:
        raise PublishError(f"{path} cannot be read ({exc}); restore it from a backup") from None
    if raw.get("format") != STATE_FORMAT:
        raise PublishError(f"{path} has an unknown format {raw.get('format')!r}")
    versions = [
        Version(
            **{
                **v,
                "key_messages": tuple(v["key_messages"]),
                "languages": tuple(v.get("languages") or ()),
                "files": tuple(PublishedFile(**f) for f in v["files"]),
                "thumbnail": Thumbnail(**v["thumbnail"]) if v.get("thumbnail") else None,
            }
        )
        for v in raw["versions"]
    ]
    return DistState(feed_id=raw["feed_id"], authority=raw["authority"], versions=versions)


def save_state(dist: Path, state: DistState) -> Path:
    """Write the published history atomically; return its path."""
    data = {
        "format": STATE_FORMAT,
        "feed_id": state.feed_id,
        "authority": state.authority,
        "versions": [asdict(v) for v in state.versions],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return write_text_atomic(Path(dist) / STATE_NAME, text)
