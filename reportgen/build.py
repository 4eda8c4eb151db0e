"""The pipeline end to end: facts -> template -> document -> writers -> files.

`build_brief` renders one brief in memory (and writes it when asked); `build_folder` builds
many into an output folder: only the stale ones, in parallel worker processes, with
`manifest.json` recording what is there.

A folder build is planned before anything is written. Workers only render and hand their
bytes back; the main process stages them (`reportgen.staging`) and places them all, the
manifest last, once every brief is in and no two facts files claim one slug. Stray
temporary files of killed writes are removed first; a build that writes nothing into a
folder it created leaves no folder behind.

Staleness is decided without parsing any facts: a brief is up to date when the SHA-256 of
its facts file, the template asked for, and the hash of everything else an output depends on
(template files, theme, fonts, reportgen's own code) all match the manifest, and the SHA-256
of each of its outputs on disk is the manifest's.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import __version__
from reportgen.errors import (
    FactsError,
    OutputError,
    Problem,
    UnknownLanguage,
    UsageError,
    UserError,
)
from reportgen.fileio import remove_stray_temp_files
from reportgen.jobs.job import (
    JobResult,
    RenderJob,
    content_hash,
    dependencies_hash,
    job_id,
    sha256_bytes,
    with_reference,
)
from reportgen.jobs.job import template_files as _template_files
from reportgen.staging import StagedOutputs
from reportgen.writers import FORMATS, get_writer

if TYPE_CHECKING:
    from reportgen.facts import Facts
    from reportgen.jobs.executor import Executor

__all__ = ["build_brief", "build_folder", "content_hash", "dependencies_hash", "sha256_bytes"]

MANIFEST = "manifest.json"
FACTS_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_FORMATS: tuple[str, ...] = ("pdf", "docx")
# Seconds one brief may take to render in a folder build. A brief of the seed's size takes a
# fraction of a second and a 2,000-line annex a few; past this something is wrong with it.
DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True)
class BuiltBrief:
    """One rendered brief: its identity, the bytes of each format, and where they went."""

    slug: str
    title: str
    date: str
    template: str
    content_hash: str
    outputs: dict[str, bytes]
    pages: dict[str, int]
    paths: dict[str, Path] = field(default_factory=dict)
    subtitle: str = ""
    key_messages: tuple[str, ...] = ()
    facts_hash: str = ""  # SHA-256 of the facts bytes the brief was built from
    deps_hash: str = ""  # dependencies_hash() of its template, as used in content_hash
    warnings: tuple[str, ...] = ()  # a page budget broken (see reportgen.pagebudget)
    language: str = ""  # the document's language ("hi-IN"); a diglot's first language
    languages: tuple[str, ...] = ()  # every language it holds (two or more: a diglot)
    stem: str = ""  # base name of its files: "<slug>", "<slug>.hi", "<slug>.diglot"

    def file_name(self, fmt: str) -> str:
        """Return the name of this brief's file in format `fmt` ("x.hi.pdf")."""
        return f"{self.stem or self.slug}.{fmt}"


def output_stem(slug: str, language: str, languages: Sequence[str], diglot: bool = False) -> str:
    """Return the base name of a brief's files in one language (or of its diglot).

    The brief's first language gets `<slug>` (the name a one-language brief always had);
    every other language `<slug>.<language>` with the bare language ("hi") when that is
    unambiguous among the brief's languages, else the whole tag ("en-us"); the diglot
    `<slug>.diglot`. docs/languages.md lists these names; they are stable.
    """
    if diglot:
        return f"{slug}.diglot"
    if not languages or language == languages[0]:
        return slug
    base = language.split("-")[0].lower()
    bases = [lang.split("-")[0].lower() for lang in languages]
    return f"{slug}.{base if bases.count(base) == 1 else language.lower()}"


def diglot_order(languages: Sequence[str]) -> list[str]:
    """Return the languages in diglot order: Hindi first (as the Official Languages Rules
    have Hindi and English versions printed), then the others in the brief's order."""
    return sorted(languages, key=lambda lang: lang.split("-")[0].lower() != "hi")


@dataclass(frozen=True)
class OutputRecord:
    """One line of the manifest: an output file and what it was made from."""

    path: str
    format: str
    sha256: str
    bytes: int
    pages: int | None
    slug: str
    title: str
    subtitle: str
    date: str
    key_messages: list[str]
    facts: str
    facts_hash: str
    content_hash: str
    template: str
    reportgen_version: str = __version__
    language: str = ""  # BCP 47 tag of the document ("hi-IN"; a diglot's first language)
    languages: list[str] = field(default_factory=list)  # all it holds (2+ for a diglot)


