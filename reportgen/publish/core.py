"""Publish an output folder into a dist folder, so that a reader never sees it half-done.

The order of writes is what keeps the folder whole if the process is killed at any moment:

1. new dated copies (`<slug>-<date>.pdf`) and first-page thumbnails (`<slug>-<date>.png`):
   new names, nothing refers to them yet;
2. the published history (`.reportgen-publish.json`);
3. if a stable name is about to change, an interim SHA256SUMS that leaves those names out
   (so `sha256sum -c` passes while they change);
4. the stable names (`<slug>.pdf`), each replaced atomically;
5. index.html, feed.xml and SHA256SUMS, each only when its bytes differ.

Every file goes through `write_atomic`. Publishing is idempotent: a run after a killed one
finishes the job, and a run with nothing new writes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from reportgen.fileio import write_atomic
from reportgen.folderlock import output_lock
from reportgen.pagepictures import thumbnail
from reportgen.publish.checksums import render_sums
from reportgen.publish.feed import render_feed
from reportgen.publish.index_page import render_index
from reportgen.publish.manifest import Output, PublishError, read_manifest
from reportgen.publish.state import (
    DistState,
    PublishedFile,
    Thumbnail,
    Version,
    load_state,
    save_state,
)

log = logging.getLogger("reportgen.publish")

DEFAULT_TITLE = "Policy briefs"
DEFAULT_AUTHORITY = "reportgen.invalid"  # RFC 2606: a name that is nobody's, for tag: URIs
LOCK_WAIT = 600.0  # seconds to wait for a build of the output folder to finish


@dataclass(frozen=True)
class NewVersion:
    """A brief version published by this run."""

    slug: str
    title: str
    files: tuple[str, ...]  # the dated file names written


@dataclass
class PublishReport:
    """What a publish did: new versions, stable names replaced, briefs kept, files written."""

    dist: Path
    new_versions: list[NewVersion] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # stable names replaced or restored
    kept: list[str] = field(default_factory=list)  # slugs whose published version is current
    written: list[Path] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return True when this publish wrote anything."""
        return bool(self.written)

    def __str__(self) -> str:
        """Return the summary (what the CLI prints)."""
        return self.summary()

    def summary(self) -> str:
        """Return a few lines for people: what changed and what was kept."""
        if not self.changed:
            kept = len(self.kept)
            return (
                f"{self.dist}: nothing changed ({kept} brief{'' if kept == 1 else 's'} published)"
            )
        new = len(self.new_versions)
        lines = [f"{self.dist}: {new} new version{'' if new == 1 else 's'}, {len(self.kept)} kept"]
        lines += [f"  new: {v.slug} ({', '.join(v.files)})" for v in self.new_versions]
        lines += [f"  kept: {slug}" for slug in self.kept]
        return "\n".join(lines)


def publish(
    from_dir: Path,
    dist: Path,
    *,
    base_url: str | None = None,
    title: str | None = None,
    now: datetime | None = None,
) -> PublishReport:
    """Publish the outputs in `from_dir` (per its manifest.json) into `dist`; return a report.

    `base_url` makes links and ids absolute; `title` heads the index and the feed. Raise
    PublishError when the output folder is missing, unbuilt or changed under our feet.
    """
    from_dir, dist = Path(from_dir), Path(dist)
    if not from_dir.is_dir():
        raise PublishError(f"{from_dir}: output folder not found")
    if from_dir.resolve() == dist.resolve():
        raise PublishError("the dist folder must not be the output folder")
    # Hold the output folder (no build rewrites it meanwhile) and dist (one publisher at a time).
    with output_lock(from_dir, wait=LOCK_WAIT), output_lock(dist, wait=LOCK_WAIT):
        return _publish_locked(from_dir, dist, base_url, title or DEFAULT_TITLE, now)