@dataclass
class BuildReport:
    """What `build_folder` did: outputs written, briefs skipped as current, failures."""

    built: list[OutputRecord] = field(default_factory=list)
    up_to_date: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """Return 0 when every brief built (or was current), 2 when any facts were bad."""
        return 2 if self.failed else 0


# ---------------------------------------------------------------- hashing
# The content hash is computed in one place, reportgen.jobs.job; content_hash,
# dependencies_hash and sha256_bytes stay importable from here for callers that know them.


# ---------------------------------------------------------------- one brief


def _load(facts: Any) -> tuple[Any, bytes]:
    """Return (Facts, the bytes they were read from) for a Facts object, a path or bytes."""
    from reportgen.facts import load_facts, parse_facts

    if isinstance(facts, (str, os.PathLike)):
        path = Path(facts)
        if not path.is_file():
            raise UsageError(f"{path}: no such facts file")
        facts = load_facts(path)  # keeps the bytes it read: the file is read once
    elif isinstance(facts, bytes):
        return parse_facts(facts), facts
    source = getattr(facts, "source_bytes", None)
    if source is None:
        # A Facts object built in memory: its canonical JSON stands in for the file's bytes.
        source = facts.model_dump_json().encode()
    return facts, source


def theme_for(
    template: str, templates_dirs: Sequence[Path] = (), reference_docx: Path | None = None
) -> Any:
    """Return the Theme of a template: the nearest `theme.yaml`, else the house theme.

    The template's own folder comes first, then the folders of the templates it extends.
    A template's `reference_docx:` (template.yaml) lies under its theme.yaml: the theme
    file's values win. A `reference_docx` given here (--reference-docx, a schedule job's
    `reference_docx:`) is the build's own choice and lies over both. Kept per dependencies
    hash (it covers every file of the template, so an edited theme is read again) and
    reference document: a long-running worker does not look for it on every render.
    """
    deps = _with_reference(dependencies_hash(template, templates_dirs), reference_docx)
    dirs = tuple(str(d) for d in templates_dirs)
    reference = str(Path(reference_docx).resolve()) if reference_docx is not None else None
    return _theme_of(template, dirs, deps, reference)


@functools.lru_cache(maxsize=64)
def _theme_of(
    template: str, templates_dirs: tuple[str, ...], deps_hash: str, reference_docx: str | None
) -> Any:
    """Return theme_for(...) for one state of the template's files and reference (`deps_hash`)."""
    from reportgen.housedocx import apply_house_docx
    from reportgen.templating import find_template
    from reportgen.theme import default_theme

    dirs = [Path(d) for d in templates_dirs]
    info = find_template(template, dirs)
    themes = [p for p in _template_files(template, dirs) if p.name == "theme.yaml"]
    themes.sort(key=lambda p: p.parent != info.path)
    base = default_theme()
    if info.reference_docx is not None:
        base = apply_house_docx(base, house_docx(info.reference_docx))
    theme = base
    if themes:
        st = themes[0].stat()
        theme = _load_theme(themes[0], st.st_mtime_ns, st.st_size, base)
    if reference_docx is not None:
        theme = apply_house_docx(theme, house_docx(Path(reference_docx)))
    return theme


@cache
def _load_theme(path: Path, mtime_ns: int, size: int, base: Any = None) -> Any:
    """Return the theme read from `path` over `base` (cached per path, mtime, size, base)."""
    from reportgen.themefile import load_theme

    return load_theme(path, base)


def house_docx(path: Path) -> Any:
    """Return the HouseDocx of a reference .docx (cached per path, mtime and size)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise UsageError(f"{path}: reference document cannot be read: {exc.strerror}") from None
    return _read_house_docx(path.resolve(), st.st_mtime_ns, st.st_size)


@cache
def _read_house_docx(path: Path, mtime_ns: int, size: int) -> Any:
    """Return the reference document read from `path` (see house_docx)."""
    from reportgen.housedocx import read_house_docx

    return read_house_docx(path)


def _with_reference(deps_hash: str, reference_docx: Path | None) -> str:
    """Return the dependencies hash with a build's reference document counted in."""
    if reference_docx is None or not deps_hash:
        return deps_hash
    return with_reference(deps_hash, house_docx(reference_docx).digest)


def render_formats(
    doc: Any,
    formats: Sequence[str],
    theme: Any,
    *,
    docx_page_numbers: bool = False,
    room: list[tuple[str, float]] | None = None,
    attachments: Sequence[Any] = (),
) -> tuple[dict[str, bytes], dict]:
    """Return the bytes of each format and the page count of the PDF (when asked for).

    `docx_page_numbers` lays the DOCX out with LibreOffice to give its contents list page
    numbers (see reportgen.pagination; seconds per brief, and only where LibreOffice runs).
    `room`, when given, receives the pages each part of the PDF took, largest first.
    `attachments` (EmbeddedFile) go inside the PDF as associated files (the facts).
    """
    outputs: dict[str, bytes] = {}
    pages: dict[str, int] = {}
    for fmt in formats:
        if fmt == "pdf":
            from reportgen.writers.pdf import render_pdf_layout

            layout = render_pdf_layout(doc, theme, attachments)
            outputs["pdf"], pages["pdf"] = layout.data, layout.pages
            if room is not None:
                room.extend(layout.room)
        elif fmt == "docx" and docx_page_numbers:
            from reportgen.pagination import docx_with_page_numbers

            outputs["docx"] = docx_with_page_numbers(doc, theme).data
        else:
            outputs[fmt] = get_writer(fmt)(doc, theme)
    return outputs, pages


def check_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Return the formats as a tuple, or raise UsageError naming an unknown one.

    A single name ("pdf") is one format, not a sequence of letters; "all" is every format.
    """
    if isinstance(formats, str):
        formats = tuple(FORMATS) if formats.lower() == "all" else (formats.lower(),)
    result = tuple(dict.fromkeys(formats))
    for fmt in result:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if not result:
        raise UsageError("no output format asked for")
    return result


def build_brief(
    facts: Facts | str | os.PathLike[str] | bytes,
    formats: str | Sequence[str] = DEFAULT_FORMATS,
    template: str | None = None,
    templates_dirs: Sequence[Path] = (),
    *,
    sandboxed: bool = False,
    out_dir: Path | None = None,
    theme: Any = None,
    docx_page_numbers: bool = False,
    strict: bool = False,
    language: str | None = None,
    diglot: bool | str = False,
    reference_docx: Path | None = None,
    embed_facts: bool = True,
) -> BuiltBrief:
    """Return one brief rendered in each of `formats`, written into `out_dir` when given.

    `facts` is a Facts object, a path to a facts file, or the file's bytes; `formats` is
    "pdf", "docx", "all" or a sequence of names. `language` is one of the brief's
    languages (default: its first); `diglot` (True, "stacked" or "columns") makes one
    document of all its languages instead (or of the template's choice when the template
    is a diglot one). `reference_docx` is a Word document whose styles, header, footer,
    page and margins the brief takes (see reportgen.housedocx). Raises a UserError subclass
    for bad facts, an unknown template or a layout that cannot be set; with `strict`,
    PageBudgetError for a PDF outside its template's page budget (else the brief carries the
    warning). The PDF carries the facts file it was built from (reportgen.pdffacts) unless
    `embed_facts` is False or the theme says `pdf: {embed_facts: false}`; a Facts object
    made in memory has no file to carry.
    """
    from reportgen.pagebudget import PageBudgetError, budget_message
    from reportgen.pdffacts import facts_attachment
    from reportgen.templating import build_diglot, build_document, find_template

    formats = check_formats(formats)
    facts_obj, facts_bytes = _load(facts)
    template_name = template or facts_obj.meta.template
    languages = list(facts_obj.languages)
    if language is not None and language not in languages:
        raise UnknownLanguage(
            f"{facts_obj.file}: language {language!r} is not one of the brief's"
            f" languages ({', '.join(languages)})"
        )
    layout = diglot if isinstance(diglot, str) else ("stacked" if diglot else None)
    layout = layout or find_template(template_name, list(templates_dirs)).diglot
    if layout and len(languages) > 1:
        chosen = diglot_order(languages)
        doc = build_diglot(
            facts_obj, template_name, list(templates_dirs), sandboxed=sandboxed,
            languages=chosen, layout=layout,
        )  # fmt: skip
        view = facts_obj.for_language(chosen[0])
    else:
        chosen = [language or languages[0]]
        view = facts_obj.for_language(chosen[0])
        doc = build_document(view, template_name, list(templates_dirs), sandboxed=sandboxed)
    stem = output_stem(view.meta.slug, chosen[0], languages, diglot=len(chosen) > 1)
    theme = theme or theme_for(template_name, templates_dirs, reference_docx)
    room: list[tuple[str, float]] = []
    embedded = embed_facts and theme.embed_facts and facts_obj.source_bytes is not None
    attachments = (facts_attachment(view.meta.slug, facts_bytes),) if embedded else ()
    outputs, pages = render_formats(
        doc, formats, theme, docx_page_numbers=docx_page_numbers, room=room,
        attachments=attachments,
    )  # fmt: skip
    meta = view.meta
    warnings: list[str] = []
    if "pdf" in pages:
        budget = find_template(template_name, list(templates_dirs)).pages
        if budget is not None and len(chosen) > 1:  # a diglot holds the brief once per language
            budget = (budget[0] * len(chosen), budget[1] * len(chosen))
        message = budget_message(meta.slug, template_name, pages["pdf"], budget, room)
        if message and strict:
            raise PageBudgetError(f"{message} (--strict)")
        warnings += [message] if message else []
    deps_hash = _with_reference(dependencies_hash(template_name, templates_dirs), reference_docx)
    facts_hash = sha256_bytes(facts_bytes)
    brief = BuiltBrief(
        slug=meta.slug,
        title=meta.title,
        date=meta.date.isoformat(),
        template=template_name,
        # One language of several, or a diglot, is a job of its own (reportgen.jobs.job).
        content_hash=job_id(
            deps_hash,
            facts_hash,
            _language_key(chosen, languages, layout),
            None if embed_facts else {"embed_facts": False},
        ),
        outputs=outputs,
        pages=pages,
        subtitle=meta.subtitle or "",
        key_messages=tuple(str(m) for m in view.key_messages),
        facts_hash=facts_hash,
        deps_hash=deps_hash,
        warnings=tuple(warnings),
        language=chosen[0],
        languages=tuple(chosen),
        stem=stem,
    )
    if out_dir is not None:
        # Both formats are placed together or not at all.
        staged = StagedOutputs(Path(out_dir))
        staged.stage(stem, {brief.file_name(fmt): data for fmt, data in outputs.items()})
        staged.commit()
        brief.paths.update({fmt: Path(out_dir) / brief.file_name(fmt) for fmt in outputs})
    return brief


def _language_key(chosen: list[str], languages: list[str], layout: str | None) -> str | None:
    """Return what a brief's language adds to its job id: nothing for the first language."""
    if len(chosen) > 1:
        return f"diglot:{layout}:{','.join(chosen)}"
    return None if not languages or chosen[0] == languages[0] else chosen[0]