def _publish_locked(
    from_dir: Path, dist: Path, base_url: str | None, title: str, now: datetime | None
) -> PublishReport:
    """Return the report of a publish, run while both folders are locked."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    authority = urlsplit(base_url).hostname if base_url else None
    state = load_state(dist, authority or DEFAULT_AUTHORITY, moment.date().isoformat())
    if authority:
        _adopt_authority(state, authority)
    report = PublishReport(dist=dist)

    briefs = _group(read_manifest(from_dir))
    sources: dict[str, bytes] = {}  # stable name -> bytes it must hold
    new_files: dict[str, bytes] = {}  # dated name -> bytes of a new dated copy
    for slug, outputs in briefs.items():
        data = {o.format: o.read_verified() for o in outputs}
        for o in outputs:
            sources[f"{slug}.{o.format}"] = data[o.format]
        version = _new_version(state, dist, slug, outputs, data, moment, new_files)
        if version is None:
            report.kept.append(slug)
        else:
            state.versions.append(version)
            report.new_versions.append(NewVersion(slug, version.title, _names(version)))

    thumbnails = _add_thumbnails(state, dist, new_files)  # new names too: step 1
    for name, payload in new_files.items():
        report.written.append(write_atomic(dist / name, payload))
    if report.new_versions or thumbnails:
        report.written.append(save_state(dist, state))

    stale = [name for name, payload in sources.items() if _digest_of(dist / name) != _sha(payload)]
    sums = _sum_entries(state, dist, sources)
    if stale:
        interim = [(name, digest) for name, digest in sums if name not in stale]
        _write_if_changed(dist / "SHA256SUMS", render_sums(interim), report)
        for name in sorted(stale):
            report.written.append(write_atomic(dist / name, sources[name]))
            report.updated.append(name)

    link = _linker(base_url)
    _write_if_changed(dist / "index.html", render_index(state, title, link).encode(), report)
    _write_if_changed(dist / "feed.xml", render_feed(state, title, link), report)
    if sums:  # `sha256sum -c` rejects an empty file; with nothing published there is none
        _write_if_changed(dist / "SHA256SUMS", render_sums(sums), report)
    log.info("%s", report.summary())
    return report


def _group(outputs: list[Output]) -> dict[str, list[Output]]:
    """Return the outputs grouped by publication, names sorted, formats in a fixed order.

    A publication is one brief in one language (or its diglot): `<slug>`, `<slug>.hi` ...,
    the build's file names without the format, so each language keeps its own stable name.
    """
    briefs: dict[str, list[Output]] = {}
    for output in outputs:
        briefs.setdefault(output.name or output.slug, []).append(output)
    order = {"pdf": 0, "docx": 1}
    return {
        slug: sorted(briefs[slug], key=lambda o: (order.get(o.format, 9), o.format))
        for slug in sorted(briefs)
    }


def _new_version(
    state: DistState,
    dist: Path,
    slug: str,
    outputs: list[Output],
    data: dict[str, bytes],
    moment: datetime,
    new_files: dict[str, bytes],
) -> Version | None:
    """Return the new Version of `slug` when its files differ from the latest published, else None.

    Dated names for the new files are chosen here and their bytes added to `new_files`.
    """
    fingerprint = frozenset((o.format, o.sha256) for o in outputs)
    latest = state.latest(slug)
    if latest is not None and latest.fingerprint() == fingerprint:
        return None
    taken = state.dated_names() | set(new_files)
    files = []
    for o in outputs:
        name = _dated_name(dist, o, taken)
        taken.add(name)
        if _digest_of(dist / name) != o.sha256:  # a killed run may have written it already
            new_files[name] = data[o.format]
        files.append(PublishedFile(o.format, name, o.sha256, len(data[o.format]), o.pages))
    first = outputs[0]
    version_key = hashlib.sha256("".join(sorted(o.sha256 for o in outputs)).encode()).hexdigest()
    return Version(
        id=f"tag:{state.authority},{moment.date().isoformat()}:reportgen/{slug}/{version_key[:32]}",
        slug=slug,
        title=first.title,
        subtitle=first.subtitle,
        date=first.date,
        summary=first.summary,
        key_messages=first.key_messages,
        published=moment.isoformat(),
        files=tuple(files),
        language=first.language,
        languages=first.languages if len(first.languages) > 1 else (),
    )


def _add_thumbnails(state: DistState, dist: Path, new_files: dict[str, bytes]) -> int:
    """Give the newest version of each brief a picture of its first page; return how many.

    A picture is made once per version, from its dated PDF (`<slug>-<date>.png` beside it),
    and recorded in the history, so later runs neither render nor write it again. Versions
    published before thumbnails existed get theirs on the next publish.
    """
    made = 0
    for version in state.latest_per_slug():
        pdf = version.file("pdf")
        if version.thumbnail is not None or pdf is None:
            continue
        data = new_files.get(pdf.name)
        if data is None:
            path = dist / pdf.name
            if not path.is_file():
                continue
            data = path.read_bytes()
        picture = thumbnail(data)
        name = pdf.name.removesuffix(".pdf") + ".png"
        new_files[name] = picture.png
        shown = Thumbnail(name, picture.width, picture.height, _sha(picture.png))
        index = state.versions.index(version)
        state.versions[index] = replace(version, thumbnail=shown)
        made += 1
    return made


def _dated_name(dist: Path, output: Output, taken: set[str]) -> str:
    """Return the dated file name for `output`: `<slug>-<date>.<ext>`, or `-2`, `-3`... after it.

    Another language keeps its mark after the date: `<slug>-<date>.hi.pdf`. A dated copy
    is never overwritten: when the name is taken by other bytes (a revision
    published under the same facts date), the next free suffix is used. A file on disk that
    no version records but holds these very bytes (left by a killed publish) is adopted.
    """
    stem = f"{output.slug}-{output.date}" if output.date else output.slug
    name_of = output.name or output.slug
    mark = name_of[len(output.slug) :] if name_of.startswith(output.slug) else ""
    for n in range(1, 10_000):
        suffix = f"{mark}.{output.format}"
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        on_disk = _digest_of(dist / name)
        if name not in taken and on_disk in (None, output.sha256):
            return name
    raise PublishError(f"too many versions of {output.slug} dated {output.date}")


def _names(version: Version) -> tuple[str, ...]:
    """Return the dated file names of a version."""
    return tuple(f.name for f in version.files)


def _sum_entries(state: DistState, dist: Path, sources: dict[str, bytes]) -> list[tuple[str, str]]:
    """Return (name, sha256) for every published file: dated copies present, and stable names."""
    entries = [
        (f.name, f.sha256) for v in state.versions for f in v.files if (dist / f.name).exists()
    ]
    entries += [
        (v.thumbnail.name, v.thumbnail.sha256)
        for v in state.versions
        if v.thumbnail is not None and (dist / v.thumbnail.name).exists()
    ]
    entries += [(name, _sha(payload)) for name, payload in sources.items()]
    return entries


def _write_if_changed(path: Path, payload: bytes, report: PublishReport) -> None:
    """Write `payload` to `path` atomically unless it already holds exactly those bytes."""
    if _digest_of(path) != _sha(payload):
        report.written.append(write_atomic(path, payload))


def _sha(payload: bytes) -> str:
    """Return the SHA-256 hex digest of `payload`."""
    return hashlib.sha256(payload).hexdigest()


def _digest_of(path: Path) -> str | None:
    """Return the SHA-256 hex digest of the file at `path`, or None when it does not exist."""
    try:
        return _sha(path.read_bytes())
    except FileNotFoundError:
        return None


def _adopt_authority(state: DistState, authority: str) -> None:
    """Mint ids from now on under `authority` (the host of --base-url).

    Ids already in the feed never change (RFC 4287 wants them permanent), so only versions
    published from now on carry the new authority. A feed id minted under the placeholder
    `reportgen.invalid` (a first publish without --base-url) was never anybody's name: it takes
    the real authority the first time one is given.
    """
    if state.authority == authority:
        return
    placeholder = f"tag:{DEFAULT_AUTHORITY},"
    if state.feed_id.startswith(placeholder):
        state.feed_id = f"tag:{authority}," + state.feed_id.removeprefix(placeholder)
    state.authority = authority


def _linker(base_url: str | None) -> Callable[[str], str]:
    """Return a function making a link to a dist file: relative, or under `base_url`."""
    prefix = "" if not base_url else base_url.rstrip("/") + "/"
    return lambda name: prefix + quote(name)