# ---------------------------------------------------------------- many briefs


def find_facts(paths: Sequence[Path]) -> list[Path]:
    """Return the facts files named by `paths`, folders expanded to their facts files."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in FACTS_SUFFIXES))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Return the manifest's entries keyed by output path; empty when absent or unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def manifest_text(entries: Iterable[dict[str, Any]]) -> str:
    """Return the text of manifest.json for `entries` (sorted by path)."""
    outputs = sorted(entries, key=lambda e: e["path"])
    data = {"reportgen_version": __version__, "outputs": outputs}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _manifest_unchanged(out_dir: Path, text: str) -> bool:
    """Return True when manifest.json already holds `text` (then it is left alone)."""
    try:
        return (out_dir / MANIFEST).read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _file_sha256(path: Path) -> str | None:
    """Return the SHA-256 of a file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def facts_key(path: str | Path) -> str:
    """Return the manifest's name for a facts file: its resolved path, with forward slashes.

    A cron job that names `facts/x.yaml` and a person who names `/srv/briefs/facts/x.yaml`
    (or `./facts/../facts/x.yaml`) build the same brief; keyed by the path as typed, each would
    rebuild the other's outputs every run. Entries written by older versions (relative paths)
    resolve against the current folder, as they were written.
    """
    if not str(path):
        return ""
    return Path(path).resolve().as_posix()


def _is_current(
    entries: list[dict[str, Any]], facts_hash: str, deps_hash: str, out_dir: Path
) -> bool:
    """Return True when a facts file's manifest entries match and its outputs are intact.

    Intact means the output's SHA-256 is the manifest's: a same-size file left by another
    version (a killed build, a copy) is not taken as current.
    """
    if not entries:
        return False
    for entry in entries:
        if entry.get("facts_hash") != facts_hash or entry.get("deps_hash") != deps_hash:
            return False
        target = out_dir / entry["path"]
        if target.is_symlink() or _file_sha256(target) != entry.get("sha256"):
            return False
    return True


@dataclass(frozen=True)
class _Job:
    """One facts file to build in a worker (picklable)."""

    facts_path: Path
    formats: tuple[str, ...]
    template: str | None
    templates_dirs: tuple[Path, ...]
    docx_page_numbers: bool = False
    strict: bool = False
    languages: tuple[str, ...] = ()  # the languages asked for (empty: all the brief's)
    diglot: str | None = None  # "stacked"/"columns": one diglot document instead
    timeout: float | None = None
    reference_docx: Path | None = None  # the house template from Word, for every brief
    embed_facts: bool = True  # False: the PDF does not carry its facts (--no-embed-facts)


@dataclass(frozen=True)
class _Rendered:
    """What a worker hands back for one brief: manifest entries and the bytes of each output."""

    entries: list[dict[str, Any]]
    outputs: dict[str, bytes]  # output path in the folder -> bytes
    warnings: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """Return the brief's slug."""
        return str(self.entries[0]["slug"])


def _entries(job: _Job, briefs: Sequence[Any]) -> _Rendered:
    """Return the manifest entries and bytes of one facts file's briefs.

    `briefs` are BuiltBriefs (rendered here) or (BriefInfo, JobResult) pairs from a queue.
    """
    entries = []
    outputs = {}
    warnings: list[str] = []
    for item in briefs:
        brief, result = item if isinstance(item, tuple) else (item, item)
        warnings.extend(result.warnings)
        for fmt, data in result.outputs.items():
            record = OutputRecord(
                path=brief.file_name(fmt),
                format=fmt,
                sha256=sha256_bytes(data),
                bytes=len(data),
                pages=result.pages.get(fmt),
                slug=brief.slug,
                title=brief.title,
                subtitle=brief.subtitle,
                date=brief.date,
                key_messages=list(brief.key_messages),
                facts=facts_key(job.facts_path),
                facts_hash=brief.facts_hash,
                content_hash=brief.content_hash,
                template=brief.template,
                language=brief.language,
                languages=list(brief.languages),
            )
            extra = {
                "deps_hash": brief.deps_hash,
                "template_asked": job.template,
                "warnings": list(result.warnings),  # repeated while the brief stays current
                "languages_asked": list(job.languages),
                "diglot_asked": job.diglot,
                "embed_facts_asked": job.embed_facts,
            }
            entries.append(asdict(record) | extra)
            outputs[record.path] = data
    return _Rendered(entries, outputs, tuple(warnings))


def only_languages(facts: Any, languages: list[str]) -> Any:
    """Return facts whose published languages are narrowed to `languages` (for a diglot)."""
    unknown = [lang for lang in languages if lang not in facts.languages]
    if unknown:
        raise UsageError(
            f"language {', '.join(unknown)} is not one of the brief's languages"
            f" ({', '.join(facts.languages)})"
        )
    narrowed = facts.model_copy()
    narrowed.meta = facts.meta.model_copy(update={"languages": list(languages)})
    return narrowed


ProgressFn = Callable[[str, Path, int, int], None]


def build_folder(
    facts_paths: Sequence[Path],
    out_dir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    template: str | None = None,
    templates_dirs: Sequence[Path] = (),
    *,
    force: bool = False,
    jobs: int | None = None,
    progress: ProgressFn | None = None,
    docx_page_numbers: bool = False,
    strict: bool = False,
    languages: Sequence[str] = (),
    diglot: bool | str = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    executor: Executor | None = None,
    reference_docx: Path | None = None,
    embed_facts: bool = True,
) -> BuildReport:
    """Build every stale brief of `facts_paths` into `out_dir`; return what happened.

    Each brief is built in each of its languages (`<slug>.pdf` for the first, `<slug>.hi.pdf`
    ...), or only in `languages`; with `diglot` (True, "stacked" or "columns") as one diglot
    document of its languages instead (`<slug>.diglot.pdf`).

    One invalid facts file does not stop the others: every valid brief is built, every
    failure is reported, and the report's exit code is 2 when anything failed. Raise
    UsageError when there are no facts files, or when two facts files make one slug (then
    nothing is written); OutputError when the manifest cannot be written (nothing placed).
    `progress` is called as progress(event, facts_path, done, total) with event "built",
    "current" or "failed". The folder's lock is held throughout (re-entrant: a caller may
    hold it already). Page budget warnings go to the report; with `strict` they fail their
    brief instead (a current brief that had one is rebuilt, and so fails).
    A brief whose render takes longer than `timeout` seconds fails
    (None or 0: no limit; POSIX only). `executor` (a reportgen.jobs QueueExecutor) renders
    on `reportgen worker`s instead of here; only this process writes into the folder.
    `reference_docx` gives every brief the styles, header, footer and page of a Word file.
    With `embed_facts` False no PDF carries its facts file (see reportgen.pdffacts).
    """
    from reportgen.folderlock import output_lock

    started = time.perf_counter()
    formats = check_formats(formats)
    files = find_facts(facts_paths)
    if not files:
        where = ", ".join(str(p) for p in facts_paths) or "."
        raise UsageError(f"{where}: no facts files here (*.yaml, *.yml, *.json); nothing to build")
    out_dir = Path(out_dir)
    created = _first_missing(out_dir)
    with output_lock(out_dir):
        try:
            dirs = tuple(map(Path, templates_dirs))
            layout = diglot if isinstance(diglot, str) else ("stacked" if diglot else None)
            plan = _Options(
                formats, template, dirs, docx_page_numbers, strict, tuple(languages), layout
            )
            plan = replace(plan, timeout=timeout or None, reference_docx=reference_docx)
            if reference_docx is not None:
                house_docx(reference_docx)  # a bad reference stops the build before it starts
            plan = replace(plan, embed_facts=embed_facts)
            report = _build_locked(files, out_dir, plan, force, jobs, progress, executor)
        finally:
            if created is not None:
                _remove_if_unused(out_dir, created)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Options:
    """What every brief of one folder build is rendered with."""

    formats: tuple[str, ...]
    template: str | None
    templates_dirs: tuple[Path, ...]
    docx_page_numbers: bool
    strict: bool = False
    languages: tuple[str, ...] = ()
    diglot: str | None = None
    timeout: float | None = None
    reference_docx: Path | None = None
    embed_facts: bool = True


def _build_locked(
    files: list[Path],
    out_dir: Path,
    options: _Options,
    force: bool,
    jobs: int | None,
    progress: ProgressFn | None,
    executor: Executor | None = None,
) -> BuildReport:
    """Return the report of building `files` into `out_dir` (its lock held)."""
    remove_stray_temp_files(out_dir)
    report = BuildReport()
    manifest = read_manifest(out_dir)
    todo, current = _plan(files, out_dir, manifest, options, force)
    report.up_to_date = len(current)
    for entries in current.values():
        report.warnings.extend(dict.fromkeys(w for e in entries for w in e.get("warnings", [])))
    if progress:
        for done, path in enumerate(current, start=1):
            progress("current", path, done, len(files))

    # Slugs already claimed: by the briefs that are current, then by each brief rendered.
    claimed: dict[str, Path] = {}
    for path, entries in current.items():
        claimed.setdefault(str(entries[0].get("slug", "")), path)
    collisions: list[str] = []
    staged = StagedOutputs(out_dir)
    new_entries: dict[str, dict[str, Any]] = {}
    from reportgen.jobs.executor import LocalExecutor

    remote = executor is not None and not isinstance(executor, LocalExecutor)
    if executor is None:
        workers = min(jobs or os.cpu_count() or 1, len(todo))
        executor = LocalExecutor(workers, options.timeout)
    results = _run_on(executor, todo, remote)
    try:
        for done, (job, result) in enumerate(results, start=report.up_to_date + 1):
            event = "failed"
            if isinstance(result, tuple):
                message, problems = result
                report.failed.append((job.facts_path, message))
                report.problems.extend(problems)
            elif result.slug in claimed:
                collisions.append(_collision(result, claimed[result.slug], job.facts_path))
                report.failed.append((job.facts_path, collisions[-1]))
            else:
                claimed[result.slug] = job.facts_path
                try:
                    staged.stage(result.slug, result.outputs)
                except OutputError as exc:
                    report.failed.append((job.facts_path, f"{exc}; {_rolled_back(result)}"))
                else:
                    new_entries.update((e["path"], e) for e in result.entries)
                    report.warnings.extend(result.warnings)
                    event = "built"
            if progress:
                progress(event, job.facts_path, done, len(files))
    except BaseException:
        # Interrupted, or the executor gave up (a broker lost for good): nothing is placed,
        # and no staged temporary file is left behind.
        staged.discard()
        raise

    if collisions:
        staged.discard()
        raise UsageError("\n".join([*collisions, "nothing was written"]))
    kept = {
        path: entry
        for path, entry in manifest.items()
        if path not in new_entries and (out_dir / path).is_file()
    }
    last: dict[str, bytes] = {}
    if manifest or new_entries:  # a run that built nothing into a new folder writes nothing
        text = manifest_text([*kept.values(), *new_entries.values()])
        if not _manifest_unchanged(out_dir, text):  # unchanged: leave it (and its mtime)
            last = {MANIFEST: text.encode("utf-8")}
    staged.commit(last)
    report.built = [_record(entry) for entry in new_entries.values()]
    return report


def _plan(
    files: list[Path],
    out_dir: Path,
    manifest: dict[str, dict[str, Any]],
    options: _Options,
    force: bool,
) -> tuple[list[_Job], dict[Path, list[dict[str, Any]]]]:
    """Return (jobs for the stale facts files, {current facts file: its manifest entries})."""
    formats, template, dirs = options.formats, options.template, options.templates_dirs
    by_facts: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest.values():
        by_facts.setdefault(facts_key(entry.get("facts", "")), []).append(entry)
    todo: list[_Job] = []
    current: dict[Path, list[dict[str, Any]]] = {}
    deps_cache: dict[str, str] = {}
    for path in files:
        entries = [
            e
            for e in by_facts.get(facts_key(path), [])
            if e.get("format") in formats
            and e.get("template_asked") == template
            and list(e.get("languages_asked") or []) == list(options.languages)
            and e.get("diglot_asked") == options.diglot
            and e.get("embed_facts_asked", True) == options.embed_facts
        ]
        # one entry per format and language: every format present, in equal numbers
        counts = {fmt: sum(e.get("format") == fmt for e in entries) for fmt in formats}
        complete = len(set(counts.values())) == 1 and min(counts.values()) > 0
        if not force and complete and path.is_file():
            name = entries[0].get("template", "")
            if name not in deps_cache:
                deps = _safe_deps_hash(name, dirs)
                deps_cache[name] = _with_reference(deps, options.reference_docx)
            facts_hash = sha256_bytes(path.read_bytes())
            warned = options.strict and any(e.get("warnings") for e in entries)
            if not warned and _is_current(entries, facts_hash, deps_cache[name], out_dir):
                current[path] = entries
                continue
        job = _Job(path, formats, template, dirs, options.docx_page_numbers, options.strict)
        todo.append(
            replace(
                job,
                languages=options.languages,
                diglot=options.diglot,
                timeout=options.timeout,
                reference_docx=options.reference_docx,
                embed_facts=options.embed_facts,
            )
        )
    return todo, current


def _collision(result: _Rendered, first: Path, second: Path) -> str:
    """Return the message for two facts files that make one slug."""
    names = ", ".join(sorted(result.outputs))
    return (
        f"{second}: slug '{result.slug}' is also the slug of {first}; both would write"
        f" {names}. Give one of them its own meta.slug"
    )


def _rolled_back(result: _Rendered) -> str:
    """Return the note that a brief whose write failed was left as it was."""
    names = " and ".join(sorted(result.outputs))
    return f"brief '{result.slug}' rolled back: {names} and its manifest entry left unchanged"


def _first_missing(folder: Path) -> Path | None:
    """Return the outermost folder of `folder`'s path that does not exist yet (None: all do)."""
    missing = None
    for path in [folder, *folder.parents]:
        if path.exists():
            break
        missing = path
    return missing


def _remove_if_unused(out_dir: Path, created: Path) -> None:
    """Remove the folders this build created (`out_dir` up to `created`) when nothing but
    the lock file is in them."""
    from reportgen.folderlock import LOCK_NAME

    try:
        names = {p.name for p in out_dir.iterdir()}
        if names <= {LOCK_NAME}:
            (out_dir / LOCK_NAME).unlink(missing_ok=True)
            out_dir.rmdir()
            for parent in out_dir.parents:
                if parent == created.parent:
                    break
                parent.rmdir()  # fails (and stops) when something else is in it
    except OSError:
        pass  # not ours to force: anything else there stays


def _safe_deps_hash(template: str, templates_dirs: Sequence[Path]) -> str:
    """Return dependencies_hash, or "" when the template is gone (so the brief rebuilds)."""
    try:
        return dependencies_hash(template, templates_dirs)
    except UserError:
        return ""


def _record(entry: dict[str, Any]) -> OutputRecord:
    """Return the OutputRecord held in a manifest entry."""
    names = OutputRecord.__dataclass_fields__
    return OutputRecord(**{k: v for k, v in entry.items() if k in names})


def _run_on(
    executor: Executor, todo: list[_Job], remote: bool = False
) -> Iterable[tuple[_Job, _Rendered | tuple[str, list[Problem]]]]:
    """Yield (job, result) for each facts file in order, its briefs rendered by `executor`.

    The facts are read here, one file at a time while the executor already renders the
    briefs of the files before (a facts error never leaves this machine), and each of the
    brief's languages asked for, or its diglot, is a render job of its own.
    """
    plans: list[list[RenderJob] | tuple[str, list[Problem]]] = []

    def render_jobs() -> Iterator[RenderJob]:
        for job in todo:
            plans.append(_plan_renders(job, remote))
            if isinstance(plans[-1], list):
                yield from plans[-1]

    results = executor.run(render_jobs())
    early: collections.deque[JobResult] = collections.deque()
    for index, job in enumerate(todo):
        while len(plans) <= index:  # the executor has not read this file yet: let it
            try:
                early.append(next(results)[1])
            except StopIteration:
                break
        plan = plans[index]
        if isinstance(plan, tuple):
            yield job, plan
            continue
        done = [early.popleft() if early else next(results)[1] for _ in plan]
        yield job, _outcome(job, done)


def _plan_renders(job: _Job, remote: bool) -> list[RenderJob] | tuple[str, list[Problem]]:
    """Return the render jobs of one facts file, or (message, problems) when it cannot be read."""
    try:
        return _render_jobs(job, remote)
    except FactsError as exc:
        return (str(exc), list(exc.problems))
    except UserError as exc:
        return (f"{job.facts_path}: {exc}", [])
    except OSError as exc:
        return (f"{job.facts_path}: {exc.strerror or exc}", [])


def _outcome(job: _Job, done: list[JobResult]) -> _Rendered | tuple[str, list[Problem]]:
    """Return the entries and bytes of one facts file's rendered briefs, or why it failed."""
    failed = next((r for r in done if not r.ok or r.brief is None), None)
    if failed is None:
        return _entries(job, [(r.brief, r) for r in done])
    if failed.error == "FactsError":
        return (failed.message, list(failed.problems))
    if failed.error == "RenderTimeout":
        return (f"{job.facts_path}: {failed.message} (set another with --timeout)", [])
    return (f"{job.facts_path}: {failed.message}", list(failed.problems))


def _render_jobs(job: _Job, remote: bool = False) -> list[RenderJob]:
    """Return the render jobs of one facts file: one per language asked for, or its diglot.

    `remote`: the jobs go to a queue's workers (which may not see a reference document).
    """
    from reportgen.facts import load_facts

    if remote and job.reference_docx is not None:
        raise UsageError(
            "--reference-docx is not rendered through a queue yet (workers may not see the"
            " file); build here, or name it in the template's template.yaml"
        )
    if not job.facts_path.is_file():
        raise UsageError("no such facts file")
    facts = load_facts(job.facts_path)  # read once; each language is a job of its own
    options: list[tuple[str, Any]] = []
    if job.docx_page_numbers:
        options.append(("docx_page_numbers", True))
    if job.strict:
        options.append(("strict", True))
    if not job.embed_facts:
        options.append(("embed_facts", False))
    if job.reference_docx is not None:
        options.append(("reference_docx", str(Path(job.reference_docx).resolve())))
    if job.diglot:
        if job.languages:
            only_languages(facts, list(job.languages))  # unknown languages: UsageError here
            options.append(("diglot_languages", ",".join(job.languages)))
        options.append(("diglot", job.diglot))
        wanted: list[str | None] = [None]
    else:
        wanted = list(job.languages) or list(facts.languages)
        unknown = [lang for lang in wanted if lang not in facts.languages]
        if unknown:
            raise UsageError(
                f"language {', '.join(map(str, unknown))} is not one of the brief's languages"
                f" ({', '.join(facts.languages)})"
            )
    first = facts.languages[0]
    return [
        RenderJob(
            facts=facts.source_bytes,
            filename=str(job.facts_path),
            template=job.template,
            formats=job.formats,
            language=None if lang == first else lang,
            options=tuple(options),
            templates_dirs=tuple(map(str, job.templates_dirs)),
        ).resolved(facts)
        for lang in wanted
    ]
